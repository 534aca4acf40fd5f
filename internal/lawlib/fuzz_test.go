package lawlib

import (
	"reflect"
	"testing"
)

// FuzzParse: law files come from an outside corpus; the Markdown parser must never panic and
// must be deterministic.
func FuzzParse(f *testing.F) {
	f.Add("# 中华人民共和国行政复议法\n\n## 第一章 总则\n\n第一条 为了防止和纠正违法的或者不当的行政行为，制定本法。\n\n第二条 公民……\n")
	f.Add("---\ntitle: 某规章\n---\n# 标题\n第一百零一条 内容\n第一百零一条 重复\n")
	f.Add("第一条\n")
	f.Add("## 第五编 \n### 第一分编\n#### 第一章\n##### 第一节\n第十万条 大号\n")
	f.Add("<!-- INFO END -->\n# T\n\n第一条　全角空格\n")
	f.Add("\xff")
	f.Fuzz(func(t *testing.T, src string) {
		a, errA := Parse("法律/宪法相关法/某法(2020-01-01).md", []byte(src))
		b, errB := Parse("法律/宪法相关法/某法(2020-01-01).md", []byte(src))
		if (errA == nil) != (errB == nil) || !reflect.DeepEqual(a, b) {
			t.Fatalf("Parse is not deterministic on %q", src)
		}
	})
}
