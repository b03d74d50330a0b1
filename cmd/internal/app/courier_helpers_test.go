package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"zerovisit/configs"
	elicensesb "zerovisit/integrations/elicense/sandbox"
	"zerovisit/workflow"
	"zerovisit/workflow/desk"
	"zerovisit/workflow/workflowtest"
)

// testAddressBook stands in for the citizens' address book: a case's
// AddressRef to recipient, phone and address.
type testAddressBook map[string][4]string // ref → recipient, phone, address, owner

func (b testAddressBook) Address(_ context.Context, ref string) (string, string, string, string, error) {
	a, ok := b[ref]
	if !ok {
		return "", "", "", "", fmt.Errorf("address %s: %w", ref, workflow.ErrNotFound)
	}
	return a[0], a[1], a[2], a[3], nil
}

// The applicant's address and identity in the courier tests.
const (
	zhangAddressRef = "addr-zhang"
	zhangPhone      = "13812345678"
	zhangAddress    = "浙江省杭州市西湖区文三路 90 号东部软件园 3 幢"
	courierPhone    = "13900001111"
	courierPassword = "courier-secret-42"
)

// openCourierApp runs the whole service on SQLite (PostgreSQL when
// TEST_DATABASE_URL is set) with the sandboxes, the test holder directory
// and address book, a fast outbox and a fast sweep; env adds to the settings.
func openCourierApp(t *testing.T, env map[string]string) *App {
	t.Helper()
	cfg := testConfig(t, map[string]string{
		"ZEROVISIT_DATABASE_URL":           testDatabaseURL(t),
		"ZEROVISIT_BLOB_DIR":               filepath.Join(t.TempDir(), "blobs"),
		"ZEROVISIT_LOG_LEVEL":              "error",
		"ZEROVISIT_COURIER_SWEEP_INTERVAL": "50ms",
	}, env)
	app := NewApp(cfg, discardLogger())
	app.holders = mapHolders{testCitizen.ID: {ID: elicensesb.ZhangSanID, Name: "张三"}}
	app.courier.recipients = addressBookRecipients{book: testAddressBook{zhangAddressRef: {"张三", zhangPhone, zhangAddress, ""}}}
	app.courier.passwordCost = bcrypt.MinCost
	if err := app.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = app.Close() })
	if _, err := app.courier.desk.AddCourier(context.Background(), desk.NewCourier{
		Name: "李师傅", Phone: courierPhone, Company: "顺丰速运", Password: courierPassword,
	}); err != nil {
		t.Fatal(err)
	}
	return app
}

