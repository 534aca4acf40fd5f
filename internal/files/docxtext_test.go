package files

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/docgen"
)

// A draft uploaded as DOCX yields its text, paragraph by paragraph, for the diff and the index.
func TestDocxText(t *testing.T) {
	data, err := (docgen.Document{Title: "青山县城市供水管理办法", Body: []docgen.Block{
		{Kind: docgen.Heading1, Text: "第一章　总则"},
		{Kind: docgen.Plain, Text: "第一条　为了加强城市供水管理，制定本办法。"},
		{Kind: docgen.Plain, Text: "第二条　本办法自2027年1月1日起施行。"},
	}}).DOCX()
	if err != nil {
		t.Fatal(err)
	}
	text, err := DocxText(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"青山县城市供水管理办法", "第一章　总则\n第一条　为了加强城市供水管理，制定本办法。\n第二条"} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q in\n%s", want, text)
		}
	}

	// Not a DOCX, a zip without a body, and a body inflating past the limit: refused, not read.
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	w, _ := zw.Create("word/document.xml")
	w.Write([]byte("<w:document><w:body><w:p><w:r><w:t>"))
	chunk := bytes.Repeat([]byte("法"), 1<<20)
	for i := 0; i < docxTextLimit/len(chunk)+1; i++ {
		w.Write(chunk)
	}
	zw.Close()
	var empty bytes.Buffer
	zw = zip.NewWriter(&empty)
	zw.Create("word/styles.xml")
	zw.Close()
	for name, b := range map[string][]byte{"text": []byte("not a zip"), "no body": empty.Bytes(), "bomb": bomb.Bytes()} {
		if _, err := DocxText(b); err != ErrNoDocxText {
			t.Errorf("%s: %v", name, err)
		}
	}
}
