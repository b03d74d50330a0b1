package models_test

import (
	"errors"
	"testing"
	"time"

	"zerovisit/models"
	"zerovisit/models/dbtest"
	"zerovisit/workflow"
)

// TestCaseAndApplication reads a case with its application in one
// statement: none for a case without one, the stored one otherwise, and
// ErrNotFound for no case; the read case can be changed at once.
func TestCaseAndApplication(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx := ctxT(t)
		repo, citizens := models.NewRepo(db), models.NewCitizens(db, testSealer(t))
		c := newCase("ca-1")
		mustCreate(t, repo, c)
		got, _, ok, err := repo.CaseAndApplication(ctx, c.ID)
		if err != nil || ok || got.ID != c.ID || got.Version != 1 {
			t.Fatalf("case without application = %s v%d, has one %v (%v)", got.ID, got.Version, ok, err)
		}
		app := models.Application{CaseID: c.ID, PrincipalID: "b-1", PersonID: "p-1", Channel: workflow.ChannelAlipay,
			Materials: []models.ApplicationMaterial{{Code: "plan", Note: "平面图"}}}
		if err := citizens.CreateApplication(ctx, app); err != nil {
			t.Fatal(err)
		}
		got, a, ok, err := repo.CaseAndApplication(ctx, c.ID)
		if err != nil || !ok || got.ID != c.ID {
			t.Fatalf("case with application: ok %v (%v)", ok, err)
		}
		want, err := citizens.Application(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if a.CaseID != c.ID || a.PrincipalID != "b-1" || a.PersonID != "p-1" || a.Channel != workflow.ChannelAlipay ||
			a.Version != 1 || len(a.Materials) != 1 || a.Materials[0].Note != "平面图" ||
			!a.CreatedAt.Equal(want.CreatedAt) || !a.UpdatedAt.Equal(want.UpdatedAt) || a.CreatedAt.IsZero() {
			t.Errorf("application = %+v, want %+v", a, want)
		}
		if _, _, _, err := repo.CaseAndApplication(ctx, "nope"); !errors.Is(err, workflow.ErrNotFound) {
			t.Errorf("no case: err = %v, want ErrNotFound", err)
		}
		mustStep(t, repo, got, workflow.StatusAccepted)
	})
}

// TestUpdateApplicationFromARead saves an edit made on the application as
// read, and re-applies it to the stored one when another save came first.
func TestUpdateApplicationFromARead(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx := ctxT(t)
		citizens := models.NewCitizens(db, testSealer(t))
		mustCreate(t, models.NewRepo(db), newCase("ua-1"))
		app := models.Application{CaseID: "ua-1", PrincipalID: "p-1", PersonID: "p-1", Channel: workflow.ChannelWeChat,
			Materials: []models.ApplicationMaterial{{Code: "plan"}, {Code: "map"}}}
		if err := citizens.CreateApplication(ctx, app); err != nil {
			t.Fatal(err)
		}
		read, err := citizens.Application(ctx, app.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		edits := 0
		first, err := citizens.UpdateApplication(ctx, read, func(a *models.Application) error {
			edits++
			a.Materials[0].Note = "first"
			return nil
		})
		if err != nil || first.Version != 2 || edits != 1 || read.Materials[0].Note != "" {
			t.Fatalf("first save = v%d, %v after %d edits, read %+v; want v2 in one edit, the read untouched", first.Version, err, edits, read.Materials)
		}
		edits = 0
		second, err := citizens.UpdateApplication(ctx, read, func(a *models.Application) error {
			edits++
			a.Materials[1].Note = "second"
			return nil
		})
		if err != nil || second.Version != 3 || edits != 2 {
			t.Fatalf("save on a stale read = v%d, %v after %d edits; want v3 after re-applying once", second.Version, err, edits)
		}
		stored, err := citizens.Application(ctx, app.CaseID)
		if err != nil || stored.Version != 3 || stored.Materials[0].Note != "first" || stored.Materials[1].Note != "second" {
			t.Errorf("stored = %+v, %v; want both edits", stored, err)
		}
		refused := errors.New("refused")
		if _, err := citizens.UpdateApplication(ctx, stored, func(*models.Application) error { return refused }); err != refused {
			t.Errorf("edit error = %v, want it as it is", err)
		}
		if _, err := citizens.UpdateApplication(ctx, models.Application{CaseID: "none"}, func(*models.Application) error { return nil }); !errors.Is(err, workflow.ErrNotFound) {
			t.Errorf("no application: err = %v, want ErrNotFound", err)
		}
	})
}