// submitCourierCase opens and submits a case of item for the test citizen,
// with the result delivered by courier to the test address.
func submitCourierCase(t *testing.T, app *App, id, item string, trustFirst bool) workflow.Case {
	t.Helper()
	ctx := context.Background()
	it, err := app.svc.Engine().Catalogue().Lookup(item)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.svc.Create(ctx, workflow.Draft{ID: id, Number: "ZV" + id, ItemCode: item, ApplicantID: testCitizen.ID,
		Channel: workflow.ChannelWeChat, Actor: testCitizen}, nil); err != nil {
		t.Fatal(err)
	}
	ev := workflowtest.Submit(it, testCitizen, trustFirst, time.Now())
	ev.Delivery = workflow.Delivery{Method: workflow.DeliveryCourier, AddressRef: zhangAddressRef}
	c, err := app.svc.Do(ctx, id, ev, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// do applies an event to a case as the test clerk would.
func do(t *testing.T, app *App, id string, ev workflow.Event) workflow.Case {
	t.Helper()
	c, err := app.svc.Do(context.Background(), id, ev, nil)
	if err != nil {
		t.Fatalf("%s on case %s: %v", ev.EventName(), id, err)
	}
	return c
}

// waitLeg waits for the case's leg of a kind to have its waybill.
func waitLeg(t *testing.T, app *App, caseID string, kind desk.Kind) desk.Leg {
	t.Helper()
	var leg desk.Leg
	eventually(t, 10*time.Second, fmt.Sprintf("the %s leg of case %s", kind, caseID), func() bool {
		legs, err := app.courier.store.CaseLegs(context.Background(), caseID)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range legs {
			if l.Kind == kind && l.Waybill != "" {
				leg = l
				return true
			}
		}
		return false
	})
	return leg
}

// waitCase waits for the case to reach a state and returns it.
func waitCase(t *testing.T, app *App, id string, want workflow.Status) workflow.Case {
	t.Helper()
	var c workflow.Case
	eventually(t, 10*time.Second, fmt.Sprintf("case %s to be %s", id, want), func() bool {
		var err error
		c, err = app.svc.Get(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		return c.Status == want
	})
	return c
}

// courierClient calls the courier API over HTTP as the page does.
type courierClient struct {
	t     *testing.T
	base  string
	token string
}

func newCourierClient(t *testing.T, app *App) *courierClient {
	t.Helper()
	cl := &courierClient{t: t, base: "http://" + app.Addr()}
	var out struct {
		Tokens struct {
			AccessToken string `json:"access_token"`
		} `json:"tokens"`
	}
	if st := cl.call(http.MethodPost, "/api/v1/courier/session", "application/json",
		mustJSON(t, map[string]string{"phone": courierPhone, "password": courierPassword}), &out); st != http.StatusOK {
		t.Fatalf("courier sign-in: %d", st)
	}
	cl.token = out.Tokens.AccessToken
	return cl
}

// call sends a request and decodes a 2xx answer into out, or an error
// answer into out when out is an *apiErrorBody; it returns the status.
func (cl *courierClient) call(method, path, contentType string, body []byte, out any) int {
	cl.t.Helper()
	req, err := http.NewRequest(method, cl.base+path, bytes.NewReader(body))
	if err != nil {
		cl.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if cl.token != "" {
		req.Header.Set("Authorization", "Bearer "+cl.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cl.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			cl.t.Fatalf("%s %s: %d %s: %v", method, path, resp.StatusCode, b, err)
		}
	}
	return resp.StatusCode
}

// apiErrorBody is the one error shape.
type apiErrorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// scan posts a scan and returns the status with the result or the error.
func (cl *courierClient) scan(req desk.ScanRequest) (int, desk.ScanResult, apiErrorBody) {
	cl.t.Helper()
	var raw json.RawMessage
	st := cl.call(http.MethodPost, "/api/v1/courier/scans", "application/json", mustJSON(cl.t, req), &raw)
	var (
		res desk.ScanResult
		e   apiErrorBody
	)
	if st == http.StatusOK {
		_ = json.Unmarshal(raw, &res)
	} else {
		_ = json.Unmarshal(raw, &e)
	}
	return st, res, e
}

// mustScan posts a scan that must be accepted.
func (cl *courierClient) mustScan(req desk.ScanRequest) desk.ScanResult {
	cl.t.Helper()
	st, res, e := cl.scan(req)
	if st != http.StatusOK {
		cl.t.Fatalf("scan %s of %s: %d %s %s", req.Kind, req.Waybill, st, e.Error.Code, e.Error.Message)
	}
	return res
}

// photo uploads a picture of an original and returns its key and SM3.
func (cl *courierClient) photo(legID string, seed uint8) (key, sm3 string) {
	cl.t.Helper()
	var out struct{ Key, SM3 string }
	if st := cl.call(http.MethodPost, "/api/v1/courier/legs/"+legID+"/photos", "image/png", testPNG(cl.t, seed), &out); st != http.StatusOK {
		cl.t.Fatalf("photo upload: %d", st)
	}
	return out.Key, out.SM3
}

// testPNG is a small picture, different for each seed.
func testPNG(t testing.TB, seed uint8) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := range 64 {
		for y := range 48 {
			img.Set(x, y, color.RGBA{R: uint8(x * 4), G: uint8(y*5) + seed, B: seed, A: 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// scanID is a fresh client-generated scan id.
func scanID(name string) string { return fmt.Sprintf("%s-%d", name, time.Now().UnixNano()) }

// mustConfig loads the configuration from env.
func mustConfig(t testing.TB, env map[string]string) configs.Config {
	t.Helper()
	cfg, err := configs.Load(envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}
