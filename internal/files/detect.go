package files

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/fazhi/fazhi/internal/web"
)

// RejectError is an upload refused for its name, size or content. It unwraps to web.ErrInvalid,
// so the shell renders it as 422 with the Chinese message.
type RejectError struct{ Msg string }

func (e *RejectError) Error() string { return e.Msg }
func (e *RejectError) Unwrap() error { return web.ErrInvalid }

func reject(format string, args ...any) error { return &RejectError{Msg: fmt.Sprintf(format, args...)} }

// IsRejected reports an upload refused by the checks (as opposed to a storage failure).
func IsRejected(err error) bool {
	var re *RejectError
	return errors.As(err, &re)
}

// sample is what the checks look at: the first bytes and random access to the whole file.
type sample struct {
	head []byte // up to 1024 bytes
	all  io.ReaderAt
	size int64
}

// kind is one accepted file type: its extensions, the content type it is served with, and the
// content check the bytes must pass.
type kind struct {
	exts        []string
	contentType string
	check       func(s sample) bool
}

const (
	mimeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	mimeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	mimePPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
)

// kinds is the allow-list. Legacy .doc/.xls stay in because government offices still exchange them
// daily; their OLE2 container is checked, not the document inside.
var kinds = []kind{
	{[]string{".pdf"}, "application/pdf", isPDF},
	{[]string{".docx"}, mimeDOCX, ooxml(mimeDOCX + ".main+xml")},
	{[]string{".xlsx"}, mimeXLSX, ooxml(mimeXLSX + ".main+xml")},
	{[]string{".pptx"}, mimePPTX, ooxml(mimePPTX + ".main+xml")},
	{[]string{".ofd"}, "application/ofd", isOFD},
	{[]string{".doc"}, "application/msword", isOLE2},
	{[]string{".xls"}, "application/vnd.ms-excel", isOLE2},
	{[]string{".jpg", ".jpeg"}, "image/jpeg", sniffed("image/jpeg")},
	{[]string{".png"}, "image/png", sniffed("image/png")},
	{[]string{".gif"}, "image/gif", sniffed("image/gif")},
	{[]string{".bmp"}, "image/bmp", sniffed("image/bmp")},
	{[]string{".webp"}, "image/webp", sniffed("image/webp")},
	{[]string{".tif", ".tiff"}, "image/tiff", isTIFF},
	{[]string{".txt"}, "text/plain; charset=utf-8", isUTF8Text},
	{[]string{".csv"}, "text/csv; charset=utf-8", isUTF8Text},
}

func kindOf(ext string) (kind, bool) {
	for _, k := range kinds {
		for _, e := range k.exts {
			if e == ext {
				return k, true
			}
		}
	}
	return kind{}, false
}

// AllowedExtensions lists the accepted extensions, for the accept= attribute of file inputs.
func AllowedExtensions() []string {
	var out []string
	for _, k := range kinds {
		out = append(out, k.exts...)
	}
	return out
}

// detect checks the bytes against the extension and returns the content type to store.
func detect(ext string, s sample) (string, error) {
	if ext == "" {
		return "", reject("无法识别文件类型：文件名缺少扩展名")
	}
	k, ok := kindOf(ext)
	if !ok {
		return "", reject("不支持的文件类型：%s", ext)
	}
	if isExecutable(s.head) {
		return "", reject("不支持的文件类型：可执行程序")
	}
	if !k.check(s) {
		if ext == ".txt" || ext == ".csv" {
			if bytes.IndexByte(s.head, 0) < 0 {
				return "", reject("文本文件须为 UTF-8 编码（可在记事本“另存为”中选择 UTF-8）")
			}
		}
		return "", reject("文件类型与扩展名不符")
	}
	return k.contentType, nil
}

var execMagic = [][]byte{
	[]byte("MZ"),             // Windows PE / DOS
	[]byte("\x7fELF"),        // Linux
	{0xfe, 0xed, 0xfa, 0xce}, // Mach-O 32
	{0xfe, 0xed, 0xfa, 0xcf}, // Mach-O 64
	{0xce, 0xfa, 0xed, 0xfe}, // Mach-O 32 LE
	{0xcf, 0xfa, 0xed, 0xfe}, // Mach-O 64 LE
	{0xca, 0xfe, 0xba, 0xbe}, // Mach-O fat / Java class
	[]byte("#!"),             // scripts
	{0x00, 0x61, 0x73, 0x6d}, // WebAssembly
}

