package lawlib

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/dbtest"
	"github.com/fazhi/fazhi/internal/search"
)

// useBundle swaps the shipped archive for one holding files, for the length of the test.
func useBundle(t *testing.T, files map[string]string) {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: int64(len(files[n])), Typeflag: tar.TypeReg})
		tw.Write([]byte(files[n]))
	}
	tw.Close()
	zw.Close()
	old := bundleData
	bundleData = buf.Bytes()
	t.Cleanup(func() { bundleData = old })
}

func get(t *testing.T, h http.Handler, path string) string {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
	if w.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, w.Code, w.Body.String())
	}
	return w.Body.String()
}

// A newcomer's law library was empty until someone ran `fazhi import laws`: the shipped library
// now loads by itself, shows a notice while it loads, and loads once.
func TestLoadBundle(t *testing.T) {
	ctx := context.Background()
	useBundle(t, map[string]string{
		"行政法/甲法(2020-01-01).md":       "# 甲法\n\n<!-- INFO END -->\n\n第一条 甲法规定备案审查。\n",
		"诉讼与非诉讼程序法/乙法(2021-01-01).md": "# 乙法\n\n第一条 乙法规定诉讼程序。\n",
	})
	d := dbtest.Open(t)
	lib := New(d, search.NewIndex(d))
	app := newApp(t, d, lib)
	find := "/public/laws?title=" + url.QueryEscape("甲法")

	if body := get(t, app, find); strings.Contains(body, "甲法</a>") {
		t.Fatal("empty library lists 甲法")
	}
	// A load cut short by a stopped instance: the page says so, the next run finishes it.
	if err := lib.saveProgress(ctx, Progress{Bundle: BundleHash(), State: LoadRunning, Done: 1, Total: 2}); err != nil {
		t.Fatal(err)
	}
	if body := get(t, app, "/public/laws"); !strings.Contains(body, "法规库正在载入（已完成 1 / 2 件）") {
		t.Errorf("no loading notice:\n%s", body)
	}
	n, err := lib.LoadBundle(ctx)
	if err != nil || n != 2 {
		t.Fatalf("LoadBundle: %d, %v", n, err)
	}
	p, err := lib.LoadProgress(ctx)
	if err != nil || p.State != LoadDone || p.Done != 2 || p.Total != 2 || p.Percent() != 100 {
		t.Fatalf("progress %+v, %v", p, err)
	}
	body := get(t, app, find)
	if !strings.Contains(body, "甲法") || strings.Contains(body, "正在载入") {
		t.Errorf("after the load: no 甲法 or still loading:\n%s", body)
	}
	if hits, _, err := lib.Index().Search(ctx, "诉讼程序", search.Options{}); err != nil || len(hits) == 0 {
		t.Errorf("search after load: %v, %v", hits, err)
	}
	// Loaded once: a restart writes nothing.
	if n, err := lib.LoadBundle(ctx); err != nil || n != 0 {
		t.Errorf("second LoadBundle: %d, %v", n, err)
	}
}

// A library filled by `fazhi import laws` is left alone.
func TestLoadBundleAfterCommand(t *testing.T) {
	ctx := context.Background()
	useBundle(t, map[string]string{"行政法/甲法(2020-01-01).md": "# 甲法\n\n第一条 甲法。\n"})
	d := dbtest.Open(t)
	lib := New(d, search.NewIndex(d))
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"宪法/丙法(2020-01-01).md": "# 丙法\n\n第一条 丙法。\n"})
	if _, err := lib.Import(ctx, dir); err != nil {
		t.Fatal(err)
	}
	if n, err := lib.LoadBundle(ctx); err != nil || n != 0 {
		t.Fatalf("LoadBundle over a command-filled library: %d, %v", n, err)
	}
	if p, _ := lib.LoadProgress(ctx); p.State != "" {
		t.Errorf("progress %+v", p)
	}
}

// The shipped archive parses, follows InBundle, holds the laws a clerk cites first and, when the
// corpus is beside the repository, is up to date with it (go generate ./internal/lawlib).
func TestBundleArchive(t *testing.T) {
	laws, err := Bundle()
	if err != nil {
		t.Fatal(err)
	}
	titles := map[string]bool{}
	var names []string
	for _, l := range laws {
		titles[l.Title] = true
		names = append(names, l.Path)
		if !InBundle(l.Path) {
			t.Errorf("%s is not in the bundle rule", l.Path)
		}
	}
	for _, want := range []string{"中华人民共和国行政复议法", "中华人民共和国行政诉讼法", "中华人民共和国民事诉讼法", "中华人民共和国行政处罚法",
		"中华人民共和国政府信息公开条例", "重大行政决策程序暂行条例", "最高人民法院关于适用《中华人民共和国行政诉讼法》的解释"} {
		if !titles[want] {
			t.Errorf("bundle lacks %s", want)
		}
	}
	for _, rel := range []string{"行政法/x.md", "行政法规/x.md", "诉讼与非诉讼程序法/x.md", "司法解释/最高人民法院关于行政诉讼证据若干问题的规定.md"} {
		if !InBundle(rel) {
			t.Errorf("InBundle(%s) = false", rel)
		}
	}
	for _, rel := range []string{"宪法/x.md", "行政法/_index.md", "司法解释/最高人民法院关于适用《刑事诉讼法》的解释.md", "部门规章/公安部/x.md"} {
		if InBundle(rel) {
			t.Errorf("InBundle(%s) = true", rel)
		}
	}
	root := corpusDir(t)
	var want []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			if InBundle(filepath.ToSlash(rel)) {
				want = append(want, filepath.ToSlash(rel))
			}
		}
		return nil
	})
	slices.Sort(want)
	slices.Sort(names)
	if !slices.Equal(names, want) {
		t.Errorf("embedded/laws.tar.gz is out of date with %s (%d files, corpus %d): run go generate ./internal/lawlib", root, len(names), len(want))
	}
}
