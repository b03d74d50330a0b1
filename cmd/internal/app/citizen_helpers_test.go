package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	wechatsb "zerovisit/integrations/wechat/sandbox"

	"zerovisit/configs"
	"zerovisit/models/dbtest"
)

// czItem is a trust-first item with a fee whose driving licence comes from
// the e-license library, added to the shipped catalogue for these tests.
const czItem = "gaj-jszhz-test"

const czItemYAML = `
  - code: gaj-jszhz-test
    name: 机动车驾驶证换证（测试）
    department: gaj
    department_name: 公安局
    basic_code: "000116030000"
    impl_code: 11330100002502345X3000116030000
    version: 1
    legal_days: 10
    promised_days: 5
    delivery: [electronic, courier]
    trust_first: true
    fees:
      - code: gbf
        name: 机动车驾驶证工本费
        amount_fen: 1000
    commitment:
      template_version: GA-JSZHZ-TEST.1
      text: |
        机动车驾驶证换证告知承诺书（测试）
        本人承诺所提交的材料真实有效，如有不实，自愿承担相应法律责任。
    materials:
      - code: sfz
        name: 居民身份证
        source: basedata:identity
        core: true
      - code: jsz
        name: 机动车驾驶证
        source: elicense:jsz
        core: true
      - code: tjzm
        name: 机动车驾驶人身体条件证明
        source: upload
        verify_on_completion: true
`

// czApp runs the whole service with the test item in its catalogue, on
// PostgreSQL and Redis when the test environment names them (as CI does),
// logging everything at debug level into the returned buffer.
func czApp(t *testing.T, env map[string]string) (*App, *syncBuffer) {
	t.Helper()
	shipped := configs.DefaultCatalogueYAML()
	catalogue := filepath.Join(t.TempDir(), "catalogue.yaml")
	if err := os.WriteFile(catalogue, append(shipped, czItemYAML...), 0o600); err != nil {
		t.Fatal(err)
	}
	redisURL := os.Getenv("TEST_REDIS_URL")
	if redisURL == "" && os.Getenv("CI") == "true" {
		t.Fatal("TEST_REDIS_URL must be set in CI")
	}
	cfg := testConfig(t, map[string]string{
		"ZEROVISIT_DATABASE_URL":          czDatabaseURL(t),
		"ZEROVISIT_REDIS_URL":             redisURL,
		"ZEROVISIT_CATALOGUE_PATH":        catalogue,
		"ZEROVISIT_LOG_LEVEL":             "debug",
		"ZEROVISIT_WORKER_TIMER_INTERVAL": "50ms",
	}, env)
	logs := &syncBuffer{}
	app := NewApp(cfg, slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err := app.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = app.Close() })
	return app, logs
}

// czDatabaseURL is a fresh PostgreSQL schema when TEST_DATABASE_URL is set,
// a fresh SQLite file otherwise.
func czDatabaseURL(t *testing.T) string {
	if os.Getenv(dbtest.EnvDatabaseURL) != "" {
		return dbtest.PostgresURL(t)
	}
	return filepath.Join(t.TempDir(), "zv.db")
}

// czClient is a mini program talking to the App over real HTTP. Each
// client comes from its own address (X-Forwarded-For), as phones do, so
// per-IP limits shared through Redis across test runs stay apart.
type czClient struct {
	t       *testing.T
	base    string
	ip      string
	access  string
	refresh string
}

func newCZClient(t *testing.T, app *App) *czClient {
	return &czClient{t: t, base: "http://" + app.Addr(),
		ip: fmt.Sprintf("10.%d.%d.%d", rand.IntN(250), rand.IntN(250), 1+rand.IntN(250))}
}

// czResp is an answer: status, body, and the body decoded as JSON.
type czResp struct {
	Status int
	Body   []byte
	Header http.Header
}

