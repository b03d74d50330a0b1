package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"zerovisit/configs"
	"zerovisit/handlers"
	"zerovisit/handlers/session"
	"zerovisit/models"
	"zerovisit/models/blob"
	"zerovisit/models/dbtest"
	"zerovisit/models/kv"
	"zerovisit/web/console"
	"zerovisit/workflow"
	"zerovisit/workflow/staff"
	"zerovisit/workflow/workflowtest"
)

// testClock is a clock the test moves.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// staffEnv is the staff API over a fresh SQLite store, with four members of
// staff: clerks of 市场监管 (scjgj) and 公安 (gaj), a supervisor of scjgj
// and an administrator. Walk-in applicants, credit and the libraries are
// stand-ins here; the binary's end-to-end tests use the real ones.
type staffEnv struct {
	t      *testing.T
	clock  *testClock
	svc    *workflow.Service
	repo   *models.Repo
	store  *models.StaffStore
	tokens *session.Tokens
	router *gin.Engine
	ids    map[string]string // username -> staff id
	seq    int
}

// fakeCitizens knows every walk-in as an online citizen.
type fakeCitizens struct{}

func (fakeCitizens) FindPerson(_ context.Context, idNumber string) (string, workflow.Assurance, error) {
	return "walkin-" + idNumber[len(idNumber)-4:], workflow.AssuranceVerifiedPerson, nil
}

// fakePopulation confirms every name.
type fakePopulation struct{}

func (fakePopulation) VerifyRealName(context.Context, string, string) (bool, error) { return true, nil }

// fakeLicences holds one business licence for everyone.
type fakeLicences struct{}

func (fakeLicences) Lookup(context.Context, string, string) (staff.LicenceLookup, error) {
	return staff.LicenceLookup{Licences: []staff.Licence{{ID: "1.2.156", Name: "营业执照"}}}, nil
}

// fakeHolders knows every applicant.
type fakeHolders struct{}

func (fakeHolders) Holder(_ context.Context, id string) (staff.Holder, error) {
	return staff.Holder{ID: "330106198503121231", Name: "张三"}, nil
}

// fakeSealer seals nothing.
type fakeSealer struct{}

func (fakeSealer) Seal(plain, _ string) (string, error)  { return plain, nil }
func (fakeSealer) Open(sealed, _ string) (string, error) { return sealed, nil }
func (fakeSealer) Index(kind, value string) string       { return kind + ":" + value }

type fakeCredit struct{}

func (fakeCredit) Standing(context.Context, string) (workflow.CreditStatus, workflow.CreditHistory) {
	return workflow.CreditNormal, workflow.CreditHistory{}
}

const staffPassword = "pass-word-1234"

