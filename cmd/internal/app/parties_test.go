package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	provincesb "zerovisit/integrations/province/sandbox"

	"zerovisit/cmd/internal/cmdtest"
	"zerovisit/configs"
	"zerovisit/integrations/department"
	departmentsb "zerovisit/integrations/department/sandbox"
	"zerovisit/integrations/elicense"
	elicensesb "zerovisit/integrations/elicense/sandbox"
	"zerovisit/workflow"
	"zerovisit/workflow/ident"
	"zerovisit/workflow/workflowtest"
)

// mapHolders is a holder directory for tests, standing in for the citizen
// accounts' verified identities.
type mapHolders map[string]holder

func (m mapHolders) Holder(_ context.Context, id string) (holder, error) {
	h, ok := m[id]
	if !ok {
		return holder{}, fmt.Errorf("holder %s: %w", id, workflow.ErrNotFound)
	}
	return h, nil
}

// testConfig is the configuration of a test's App: any free port, the
// test keys, an outbox that delivers at once and retries for ever, then
// base and env over them.
func testConfig(t *testing.T, base, env map[string]string) configs.Config {
	t.Helper()
	all := map[string]string{
		"ZEROVISIT_ADDR":                       "127.0.0.1:0",
		"ZEROVISIT_WORKER_OUTBOX_INTERVAL":     "10ms",
		"ZEROVISIT_WORKER_OUTBOX_BASE_DELAY":   "20ms",
		"ZEROVISIT_WORKER_OUTBOX_MAX_DELAY":    "200ms",
		"ZEROVISIT_WORKER_OUTBOX_MAX_ATTEMPTS": "1000",
		"ZEROVISIT_PARTY_SANDBOX":              "true",
	}
	for _, m := range []map[string]string{testKeys, base, env} {
		for k, v := range m {
			all[k] = v
		}
	}
	cfg, err := configs.Load(envOf(all))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// openTestApp runs the whole service on the embedded default with the
// sandboxes and a fast outbox; env adds to or overrides the settings.
func openTestApp(t *testing.T, holders holderDirectory, env map[string]string) *App {
	t.Helper()
	cfg := testConfig(t, map[string]string{
		"ZEROVISIT_DATABASE_URL": filepath.Join(t.TempDir(), "zv.db"),
		"ZEROVISIT_LOG_LEVEL":    "error",
	}, env)
	app := NewApp(cfg, discardLogger())
	app.holders = holders
	if err := app.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = app.Close() })
	return app
}

// testDatabaseURL is a fresh PostgreSQL schema when TEST_DATABASE_URL is set
// (as in CI), and a fresh SQLite file otherwise.
var testDatabaseURL = cmdtest.DatabaseURL

var eventually = cmdtest.Eventually

var (
	testCitizen = workflow.Actor{Kind: workflow.ActorCitizen, ID: "u-zhang"}
	testClerk   = workflow.Actor{Kind: workflow.ActorClerk, ID: "clerk-1"}
)

