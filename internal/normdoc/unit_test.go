package normdoc

import (
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/docgen"
)

func TestSplitArticles(t *testing.T) {
	cases := []struct {
		name, text string
		want       []string // label:num
	}{
		{"articles with chapters", "第一章 总则\n第一条 为了……\n制定本办法。\n第二条 适用范围。\n第二章 附则\n第十条之一 补充。\n第十一条　施行日期。",
			[]string{"第一条:1", "第二条:2", "第十条之一:10", "第十一条:11"}},
		{"numbered parts", "各乡镇人民政府：\n一、总体要求\n二、主要任务\n（一）加强管理\n三、保障措施",
			[]string{"序言:0", "一、:1", "二、:2", "三、:3"}},
		{"paragraphs", "第一段。\n\n第二段提到第三条的规定。", []string{"第1段:1", "第2段:2"}},
	}
	for _, tc := range cases {
		var got []string
		for _, a := range SplitArticles(tc.text) {
			got = append(got, a.Label+":"+itoa(a.Num))
		}
		if strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	arts := SplitArticles("第一条 为了……\n制定本办法。\n第二条 施行。")
	if arts[0].Text != "为了……\n制定本办法。" {
		t.Errorf("continuation lines join the article: %q", arts[0].Text)
	}
}

func TestDiffArticlesDeletedAndUnrelated(t *testing.T) {
	old := "第一条 甲乙丙丁戊己庚辛。\n第二条 完全无关的旧规定内容。\n第三条 子丑寅卯辰巳午未。"
	new := "第一条 甲乙丙丁戊己庚辛。\n第二条 子丑寅卯辰巳午未。\n第三条 新增加的另一项全新制度。"
	ch, sum := DiffArticles(old, new)
	var ops []string
	for _, c := range ch {
		ops = append(ops, string(c.Op))
	}
	if strings.Join(ops, ",") != "same,deleted,same,added" || sum != (DiffSummary{Same: 2, Added: 1, Deleted: 1}) {
		t.Errorf("ops %v summary %+v", ops, sum)
	}
	if _, s := DiffArticles(old, old); s != (DiffSummary{Same: 3}) {
		t.Errorf("identical texts %+v", s)
	}
}

func TestDates(t *testing.T) {
	for _, tc := range []struct {
		eff   string
		years int
		exp   string
	}{{"2025-03-01", 5, "2030-02-28"}, {"2025-01-01", 2, "2026-12-31"}, {"2024-02-29", 1, "2025-02-27"}, {"2025-10-26", 5, "2030-10-25"}} {
		if got := ExpiryOf(date(tc.eff), tc.years); got.String() != tc.exp {
			t.Errorf("ExpiryOf(%s, %d) = %s, want %s", tc.eff, tc.years, got, tc.exp)
		}
	}
	for _, tc := range []struct{ exp, warn string }{{"2030-08-31", "2030-02-28"}, {"2028-08-31", "2028-02-29"}, {"2027-01-31", "2026-07-31"}} {
		if got := WarnOf(date(tc.exp), 6); got.String() != tc.warn {
			t.Errorf("WarnOf(%s) = %s, want %s", tc.exp, got, tc.warn)
		}
	}
	if !IsProvisional("某某管理暂行办法") || !IsProvisional("试行规定") || IsProvisional("管理办法") {
		t.Error("IsProvisional")
	}
	if y, n, ok := ParseNumber("青政规〔2021〕13号"); !ok || y != 2021 || n != 13 {
		t.Errorf("ParseNumber %d %d %v", y, n, ok)
	}
}

func TestExtractText(t *testing.T) {
	doc := docgen.Document{Title: "青山县停车管理办法", Body: docgen.Paragraphs("第一条 为了规范停车。\n第二条 本办法自公布之日起施行。")}
	data, err := doc.DOCX()
	if err != nil {
		t.Fatal(err)
	}
	text, err := ExtractText("办法.DOCX", data)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "青山县停车管理办法") || !strings.Contains(text, "第一条 为了规范停车。\n第二条 本办法自公布之日起施行。") {
		t.Errorf("docx text %q", text)
	}
	if got, err := ExtractText("a.txt", []byte("\xef\xbb\xbf第一条 内容\r\n第二条")); err != nil || got != "第一条 内容\n第二条" {
		t.Errorf("txt %q %v", got, err)
	}
	for _, tc := range []struct{ name, data string }{{"gbk.txt", "\xb5\xda\xd2\xbb"}, {"a.doc", "x"}, {"bad.docx", "not a zip"}} {
		if _, err := ExtractText(tc.name, []byte(tc.data)); err == nil {
			t.Errorf("%s must be refused", tc.name)
		}
	}
}
