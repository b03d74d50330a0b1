package models_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"zerovisit/models"
	"zerovisit/models/dbtest"
	"zerovisit/workflow"
)

// stored is how a case reads back: every time in UTC at microseconds.
func stored(c workflow.Case) workflow.Case {
	for _, p := range []*time.Time{&c.Deadline, &c.NextTimerAt, &c.CreatedAt, &c.UpdatedAt} {
		if !p.IsZero() {
			*p = p.UTC().Truncate(time.Microsecond)
		}
	}
	return c
}

func TestCreateCase(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx, repo := ctxT(t), models.NewRepo(db)
		c := newCase("c1")
		c.TrustFirst, c.Card = true, workflow.CardYellow
		mustCreate(t, repo, c, notifyApplicant{CaseID: "c1", Template: "accepted"})

		t.Run("OK", func(t *testing.T) {
			got, err := models.NewRepo(db).GetCase(ctx, "c1")
			if err != nil {
				t.Fatalf("GetCase: %v", err)
			}
			if diff := cmp.Diff(stored(c), got); diff != "" {
				t.Errorf("GetCase mismatch (-want +got):\n%s", diff)
			}
			evs, err := repo.Events(ctx, "c1")
			if err != nil {
				t.Fatalf("Events: %v", err)
			}
			if len(evs) != 1 || evs[0].Seq != 1 || evs[0].CaseID != "c1" || evs[0].PrevHash != "" || len(evs[0].Hash) != 64 {
				t.Fatalf("Events = %+v, want one chained event seq 1", evs)
			}
			if got, want := string(evs[0].Data), `{"channel":"wechat"}`; got != want {
				t.Errorf("event data = %s, want compact %s", got, want)
			}
			if got, want := evs[0].At, t0.UTC().Truncate(time.Microsecond); !got.Equal(want) || got.Location() != time.UTC {
				t.Errorf("event at = %v, want %v in UTC", got, want)
			}
			if n := count(t, db, `SELECT count(*) FROM outbox WHERE case_id = 'c1' AND kind = 'notify_applicant'`); n != 1 {
				t.Errorf("outbox rows = %d, want 1", n)
			}
		})
		t.Run("ErrDuplicateID", func(t *testing.T) {
			dup := newCase("c1")
			dup.Number = "ZV-other"
			if err := repo.CreateCase(ctx, createChange(dup)); !errors.Is(err, workflow.ErrDuplicate) {
				t.Fatalf("CreateCase(same id) = %v, want ErrDuplicate", err)
			}
		})
		t.Run("ErrDuplicateNumber", func(t *testing.T) {
			dup := newCase("c2")
			dup.Number = c.Number
			err := repo.CreateCase(ctx, createChange(dup, notifyApplicant{CaseID: "c2"}))
			if !errors.Is(err, workflow.ErrDuplicate) {
				t.Fatalf("CreateCase(same number) = %v, want ErrDuplicate", err)
			}
			if !strings.Contains(err.Error(), "create case c2") {
				t.Errorf("error %q does not name the operation", err)
			}
			if n := count(t, db, `SELECT count(*) FROM outbox WHERE case_id = 'c2'`); n != 0 {
				t.Errorf("failed create left %d outbox rows", n)
			}
		})
		t.Run("DraftsWithoutNumber", func(t *testing.T) {
			for _, id := range []string{"d1", "d2"} {
				d := newCase(id)
				d.Number, d.Status = "", workflow.StatusDraft
				if err := repo.CreateCase(ctx, createChange(d)); err != nil {
					t.Errorf("CreateCase(draft %s without number) = %v", id, err)
				}
			}
		})
		t.Run("ErrInvalidInput", func(t *testing.T) {
			bad := newCase("c3")
			bad.Version = 2
			if err := repo.CreateCase(ctx, createChange(bad)); !errors.Is(err, workflow.ErrInvalidInput) {
				t.Errorf("CreateCase(version 2) = %v, want ErrInvalidInput", err)
			}
			ch := createChange(newCase("c4"))
			ch.Event.Data = []byte(`{not json`)
			if err := repo.CreateCase(ctx, ch); !errors.Is(err, workflow.ErrInvalidInput) {
				t.Errorf("CreateCase(bad event data) = %v, want ErrInvalidInput", err)
			}
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			if _, err := repo.GetCase(ctx, "nope"); !errors.Is(err, workflow.ErrNotFound) {
				t.Errorf("GetCase(nope) = %v, want ErrNotFound", err)
			}
		})
	})
}