// submitCase opens and submits a case of item for the test citizen.
func submitCase(t *testing.T, app *App, id, item string, trustFirst bool) workflow.Case {
	t.Helper()
	ctx := context.Background()
	it, err := app.svc.Engine().Catalogue().Lookup(item)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.svc.Create(ctx, workflow.Draft{ID: id, Number: "ZV" + id, ItemCode: item, ApplicantID: testCitizen.ID, Channel: workflow.ChannelWeChat, Actor: testCitizen}, nil); err != nil {
		t.Fatal(err)
	}
	c, err := app.svc.Do(ctx, id, workflowtest.Submit(it, testCitizen, trustFirst, time.Now()), nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestApprovalIssuesSignedLicence approves a case and finds its result
// licence in the e-license sandbox, with a valid identifier and an SM2
// signature that verifies with the issuing department's public key.
func TestApprovalIssuesSignedLicence(t *testing.T) {
	app := openTestApp(t, mapHolders{testCitizen.ID: {ID: elicensesb.ZhangSanID, Name: "张三"}}, nil)
	c := submitCase(t, app, "lic-1", "scjgj-spjyxk", true)
	if c.Status != workflow.StatusAccepted {
		t.Fatalf("submitted case is %s, want accepted (trust first)", c.Status)
	}
	if _, err := app.svc.Do(context.Background(), c.ID, workflow.Approve{Meta: workflow.Meta{Actor: testClerk}, Opinion: "准予许可"}, nil); err != nil {
		t.Fatal(err)
	}

	sb := app.parties.sandboxes.elicense
	var lic elicense.Licence
	eventually(t, 10*time.Second, "the result licence", func() bool {
		for _, l := range sb.Licences() {
			if l.CaseNumber == c.Number {
				lic = l
				return true
			}
		}
		return false
	})
	parsed, err := ident.ParseLicenceID(lic.ID)
	if err != nil {
		t.Fatalf("licence id %q does not validate: %v", lic.ID, err)
	}
	if got, want := parsed.Issuer.Code, "11330100002501234W"; got != want {
		t.Errorf("issuer = %s, want the market regulator %s", got, want)
	}
	if got, want := lic.HolderID, elicensesb.ZhangSanID; got != want {
		t.Errorf("holder = %s, want %s", got, want)
	}
	pub, ok := sb.Keyring().PublicKey(lic.IssuerCode)
	if !ok {
		t.Fatal("no public key for the issuer")
	}
	if err := elicense.VerifyLicence(pub, lic); err != nil {
		t.Fatalf("licence signature does not verify: %v", err)
	}
	forged := lic
	forged.HolderID = elicensesb.RestaurantID
	if err := elicense.VerifyLicence(pub, forged); err == nil {
		t.Error("a licence with another holder still verifies")
	}
	// The same licence through the client, as a citizen's download would fetch it.
	got, err := app.parties.elicense.Licence(context.Background(), lic.ID)
	if err != nil || got.ID != lic.ID {
		t.Fatalf("fetch licence: %v", err)
	}
}

// TestProvinceOutageLosesNoReport reports 500 cases through the outbox while
// the provincial sandbox is down for a stretch: afterwards the platform holds
// every case's latest version, each version arrived exactly once, and
// reconciliation finds nothing to re-send.
func TestProvinceOutageLosesNoReport(t *testing.T) {
	app := openTestApp(t, mapHolders{testCitizen.ID: {ID: elicensesb.ZhangSanID, Name: "张三"}}, map[string]string{
		"ZEROVISIT_DATABASE_URL":           testDatabaseURL(t),
		"ZEROVISIT_PARTY_BREAKER_COOLDOWN": "100ms",
	})
	ctx := context.Background()
	prov := app.parties.sandboxes.province
	const n = 500
	start := time.Now()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := range n {
		if i == n/4 {
			prov.Faults().Down(true)
		}
		if i == 3*n/4 {
			prov.Faults().Down(false)
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			id := fmt.Sprintf("p-%04d", i)
			submitCase(t, app, id, "gaj-hjzmkj", false)
			if _, err := app.svc.Do(ctx, id, workflow.Accept{Meta: workflow.Meta{Actor: testClerk}}, nil); err != nil {
				t.Error(err)
			}
			if i%2 == 0 {
				if _, err := app.svc.Do(ctx, id, workflow.Approve{Meta: workflow.Meta{Actor: testClerk}}, nil); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	prov.Faults().Down(false)
	t.Logf("submitted after %v", time.Since(start))

	want := map[string]int64{}
	for i := range n {
		c, err := app.svc.Get(ctx, fmt.Sprintf("p-%04d", i))
		if err != nil {
			t.Fatal(err)
		}
		want[c.Number] = c.Reported.Version
	}
	eventually(t, 60*time.Second, "every version delivered and every case's latest version on the platform", func() bool {
		if len(prov.Counts()) < 2*n+n/2 {
			return false
		}
		held := prov.Holdings()
		for number, v := range want {
			if held[number].Version != v {
				return false
			}
		}
		return true
	})
	t.Logf("delivered after %v", time.Since(start))
	// The 办件 rows travelled with the status: every case's acceptance row
	// is held at its latest version.
	eventually(t, 30*time.Second, "every case's rows at its latest version", func() bool {
		for number, v := range want {
			if prov.Rows(number)[provincesb.RowKey{Table: "up_pro_accept", RowGUID: number + ":A"}].Version != v {
				return false
			}
		}
		return true
	})
	attempts := 0
	for _, r := range prov.Recorder().Requests() {
		// A status report travels alone or with the case's 办件 rows.
		if strings.HasSuffix(r.Path, "/cases/report") || strings.HasSuffix(r.Path, "/records/report") {
			attempts++
		}
	}
	if attempts <= 2*n+n/2 {
		t.Fatalf("%d report attempts for %d versions: the outage refused nothing, so it tested nothing", attempts, 2*n+n/2)
	}
	// A version that arrives after a newer one (its first attempt fell in the
	// outage) is acknowledged as stale and does not overwrite: latest wins.
	versions := 0
	for key, count := range prov.Counts() {
		if count.Accepted+count.Stale != 1 || count.Duplicates != 0 {
			t.Errorf("%s v%d: %+v, want delivered exactly once", key.Number, key.Version, count)
		}
		versions++
	}
	if versions != 2*n+n/2 {
		t.Errorf("%d versions delivered, want %d (one at submission, one at acceptance, one more for each approval)", versions, 2*n+n/2)
	}

	sum, err := reconcileProvince(ctx, app, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Checked != n || sum.Missing+sum.Stale+sum.Resent+sum.Failed != 0 {
		t.Errorf("reconcile after recovery = %+v, want %d checked and nothing to re-send", sum, n)
	}
	if sum.Rows.Accept.Checked != n || sum.Rows.Process.Checked < 2*n || sum.RowsResent+sum.RowsFailed != 0 {
		t.Errorf("reconcile rows after recovery = %+v, want every case's rows checked and none re-sent", sum.Rows)
	}
	// The platform loses the process rows of one case and the result of
	// another: reconciliation re-sends those two cases' rows.
	if prov.DeleteRows("ZVp-0011", "up_pro_process") == 0 || prov.DeleteRows("ZVp-0012", "up_pro_result") != 1 {
		t.Fatal("the cases' rows were not on the platform")
	}
	sum, err = reconcileProvince(ctx, app, false, nil)
	if err != nil || sum.RowsResent != 2 || sum.Rows.Process.Missing < 2 || sum.Rows.Result.Missing != 1 {
		t.Errorf("reconcile after losing rows = %+v, %v; want the two cases' rows re-sent", sum, err)
	}
	if len(prov.Rows("ZVp-0011")) == 0 || prov.Rows("ZVp-0012")[provincesb.RowKey{Table: "up_pro_result", RowGUID: "ZVp-0012:R"}].Version == 0 {
		t.Error("the lost rows are not back on the platform")
	}
	prov.Delete("ZVp-0007")
	sum, err = reconcileProvince(ctx, app, false, nil)
	if err != nil || sum.Missing != 1 || sum.Resent != 1 {
		t.Errorf("reconcile after losing one holding = %+v, %v; want it re-sent", sum, err)
	}
}

// TestDepartmentCallbackDrivesCase has the department sandbox send signed
// decisions to our callback over HTTP: a good one decides the case once,
// forged and replayed ones are refused and change nothing.
func TestDepartmentCallbackDrivesCase(t *testing.T) {
	app := openTestApp(t, nil, nil)
	ctx := context.Background()
	c := submitCase(t, app, "dep-1", "gaj-hjzmkj", false)
	if _, err := app.svc.Do(ctx, c.ID, workflow.Accept{Meta: workflow.Meta{Actor: testClerk}}, nil); err != nil {
		t.Fatal(err)
	}
	url := "http://" + app.Addr() + "/api/v1/callbacks/department"
	depts := app.parties.sandboxes.depts
	eventually(t, 10*time.Second, "the case pushed to the department", func() bool { return len(depts.Pushes()) > 0 })

	cb := department.Callback{Department: "gaj", CaseNumber: c.Number, Decision: department.DecisionApprove, Reason: "符合条件", DecisionID: "GAJ-2026-0001"}
	signed, err := depts.SignDecision(cb, time.Now(), department.NewNonce())
	if err != nil {
		t.Fatal(err)
	}
	post := func(s departmentsb.Signed) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(s.Body))
		for k, v := range s.Header {
			req.Header[k] = v
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}

	tampered := signed
	tampered.Body = bytes.Replace(signed.Body, []byte(`"approve"`), []byte(`"reject"`), 1)
	if code, body := post(tampered); code != http.StatusUnauthorized || !strings.Contains(body, "bad_signature") {
		t.Errorf("tampered callback = %d %s, want 401 bad_signature", code, body)
	}
	if got, _ := app.svc.Get(ctx, c.ID); got.Status != workflow.StatusAccepted {
		t.Fatalf("a refused callback changed the case to %s", got.Status)
	}

	code, body := post(signed)
	if code != http.StatusOK {
		t.Fatalf("signed callback = %d %s", code, body)
	}
	var ok struct {
		Status workflow.Status `json:"status"`
	}
	_ = json.Unmarshal([]byte(body), &ok)
	if ok.Status != workflow.StatusApproved {
		t.Errorf("callback answered status %s, want approved", ok.Status)
	}
	if code, body := post(signed); code != http.StatusUnauthorized || !strings.Contains(body, "replayed_nonce") {
		t.Errorf("replayed callback = %d %s, want 401 replayed_nonce", code, body)
	}
	stale, err := depts.SignDecision(cb, time.Now().Add(-10*time.Minute), department.NewNonce())
	if err != nil {
		t.Fatal(err)
	}
	if code, body := post(stale); code != http.StatusUnauthorized || !strings.Contains(body, "stale_timestamp") {
		t.Errorf("old callback = %d %s, want 401 stale_timestamp", code, body)
	}
	evs, err := app.svc.History(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	approvals := 0
	for _, e := range evs {
		if e.To == workflow.StatusApproved {
			approvals++
		}
	}
	if approvals != 1 {
		t.Errorf("%d approvals in the history, want 1", approvals)
	}
}
