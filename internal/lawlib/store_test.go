package lawlib

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/dbtest"
	"github.com/fazhi/fazhi/internal/search"
)

func TestRepeals(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"closing clause", "# 契税法\n\n<!-- INFO END -->\n\n第十七条 本法自2021年9月1日起施行。1997年7月7日国务院发布的《中华人民共和国契税暂行条例》同时废止。",
			[]string{"中华人民共和国契税暂行条例"}},
		{"several, with document numbers", "第三十条 本解释施行后，《甲规定》（法释〔2015〕1号）、《乙规定》和《丙办法》同时废止；之前的规定与本解释不一致的，以本解释为准。",
			[]string{"甲规定", "乙规定", "丙办法"}},
		{"予以废止", "第五条 《丁办法》予以废止。", []string{"丁办法"}},
		{"titles after the verb are not repealed", "第五条 《戊办法》同时废止，依照《己法》处理。", []string{"戊办法"}},
		{"amendment is not repeal", "第一条 将《庚法》第三条修改为：……", nil},
		{"history lines above the marker ignored", "# 辛条例\n\n2011年1月8日《国务院关于废止和修改部分行政法规的决定》第一次修订\n\n<!-- INFO END -->\n\n第一条 正文。", nil},
		{"own title ignored", "# 壬法\n\n<!-- INFO END -->\n\n第九条 《壬法》同时废止。", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			law, err := Parse("x/t.md", []byte(tt.text))
			if err != nil {
				t.Fatal(err)
			}
			if got := Repeals(law); !slices.Equal(got, tt.want) {
				t.Errorf("Repeals = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestComputeStatus(t *testing.T) {
	es := []*entry{
		{id: "a1", path: "a/甲法(2017).md", title: "甲法", key: "甲法", version: "2017-09-01"},
		{id: "a2", path: "a/甲法(2023).md", title: "甲法", key: "甲法", version: "2023-09-01"},
		{id: "c1", path: "a/乙法.md", title: "乙法", key: "乙法", version: "2020-01-01"},
		{id: "c2", path: "b/乙法.md", title: "乙法", key: "乙法", version: "2020-01-01"}, // same version in two folders
		{id: "d1", path: "a/丙条例.md", title: "中华人民共和国丙条例", key: "中华人民共和国丙条例", version: "2010-01-01"},
		{id: "d0", path: "a/丙条例0.md", title: "中华人民共和国丙条例", key: "中华人民共和国丙条例", version: "2005-01-01"},
		{id: "r1", path: "a/丁法.md", title: "丁法", key: "丁法", version: "2015-01-01", repeals: []string{"丙条例", "戊法", "甲法"}},
		{id: "e1", path: "a/戊法.md", title: "戊法", key: "戊法", version: "2016-01-01"},   // dated after its repealer: a new law
		{id: "u1", path: "a/己法.md", title: "己法", key: "己法"},                          // undated
		{id: "r0", path: "a/庚法.md", title: "庚法", key: "庚法", repeals: []string{"辛法"}}, // undated repealer
		{id: "h1", path: "a/辛法.md", title: "辛法", key: "辛法", version: "2000-01-01"},
	}
	computeStatus(es)
	want := map[string][2]string{
		"a1": {StatusSuperseded, ""}, "a2": {StatusInForce, ""}, // 甲法 2023 is after 丁法 (2015)
		"c1": {StatusInForce, ""}, "c2": {StatusInForce, ""},
		"d1": {StatusRepealed, "r1"}, "d0": {StatusSuperseded, ""},
		"r1": {StatusInForce, ""}, "e1": {StatusInForce, ""}, "u1": {StatusInForce, ""},
		"r0": {StatusInForce, ""}, "h1": {StatusInForce, ""},
	}
	for _, e := range es {
		if got := [2]string{e.status, e.repealedBy}; got != want[e.id] {
			t.Errorf("%s: %q, want %q", e.id, got, want[e.id])
		}
	}
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestImportChanges(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t)
	ix := search.NewIndex(d)
	lib := New(d, ix)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"行政法/_index.md":          "---\ntitle: 行政法\n---\n",
		"行政法/甲法(2020-01-01).md":  "# 甲法\n\n<!-- INFO END -->\n\n## 第一章 总则\n\n第一条 甲法的原始条文。\n\n第二条 第二条的内容。\n",
		"行政法/甲法(2023-01-01).md":  "# 甲法\n\n<!-- INFO END -->\n\n## 第一章 总则\n\n第一条 甲法修订后的条文。\n\n第二条 第二条的内容。\n",
		"行政法/乙条例(2010-01-01).md": "# 乙条例\n\n第一条 乙条例规定备案。\n",
		"行政法/丙法(2024-01-01).md":  "# 丙法\n\n第一条 丙法规定备案。\n\n第九条 本法自2024年1月1日起施行。《乙条例》同时废止。\n",
	})
	check := func(step string, st ImportStats, added, updated, unchanged int) {
		t.Helper()
		if st.Added != added || st.Updated != updated || st.Unchanged != unchanged {
			t.Errorf("%s: %+v, want added %d updated %d unchanged %d", step, st, added, updated, unchanged)
		}
	}
	status := func(path string) string {
		t.Helper()
		rec, _, err := lib.Law(ctx, LawID(path))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return rec.Status
	}
	found := func(q string, o search.Options) []string {
		t.Helper()
		hits, _, err := ix.Search(ctx, q, o)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, h := range hits {
			out = append(out, h.Title+" "+h.Date)
		}
		return out
	}

	st, err := lib.Import(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	check("first import", st, 4, 0, 0)
	if st.Files != 4 || st.Articles != 7 {
		t.Errorf("files %d, articles %d", st.Files, st.Articles)
	}
	for path, want := range map[string]string{
		"行政法/甲法(2020-01-01).md": StatusSuperseded, "行政法/甲法(2023-01-01).md": StatusInForce,
		"行政法/乙条例(2010-01-01).md": StatusRepealed, "行政法/丙法(2024-01-01).md": StatusInForce,
	} {
		if got := status(path); got != want {
			t.Errorf("%s: %s, want %s", path, got, want)
		}
	}
	if got := found("备案", search.Options{}); !slices.Equal(got, []string{"丙法 2024-01-01", "乙条例 2010-01-01"}) {
		t.Errorf("备案 = %q", got)
	}

	st, _ = lib.Import(ctx, dir)
	check("unchanged", st, 0, 0, 4)

	// A corrected text is replaced, articles and index included.
	writeFiles(t, dir, map[string]string{"行政法/甲法(2023-01-01).md": "# 甲法\n\n第一条 甲法更正后的条文。\n\n第二条 第二条的内容。\n\n第三条 新增的第三条。\n"})
	st, _ = lib.Import(ctx, dir)
	check("changed text", st, 0, 1, 3)
	_, arts, _ := lib.Law(ctx, LawID("行政法/甲法(2023-01-01).md"))
	if len(arts) != 3 || arts[0].Text != "甲法更正后的条文。" || arts[0].Chapter != "" {
		t.Errorf("articles after change: %+v", arts)
	}
	if got := found("修订后", search.Options{}); len(got) != 0 {
		t.Errorf("old text still indexed: %q", got)
	}

	// A new version: the previous one becomes 已修订 (a status-only update) and leaves the in-force results.
	writeFiles(t, dir, map[string]string{"行政法/甲法(2024-06-01).md": "# 甲法\n\n第一条 甲法二〇二四年的条文。\n"})
	st, _ = lib.Import(ctx, dir)
	check("new version", st, 1, 1, 3)
	if status("行政法/甲法(2023-01-01).md") != StatusSuperseded || status("行政法/甲法(2024-06-01).md") != StatusInForce {
		t.Error("statuses after a new version")
	}
	if got := found("甲法 条文", search.Options{Status: StatusInForce}); !slices.Equal(got, []string{"甲法 2024-06-01"}) {
		t.Errorf("in force = %q", got)
	}
	if got := found("甲法 条文", search.Options{}); len(got) != 3 || got[0] != "甲法 2024-06-01" {
		t.Errorf("all versions = %q (in force first)", got)
	}

	// Another folder with a newer 乙条例, dated after the repeal: a new law of the same name. The stored
	// 2010 version (not in this folder) changes from 废止 to 已修订.
	other := t.TempDir()
	writeFiles(t, other, map[string]string{
		"行政法/乙条例(2025-01-01).md": "# 乙条例\n\n第一条 新的乙条例。\n",
		"行政法/坏文件.md":             "# \xff\xfe",
	})
	st, err = lib.Import(ctx, other)
	if err == nil || !strings.Contains(err.Error(), "坏文件.md") || st.Failed != 1 {
		t.Errorf("bad file: %+v, %v", st, err)
	}
	check("other folder", st, 1, 1, 0)
	if status("行政法/乙条例(2010-01-01).md") != StatusSuperseded || status("行政法/乙条例(2025-01-01).md") != StatusInForce {
		t.Error("statuses after the other folder")
	}
	if got := found("乙条例", search.Options{Status: StatusRepealed}); len(got) != 0 {
		t.Errorf("废止 still indexed: %q", got)
	}
	vs, _ := lib.Versions(ctx, "乙条例")
	if len(vs) != 2 || vs[0].Status != StatusSuperseded || vs[1].Version != "2025-01-01" {
		t.Errorf("versions = %+v", vs)
	}
	var audits int
	d.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'import' AND object_type = 'law'`).Scan(&audits)
	if audits != 4 {
		t.Errorf("audit entries = %d, want one per import that wrote (4)", audits)
	}

	if _, err := lib.Import(ctx, filepath.Join(dir, "none")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("import of a missing folder: %v, want fs.ErrNotExist", err)
	}
}

func TestArticleURL(t *testing.T) {
	if got := ArticleURL("L1", 30); got != "/public/laws/L1#a30" {
		t.Errorf("ArticleURL = %s", got)
	}
	if got := (Article{Seq: 120, Sub: 1}).Anchor(); got != "a120-1" {
		t.Errorf("Anchor = %s", got)
	}
	if LawID("a/b.md") != LawID("a/b.md") || LawID("a/b.md") == LawID("a/c.md") || len(LawID("x")) != 17 {
		t.Error("LawID is not a stable short hash")
	}
}