func isExecutable(head []byte) bool {
	for _, m := range execMagic {
		if bytes.HasPrefix(head, m) {
			return true
		}
	}
	return false
}

func sniffed(want string) func(sample) bool {
	return func(s sample) bool { return http.DetectContentType(s.head) == want }
}

// isPDF: readers accept the header anywhere in the first 1024 bytes, but DetectContentType and
// most scanners want it first; we follow the strict form.
func isPDF(s sample) bool { return http.DetectContentType(s.head) == "application/pdf" }

func isTIFF(s sample) bool {
	return bytes.HasPrefix(s.head, []byte("II*\x00")) || bytes.HasPrefix(s.head, []byte("MM\x00*"))
}

func isOLE2(s sample) bool {
	return bytes.HasPrefix(s.head, []byte{0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1})
}

func openZip(s sample) *zip.Reader {
	if http.DetectContentType(s.head) != "application/zip" {
		return nil
	}
	z, err := zip.NewReader(s.all, s.size)
	if err != nil {
		return nil
	}
	return z
}

// ooxml: a zip whose [Content_Types].xml declares the main part of the expected kind
// (a macro-enabled .docm renamed to .docx declares another type and fails here).
func ooxml(mainType string) func(sample) bool {
	return func(s sample) bool {
		z := openZip(s)
		if z == nil {
			return false
		}
		for _, f := range z.File {
			if f.Name != "[Content_Types].xml" {
				continue
			}
			rc, err := f.Open()
			if err != nil {
				return false
			}
			defer rc.Close()
			b, err := io.ReadAll(io.LimitReader(rc, 1<<20))
			return err == nil && bytes.Contains(b, []byte(mainType))
		}
		return false
	}
}

// isOFD: GB/T 33190 packages are zips with OFD.xml at the root.
func isOFD(s sample) bool {
	z := openZip(s)
	if z == nil {
		return false
	}
	for _, f := range z.File {
		if strings.EqualFold(f.Name, "OFD.xml") {
			return true
		}
	}
	return false
}

// isUTF8Text reads the whole file: valid UTF-8 and no NUL bytes.
func isUTF8Text(s sample) bool {
	br := bufio.NewReader(io.NewSectionReader(s.all, 0, s.size))
	for {
		r, n, err := br.ReadRune()
		if err == io.EOF {
			return true
		}
		if err != nil || r == 0 || (r == utf8.RuneError && n == 1) {
			return false
		}
	}
}

// maxNameBytes keeps a name (with its extension) within every filesystem's 255-byte limit
// once the user saves it.
const maxNameBytes = 200

// SafeFilename strips directories, control and bidirectional-override characters and characters
// Windows forbids, trims dots and spaces, and shortens the name to 200 bytes keeping the extension.
// It returns "" when nothing usable is left.
func SafeFilename(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		switch {
		case r == utf8.RuneError, unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			return -1 // Cf holds U+202E and friends, which can disguise "exe.pdf" as "fdp.exe"
		case strings.ContainsRune(`<>:"|?*`, r):
			return '_'
		}
		return r
	}, name)
	name = strings.TrimRight(name, " .") // Windows drops them, which would change the extension
	ext := extOf(name)
	base := strings.Trim(strings.TrimSuffix(name, ext), " .")
	if base == "" {
		if ext == "" {
			return ""
		}
		base = "未命名"
	}
	for len(base)+len(ext) > maxNameBytes {
		_, n := utf8.DecodeLastRuneInString(base)
		base = base[:len(base)-n]
	}
	return strings.TrimRight(base, " .") + ext
}

// extOf returns a plausible extension (a dot and 1–8 ASCII letters or digits), or "".
func extOf(name string) string {
	i := strings.LastIndexByte(name, '.')
	if i < 0 || len(name)-i-1 < 1 || len(name)-i-1 > 8 {
		return ""
	}
	for _, c := range []byte(name[i+1:]) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return ""
		}
	}
	return name[i:]
}

// sizeLabel formats a byte limit the way the error message shows it.
func sizeLabel(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d 字节", n)
}
