package workflow_test

import (
	"testing"

	"zerovisit/workflow"
)

// TestSupplementTakesOnlyWhatWasAsked: a correction hands in only the
// materials the clerk asked for, and never replaces a material the
// libraries hold with an upload; a clerk cannot ask for one either.
func TestSupplementTakesOnlyWhatWasAsked(t *testing.T) {
	e := newEngine(t)
	t0 := at(t, "2025-09-01 09:00")
	accepted := mustApply(t, e, newDraft(t, e, "tf", t0), trustSubmit(t, t0))
	ask := func(items ...workflow.SupplementItem) workflow.Case {
		return mustApply(t, e, accepted, workflow.RequestSupplement{Meta: meta(clerk, t0.Add(1)), Items: items})
	}
	upload := func(code string) workflow.ProvidedMaterial {
		return workflow.ProvidedMaterial{Code: code, Source: workflow.SourceUpload, Ref: "upload-" + code}
	}
	refused := func(t *testing.T, c workflow.Case, ev workflow.Event, code string) {
		t.Helper()
		_, _, _, err := e.Apply(c, ev)
		r, ok := workflow.AsRefusal(err)
		if !ok || r.Code != code {
			t.Fatalf("%s = %v, want the refusal %s", ev.EventName(), err, code)
		}
	}
	supply := func(ms ...workflow.ProvidedMaterial) workflow.SupplySupplement {
		return workflow.SupplySupplement{Meta: meta(citizen, t0.Add(2)), Materials: ms, Note: "已补正"}
	}

	t.Run("Asked", func(t *testing.T) {
		c := mustApply(t, e, ask(workflow.SupplementItem{Material: "b", Reason: "申请书未签字"}), supply(upload("b")))
		if got := c.Status; got != workflow.StatusAccepted {
			t.Fatalf("status = %s, want accepted", got)
		}
	})
	t.Run("NotAsked", func(t *testing.T) {
		c := ask(workflow.SupplementItem{Material: "b", Reason: "申请书未签字"})
		refused(t, c, supply(upload("b"), upload("c")), "material_not_requested")
		refused(t, ask(workflow.SupplementItem{Reason: "请说明经营项目"}), supply(upload("b")), "material_not_requested")
	})
	t.Run("HeldByLibrary", func(t *testing.T) {
		c := ask(workflow.SupplementItem{Material: "b", Reason: "申请书未签字"})
		refused(t, c, supply(upload("b"), upload("a")), "material_not_requested")
		// A request made before the rule (or by hand) that names a held
		// material still cannot have it replaced by an upload.
		c.Supplement.Items = append(c.Supplement.Items, workflow.SupplementItem{Material: "a", Reason: "执照不清晰"})
		refused(t, c, supply(upload("b"), upload("a")), "material_held")
	})
	t.Run("AskForHeld", func(t *testing.T) {
		refused(t, accepted, workflow.RequestSupplement{Meta: meta(clerk, t0.Add(1)),
			Items: []workflow.SupplementItem{{Material: "a", Reason: "执照不清晰"}}}, "material_held")
	})
}
