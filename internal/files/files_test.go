package files

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/dbtest"
	"github.com/fazhi/fazhi/internal/web"
)

func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func contentTypes(main string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Override PartName="/main.xml" ContentType="` + main + `"/></Types>`
}

func docx(t *testing.T) []byte {
	return zipOf(t, map[string]string{"[Content_Types].xml": contentTypes(mimeDOCX + ".main+xml"), "word/document.xml": "<w:document/>"})
}

func xlsx(t *testing.T) []byte {
	return zipOf(t, map[string]string{"[Content_Types].xml": contentTypes(mimeXLSX + ".main+xml"), "xl/workbook.xml": "<workbook/>"})
}

var (
	pdfBytes = []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	pngBytes = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 32)...)
	exeBytes = append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 64)...)
)

type fixture struct {
	d   *db.DB
	svc *Service
	dir string
	ctx context.Context
}

func newFixture(t *testing.T, maxSize int64) fixture {
	t.Helper()
	d := dbtest.Open(t)
	dir := t.TempDir()
	svc := New(d, NewDiskStore(dir), maxSize)
	svc.TempDir = t.TempDir()
	ctx := audit.WithActor(context.Background(), audit.Actor{UserID: "U-1", Username: "qs_fy", OrganID: "O-1", IP: "10.0.0.1"})
	return fixture{d: d, svc: svc, dir: dir, ctx: ctx}
}

func (f fixture) save(owner Owner, name, label string, body []byte) (Attachment, error) {
	var a Attachment
	err := f.d.Tx(f.ctx, func(tx *db.Tx) error {
		var err error
		a, err = f.svc.Save(f.ctx, tx, owner, name, label, bytes.NewReader(body))
		return err
	})
	return a, err
}

func (f fixture) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := f.d.QueryRowContext(f.ctx, q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

var caseOwner = Owner{Type: "reconsider_case", ID: "CASE-1", OrganID: "O-1"}

func TestSaveListGetOpen(t *testing.T) {
	f := newFixture(t, 20<<20)
	body := docx(t)
	a, err := f.save(caseOwner, "行政复议申请书.docx", " 申请书\n", body)
	if err != nil {
		t.Fatalf("%s: Save: %v", dbtest.Engine(), err)
	}
	want := Attachment{ID: a.ID, OwnerType: "reconsider_case", OwnerID: "CASE-1", OrganID: "O-1", SHA256: sha(body),
		Filename: "行政复议申请书.docx", ContentType: mimeDOCX, Label: "申请书", UploadedBy: "U-1", CreatedAt: a.CreatedAt, Size: int64(len(body))}
	if a != want || a.ID == "" || a.CreatedAt == "" {
		t.Fatalf("Save = %+v\nwant %+v", a, want)
	}
	list, err := f.svc.List(f.ctx, f.d, "reconsider_case", "CASE-1")
	if err != nil || len(list) != 1 || list[0] != want {
		t.Fatalf("List = %+v, %v", list, err)
	}
	if other, err := f.svc.List(f.ctx, f.d, "reconsider_case", "CASE-2"); err != nil || len(other) != 0 {
		t.Fatalf("List of another owner = %+v, %v", other, err)
	}
	got, err := f.svc.Get(f.ctx, a.ID)
	if err != nil || got != want {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	if _, err := f.svc.Get(f.ctx, "NOPE"); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("Get missing: %v, want ErrNotFound", err)
	}
	rc, err := f.svc.Open(f.ctx, got)
	if err != nil {
		t.Fatal(err)
	}
	content, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(content, body) {
		t.Fatal("Open returned other bytes")
	}
	h := sha(body)
	if _, err := os.Stat(filepath.Join(f.dir, h[:2], h[2:4], h)); err != nil {
		t.Fatalf("blob not at dir/ab/cd/sha: %v", err)
	}
	if n := f.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'attach' AND object_type = 'reconsider_case' AND object_id = 'CASE-1' AND user_id = 'U-1'`); n != 1 {
		t.Fatalf("audit entries = %d, want 1", n)
	}
}

func TestAcceptedKinds(t *testing.T) {
	f := newFixture(t, 1<<20)
	tests := []struct {
		name string
		body []byte
		ct   string
	}{
		{"决定书.pdf", pdfBytes, "application/pdf"},
		{"台账.XLSX", xlsx(t), mimeXLSX},
		{"证据.png", pngBytes, "image/png"},
		{"说明.txt", []byte("\ufeff申请人：张三\n"), "text/plain; charset=utf-8"},
		{"电子公文.ofd", zipOf(t, map[string]string{"OFD.xml": "<ofd:OFD/>", "Doc_0/Document.xml": "<x/>"}), "application/ofd"},
		{"扫描件.tif", append([]byte("II*\x00"), make([]byte, 16)...), "image/tiff"},
		{"旧版.doc", append([]byte{0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1}, make([]byte, 64)...), "application/msword"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := f.save(caseOwner, tt.name, "", tt.body)
			if err != nil {
				t.Fatalf("Save: %v", err)
			}
			if a.ContentType != tt.ct {
				t.Fatalf("content type %q, want %q", a.ContentType, tt.ct)
			}
		})
	}
}

