package officialdoc_test

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/officialdoc"
)

// documentText is the text of word/document.xml, one line per paragraph.
func documentText(t *testing.T, data []byte) (xml, text string) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range zr.File {
		if zf.Name == "word/document.xml" {
			rc, _ := zf.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			xml = string(b)
		}
	}
	paras := regexp.MustCompile(`<w:p[ >].*?</w:p>`).FindAllString(xml, -1)
	tags := regexp.MustCompile(`<w:br/>`)
	strip := regexp.MustCompile(`<[^>]+>`)
	var lines []string
	for _, p := range paras {
		if s := strip.ReplaceAllString(tags.ReplaceAllString(p, "\n"), ""); strings.TrimSpace(s) != "" {
			lines = append(lines, s)
		}
	}
	return xml, strings.Join(lines, "\n") + "\n"
}

// TestReceiptGolden: the 送达回证's text, field by field, against testdata/receipt.golden
// (FAZHI_UPDATE_GOLDEN=1 rewrites it; FAZHI_RENDER=1 writes the DOCX to the temp folder).
func TestReceiptGolden(t *testing.T) {
	d, _ := calendar.ParseDate("2026-03-09")
	data, err := officialdoc.ReceiptDocument(officialdoc.Receipt{Organ: "青山县人民政府", Seal: "青山县人民政府", Document: "行政复议受理通知书",
		Number: "青政复受〔2026〕3号", Recipient: "张三（申请人）", Address: "青山县城关镇人民路1号", Date: d}).DOCX()
	if err != nil {
		t.Fatal(err)
	}
	xml, got := documentText(t, data)
	path := filepath.Join("testdata", "receipt.golden")
	if os.Getenv("FAZHI_UPDATE_GOLDEN") == "1" {
		os.WriteFile(path, []byte(got), 0o644)
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (FAZHI_UPDATE_GOLDEN=1 writes it)", err)
	}
	if got != string(want) {
		t.Errorf("送达回证 text differs from %s:\n%s", path, got)
	}
	for _, w := range []string{"送达文书名称及文号：行政复议受理通知书（青政复受〔2026〕3号）", "受送达人：张三（申请人）", "送达地点：青山县城关镇人民路1号",
		"送达方式：□直接送达　□留置送达", "送达人（签名）", "受送达人（签名或者盖章）", "代收人（签名或者盖章）", "代收理由", "留置送达（受送达人拒绝签收）", "见证人", "备注：", "第八十七条至第八十九条", "2026年3月9日"} {
		if !strings.Contains(got, w) {
			t.Errorf("回证 lacks %q", w)
		}
	}
	if !strings.Contains(xml, `<w:pgSz w:w="11906" w:h="16838"/>`) {
		t.Error("not an A4 GB/T 9704 page")
	}
	// No address on record: a line to fill in, not an empty field.
	data, _ = officialdoc.ReceiptDocument(officialdoc.Receipt{Organ: "青山县人民政府", Document: "补正通知书", Recipient: "李四", Date: d}).DOCX()
	if _, txt := documentText(t, data); !strings.Contains(txt, "送达地点：　　") || strings.Contains(txt, "补正通知书（") {
		t.Errorf("blank address or number: %s", txt)
	}
	if os.Getenv("FAZHI_RENDER") == "1" {
		os.WriteFile(filepath.Join(os.TempDir(), "service-receipt.docx"), data, 0o644)
	}
}
