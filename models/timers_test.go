package models_test

import (
	"context"
	"testing"
	"time"

	"zerovisit/models"
	"zerovisit/models/dbtest"
	"zerovisit/workflow"
)

// TestTimersOnStores runs the timer pass against the real stores: cards
// are raised as the deadline nears and passes, and a correction that is
// never supplied ends the case, each change once however often timers run.
func TestTimersOnStores(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) // Monday
		svc, _ := newService(t, db, func() time.Time { return now })

		createCase(t, svc, "t-card", "gaj-hjzmkj", now)
		createCase(t, svc, "t-supp", "gaj-hjzmkj", now)
		for _, id := range []string{"t-card", "t-supp"} {
			if _, err := svc.Do(ctx, id, submitFor(t, svc, "gaj-hjzmkj", false, now), nil); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Do(ctx, id, workflow.Accept{Meta: workflow.Meta{Actor: clerkActor}}, nil); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := svc.Do(ctx, "t-supp", workflow.RequestSupplement{Meta: workflow.Meta{Actor: clerkActor},
			Items: []workflow.SupplementItem{{Material: "sqb", Reason: "申请表缺少签名"}}}, nil); err != nil {
			t.Fatal(err)
		}

		if n, err := svc.RunTimers(ctx, 100); err != nil || n != 0 {
			t.Fatalf("timers at the start ticked %d cases (%v), want none", n, err)
		}
		card := func(id string) workflow.Card {
			c, err := svc.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return c.Card
		}

		// Two working days promised from Monday: due at the end of Wednesday.
		now = time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)
		if _, err := svc.RunTimers(ctx, 100); err != nil {
			t.Fatal(err)
		}
		if got, want := card("t-card"), workflow.CardYellow; got != want {
			t.Errorf("card on the last day = %q, want %q", got, want)
		}
		now = time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC)
		if _, err := svc.RunTimers(ctx, 100); err != nil {
			t.Fatal(err)
		}
		if got, want := card("t-card"), workflow.CardRed; got != want {
			t.Errorf("card after the deadline = %q, want %q", got, want)
		}
		before, _ := svc.History(ctx, "t-card")
		if _, err := svc.RunTimers(ctx, 100); err != nil {
			t.Fatal(err)
		}
		after, _ := svc.History(ctx, "t-card")
		if len(after) != len(before) {
			t.Errorf("a second timer pass at the same moment added %d events", len(after)-len(before))
		}

		// The correction period (15 working days) runs out.
		now = time.Date(2026, 4, 15, 12, 0, 0, 0, time.UTC)
		if _, err := svc.RunTimers(ctx, 100); err != nil {
			t.Fatal(err)
		}
		c, err := svc.Get(ctx, "t-supp")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := c.Status, workflow.StatusWithdrawn; got != want {
			t.Errorf("case with an unsupplied correction is %s, want %s", got, want)
		}
		if got, want := card("t-supp"), workflow.CardNone; got != want {
			t.Errorf("card of a case whose clock is paused = %q, want none", got)
		}
	})
}
