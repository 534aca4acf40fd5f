package cli

import (
	"errors"
	"flag"
	"io"
	"slices"
	"testing"
)

// Every command accepts its flags before or after its positional arguments.
func TestFlagsBeforeOrAfterPositionals(t *testing.T) {
	for _, args := range [][]string{
		{"DIR", "--data", "X", "--verbose"},
		{"--data", "X", "DIR", "--verbose"},
		{"--data=X", "--verbose", "DIR"},
		{"--verbose", "DIR", "-data", "X"},
	} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		data := fs.String("data", "", "")
		verbose := fs.Bool("verbose", false, "")
		if err := parse(fs, args); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		if *data != "X" || !*verbose || !slices.Equal(fs.Args(), []string{"DIR"}) {
			t.Errorf("%v: data=%q verbose=%v args=%v", args, *data, *verbose, fs.Args())
		}
	}
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.String("data", "", "")
	if err := parse(fs, []string{"DIR", "--nosuch", "1"}); !errors.Is(err, ErrUsage) {
		t.Errorf("an unknown flag after a positional argument must still be refused as a usage error: %v", err)
	}
	fs = flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.String("data", "", "")
	if err := parse(fs, []string{"--", "--data"}); err != nil || !slices.Equal(fs.Args(), []string{"--data"}) {
		t.Errorf("after --: %v %v", err, fs.Args())
	}
}