func TestApplyChange(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx, repo := ctxT(t), models.NewRepo(db)
		c := newCase("a1")
		mustCreate(t, repo, c)
		c = mustStep(t, repo, c, workflow.StatusAccepted, notifyApplicant{CaseID: "a1"}, orderCourier{CaseID: "a1", Leg: "pickup"})
		c = mustStep(t, repo, c, workflow.StatusApproved)

		t.Run("OK", func(t *testing.T) {
			got, err := repo.GetCase(ctx, "a1")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(stored(c), got); diff != "" {
				t.Errorf("GetCase mismatch (-want +got):\n%s", diff)
			}
			evs, err := repo.Events(ctx, "a1")
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) != 3 {
				t.Fatalf("len(Events) = %d, want 3", len(evs))
			}
			for i, ev := range evs {
				if ev.Seq != int64(i+1) {
					t.Errorf("event %d has seq %d", i, ev.Seq)
				}
				if i > 0 && ev.PrevHash != evs[i-1].Hash {
					t.Errorf("event %d prev_hash %s, want %s", ev.Seq, ev.PrevHash, evs[i-1].Hash)
				}
			}
			if got, want := evs[2].From, workflow.StatusAccepted; got != want {
				t.Errorf("event 3 from = %s, want %s", got, want)
			}
			if n := count(t, db, `SELECT count(*) FROM outbox WHERE case_id = 'a1'`); n != 2 {
				t.Errorf("outbox rows = %d, want 2", n)
			}
		})
		t.Run("ErrConflict", func(t *testing.T) {
			// A second repo has no cached head: both paths must refuse a stale version.
			for _, r := range []*models.Repo{repo, models.NewRepo(db)} {
				// Version 2 is already taken.
				_, ch := step(newCase("a1"), workflow.StatusRejected, t0.Add(time.Hour))
				if err := r.ApplyChange(ctx, ch); !errors.Is(err, workflow.ErrConflict) {
					t.Errorf("ApplyChange(stale) = %v, want ErrConflict", err)
				}
			}
			got, _ := repo.GetCase(ctx, "a1")
			if got.Version != 3 || got.Status != workflow.StatusApproved {
				t.Errorf("case after conflicts = v%d %s, want v3 approved", got.Version, got.Status)
			}
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			for _, r := range []*models.Repo{repo, models.NewRepo(db)} {
				_, ch := step(newCase("missing"), workflow.StatusAccepted, t0)
				if err := r.ApplyChange(ctx, ch); !errors.Is(err, workflow.ErrNotFound) {
					t.Errorf("ApplyChange(missing) = %v, want ErrNotFound", err)
				}
			}
		})
		t.Run("ErrInvalidInput", func(t *testing.T) {
			_, ch := step(c, workflow.StatusDelivering, t0)
			ch.Event.Seq = 99
			if err := repo.ApplyChange(ctx, ch); !errors.Is(err, workflow.ErrInvalidInput) {
				t.Errorf("ApplyChange(seq mismatch) = %v, want ErrInvalidInput", err)
			}
		})
		t.Run("StaleHeadCache", func(t *testing.T) {
			// Another replica moves the case on; this repo's cached head is behind.
			other := models.NewRepo(db)
			if _, err := other.GetCase(ctx, "a1"); err != nil {
				t.Fatal(err)
			}
			c2 := mustStep(t, other, c, workflow.StatusDelivering)
			c3 := mustStep(t, repo, c2, workflow.StatusDelivered)
			if _, ch := step(c2, workflow.StatusDelivered, t0); other.ApplyChange(ctx, ch) == nil {
				t.Errorf("ApplyChange on a version already taken succeeded")
			}
			got, _ := other.GetCase(ctx, "a1")
			if got.Version != c3.Version {
				t.Errorf("version = %d, want %d", got.Version, c3.Version)
			}
		})
	})
}

func TestDueTimers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx, repo := ctxT(t), models.NewRepo(db)
		now := t0.Add(24 * time.Hour)
		mk := func(id string, timer time.Time, st workflow.Status) {
			c := newCase(id)
			c.NextTimerAt, c.Status = timer, st
			mustCreate(t, repo, c)
		}
		mk("due-early", now.Add(-2*time.Hour), workflow.StatusAccepted)
		mk("due-now", now, workflow.StatusSubmitted)
		mk("later", now.Add(time.Microsecond), workflow.StatusAccepted)
		mk("no-timer", time.Time{}, workflow.StatusAccepted)
		mk("closed", now.Add(-time.Hour), workflow.StatusClosed)
		mk("withdrawn", now.Add(-time.Hour), workflow.StatusWithdrawn)

		got, err := repo.DueTimers(ctx, now, 10)
		if err != nil {
			t.Fatalf("DueTimers: %v", err)
		}
		var ids []string
		for _, c := range got {
			ids = append(ids, c.ID)
		}
		if diff := cmp.Diff([]string{"due-early", "due-now"}, ids); diff != "" {
			t.Errorf("DueTimers ids (-want +got):\n%s", diff)
		}
		if got, err := repo.DueTimers(ctx, now, 1); err != nil || len(got) != 1 || got[0].ID != "due-early" {
			t.Errorf("DueTimers(limit 1) = %v, %v; want due-early", got, err)
		}
	})
}

