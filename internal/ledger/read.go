package ledger

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/fazhi/fazhi/internal/fault"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// The limits of one ledger file. A file past any of them is refused with a message naming it.
const (
	MaxFileBytes  = 32 << 20  // the upload
	MaxUnzipped   = 100 << 20 // an .xlsx once unpacked (all its parts)
	MaxSharedText = 8 << 20   // its shared strings part unpacked: excelize holds it parsed in memory (~7× for tiny strings); ~130,000 distinct 20-character texts
	MaxRows       = 50000     // data rows
	MaxColumns    = 200       // columns of any row
	MaxCellChars  = 5000      // characters of one cell
	maxHeaderScan = 10        // non-empty rows searched for the header (a title row may sit above it)
)

// table is a sheet as read: the header and each data row with its row number in the file.
type table struct {
	header     []string
	headerLine int
	rows       []tableRow
}

type tableRow struct {
	line  int
	cells []string
}

// tableBuilder collects rows as they stream by, finds the header and enforces the limits.
type tableBuilder struct {
	isHeader func([]string) bool
	t        table
	seen     int // non-empty rows before the header
	found    bool
	maxRows  int
}

func (b *tableBuilder) add(line int, cells []string) error {
	if len(cells) > MaxColumns {
		return fault.Invalidf("第%d行有第%d列的数据，超过 %d 列的上限；请删除表格右侧无关的内容后再导入", line, len(cells), MaxColumns)
	}
	empty := true
	for i, c := range cells {
		if utf8.RuneCountInString(c) > MaxCellChars {
			return fault.Invalidf("第%d行第%d列的内容超过 %d 字的单元格上限", line, i+1, MaxCellChars)
		}
		cells[i] = strings.TrimSpace(c)
		if cells[i] != "" {
			empty = false
		}
	}
	if empty {
		return nil
	}
	if !b.found {
		if b.isHeader(cells) {
			b.found, b.t.header, b.t.headerLine = true, cells, line
			return nil
		}
		if b.seen++; b.seen >= maxHeaderScan {
			return errNoHeader
		}
		return nil
	}
	if len(b.t.rows) >= b.maxRows {
		return fault.Invalidf("数据超过 %d 行的上限，请拆分为几个文件分别导入", b.maxRows)
	}
	b.t.rows = append(b.t.rows, tableRow{line: line, cells: cells})
	return nil
}

var errNoHeader = errors.New("no header")

// readTable reads an .xlsx or .csv within the limits. File-level problems come back as a
// fault error with a Chinese message; a file without a recognisable header gives errNoHeader.
func readTable(r io.Reader, filename string, isHeader func([]string) bool, maxRows int) (*table, error) {
	if maxRows <= 0 {
		maxRows = MaxRows
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("读取上传文件失败：%w", err)
	}
	if len(data) > MaxFileBytes {
		return nil, fault.Invalidf("文件超过 %d MB 的上限，请拆分后再导入", MaxFileBytes>>20)
	}
	b := &tableBuilder{isHeader: isHeader, maxRows: maxRows}
	switch strings.ToLower(filepath.Ext(filename)) {
	case ".xlsx", ".xlsm":
		err = readXLSX(data, b)
	case ".csv", ".txt":
		err = readCSV(data, b)
	case ".xls", ".et", ".wps":
		return nil, fault.Invalidf("不支持旧版 Excel（.xls）文件，请在 Excel 或 WPS 中另存为 .xlsx 后再导入")
	default:
		return nil, fault.Invalidf("只能导入 .xlsx 或 .csv 文件")
	}
	if err != nil {
		return nil, err
	}
	if !b.found {
		return nil, errNoHeader
	}
	return &b.t, nil
}

// readXLSX streams the first worksheet once with excelize's row iterator. The unpacked size is
// checked first: archive/zip then refuses an entry that inflates past its declared size.
func readXLSX(data []byte, b *tableBuilder) error {
	notXLSX := fault.Invalidf("无法读取该 Excel 文件，请确认是 .xlsx 格式且未加密")
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return notXLSX
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if strings.EqualFold(f.Name, "xl/sharedStrings.xml") && f.UncompressedSize64 > MaxSharedText {
			return fault.Invalidf("Excel 文件中的文字内容解压后超过 %d MB 的上限，请拆分后再导入", MaxSharedText>>20)
		}
		if total > MaxUnzipped {
			return fault.Invalidf("Excel 文件解压后超过 %d MB 的上限，请删除无关的工作表或拆分后再导入", MaxUnzipped>>20)
		}
	}
	// Inflate every part once into nothing: archive/zip stops an entry at its declared size and
	// checks its CRC, and excelize would silently read a damaged sheet as empty.
	for _, f := range zr.File {
		if err := drain(f); err != nil {
			return fault.Invalidf("Excel 文件已损坏（%s 无法解压），请在 Excel 或 WPS 中重新保存后再导入", f.Name)
		}
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: MaxUnzipped, UnzipXMLSizeLimit: 1 << 20, // larger parts go through temporary files
		CultureInfo: excelize.CultureNameZhCN, ShortDatePattern: "yyyy-mm-dd", LongDatePattern: "yyyy年m月d日",
	})
	if err != nil {
		return notXLSX
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return notXLSX
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return notXLSX
	}
	defer rows.Close()
	line := 0
	for rows.Next() {
		line++
		cells, err := rows.Columns()
		if err != nil {
			return fault.Invalidf("Excel 文件第%d行无法读取：%v", line, err)
		}
		if err := b.add(line, cells); err != nil {
			return err
		}
	}
	if err := rows.Error(); err != nil {
		if errors.Is(err, excelize.ErrMaxRows) {
			return fault.Invalidf("数据超过 %d 行的上限，请拆分为几个文件分别导入", MaxRows)
		}
		return notXLSX
	}
	return nil
}

func drain(f *zip.File) error {
	r, err := f.Open()
	if err != nil {
		return err
	}
	defer r.Close()
	_, err = io.Copy(io.Discard, r)
	return err
}

// readCSV reads UTF-8 (with or without BOM) or, when the bytes are not valid UTF-8, GB18030
// (a superset of GBK, what Excel and WPS on Chinese Windows save as "CSV").
func readCSV(data []byte, b *tableBuilder) error {
	if bytes.HasPrefix(data, []byte("\xFF\xFE")) || bytes.HasPrefix(data, []byte("\xFE\xFF")) {
		return fault.Invalidf("CSV 文件不是 UTF-8 编码，也不是 GBK 编码（是 UTF-16），请在 Excel 中另存为「CSV UTF-8（逗号分隔）」后再导入")
	}
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	var src io.Reader = bytes.NewReader(data)
	if !utf8.Valid(data) {
		src = simplifiedchinese.GB18030.NewDecoder().Reader(src)
	}
	cr := csv.NewReader(src)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return fault.Invalidf("CSV 文件第%d行格式有误：%v", pe.StartLine, pe.Err)
			}
			return fault.Invalidf("无法读取 CSV 文件（请保存为 UTF-8 或 GBK 编码）")
		}
		if err := b.add(line, rec); err != nil {
			return err
		}
	}
}
