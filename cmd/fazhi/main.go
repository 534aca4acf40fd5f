// Command fazhi serves and administers the rule-of-law government platform.
package main

import (
	"context"
	"os"

	"github.com/fazhi/fazhi/internal/cli"
)

func main() {
	os.Exit(cli.Main(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}