// TestCountFalseCommitments counts a subject's false commitments by its
// account and by its identity's blind index under any other account (a
// walk-in's, another channel's), from a time on; the index is stored on
// the case and read back with it.
func TestCountFalseCommitments(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx, repo := ctxT(t), models.NewRepo(db)
		for i, fc := range []bool{true, false, true} {
			c := newCase(string(rune('p' + i)))
			c.ApplicantID, c.FalseCommitment = "citizen-42", fc
			mustCreate(t, repo, c)
		}
		other := newCase("q9")
		other.FalseCommitment = true
		mustCreate(t, repo, other)
		walkin := newCase("w1")
		walkin.ApplicantID, walkin.SubjectIndex, walkin.FalseCommitment = "ca-7", "idx-zhang", true
		walkin.UpdatedAt = t0.Add(48 * time.Hour)
		mustCreate(t, repo, walkin)
		if got, err := repo.GetCase(ctx, "w1"); err != nil || got.SubjectIndex != "idx-zhang" {
			t.Errorf("case read back with subject index %q (%v), want idx-zhang", got.SubjectIndex, err)
		}
		// The same account acted for a company, whose false commitment
		// counts for the account but is the company's to repair; another
		// identity's exclusion ended after a year.
		company := newCase("b1")
		company.ApplicantID, company.SubjectIndex, company.FalseCommitment = "citizen-42", "idx-company", true
		mustCreate(t, repo, company)
		ended := newCase("e1")
		ended.ApplicantID, ended.SubjectIndex, ended.FalseCommitment = "citizen-li", "idx-li", true
		ended.ExcludedUntil = workflow.ExclusionEnd(t0, 12)
		mustCreate(t, repo, ended)
		if got, err := repo.GetCase(ctx, "e1"); err != nil || !got.ExcludedUntil.Equal(ended.ExcludedUntil) {
			t.Errorf("case read back excluded until %s (%v), want %s", got.ExcludedUntil, err, ended.ExcludedUntil)
		}
		now := t0.Add(96 * time.Hour)
		for _, tc := range []struct {
			name      string
			who       workflow.Subject
			since, at time.Time
			want      int64
		}{
			{"Account", workflow.Subject{ApplicantID: "citizen-42"}, time.Time{}, now, 3},
			{"None", workflow.Subject{ApplicantID: "citizen-none"}, time.Time{}, now, 0},
			{"IdentityElsewhere", workflow.Subject{ApplicantID: "citizen-zhang", Index: "idx-zhang"}, time.Time{}, now, 1},
			{"AccountAndIdentity", workflow.Subject{ApplicantID: "citizen-42", Index: "idx-zhang"}, time.Time{}, now, 4},
			{"SinceRepair", workflow.Subject{ApplicantID: "citizen-42", Index: "idx-zhang"}, t0.Add(24 * time.Hour), now, 2},
			{"AfterAll", workflow.Subject{ApplicantID: "citizen-42", Index: "idx-zhang"}, t0.Add(72 * time.Hour), now, 1},
			{"CompanyRepaired", workflow.Subject{ApplicantID: "citizen-42", Index: "idx-company"}, t0.Add(72 * time.Hour), now, 0},
			{"NotYetEnded", workflow.Subject{ApplicantID: "citizen-li", Index: "idx-li"}, time.Time{}, ended.ExcludedUntil.Add(-time.Second), 1},
			{"Ended", workflow.Subject{ApplicantID: "citizen-li", Index: "idx-li"}, time.Time{}, ended.ExcludedUntil, 0},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if n, err := repo.CountFalseCommitments(ctx, tc.who, tc.since, tc.at); err != nil || n != tc.want {
					t.Errorf("CountFalseCommitments(%+v, %v, %v) = %d, %v; want %d", tc.who, tc.since, tc.at, n, err, tc.want)
				}
			})
		}
		p, err := repo.SubmissionPrior(ctx, workflow.Subject{ApplicantID: "citizen-zhang", Index: "idx-zhang"}, "s", "k", now)
		if err != nil || p.FalseCommitments != 1 {
			t.Errorf("SubmissionPrior by identity = %+v, %v; want 1", p, err)
		}
		p, err = repo.SubmissionPrior(ctx, workflow.Subject{ApplicantID: "citizen-li", Index: "idx-li"}, "s", "k", ended.ExcludedUntil)
		if err != nil || p.FalseCommitments != 0 {
			t.Errorf("SubmissionPrior after the exclusion ended = %+v, %v; want 0", p, err)
		}
	})
}