func TestRejected(t *testing.T) {
	f := newFixture(t, 1<<10)
	big := bytes.Repeat([]byte("法"), 342) // 1026 bytes of valid UTF-8
	tests := []struct {
		name, file string
		body       []byte
		msg        string
	}{
		{"size limit", "长文.txt", big, "文件超过 1 KB 上限"},
		{"zip named pdf", "决定书.pdf", zipOf(t, map[string]string{"a.txt": "x"}), "文件类型与扩展名不符"},
		{"xlsx named docx", "申请书.docx", xlsx(t), "文件类型与扩展名不符"},
		{"plain zip named docx", "申请书.docx", zipOf(t, map[string]string{"word/document.xml": "x"}), "文件类型与扩展名不符"},
		{"pdf named png", "照片.png", pdfBytes, "文件类型与扩展名不符"},
		{"executable by name", "工具.exe", exeBytes, "不支持的文件类型：.exe"},
		{"double extension", "合同.pdf.exe", exeBytes, "不支持的文件类型：.exe"},
		{"executable named pdf", "合同.pdf", exeBytes, "不支持的文件类型：可执行程序"},
		{"elf named txt", "说明.txt", []byte("\x7fELF\x02\x01\x01"), "不支持的文件类型：可执行程序"},
		{"script named txt", "说明.txt", []byte("#!/bin/sh\nrm -rf /\n"), "不支持的文件类型：可执行程序"},
		{"gbk text", "说明.txt", []byte{0xc9, 0xea, 0xc7, 0xeb, 0xc8, 0xcb}, "文本文件须为 UTF-8 编码（可在记事本“另存为”中选择 UTF-8）"},
		{"binary text", "说明.txt", []byte("abc\x00def"), "文件类型与扩展名不符"},
		{"no extension", "../../etc/passwd", []byte("root:x:0:0"), "无法识别文件类型：文件名缺少扩展名"},
		{"empty name", "../..", pdfBytes, "文件名不能为空"},
		{"empty file", "空.pdf", nil, "文件为空"},
		{"html", "页面.html", []byte("<html><script>alert(1)</script>"), "不支持的文件类型：.html"},
		{"svg", "图.svg", []byte("<svg onload=alert(1)>"), "不支持的文件类型：.svg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.save(caseOwner, tt.file, "", tt.body)
			if err == nil || err.Error() != tt.msg {
				t.Fatalf("error %v, want %q", err, tt.msg)
			}
			if !IsRejected(err) || web.Status(err) != http.StatusUnprocessableEntity {
				t.Fatalf("error %v: rejected=%v status=%d, want a 422 rejection", err, IsRejected(err), web.Status(err))
			}
		})
	}
	if n := f.count(t, `SELECT COUNT(*) FROM attachments`); n != 0 {
		t.Fatalf("%d attachment rows after rejections", n)
	}
	if n := f.count(t, `SELECT COUNT(*) FROM blobs`); n != 0 {
		t.Fatalf("%d blob rows after rejections", n)
	}
	entries, _ := os.ReadDir(f.dir)
	if len(entries) != 0 {
		t.Fatalf("blob store not empty after rejections: %v", entries)
	}
}