// JSON decodes the body into v.
func (r czResp) JSON(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Code is the error code of an error answer.
func (r czResp) Code() string {
	var e struct {
		Error struct{ Code string } `json:"error"`
	}
	_ = json.Unmarshal(r.Body, &e)
	return e.Error.Code
}

func (c *czClient) send(method, path, contentType string, body io.Reader, hdr ...string) czResp {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("X-Forwarded-For", c.ip)
	if c.access != "" {
		req.Header.Set("Authorization", "Bearer "+c.access)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return czResp{Status: resp.StatusCode, Body: b, Header: resp.Header}
}

// call sends v as JSON (nil: no body) with optional header pairs.
func (c *czClient) call(method, path string, v any, hdr ...string) czResp {
	c.t.Helper()
	if v == nil {
		return c.send(method, path, "", nil, hdr...)
	}
	b, err := json.Marshal(v)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.send(method, path, "application/json", bytes.NewReader(b), hdr...)
}

// must is call that fails the test unless the answer has status want.
func (c *czClient) must(want int, method, path string, v any, hdr ...string) czResp {
	c.t.Helper()
	r := c.call(method, path, v, hdr...)
	if r.Status != want {
		c.t.Fatalf("%s %s = %d %s, want %d", method, path, r.Status, r.Body, want)
	}
	return r
}

// login logs in on a channel with a code the sandbox issued.
func (c *czClient) login(channel, code string) {
	c.t.Helper()
	var tok struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
	}
	c.access = ""
	c.must(http.StatusOK, http.MethodPost, "/api/v1/citizen/login/"+channel, map[string]string{"code": code}).JSON(c.t, &tok)
	c.access, c.refresh = tok.AccessToken, tok.RefreshToken
}

// upload sends a file for a material of a case.
func (c *czClient) upload(caseID, material string, content []byte) czResp {
	c.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("material", material)
	fw, _ := w.CreateFormFile("file", "scan.png")
	_, _ = fw.Write(content)
	_ = w.Close()
	return c.send(http.MethodPost, "/api/v1/citizen/cases/"+caseID+"/uploads", w.FormDataContentType(), &buf)
}

// czPNG is a small file that sniffs as a PNG image.
func czPNG(n int) []byte {
	return append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{7}, n)...)
}

// czCase is the part of a case answer the tests read.
type czCase struct {
	ID         string `json:"id"`
	Number     string `json:"number"`
	Status     string `json:"status"`
	Stage      string `json:"stage"`
	TrustFirst bool   `json:"trust_first"`
	Paid       bool   `json:"paid"`
	FeeFen     int64  `json:"fee_fen"`
	Evaluated  bool   `json:"evaluated"`
	Needed     []struct {
		Kind string `json:"kind"`
	} `json:"needed"`
	Path *struct {
		TrustFirst bool   `json:"trust_first"`
		Reason     string `json:"reason"`
		Note       string `json:"note"`
	} `json:"path"`
}

func (cs czCase) needs(kind string) bool {
	for _, n := range cs.Needed {
		if n.Kind == kind {
			return true
		}
	}
	return false
}

// czApply takes the test item from draft to submission for a logged-in,
// verified client and returns the submission's answer.
func czApply(t *testing.T, c *czClient, delivery map[string]any, key string) (czCase, czResp) {
	t.Helper()
	var item struct {
		Commitment struct {
			TemplateVersion string `json:"template_version"`
			TextHash        string `json:"text_hash"`
		} `json:"commitment"`
	}
	c.must(http.StatusOK, http.MethodGet, "/api/v1/citizen/items/"+czItem, nil).JSON(t, &item)
	var app struct {
		Case      czCase `json:"case"`
		Materials []struct {
			Code   string `json:"code"`
			Held   bool   `json:"held"`
			Needed bool   `json:"needed"`
			Note   string `json:"note"`
		} `json:"materials"`
	}
	c.must(http.StatusCreated, http.MethodPost, "/api/v1/citizen/drafts", map[string]string{"item_code": czItem}).JSON(t, &app)
	id := app.Case.ID
	for _, m := range app.Materials {
		if !m.Needed {
			continue
		}
		if r := c.upload(id, m.Code, czPNG(2048)); r.Status != http.StatusCreated {
			t.Fatalf("upload of %s = %d %s", m.Code, r.Status, r.Body)
		}
	}
	c.must(http.StatusOK, http.MethodPut, "/api/v1/citizen/cases/"+id+"/commitment", map[string]string{
		"template_version": item.Commitment.TemplateVersion, "text_hash": item.Commitment.TextHash})
	c.must(http.StatusOK, http.MethodPut, "/api/v1/citizen/cases/"+id+"/delivery", delivery)
	r := c.must(http.StatusOK, http.MethodPost, "/api/v1/citizen/cases/"+id+"/submit", nil, "Idempotency-Key", key)
	var sub struct {
		Case czCase `json:"case"`
	}
	r.JSON(t, &sub)
	return sub.Case, r
}

