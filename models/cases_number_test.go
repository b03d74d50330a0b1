package models_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"zerovisit/models"
	"zerovisit/models/dbtest"
	"zerovisit/workflow"
)

func TestCasesByNumber(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		svc, repo := newService(t, db, func() time.Time { return at })
		for _, n := range []int{3, 1, 2, 5, 4} {
			createCase(t, svc, fmt.Sprintf("n-%d", n), "gaj-hjzmkj", at)
		}
		var got []string
		after := ""
		for {
			page, err := repo.CasesByNumber(ctx, after, 2)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			for _, c := range page {
				got = append(got, c.Number)
			}
			after = page[len(page)-1].Number
		}
		want := []string{"ZVn-1", "ZVn-2", "ZVn-3", "ZVn-4", "ZVn-5"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("numbers paged = %v, want %v", got, want)
		}

		c, err := repo.GetCaseByNumber(ctx, "ZVn-4")
		if err != nil || c.ID != "n-4" {
			t.Errorf("GetCaseByNumber = %+v, %v", c.ID, err)
		}
		for _, missing := range []string{"ZVn-9", ""} {
			if _, err := repo.GetCaseByNumber(ctx, missing); !errors.Is(err, workflow.ErrNotFound) {
				t.Errorf("GetCaseByNumber(%q) err = %v, want ErrNotFound", missing, err)
			}
		}
	})
}
