package normdoc

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// MaxUpload bounds an uploaded full text (.docx or .txt).
const MaxUpload = 20 << 20

// ExtractText reads the full text of an uploaded .docx or .txt file: one line per paragraph.
// .txt must be UTF-8 (a byte-order mark is dropped); GBK files are refused with a hint.
func ExtractText(filename string, data []byte) (string, error) {
	if len(data) > MaxUpload {
		return "", fmt.Errorf("文件超过 %d MB", MaxUpload>>20)
	}
	switch strings.ToLower(filepath.Ext(filename)) {
	case ".txt":
		data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
		if !utf8.Valid(data) {
			return "", errors.New("文本文件不是 UTF-8 编码，请另存为 UTF-8 后上传")
		}
		return strings.TrimSpace(strings.ReplaceAll(string(data), "\r\n", "\n")), nil
	case ".docx":
		return docxText(data)
	}
	return "", errors.New("只支持 .docx 或 .txt 文件（.doc 请先另存为 .docx）")
}

// docxText reads word/document.xml: w:t runs joined, w:tab as a tab, w:br and each w:p as a line break.
func docxText(data []byte) (string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", errors.New("不是有效的 .docx 文件")
	}
	var part *zip.File
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			part = f
		}
	}
	if part == nil {
		return "", errors.New(".docx 文件缺少正文部分")
	}
	rc, err := part.Open()
	if err != nil {
		return "", err
	}
	defer rc.Close()
	dec := xml.NewDecoder(io.LimitReader(rc, 200<<20))
	var b strings.Builder
	inText := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", errors.New(".docx 正文无法解析")
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "t":
				inText = true
			case "tab":
				b.WriteByte('\t')
			case "br", "cr":
				b.WriteByte('\n')
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				b.WriteByte('\n')
			}
		case xml.CharData:
			if inText {
				b.Write(t)
			}
		}
	}
	var lines []string
	for _, l := range strings.Split(b.String(), "\n") {
		if l = strings.TrimRight(l, " \t"); strings.TrimSpace(l) != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n"), nil
}