// TestNumberDraft takes a case number while the applicant keeps fewer
// open drafts than the limit, and none (the day's sequence unmoved) at it.
func TestNumberDraft(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx := ctxT(t)
		repo := models.NewRepo(db)
		at := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC) // 09:00 in China
		for _, id := range []string{"nd-1", "nd-2"} {
			c := newCase(id)
			c.ApplicantID, c.Status = "citizen-nd", workflow.StatusDraft
			mustCreate(t, repo, c)
		}
		other := newCase("nd-3")
		other.ApplicantID = "citizen-nd" // submitted: not an open draft
		mustCreate(t, repo, other)
		n, ok, err := repo.NumberDraft(ctx, at, testImpl, "citizen-nd", 3)
		if err != nil || !ok || n != testImpl+"20260302000001" {
			t.Fatalf("below the limit = %q %v (%v), want the day's first number", n, ok, err)
		}
		if n, ok, err := repo.NumberDraft(ctx, at, testImpl, "citizen-nd", 2); err != nil || ok || n != "" {
			t.Fatalf("at the limit = %q %v (%v), want no number", n, ok, err)
		}
		if n, err := repo.NextCaseNumber(ctx, at, testImpl); err != nil || n != testImpl+"20260302000002" {
			t.Errorf("next number = %q (%v), want the sequence unmoved by the refused draft", n, err)
		}
		if n, ok, err := repo.NumberDraft(ctx, at, testImpl, "citizen-new", 1); err != nil || !ok || n != testImpl+"20260302000003" {
			t.Errorf("a new applicant = %q %v (%v)", n, ok, err)
		}
		// An item without an implementation code keeps the earlier form,
		// on the day's own counter.
		if n, ok, err := repo.NumberDraft(ctx, at, "", "citizen-old", 1); err != nil || !ok || n != "ZV20260302000001" {
			t.Errorf("an item without 实施编码 = %q %v (%v)", n, ok, err)
		}
	})
}

// TestSubmissionPrior reads the stored answer to a key (none when the key
// is new) with the applicant's count of false commitments.
func TestSubmissionPrior(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx := ctxT(t)
		repo := models.NewRepo(db)
		for _, id := range []string{"sp-1", "sp-2", "sp-3"} {
			c := newCase(id)
			c.ApplicantID, c.FalseCommitment = "citizen-sp", id != "sp-3"
			ch := createChange(c)
			if id == "sp-1" {
				ch.Idempotency = &workflow.Idempotency{Scope: "citizen-submit:citizen-sp", Key: "k-1", RequestHash: "h",
					Status: 200, Response: []byte(`{"id":"sp-1"}`), CreatedAt: t0}
			}
			if err := repo.CreateCase(ctx, ch); err != nil {
				t.Fatal(err)
			}
		}
		p, err := repo.SubmissionPrior(ctx, workflow.Subject{ApplicantID: "citizen-sp"}, "citizen-submit:citizen-sp", "k-1", t0)
		if err != nil || p.FalseCommitments != 2 || p.Answer == nil {
			t.Fatalf("prior = %+v (%v), want 2 false commitments and the stored answer", p, err)
		}
		if a := p.Answer; a.Scope != "citizen-submit:citizen-sp" || a.Key != "k-1" || a.RequestHash != "h" || a.Status != 200 ||
			string(a.Response) != `{"id":"sp-1"}` || !a.CreatedAt.Equal(t0.Truncate(time.Microsecond)) {
			t.Errorf("stored answer = %+v", *a)
		}
		p, err = repo.SubmissionPrior(ctx, workflow.Subject{ApplicantID: "citizen-none"}, "citizen-submit:citizen-none", "k-1", t0)
		if err != nil || p.FalseCommitments != 0 || p.Answer != nil {
			t.Errorf("new key of another applicant = %+v (%v), want nothing", p, err)
		}
	})
}
