package workflow_test

import (
	"testing"

	"zerovisit/workflow"
)

// TestUploadNoteKeptOnCase: an upload standing in for a library material
// keeps the reason on the case, for clerks.
func TestUploadNoteKeptOnCase(t *testing.T) {
	e := newEngine(t)
	t0 := at(t, "2025-09-01 09:00")
	ev := ordinarySubmit(t0)
	const why = "电子证照库暂不可用，请上传材料"
	ev.Materials[0] = workflow.ProvidedMaterial{Code: "a", Source: workflow.SourceUpload, Ref: "sha-a", Note: why}
	c := mustApply(t, e, newDraft(t, e, "tf", t0), ev)
	for _, m := range c.Materials {
		want := ""
		if m.Code == "a" {
			want = why
		}
		if got := m.Note; got != want {
			t.Errorf("material %s note = %q, want %q", m.Code, got, want)
		}
	}
}
