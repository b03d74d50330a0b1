package app

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	"zerovisit/workflow/staff"

	"zerovisit/models"
	"zerovisit/models/dbtest"
	"zerovisit/workflow"
)

// TestFiftyClerksClaimFiveHundredCases runs the binary on real PostgreSQL
// and Redis and has 50 clerks claim, over HTTP and all at once, from one
// queue of 500 cases until it is empty: every case is held by exactly one
// clerk, none is lost, each clerk's "mine" queue shows what they won, and
// when the leases lapse the cases are back in the queue for anyone.
func TestFiftyClerksClaimFiveHundredCases(t *testing.T) {
	redisURL := os.Getenv("TEST_REDIS_URL")
	if redisURL == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("TEST_REDIS_URL must be set in CI")
		}
		t.Skip("TEST_REDIS_URL is not set")
	}
	const nCases, nClerks = 500, 50
	app := openTestApp(t, noHolders{}, staffTestEnv(map[string]string{
		"ZEROVISIT_DATABASE_URL":   dbtest.PostgresURL(t),
		"ZEROVISIT_REDIS_URL":      redisURL,
		"ZEROVISIT_WORKER_ENABLED": "false",
	}))
	ctx := context.Background()
	repo := app.repo
	now := time.Now()
	for i := range nCases {
		c := workflow.Case{
			ID: fmt.Sprintf("cc-%03d", i), Number: fmt.Sprintf("ZVCC%05d", i), ItemCode: "scjgj-spjyxk", Department: "scjgj",
			ApplicantID: "u-cc", Status: workflow.StatusAccepted, Version: 1, TrustFirst: true,
			Deadline: now.Add(time.Duration(24+i%48) * time.Hour), CreatedAt: now, UpdatedAt: now,
		}
		err := repo.CreateCase(ctx, workflow.Change{Case: c, Event: workflow.EventRecord{Name: "submit",
			Actor: workflow.Actor{Kind: workflow.ActorCitizen, ID: "u-cc"}, At: now, From: workflow.StatusDraft, To: c.Status}})
		if err != nil {
			t.Fatal(err)
		}
	}
	tokens := make([]string, nClerks)
	for k := range nClerks {
		id := addStaff(t, app, fmt.Sprintf("clerk%02d", k), "scjgj", staff.RoleClerk)
		tokens[k] = staffToken(t, app, id, "scjgj", staff.RoleClerk)
	}

	var (
		mu   sync.Mutex
		won  = map[string]int{} // case -> clerk
		errs = make(chan error, nClerks)
		wg   sync.WaitGroup
	)
	for k := range nClerks {
		wg.Go(func() {
			for {
				code, body := call(t, app, http.MethodPost, "/api/v1/staff/queue/claim-next", tokens[k], map[string]any{})
				switch code {
				case http.StatusOK:
					id := body["case"].(map[string]any)["id"].(string)
					mu.Lock()
					if prev, dup := won[id]; dup {
						errs <- fmt.Errorf("case %s won by clerk %d and clerk %d", id, prev, k)
					}
					won[id] = k
					mu.Unlock()
				case http.StatusNotFound:
					return
				case http.StatusConflict: // every candidate taken first: try again
				default:
					errs <- fmt.Errorf("clerk %d: claim next = %d %v", k, code, body)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got, want := len(won), nCases; got != want {
		t.Fatalf("%d cases claimed, want %d", got, want)
	}
	perClerk := map[int]int{}
	for _, k := range won {
		perClerk[k]++
	}
	store := models.NewStaffStore(app.db)
	for id, k := range won {
		cl, ok, err := store.ClaimOf(ctx, id, time.Now())
		if err != nil || !ok || cl.StaffID != fmt.Sprintf("st-clerk%02d", k) {
			t.Fatalf("claim of %s = %+v %v %v, want clerk %d", id, cl, ok, err, k)
		}
	}
	for _, k := range []int{0, nClerks / 2, nClerks - 1} {
		code, body := call(t, app, http.MethodGet, "/api/v1/staff/queue?claimed=mine&limit=1", tokens[k], nil)
		if code != http.StatusOK || int(body["total"].(float64)) != perClerk[k] {
			t.Errorf("clerk %d's queue = %d %v, want %d cases", k, code, body["total"], perClerk[k])
		}
	}
	// A clerk acting on a case another clerk won is refused.
	var someCase string
	var holder int
	for id, k := range won {
		someCase, holder = id, k
		break
	}
	other := (holder + 1) % nClerks
	if code, body := call(t, app, http.MethodPost, "/api/v1/staff/cases/"+someCase+"/approve", tokens[other], map[string]any{}); code != http.StatusConflict || body["error"].(map[string]any)["code"] != "claimed_by_other" {
		t.Errorf("approve by a non-holder = %d %v", code, body)
	}

	// Time passes beyond every lease: the cases are back in the queue, and a
	// clerk who held none claims the most urgent.
	if err := app.db.Gorm().Exec(`UPDATE case_claims SET expires_at = now() - interval '1 second'`).Error; err != nil {
		t.Fatal(err)
	}
	code, body := call(t, app, http.MethodGet, "/api/v1/staff/queue?claimed=free&limit=1", tokens[0], nil)
	if code != http.StatusOK || int(body["total"].(float64)) != nCases {
		t.Fatalf("free after the leases lapsed = %d %v, want %d", code, body["total"], nCases)
	}
	code, body = call(t, app, http.MethodPost, "/api/v1/staff/queue/claim-next", tokens[other], map[string]any{})
	if code != http.StatusOK {
		t.Fatalf("claim after the lapse = %d %v", code, body)
	}
	if got := body["case"].(map[string]any)["id"]; got != "cc-000" {
		t.Errorf("most urgent after the lapse = %v, want cc-000", got)
	}
}
