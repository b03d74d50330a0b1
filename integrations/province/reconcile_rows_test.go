package province_test

import (
	"context"
	"fmt"
	"testing"

	"zerovisit/integrations/province"
	"zerovisit/integrations/province/sandbox"
	"zerovisit/workflow"
)

// rowSource builds the rows of each case from facts().
type rowSource map[string]province.Facts

func (s rowSource) Batch(_ context.Context, c province.Reported) (province.Batch, bool, error) {
	f, ok := s[c.Number]
	if !ok {
		return province.Batch{}, false, nil
	}
	b, err := province.Build(f)
	return b, err == nil, err
}

// TestReconcilerCoversEveryRecordKind: the reconciler compares the rows of
// every table, re-sends a case whose rows the platform lacks or holds at
// an older version, and then finds nothing.
func TestReconcilerCoversEveryRecordKind(t *testing.T) {
	clk := newClock()
	p := newPlatform(t, sandbox.Config{Now: clk.Now})
	c := newClient(t, p, clk.Now)
	ctx := context.Background()
	src, rows := newSource(), rowSource{}
	for i := range 3 {
		f := facts()
		f.Case.Number = fmt.Sprintf("%s20250901%06d", implCode, i+1)
		rows[f.Case.Number] = f
		r := report(f.Case.Number, 7, workflow.StatusApproved)
		if err := c.Report(ctx, r); err != nil {
			t.Fatal(err)
		}
		src.put(reported(r))
		if i > 0 { // the platform has the rows of cases 2 and 3 only
			b, _ := province.Build(f)
			if err := c.SendRecords(ctx, b); err != nil {
				t.Fatal(err)
			}
		}
	}
	first := implCode + "20250901000001"
	third := implCode + "20250901000003"
	p.DeleteRows(third, province.TableMaterial) // and loses the materials of case 3

	run := func() province.Summary {
		t.Helper()
		sum, err := province.NewReconciler(src, c, province.ReconcileOptions{Records: rows}).Run(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	sum := run()
	if sum.Checked != 3 || sum.RowsResent != 2 || sum.RowsFailed != 0 {
		t.Errorf("summary = %+v, want 3 checked and the rows of 2 cases re-sent", sum)
	}
	for _, table := range province.Tables {
		rc := *sum.Rows.Of(table)
		if rc.Checked == 0 || rc.Missing == 0 || rc.Stale != 0 {
			t.Errorf("%s: %+v, want rows checked and missing", table, rc)
		}
	}
	if got := sum.Rows.Material.Missing; got != 4 {
		t.Errorf("materials missing = %d, want 4 (two of case 1, two of case 3)", got)
	}
	// 1 acceptance, 6 steps, 1 special procedure, 2 materials, 1 result.
	if got := len(p.Rows(first)); got != 11 {
		t.Errorf("case 1 holds %d rows after the re-send, want 11", got)
	}
	if sum := run(); sum.RowsResent != 0 || sum.Rows.Accept.Missing+sum.Rows.Material.Missing+sum.Rows.Process.Missing != 0 {
		t.Errorf("second pass = %+v, want nothing to re-send", sum)
	}

	// A newer version of case 2 that the platform did not get is stale row by row.
	f := rows[implCode+"20250901000002"]
	f.Case.Reported = &workflow.ReportedState{Version: 8}
	rows[f.Case.Number] = f
	if sum := run(); sum.Rows.Result.Stale != 1 || sum.Rows.Accept.Stale != 1 || sum.RowsResent != 1 {
		t.Errorf("after a newer version = %+v, want case 2's rows stale and re-sent", sum)
	}
}