func TestSizeLabel(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{{20 << 20, "20 MB"}, {1 << 10, "1 KB"}, {1536 << 10, "1.5 MB"}, {1000, "1000 字节"}}
	for _, tt := range tests {
		if got := sizeLabel(tt.n); got != tt.want {
			t.Errorf("sizeLabel(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
	f := newFixture(t, 20<<20)
	_, err := f.svc.Stage(f.ctx, "大文件.pdf", io.MultiReader(bytes.NewReader(pdfBytes), io.LimitReader(zeros{}, 20<<20)))
	if err == nil || err.Error() != "文件超过 20 MB 上限" || !IsRejected(err) {
		t.Fatalf("21 MB upload: %v, want a rejection", err)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func TestIdempotentBlob(t *testing.T) {
	f := newFixture(t, 1<<20)
	a1, err1 := f.save(caseOwner, "决定书.pdf", "", pdfBytes)
	a2, err2 := f.save(Owner{Type: "review", ID: "R-9"}, "副本.pdf", "", pdfBytes)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if a1.ID == a2.ID || a1.SHA256 != a2.SHA256 {
		t.Fatalf("two saves: %+v %+v", a1, a2)
	}
	if n := f.count(t, `SELECT COUNT(*) FROM attachments WHERE sha256 = ?`, a1.SHA256); n != 2 {
		t.Fatalf("attachment rows = %d, want 2", n)
	}
	if n := f.count(t, `SELECT COUNT(*) FROM blobs`); n != 1 {
		t.Fatalf("blob rows = %d, want 1", n)
	}
	h := a1.SHA256
	files, _ := os.ReadDir(filepath.Join(f.dir, h[:2], h[2:4]))
	if len(files) != 1 {
		t.Fatalf("blob dir holds %d files, want 1 (no temp files left)", len(files))
	}
	// Put of an existing hash is a no-op even with a reader that fails.
	if err := f.svc.Store().Put(f.ctx, h, errReader{}); err != nil {
		t.Fatalf("second Put: %v", err)
	}
}

type errReader struct{}

var errBoom = errors.New("boom")

func (errReader) Read([]byte) (int, error) { return 0, errBoom }

func TestDiskStore(t *testing.T) {
	ctx := context.Background()
	s := NewDiskStore(t.TempDir())
	body := []byte("内容")
	h := sha(body)
	if ok, err := s.Exists(ctx, h); ok || err != nil {
		t.Fatalf("Exists before Put = %v, %v", ok, err)
	}
	if _, err := s.Open(ctx, h); !errors.Is(err, ErrBlobMissing) {
		t.Fatalf("Open before Put: %v", err)
	}
	if err := s.Put(ctx, sha([]byte("其他")), bytes.NewReader(body)); err == nil || !strings.Contains(err.Error(), "附件内容与校验值不符") {
		t.Fatalf("Put with a wrong hash: %v", err)
	}
	if ok, _ := s.Exists(ctx, sha([]byte("其他"))); ok {
		t.Fatal("a blob with a wrong hash was kept")
	}
	if err := s.Put(ctx, h, errReader{}); !errors.Is(err, errBoom) {
		t.Fatalf("Put with a failing reader: %v, want the reader's error", err)
	}
	if err := s.Put(ctx, h, bytes.NewReader(body)); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.Exists(ctx, h); !ok || err != nil {
		t.Fatalf("Exists after Put = %v, %v", ok, err)
	}
	left, _ := os.ReadDir(filepath.Join(s.Dir(), h[:2], h[2:4]))
	if len(left) != 1 {
		t.Fatalf("%d files beside the blob, want only the blob", len(left))
	}
	for _, bad := range []string{"../../../../etc/passwd", strings.ToUpper(h), h[:63], h + "0", "../" + h[3:]} {
		// Refused as an invalid name, before any path is built from it.
		if err := s.Put(ctx, bad, bytes.NewReader(body)); err == nil || !strings.Contains(err.Error(), "附件校验值无效") {
			t.Errorf("Put(%q): %v", bad, err)
		}
		if _, err := s.Open(ctx, bad); err == nil || !strings.Contains(err.Error(), "附件校验值无效") {
			t.Errorf("Open(%q): %v", bad, err)
		}
	}
}

func TestRollbackLeavesNoRow(t *testing.T) {
	f := newFixture(t, 1<<20)
	boom := errors.New("后续步骤失败")
	err := f.d.Tx(f.ctx, func(tx *db.Tx) error {
		if _, err := f.svc.Save(f.ctx, tx, caseOwner, "决定书.pdf", "决定书", bytes.NewReader(pdfBytes)); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Tx = %v, want the failure", err)
	}
	for _, q := range []string{`SELECT COUNT(*) FROM attachments`, `SELECT COUNT(*) FROM blobs`, `SELECT COUNT(*) FROM audit_log WHERE action = 'attach'`} {
		if n := f.count(t, q); n != 0 {
			t.Errorf("%s = %d after rollback", q, n)
		}
	}
	// The blob may stay on disk unreferenced; saving again afterwards works.
	if _, err := f.save(caseOwner, "决定书.pdf", "决定书", pdfBytes); err != nil {
		t.Fatalf("Save after rollback: %v", err)
	}
}

func TestSafeFilename(t *testing.T) {
	long := strings.Repeat("复", 300)
	tests := []struct{ in, want string }{
		{"行政复议申请书.docx", "行政复议申请书.docx"},
		{"../../etc/passwd", "passwd"},
		{`..\..\Windows\System32\合同.pdf`, "合同.pdf"},
		{"/tmp/证据/照片.JPG", "照片.JPG"},
		{"a\x00b\r\n.pdf", "ab.pdf"},
		{"report\u202efdp.exe", "reportfdp.exe"},
		{`a<b>:c"d|e?f*.pdf`, "a_b__c_d_e_f_.pdf"},
		{"  报告 .pdf. ", "报告.pdf"},
		{".pdf", "未命名.pdf"},
		{"..", ""},
		{"", ""},
		{"C:\\", ""},
		{"名称.tar.gz", "名称.tar.gz"},
		{"制\t表.txt", "制表.txt"},
		{"　全角空格　.pdf", "　全角空格　.pdf"},
		{"bad\xffutf8.txt", "badutf8.txt"},
		{long + ".docx", strings.Repeat("复", 65) + ".docx"},
	}
	for _, tt := range tests {
		got := SafeFilename(tt.in)
		if got != tt.want {
			t.Errorf("SafeFilename(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if len(got) > maxNameBytes || !utf8.ValidString(got) {
			t.Errorf("SafeFilename(%q) = %q: %d bytes, valid UTF-8 %v", tt.in, got, len(got), utf8.ValidString(got))
		}
	}
}

func TestTraversalNameStoredSafely(t *testing.T) {
	f := newFixture(t, 1<<20)
	a, err := f.save(caseOwner, "../../../etc/cron.d/决定书.pdf", "", pdfBytes)
	if err != nil {
		t.Fatal(err)
	}
	if a.Filename != "决定书.pdf" {
		t.Fatalf("stored name %q", a.Filename)
	}
	h := a.SHA256
	if _, err := os.Stat(filepath.Join(f.dir, h[:2], h[2:4], h)); err != nil {
		t.Fatalf("blob not stored under the hash: %v", err)
	}
}

func TestServeDownload(t *testing.T) {
	f := newFixture(t, 1<<20)
	a, err := f.save(caseOwner, "复议决定书（2024）.pdf", "", pdfBytes)
	if err != nil {
		t.Fatal(err)
	}
	serve := func(hdr map[string]string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/x", nil).WithContext(f.ctx)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		if err := f.svc.ServeDownload(rec, req, a); err != nil {
			t.Fatal(err)
		}
		return rec
	}
	rec := serve(nil)
	wantDisp := `attachment; filename=______2024_.pdf; filename*=UTF-8''%E5%A4%8D%E8%AE%AE%E5%86%B3%E5%AE%9A%E4%B9%A6%EF%BC%882024%EF%BC%89.pdf`
	checks := map[string]string{
		"Content-Type":           "application/pdf",
		"Content-Disposition":    wantDisp,
		"X-Content-Type-Options": "nosniff",
		"Cache-Control":          "private, no-store",
		"ETag":                   `"` + a.SHA256 + `"`,
	}
	for k, v := range checks {
		if got := rec.Header().Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), pdfBytes) {
		t.Fatalf("status %d, body %q", rec.Code, rec.Body.Bytes())
	}
	part := serve(map[string]string{"Range": "bytes=0-4"})
	if part.Code != http.StatusPartialContent || part.Body.String() != "%PDF-" {
		t.Fatalf("range: %d %q", part.Code, part.Body.String())
	}
	if n := f.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'download' AND object_id = 'CASE-1'`); n != 2 {
		t.Fatalf("download audit entries = %d, want 2", n)
	}
}

func TestAttachChecks(t *testing.T) {
	f := newFixture(t, 1<<20)
	up, err := f.svc.Stage(f.ctx, "决定书.pdf", bytes.NewReader(pdfBytes))
	if err != nil {
		t.Fatal(err)
	}
	err = f.d.Tx(f.ctx, func(tx *db.Tx) error {
		_, err := f.svc.Attach(f.ctx, tx, Owner{Type: "reconsider_case"}, up, "")
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "attachment without owner") {
		t.Fatalf("Attach without owner ID: %v", err)
	}
	missing := up
	missing.SHA256 = sha([]byte("从未上传"))
	err = f.d.Tx(f.ctx, func(tx *db.Tx) error {
		_, err := f.svc.Attach(f.ctx, tx, caseOwner, missing, "")
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "附件内容未写入") {
		t.Fatalf("Attach of a blob never stored: %v", err)
	}
	long := strings.Repeat("材", 150)
	var a Attachment
	err = f.d.Tx(f.ctx, func(tx *db.Tx) error {
		a, err = f.svc.Attach(f.ctx, tx, caseOwner, up, long+"\u202e")
		return err
	})
	if err != nil || a.Label != strings.Repeat("材", 100) {
		t.Fatalf("label %q, %v", a.Label, err)
	}
}
