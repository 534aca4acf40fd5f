package secure

import (
	"errors"
	"strings"
	"testing"
)

func TestCleanText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"张三", "张三"},
		{"张\u200b三", "张三"},
		{"\ufeff张三\u2060", "张三"},
		{"a\u200c\u200db", "ab"},
		{"第一行\n第二行\r\n\t缩进", "第一行\n第二行\r\n\t缩进"},
		{"Cafe\u0301", "Café"}, // NFD → NFC
	} {
		got, err := CleanText("姓名", c.in)
		if err != nil || got != c.want {
			t.Errorf("CleanText(%q) = %q, %v；应为 %q", c.in, got, err, c.want)
		}
	}
	for _, in := range []string{"张\x00三", "a\x1bb", "a\x7fb", "a\u0085b", "abc\u202egpj.exe", "x\u202ay", "x\u2066y", "x\u2069", "\xff"} {
		_, err := CleanText("姓名", in)
		var te *TextError
		if !errors.As(err, &te) || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "“姓名”") {
			t.Errorf("CleanText(%q) 应拒绝并指出字段，得到 %v", in, err)
		}
	}
}
