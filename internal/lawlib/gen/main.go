// Command gen builds internal/lawlib/embedded/laws.tar.gz, the law library that ships inside the
// binary, from the corpus (../shared/corpus/laws beside the repository):
//
//	go generate ./internal/lawlib   (or: go run ./internal/lawlib/gen [-corpus DIR] [-out FILE])
//
// Which files go in is lawlib.InBundle. The archive is deterministic (sorted names, fixed times, no
// gzip name), so regenerating an unchanged corpus changes nothing in git.
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/fazhi/fazhi/internal/lawlib"
)

func main() {
	root, err := moduleRoot()
	if err != nil {
		fail(err)
	}
	corpus := flag.String("corpus", filepath.Join(root, "..", "shared", "corpus", "laws"), "法规库目录")
	out := flag.String("out", filepath.Join(root, "internal", "lawlib", "embedded", "laws.tar.gz"), "输出文件")
	flag.Parse()

	var rels []string
	err = filepath.WalkDir(*corpus, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(*corpus, p)
		if err != nil {
			return err
		}
		if rel = filepath.ToSlash(rel); lawlib.InBundle(rel) {
			rels = append(rels, rel)
		}
		return nil
	})
	if err != nil {
		fail(err)
	}
	slices.Sort(rels)

	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	tw := tar.NewWriter(zw)
	var raw int64
	for _, rel := range rels {
		b, err := os.ReadFile(filepath.Join(*corpus, filepath.FromSlash(rel)))
		if err != nil {
			fail(err)
		}
		if _, err := lawlib.Parse(rel, b); err != nil {
			fail(err) // a file the import cannot read would fail on every first start
		}
		h := &tar.Header{Name: rel, Mode: 0o644, Size: int64(len(b)), ModTime: time.Unix(0, 0).UTC(), Typeflag: tar.TypeReg, Format: tar.FormatPAX}
		if err := tw.WriteHeader(h); err != nil {
			fail(err)
		}
		if _, err := tw.Write(b); err != nil {
			fail(err)
		}
		raw += int64(len(b))
	}
	if err := tw.Close(); err != nil {
		fail(err)
	}
	if err := zw.Close(); err != nil {
		fail(err)
	}
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		fail(err)
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		fail(err)
	}
	fmt.Printf("%s：%d 个法规文件，原文 %.1f MB，压缩后 %.1f MB\n", *out, len(rels), float64(raw)/1e6, float64(buf.Len())/1e6)
}

// moduleRoot is the directory of go.mod above the working directory (go generate runs in the package's).
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("找不到 go.mod")
		}
		dir = parent
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gen:", err)
	os.Exit(1)
}
