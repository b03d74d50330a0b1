package workflow_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"zerovisit/workflow"
)

// TestExclusionEnd: an exclusion of n months runs to the end of the same
// day of the month n months on, China time (the last day of a shorter
// month); none (zero) lasts until a credit repair.
func TestExclusionEnd(t *testing.T) {
	cst := workflow.CST()
	for _, tc := range []struct {
		name   string
		at     time.Time
		months int
		want   time.Time
	}{
		{"UntilRepair", time.Date(2025, 9, 1, 10, 0, 0, 0, cst), 0, time.Time{}},
		{"Year", time.Date(2025, 9, 1, 10, 0, 0, 0, cst), 12, time.Date(2026, 9, 2, 0, 0, 0, 0, cst)},
		{"ShorterMonth", time.Date(2025, 8, 31, 10, 0, 0, 0, cst), 6, time.Date(2026, 3, 1, 0, 0, 0, 0, cst)},
		// 2025-09-30 20:00 UTC is already 2025-10-01 in Beijing.
		{"BeijingDay", time.Date(2025, 9, 30, 20, 0, 0, 0, time.UTC), 3, time.Date(2026, 1, 2, 0, 0, 0, 0, cst)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := workflow.ExclusionEnd(tc.at, tc.months); !got.Equal(tc.want) {
				t.Errorf("ExclusionEnd(%s, %d) = %s, want %s", tc.at, tc.months, got, tc.want)
			}
		})
	}
}

// TestFalseCommitmentDatesItsExclusion: a false commitment recorded on a
// case of an item with an exclusion period dates the exclusion's end from
// the terms the case was opened under, and the creation record carries
// the period, so the history alone dates the end; an item without one
// excludes until a repair.
func TestFalseCommitmentDatesItsExclusion(t *testing.T) {
	for _, months := range []int{0, 12} {
		items := testItems()
		items[0].ExclusionMonths = months
		cat, err := workflow.NewCatalogue(items)
		if err != nil {
			t.Fatal(err)
		}
		e := workflow.NewEngine(cat, calendar2025(t))
		got := fixtures(t, e)[workflow.StatusRevoked]
		if got.Terms.ExclusionMonths != months || !got.FalseCommitment {
			t.Fatalf("months %d: revoked case with terms %d, false commitment %v", months, got.Terms.ExclusionMonths, got.FalseCommitment)
		}
		want := workflow.ExclusionEnd(got.UpdatedAt, months)
		if !got.ExcludedUntil.Equal(want) || (months > 0) == want.IsZero() {
			t.Errorf("months %d: excluded until %s, want %s", months, got.ExcludedUntil, want)
		}
		_, create, err := e.New(workflow.Draft{ID: "c9", Number: "N9", ItemCode: "tf", ApplicantID: "u1",
			Channel: workflow.ChannelWeChat, Actor: citizen, At: got.UpdatedAt, ExclusionMonths: 99})
		if err != nil {
			t.Fatal(err)
		}
		var d workflow.Draft
		if err := json.Unmarshal(create.Data, &d); err != nil || d.ExclusionMonths != months {
			t.Errorf("months %d: creation record carries %d (%v), want the catalogue's", months, d.ExclusionMonths, err)
		}
	}
}

// TestServiceWeighsExclusionsAtItsClock: an earlier false commitment
// whose exclusion ended before the service's clock no longer bars trust
// first; one ending later, or with no end, does.
func TestServiceWeighsExclusionsAtItsClock(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		until  time.Duration // from the clock; 0: no end
		reason workflow.PathReason
	}{
		{"UntilRepair", 0, workflow.PathPriorFalseCommitment},
		{"NotYetOver", time.Second, workflow.PathPriorFalseCommitment},
		{"Over", -time.Second, workflow.PathTrustFirst},
		{"EndsNow", time.Duration(-1), workflow.PathTrustFirst},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svc, store, now := newService(t)
			old := workflow.Case{ID: "old", Number: "N0", ApplicantID: "ca-1", SubjectIndex: "idx-zhang",
				Status: workflow.StatusRevoked, FalseCommitment: true, UpdatedAt: now.AddDate(-1, 0, 0)}
			switch tc.until {
			case 0:
			case -1:
				old.ExcludedUntil = *now
			default:
				old.ExcludedUntil = now.Add(tc.until)
			}
			store.cases["old"] = old
			d := draft("c1", "N1")
			d.SubjectIndex = "idx-zhang"
			if _, err := svc.Create(ctx, d, nil); err != nil {
				t.Fatal(err)
			}
			c, err := svc.Do(ctx, "c1", withoutPromise(trustSubmit(t, time.Time{})), nil)
			if err != nil {
				t.Fatal(err)
			}
			if c.PathReason != tc.reason {
				t.Errorf("path = %s, want %s", c.PathReason, tc.reason)
			}
		})
	}
}
