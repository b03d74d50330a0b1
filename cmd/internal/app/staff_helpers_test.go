package app

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"zerovisit/handlers/session"
	"zerovisit/workflow/staff"

	"zerovisit/models"
	"zerovisit/workflow"
	"zerovisit/workflow/workflowtest"
)

// staffTestEnv are the settings staff tests run the binary with: cheap
// password hashing and timers that look every 100 ms.
func staffTestEnv(more map[string]string) map[string]string {
	env := map[string]string{
		"ZEROVISIT_STAFF_PASSWORD_MEMORY_KIB": "64",
		"ZEROVISIT_STAFF_PASSWORD_TIME":       "1",
		"ZEROVISIT_WORKER_TIMER_INTERVAL":     "100ms",
	}
	for k, v := range more {
		env[k] = v
	}
	return env
}

// addStaff opens an account with the test password and returns its id.
func addStaff(t *testing.T, app *App, username, department string, roles ...staff.Role) string {
	t.Helper()
	hasher, err := app.staffPasswords()
	if err != nil {
		t.Fatal(err)
	}
	hash, err := hasher.Hash(context.Background(), testStaffPassword)
	if err != nil {
		t.Fatal(err)
	}
	st, err := models.NewStaffStore(app.db).CreateStaff(context.Background(), staff.Account{ID: "st-" + username, Username: username,
		Name: username, Department: department, Roles: roles, PasswordHash: hash, CreatedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	return st.ID
}

const testStaffPassword = "console-pass-2025"

// staffToken issues an access token for a member of staff directly.
func staffToken(t *testing.T, app *App, id, department string, roles ...staff.Role) string {
	t.Helper()
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	pair, err := app.tokens.Issue(session.Subject{Kind: session.SubjectStaff, ID: id, Roles: names, Department: department})
	if err != nil {
		t.Fatal(err)
	}
	return pair.AccessToken
}

// call sends a JSON request to the running app and decodes the answer.
func call(t *testing.T, app *App, method, path, token string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, "http://"+app.Addr()+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// submitAt opens and submits a case for a citizen at `at` (in the past to
// make it late); trust signs the commitment letter.
func submitAt(t *testing.T, app *App, id, item string, trust bool, at time.Time) workflow.Case {
	t.Helper()
	ctx := context.Background()
	it, err := app.svc.Engine().Catalogue().Lookup(item)
	if err != nil {
		t.Fatal(err)
	}
	citizen := workflow.Actor{Kind: workflow.ActorCitizen, ID: "u-" + id}
	if _, err := app.svc.Create(ctx, workflow.Draft{ID: id, Number: "ZV" + id, ItemCode: item, ApplicantID: citizen.ID,
		Channel: workflow.ChannelWeChat, Actor: citizen, At: at.Add(-time.Minute)}, nil); err != nil {
		t.Fatal(err)
	}
	ev := workflowtest.Submit(it, citizen, trust, at)
	ev.Delivery = workflow.Delivery{Method: workflow.DeliveryElectronic}
	c, err := app.svc.Do(ctx, id, ev, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
