package cli

import (
	"bytes"
	"context"
	"os"
	"testing"
)

// Issue 10, item 6: asking for help never touches disk (it used to create ./fazhi-data).
func TestHelpDoesNotTouchDisk(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, c := range commands() {
		for _, h := range []string{"-h", "--help"} {
			var out, errOut bytes.Buffer
			code := Main(context.Background(), []string{c.name, h}, &out, &errOut)
			if entries, _ := os.ReadDir(dir); len(entries) > 0 {
				t.Fatalf("fazhi %s %s 在当前目录创建了 %s", c.name, h, entries[0].Name())
			}
			if code != 0 {
				t.Errorf("fazhi %s %s：退出码 %d，应为 0；%s", c.name, h, code, errOut.String())
			}
			if out.Len()+errOut.Len() == 0 {
				t.Errorf("fazhi %s %s 没有输出帮助", c.name, h)
			}
		}
	}
	var out bytes.Buffer
	if code := Main(context.Background(), []string{"user", "create", "-h"}, &out, &out); code != 0 || !bytes.Contains(out.Bytes(), []byte("-username")) {
		t.Errorf("fazhi user create -h：%d %s", code, out.String())
	}
}
