package files

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
)

// docxTextLimit bounds the uncompressed word/document.xml read for text: a 送审稿 of a few
// hundred pages is a few MB of XML; a zip bomb is refused, not inflated.
const docxTextLimit = 32 << 20

// ErrNoDocxText is a file that is no readable DOCX.
var ErrNoDocxText = errors.New("无法读取该 DOCX 文件的正文")

// DocxText returns the text of a DOCX body, one line per paragraph (tabs and line breaks kept),
// so that a draft uploaded as a file can be compared and searched like a pasted one.
func DocxText(data []byte) (string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", ErrNoDocxText
	}
	var doc *zip.File
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			doc = f
			break
		}
	}
	if doc == nil || doc.UncompressedSize64 > docxTextLimit {
		return "", ErrNoDocxText
	}
	rc, err := doc.Open()
	if err != nil {
		return "", ErrNoDocxText
	}
	defer rc.Close()
	dec := xml.NewDecoder(io.LimitReader(rc, docxTextLimit))
	var out, para strings.Builder
	inText := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", ErrNoDocxText
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "t":
				inText = true
			case "tab":
				para.WriteByte('\t')
			case "br", "cr":
				para.WriteByte('\n')
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				out.WriteString(strings.TrimRight(para.String(), " \t"))
				out.WriteByte('\n')
				para.Reset()
			}
		case xml.CharData:
			if inText {
				para.Write(t)
			}
		}
	}
	return strings.TrimSpace(out.String()), nil
}
