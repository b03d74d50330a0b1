package app

import (
	"context"
	"maps"
	"path/filepath"
	"testing"
	"time"

	"zerovisit/configs"
	"zerovisit/models/dbtest"
	"zerovisit/workflow"
	"zerovisit/workflow/workflowtest"
)

// outboxApp runs a server whose dispatcher polls once an hour, so that only
// a wake-up gets an effect out within a test. A failed effect is parked as
// dead at once rather than retried later.
func outboxApp(t *testing.T, env map[string]string) *App {
	t.Helper()
	base := map[string]string{
		"ZEROVISIT_ADDR":                       "127.0.0.1:0",
		"ZEROVISIT_WORKER_OUTBOX_INTERVAL":     "1h",
		"ZEROVISIT_WORKER_OUTBOX_MAX_ATTEMPTS": "1",
		"ZEROVISIT_LOG_LEVEL":                  "error",
		"ZEROVISIT_PARTY_SANDBOX":              "true",
	}
	maps.Copy(base, env)
	cfg, err := configs.Load(envOf(base))
	if err != nil {
		t.Fatal(err)
	}
	app := NewApp(cfg, discardLogger())
	if err := app.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = app.Close() })
	return app
}

// submitWithEffects stores a submitted case, and with it its effects, through the
// app's service.
func submitWithEffects(t *testing.T, app *App, id string) {
	t.Helper()
	ctx := context.Background()
	citizen := workflow.Actor{Kind: workflow.ActorCitizen, ID: "u-" + id}
	if _, err := app.svc.Create(ctx, workflow.Draft{ID: id, Number: "ZV-" + id, ItemCode: "gaj-hjzmkj",
		ApplicantID: citizen.ID, Channel: workflow.ChannelWeChat, Actor: citizen}, nil); err != nil {
		t.Fatal(err)
	}
	it, err := app.svc.Engine().Catalogue().Lookup("gaj-hjzmkj")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.svc.Do(ctx, id, workflowtest.Submit(it, citizen, false, time.Now()), nil); err != nil {
		t.Fatal(err)
	}
}

// waitOutboxHandled waits until the app's outbox holds no pending entry:
// every effect was attempted, delivered or parked.
func waitOutboxHandled(t *testing.T, app *App) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		counts, err := app.repo.OutboxCounts(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if counts[workflow.OutboxPending] == 0 && counts[workflow.OutboxDone]+counts[workflow.OutboxDead] > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 5 s the outbox still holds %v (the poll is an hour away)", counts)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestEffectsLeaveWithoutWaitingForThePoll: a change with effects wakes
// the server's own dispatcher.
func TestEffectsLeaveWithoutWaitingForThePoll(t *testing.T) {
	app := outboxApp(t, map[string]string{"ZEROVISIT_DATABASE_URL": filepath.Join(t.TempDir(), "zv.db")})
	submitWithEffects(t, app, "wake-1")
	waitOutboxHandled(t, app)
}

// TestServingReplicaWakesTheWorkers: on PostgreSQL, a replica that only
// serves HTTP (no workers) announces its changes' effects, and the worker
// replica's dispatcher delivers them at once.
func TestServingReplicaWakesTheWorkers(t *testing.T) {
	url := dbtest.PostgresURL(t)
	env := func(workers string) map[string]string {
		e := map[string]string{"ZEROVISIT_DATABASE_URL": url, "ZEROVISIT_WORKER_ENABLED": workers}
		maps.Copy(e, testKeys)
		return e
	}
	serving := outboxApp(t, env("false"))
	working := outboxApp(t, env("true"))
	// Once the worker's listener has connected (and woken its dispatcher for
	// anything announced before), only an announcement wakes it.
	deadline := time.Now().Add(5 * time.Second)
	for {
		var n int64
		if err := working.db.Gorm().Raw(`SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND position(? in query) > 0`, working.signal.Channel()).Row().Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the worker's outbox listener did not connect in 5 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	submitWithEffects(t, serving, "wake-2")
	waitOutboxHandled(t, working)
}
