package workflow_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"zerovisit/workflow"
)

// indexer is a blind index that shows what it indexed.
type indexer struct{}

func (indexer) Index(kind, value string) string { return kind + ":" + value }

func TestSubjectIndexOf(t *testing.T) {
	for _, tc := range []struct {
		name   string
		ix     workflow.Indexer
		typ    workflow.ApplicantType
		number string
		want   string
	}{
		{"Person", indexer{}, workflow.ApplicantPerson, "330106198503121231", "resident_id:330106198503121231"},
		{"Untyped", indexer{}, "", "330106198503121231", "resident_id:330106198503121231"},
		{"Business", indexer{}, workflow.ApplicantBusiness, "91330106MA2H3K4L5N", "uscc:91330106MA2H3K4L5N"},
		{"NoNumber", indexer{}, workflow.ApplicantPerson, "", ""},
		{"NoIndexer", nil, workflow.ApplicantPerson, "330106198503121231", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := workflow.SubjectIndexOf(tc.ix, tc.typ, tc.number); got != tc.want {
				t.Errorf("SubjectIndexOf = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestSubmitWeighsTheLibrarysFalseCommitments: the engine takes the larger
// of the library's count and the local one, and refuses a negative one.
func TestSubmitWeighsTheLibrarysFalseCommitments(t *testing.T) {
	e := newEngine(t)
	t0 := at(t, "2025-09-01 09:00")
	for _, tc := range []struct {
		name           string
		local, library int64
		reason         workflow.PathReason
	}{
		{"Neither", 0, 0, workflow.PathTrustFirst},
		{"LibraryOnly", 0, 2, workflow.PathPriorFalseCommitment},
		{"LocalOnly", 1, 0, workflow.PathPriorFalseCommitment},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newDraft(t, e, "tf", t0)
			ev := withoutPromise(trustSubmit(t, t0.Add(time.Hour)))
			ev.PriorFalseCommitments, ev.History.FalseCommitments = tc.local, tc.library
			got, _, _, err := e.Apply(c, ev)
			if err != nil {
				t.Fatal(err)
			}
			if got.PathReason != tc.reason {
				t.Errorf("path = %s, want %s", got.PathReason, tc.reason)
			}
		})
	}
	t.Run("ErrInvalidInput", func(t *testing.T) {
		ev := withoutPromise(trustSubmit(t, t0.Add(time.Hour)))
		ev.History.FalseCommitments = -1
		_, _, _, err := e.Apply(newDraft(t, e, "tf", t0), ev)
		if !errors.Is(err, workflow.ErrInvalidInput) {
			t.Errorf("negative library count: err = %v, want ErrInvalidInput", err)
		}
	})
}

// TestServiceCountsByIdentity: a false commitment recorded under another
// account of the same identity (a walk-in's) bars trust-first; one of
// another identity does not.
func TestServiceCountsByIdentity(t *testing.T) {
	ctx := context.Background()
	svc, store, _ := newService(t)
	store.cases["walkin"] = workflow.Case{ID: "walkin", Number: "N0", ApplicantID: "ca-1", SubjectIndex: "idx-zhang",
		Status: workflow.StatusRevoked, FalseCommitment: true}
	for _, tc := range []struct {
		id, index string
		reason    workflow.PathReason
	}{
		{"same", "idx-zhang", workflow.PathPriorFalseCommitment},
		{"other", "idx-li", workflow.PathTrustFirst},
		{"unindexed", "", workflow.PathTrustFirst},
	} {
		d := draft(tc.id, "N-"+tc.id)
		d.SubjectIndex = tc.index
		if _, err := svc.Create(ctx, d, nil); err != nil {
			t.Fatal(err)
		}
		c, err := svc.Do(ctx, tc.id, withoutPromise(trustSubmit(t, time.Time{})), nil)
		if err != nil {
			t.Fatal(err)
		}
		if c.PathReason != tc.reason {
			t.Errorf("%s: path = %s, want %s", tc.id, c.PathReason, tc.reason)
		}
	}
}

// TestServiceCreditRepair: the false commitments revoked before the
// subject's completed credit repair no longer count; one after it does.
func TestServiceCreditRepair(t *testing.T) {
	ctx := context.Background()
	revokedAt := at(t, "2025-08-01 10:00")
	for _, tc := range []struct {
		name   string
		repair time.Time
		reason workflow.PathReason
	}{
		{"NoRepair", time.Time{}, workflow.PathPriorFalseCommitment},
		{"RepairedAfter", revokedAt.Add(24 * time.Hour), workflow.PathTrustFirst},
		{"RepairedBefore", revokedAt.Add(-24 * time.Hour), workflow.PathPriorFalseCommitment},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svc, store, _ := newService(t)
			store.cases["old"] = workflow.Case{ID: "old", Number: "N0", ApplicantID: "ca-1", SubjectIndex: "idx-zhang",
				Status: workflow.StatusRevoked, FalseCommitment: true, UpdatedAt: revokedAt}
			d := draft("c1", "N1")
			d.SubjectIndex = "idx-zhang"
			if _, err := svc.Create(ctx, d, nil); err != nil {
				t.Fatal(err)
			}
			loaded, err := svc.Get(ctx, "c1")
			if err != nil {
				t.Fatal(err)
			}
			key := &workflow.IdempotencyRequest{Scope: "citizen-submit:u1", Key: "submit-1", RequestHash: "h"}
			c, err := svc.SubmitOn(ctx, loaded, key, func(context.Context) (workflow.Submit, error) {
				sub := withoutPromise(trustSubmit(t, time.Time{}))
				sub.History.RepairedAt = tc.repair
				return sub, nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if c.PathReason != tc.reason {
				t.Errorf("path = %s, want %s", c.PathReason, tc.reason)
			}
		})
	}
}
