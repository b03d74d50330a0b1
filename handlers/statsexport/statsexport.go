// Package statsexport writes the tables of an exported report as CSV or as
// an Excel workbook (through excelize).
package statsexport

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"zerovisit/workflow/staff"
)

// ContentType is the media type of a format.
func ContentType(f staff.ExportFormat) string {
	if f == staff.ExportXLSX {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/csv; charset=utf-8"
}

// Write writes e to w in its format.
func Write(w io.Writer, e staff.Export) error {
	if e.Format == staff.ExportXLSX {
		return writeXLSX(w, e.Tables)
	}
	return writeCSV(w, e.Tables)
}

// writeCSV writes a byte order mark (Excel reads UTF-8 only after one),
// then each table's name, header and rows, a blank line between tables.
func writeCSV(w io.Writer, tables []staff.Table) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	for i, t := range tables {
		if i > 0 {
			_ = cw.Write([]string{""})
		}
		_ = cw.Write([]string{"【" + t.Name + "】"})
		_ = cw.Write(t.Header)
		for _, r := range t.Rows {
			rec := make([]string, len(r))
			for j, v := range r {
				rec[j] = fmt.Sprint(v)
				if _, text := v.(string); text {
					rec[j] = inert(rec[j])
				}
			}
			_ = cw.Write(rec)
		}
	}
	cw.Flush()
	return cw.Error()
}

// inert keeps a text cell from being read as a formula by a spreadsheet
// (a name beginning with =, +, - or @): it is prefixed with an apostrophe.
func inert(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// writeXLSX writes one sheet per table, the header row bold and frozen.
func writeXLSX(w io.Writer, tables []staff.Table) error {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	for i, t := range tables {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", t.Name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(t.Name); err != nil {
			return err
		}
		sw, err := f.NewStreamWriter(t.Name)
		if err != nil {
			return err
		}
		_ = sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
		header := make([]any, len(t.Header))
		for j, h := range t.Header {
			header[j] = excelize.Cell{StyleID: bold, Value: h}
		}
		if err := sw.SetRow("A1", header); err != nil {
			return err
		}
		for j, r := range t.Rows {
			cell, _ := excelize.CoordinatesToCellName(1, j+2)
			if err := sw.SetRow(cell, r); err != nil {
				return err
			}
		}
		if err := sw.Flush(); err != nil {
			return err
		}
	}
	return f.Write(w)
}
