package workflow_test

import (
	"testing"
	"time"

	"zerovisit/workflow"
)

// BenchmarkApply measures one transition in memory: a clerk approving an
// accepted trust-first case (clone, guard, SLA stop, effects, record).
func BenchmarkApply(b *testing.B) {
	e := newEngine(b)
	c := fixtures(b, e)[workflow.StatusAccepted]
	ev := workflow.Approve{Meta: meta(clerk, c.UpdatedAt.Add(time.Hour)), Opinion: "准予许可"}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, _, err := e.Apply(c, ev); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkApplySubmit measures the heaviest transition: a trust-first
// submission (materials, promises, trust rules, SLA start).
func BenchmarkApplySubmit(b *testing.B) {
	e := newEngine(b)
	t0 := at(b, "2025-09-01 09:00")
	c := newDraft(b, e, "tf", t0)
	ev := trustSubmit(b, t0.Add(time.Hour))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, _, err := e.Apply(c, ev); err != nil {
			b.Fatal(err)
		}
	}
}
