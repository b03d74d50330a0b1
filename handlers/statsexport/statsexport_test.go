package statsexport

import (
	"bytes"
	"strings"
	"testing"

	"zerovisit/workflow/staff"
)

// TestCSVKeepsFormulasInert: a name that a spreadsheet would run as a
// formula is written as text.
func TestCSVKeepsFormulasInert(t *testing.T) {
	var b bytes.Buffer
	err := Write(&b, staff.Export{Format: staff.ExportCSV, Tables: []staff.Table{{Name: "承办人", Header: []string{"承办人", "办结"},
		Rows: [][]any{{"=HYPERLINK(\"http://x\")", int64(1)}, {"王晓", int64(-1)}}}}})
	if err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.HasPrefix(out, "\uFEFF") || !strings.Contains(out, `"'=HYPERLINK(""http://x"")",1`) || !strings.Contains(out, "王晓,-1") {
		t.Errorf("csv = %q", out)
	}
}