// czWait polls a case through the API until cond holds.
func czWait(t *testing.T, c *czClient, id, what string, cond func(czCase) bool) czCase {
	t.Helper()
	var cs czCase
	eventually(t, 15*time.Second, what, func() bool {
		c.must(http.StatusOK, http.MethodGet, "/api/v1/citizen/cases/"+id, nil).JSON(t, &cs)
		return cond(cs)
	})
	return cs
}

// czTableText returns every text value of every table, for searching
// personal data in clear.
func czTableText(t *testing.T, app *App) map[string]string {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table'`
	if app.db.Dialect() != "sqlite" {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`
	}
	var tables []string
	if err := app.db.Gorm().Raw(q).Scan(&tables).Error; err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, table := range tables {
		rows, err := app.db.Gorm().Raw(`SELECT * FROM ` + table).Rows()
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		var sb strings.Builder
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				switch x := v.(type) {
				case string:
					sb.WriteString(x)
				case []byte:
					sb.Write(x)
				default:
					fmt.Fprint(&sb, x)
				}
				sb.WriteByte('\n')
			}
		}
		rows.Close()
		out[table] = sb.String()
	}
	return out
}

// faceCheck has the WeChat user openID take a face check (人脸核身) of the
// person, as wx.startFacialRecognitionVerify does in the mini program, and
// the server look up its outcome: the answer to the result request.
func (c *czClient) faceCheck(app *App, openID, name, idNumber, outcome string) czResp {
	c.t.Helper()
	var st struct {
		CheckID string `json:"check_id"`
	}
	c.must(http.StatusCreated, http.MethodPost, "/api/v1/citizen/me/identity/face-checks",
		map[string]string{"name": name, "id_number": idNumber}).JSON(c.t, &st)
	vr, err := app.parties.sandboxes.channels.wechat.FaceCheck(wechatsb.FaceCheck{OpenID: openID, Name: name,
		IDNumber: idNumber, Outcome: wechatsb.FaceOutcome(outcome)})
	if err != nil {
		c.t.Fatal(err)
	}
	return c.call(http.MethodPost, "/api/v1/citizen/me/identity/face-checks/"+st.CheckID+"/result",
		map[string]string{"verify_result": vr})
}

// verify binds the real name of the WeChat user openID and proves it with
// a passed face check, as an honest citizen does before trust first.
func (c *czClient) verify(app *App, openID, name, idNumber string) {
	c.t.Helper()
	c.must(http.StatusOK, http.MethodPost, "/api/v1/citizen/me/identity", map[string]string{"name": name, "id_number": idNumber})
	if r := c.faceCheck(app, openID, name, idNumber, "passed"); r.Status != http.StatusOK {
		c.t.Fatalf("face check = %d %s", r.Status, r.Body)
	}
}

// wechatFace is a face check the sandbox mints for a WeChat user.
func wechatFace(openID, name, idNumber, outcome string) wechatsb.FaceCheck {
	return wechatsb.FaceCheck{OpenID: openID, Name: name, IDNumber: idNumber, Outcome: wechatsb.FaceOutcome(outcome)}
}