func newStaffEnv(t *testing.T) *staffEnv {
	t.Helper()
	db := dbtest.SQLite(t)
	clock := &testClock{t: time.Date(2025, 9, 1, 9, 0, 0, 0, workflow.CST())}
	cat, err := configs.LoadCatalogue("")
	if err != nil {
		t.Fatal(err)
	}
	cal, err := configs.LoadCalendar("")
	if err != nil {
		t.Fatal(err)
	}
	repo := models.NewRepo(db)
	svc := workflow.NewService(repo, workflow.NewEngine(cat, cal), clock.Now)
	mem := kv.NewMemory(clock.Now)
	t.Cleanup(func() { mem.Close() })
	tokens, err := session.NewTokens([]byte(strings.Repeat("s", 32)), 15*time.Minute, 24*time.Hour,
		models.NewRevocations(db, mem, clock.Now), clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	hasher, err := models.NewPasswordHasher(models.PasswordParams{MemoryKiB: 64, Time: 1, Threads: 1}, 2)
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := blob.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	env := &staffEnv{t: t, clock: clock, svc: svc, repo: repo, store: models.NewStaffStore(db), tokens: tokens, ids: map[string]string{}}
	depts := []workflow.Department{{Code: "scjgj", Name: "杭州市市场监督管理局"}, {Code: "gaj", Name: "杭州市公安局"}}
	service, err := staff.New(staff.Config{
		Store: env.store, Passwords: hasher, Cases: svc, Claimed: repo, Engine: svc.Engine(), Departments: depts,
		ClaimLease: 30 * time.Minute, Login: staff.LoginPolicy{MaxFailures: 3, LockFor: 15 * time.Minute},
		Population: fakePopulation{}, Citizens: fakeCitizens{}, Sealer: fakeSealer{}, Credit: fakeCredit{}, Numbers: repo,
		Scans: blobs, Licences: fakeLicences{}, Holders: fakeHolders{}, NewID: uuid.NewString, Now: clock.Now,
		Sessions: session.StaffSessions{Tokens: tokens},
	})
	if err != nil {
		t.Fatal(err)
	}
	h, err := handlers.New(handlers.Options{
		Service: svc, Tokens: tokens, Limiter: mem, MaxBodyBytes: 1 << 20,
		Staff: handlers.StaffDeps{
			Service: service, Blobs: blobs, Console: console.Files(), Departments: depts, Now: clock.Now,
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	env.router = h.Router()
	for _, s := range []struct {
		user, dept string
		roles      []staff.Role
	}{
		{"clerk.sc", "scjgj", []staff.Role{staff.RoleClerk}},
		{"clerk.sc2", "scjgj", []staff.Role{staff.RoleClerk}},
		{"review.sc", "scjgj", []staff.Role{staff.RoleReviewer}},
		{"clerk.ga", "gaj", []staff.Role{staff.RoleClerk}},
		{"super.sc", "scjgj", []staff.Role{staff.RoleSupervisor}},
		{"admin", "", []staff.Role{staff.RoleAdministrator}},
	} {
		hash, err := hasher.Hash(context.Background(), staffPassword)
		if err != nil {
			t.Fatal(err)
		}
		st, err := env.store.CreateStaff(context.Background(), staff.Account{ID: "id-" + s.user, Username: s.user, Name: s.user,
			Department: s.dept, Roles: s.roles, PasswordHash: hash, CreatedAt: clock.Now()})
		if err != nil {
			t.Fatal(err)
		}
		env.ids[s.user] = st.ID
	}
	return env
}

// response is a decoded answer.
type response struct {
	Code int
	Body map[string]any
	Raw  []byte
	Hdr  http.Header
}

func (r response) errCode() string {
	e, _ := r.Body["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

// do sends a request as the given bearer token (none when empty).
func (env *staffEnv) do(method, path, token string, body any, hdr ...string) response {
	env.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			env.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	env.router.ServeHTTP(w, req)
	out := response{Code: w.Code, Raw: w.Body.Bytes(), Hdr: w.Header()}
	_ = json.Unmarshal(out.Raw, &out.Body)
	return out
}

// doRaw sends body as it is, with content type ct.
func (env *staffEnv) doRaw(method, path, token string, body []byte, ct string) response {
	env.t.Helper()
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	env.router.ServeHTTP(w, req)
	out := response{Code: w.Code, Raw: w.Body.Bytes(), Hdr: w.Header()}
	_ = json.Unmarshal(out.Raw, &out.Body)
	return out
}

// login signs a member of staff in and returns the access token.
func (env *staffEnv) login(user string) string {
	env.t.Helper()
	r := env.do(http.MethodPost, "/api/v1/staff/login", "", map[string]string{"username": user, "password": staffPassword})
	if r.Code != http.StatusOK {
		env.t.Fatalf("login %s = %d %s", user, r.Code, r.Raw)
	}
	return r.Body["tokens"].(map[string]any)["access_token"].(string)
}

// submit opens and submits a case of item online; trust signs the
// commitment letter (trust-first items only).
func (env *staffEnv) submit(item string, trust bool) workflow.Case {
	env.t.Helper()
	ctx := context.Background()
	it, err := env.svc.Engine().Catalogue().Lookup(item)
	if err != nil {
		env.t.Fatal(err)
	}
	env.seq++
	id := fmt.Sprintf("case-%03d", env.seq)
	citizen := workflow.Actor{Kind: workflow.ActorCitizen, ID: "u-" + id}
	if _, err := env.svc.Create(ctx, workflow.Draft{ID: id, Number: "ZVT" + id, ItemCode: item, ApplicantID: citizen.ID,
		Channel: workflow.ChannelWeChat, Actor: citizen}, nil); err != nil {
		env.t.Fatal(err)
	}
	ev := workflowtest.Submit(it, citizen, trust, env.clock.Now())
	ev.Delivery = workflow.Delivery{Method: workflow.DeliveryElectronic}
	c, err := env.svc.Do(ctx, id, ev, nil)
	if err != nil {
		env.t.Fatal(err)
	}
	return c
}

func (env *staffEnv) get(id string) workflow.Case {
	env.t.Helper()
	c, err := env.svc.Get(context.Background(), id)
	if err != nil {
		env.t.Fatal(err)
	}
	return c
}
