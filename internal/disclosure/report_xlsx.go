package disclosure

import (
	"fmt"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// ReportXLSX writes tables 二, 三 and 四 in the format's layout, one sheet each, numbers as numbers.
// Sheet 表三: the row labels in column A, the seven columns in B–H from row 4.
func ReportXLSX(v *ReportView) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	fail := func(err error) ([]byte, error) {
		return nil, fmt.Errorf("生成年度报告 Excel 文件失败：%w", err)
	}
	if err := f.SetDefaultFont("宋体"); err != nil {
		return fail(err)
	}
	border, err := f.NewStyle(&excelize.Style{Border: []excelize.Border{{Type: "left", Style: 1}, {Type: "right", Style: 1}, {Type: "top", Style: 1}, {Type: "bottom", Style: 1}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	if err != nil {
		return fail(err)
	}
	// write puts the rows from row 1; each cell is a value, and spans merge to the right.
	write := func(sheet string, rows [][]cell, widths []float64) error {
		for ri, row := range rows {
			col := 1
			for _, c := range row {
				name, _ := excelize.CoordinatesToCellName(col, ri+1)
				var val any = c.text
				if n, err := strconv.ParseFloat(c.text, 64); err == nil {
					val = n
				}
				if c.vmerge != "continue" && c.text != "" {
					if err := f.SetCellValue(sheet, name, val); err != nil {
						return err
					}
				}
				span := max(c.span, 1)
				if span > 1 {
					end, _ := excelize.CoordinatesToCellName(col+span-1, ri+1)
					if err := f.MergeCell(sheet, name, end); err != nil {
						return err
					}
				}
				col += span
			}
		}
		last, _ := excelize.CoordinatesToCellName(len(widths), len(rows))
		if err := f.SetCellStyle(sheet, "A1", last, border); err != nil {
			return err
		}
		for i, w := range widths {
			c, _ := excelize.ColumnNumberToName(i + 1)
			if err := f.SetColWidth(sheet, c, c, w); err != nil {
				return err
			}
		}
		return nil
	}
	if err := f.SetSheetName("Sheet1", "表二"); err != nil {
		return fail(err)
	}
	if err := write("表二", table2Rows(v.Figures.Table2), []float64{22, 16, 16, 16}); err != nil {
		return fail(err)
	}
	if _, err := f.NewSheet("表三"); err != nil {
		return fail(err)
	}
	w3 := []float64{60}
	for range 7 {
		w3 = append(w3, 12)
	}
	if err := write("表三", table3Rows(&v.Figures.Table3), w3); err != nil {
		return fail(err)
	}
	// the header note spans the three header rows of column A
	if err := f.MergeCell("表三", "A1", "A3"); err != nil {
		return fail(err)
	}
	for _, m := range [][2]string{{"B2", "B3"}, {"H2", "H3"}} {
		if err := f.MergeCell("表三", m[0], m[1]); err != nil {
			return fail(err)
		}
	}
	if _, err := f.NewSheet("表四"); err != nil {
		return fail(err)
	}
	w4 := make([]float64, 15)
	for i := range w4 {
		w4[i] = 10
	}
	if err := write("表四", table4Rows(v.Figures.Table4), w4); err != nil {
		return fail(err)
	}
	if err := f.MergeCell("表四", "A1", "E2"); err != nil {
		return fail(err)
	}
	f.SetActiveSheet(0)
	buf, err := f.WriteToBuffer()
	if err != nil {
		return fail(err)
	}
	return buf.Bytes(), nil
}
