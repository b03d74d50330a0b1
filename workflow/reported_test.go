package workflow_test

import (
	"testing"

	"zerovisit/workflow"
)

// TestReportedFollowsProvinceReports: the case remembers the last version it
// reported upward, which is what the reconciler expects the platform to hold.
func TestReportedFollowsProvinceReports(t *testing.T) {
	e := newEngine(t)
	f := fixtures(t, e)
	if r := f[workflow.StatusDraft].Reported; r != nil {
		t.Errorf("draft has reported state %+v, want none", r)
	}
	for _, st := range []workflow.Status{workflow.StatusAccepted, workflow.StatusApproved, workflow.StatusClosed, workflow.StatusRevoked} {
		c := f[st]
		if c.Reported == nil {
			t.Fatalf("%s case has no reported state", st)
		}
		if got, want := c.Reported.Status, st; got != want {
			t.Errorf("%s case reported status %s", st, got)
		}
		if c.Reported.Version > c.Version || c.Reported.Version < 2 {
			t.Errorf("%s case reported version %d of %d", st, c.Reported.Version, c.Version)
		}
	}
}
