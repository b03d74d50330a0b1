package models_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"zerovisit/models"
	"zerovisit/workflow"
)

// notifyApplicant and orderCourier are fake effects: plain structs that
// encode to JSON, as workflow.Effect asks.
type notifyApplicant struct {
	CaseID   string `json:"case_id"`
	Template string `json:"template"`
}

func (notifyApplicant) EffectKind() workflow.EffectKind { return "notify_applicant" }

type orderCourier struct {
	CaseID string `json:"case_id"`
	Leg    string `json:"leg"`
}

func (orderCourier) EffectKind() workflow.EffectKind { return "order_courier" }

// t0 has nanoseconds and a non-UTC zone on purpose: the store must
// normalise both.
var t0 = time.Date(2025, 1, 6, 9, 0, 0, 123456789, time.FixedZone("CST", 8*3600))

var clerk = workflow.Actor{Kind: workflow.ActorClerk, ID: "clerk-7"}

func ctxT(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// newCase returns a submitted case at version 1.
func newCase(id string) workflow.Case {
	return workflow.Case{
		ID: id, Number: "ZV-" + id, ItemCode: "330100-001", Department: "market",
		ApplicantID: "citizen-" + id, Status: workflow.StatusSubmitted, Version: 1,
		Deadline:  t0.Add(72 * time.Hour),
		CreatedAt: t0, UpdatedAt: t0,
	}
}

// createChange is the Change that stores c as new.
func createChange(c workflow.Case, effects ...workflow.Effect) workflow.Change {
	return workflow.Change{
		Case: c,
		Event: workflow.EventRecord{
			Name: "submit", Actor: workflow.Actor{Kind: workflow.ActorCitizen, ID: c.ApplicantID},
			At: c.CreatedAt, From: workflow.StatusDraft, To: c.Status,
			Data: json.RawMessage(`{ "channel": "wechat" }`),
		},
		Effects: effects,
	}
}

// step returns c moved to status to one version later at at, and the Change that stores it.
func step(c workflow.Case, to workflow.Status, at time.Time, effects ...workflow.Effect) (workflow.Case, workflow.Change) {
	next := c
	next.Status, next.Version, next.UpdatedAt = to, c.Version+1, at
	return next, workflow.Change{
		Case: next,
		Event: workflow.EventRecord{
			Name: "to_" + string(to), Actor: clerk, At: at, From: c.Status, To: to,
			Reason: fmt.Sprintf("step %d", next.Version),
			Data:   json.RawMessage(fmt.Sprintf(`{"version":%d}`, next.Version)),
		},
		Effects: effects,
	}
}

// mustCreate stores c with the given effects.
func mustCreate(t testing.TB, repo *models.Repo, c workflow.Case, effects ...workflow.Effect) {
	t.Helper()
	if err := repo.CreateCase(ctxT(t), createChange(c, effects...)); err != nil {
		t.Fatalf("CreateCase(%s): %v", c.ID, err)
	}
}

// mustStep applies one step and returns the new case.
func mustStep(t testing.TB, repo *models.Repo, c workflow.Case, to workflow.Status, effects ...workflow.Effect) workflow.Case {
	t.Helper()
	next, ch := step(c, to, c.UpdatedAt.Add(time.Hour), effects...)
	if err := repo.ApplyChange(ctxT(t), ch); err != nil {
		t.Fatalf("ApplyChange(%s v%d): %v", c.ID, next.Version, err)
	}
	return next
}

// exec runs raw SQL on db, for tests that tamper with rows.
func exec(t testing.TB, db *models.DB, sql string, args ...any) int64 {
	t.Helper()
	res := db.Gorm().Exec(sql, args...)
	if res.Error != nil {
		t.Fatalf("exec %q: %v", sql, res.Error)
	}
	return res.RowsAffected
}

// count runs a count query.
func count(t testing.TB, db *models.DB, sql string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.Gorm().Raw(sql, args...).Row().Scan(&n); err != nil {
		t.Fatalf("count %q: %v", sql, err)
	}
	return n
}

// jsonEqual compares JSON documents ignoring key order and spacing (jsonb reorders keys).
func jsonEqual(t testing.TB, got json.RawMessage, want string) bool {
	t.Helper()
	var a, b any
	if err := json.Unmarshal(got, &a); err != nil {
		t.Fatalf("decode %s: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &b); err != nil {
		t.Fatalf("decode %s: %v", want, err)
	}
	return fmt.Sprint(a) == fmt.Sprint(b)
}

// Implementation codes (实施编码) of two items, for case numbers.
const (
	testImpl  = "11330100002501234W3000172001000"
	otherImpl = "11330100002502345X3000116011000"
)
