package staff_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/files"
	"zerovisit/workflow/staff"
)

// t0 is Monday 2025-09-01 09:00 CST, the tests' now.
var t0 = time.Date(2025, 9, 1, 9, 0, 0, 0, workflow.CST())

// Residents of the tests: the population library knows both.
const (
	zhangID = "330106198503121231"
	liID    = "110101199003074514"
)

// memStaff is an in-memory staff store; what the tests do not need is
// left to the embedded nil interface.
type memStaff struct {
	staff.Store
	mu       sync.Mutex
	accounts map[string]staff.Account
	claims   map[string]staff.Claim
	walkins  map[string]staff.Walkin
	released []string
	queries  []staff.QueueQuery
	page     staff.QueuePage
	stats    func(staff.StatsQuery) staff.Stats
	letters  *memCases // whose cases' letters LetterCase finds
}

// LetterCase finds the case whose signature is the letter key.
func (s *memStaff) LetterCase(_ context.Context, key string) (string, error) {
	s.letters.mu.Lock()
	defer s.letters.mu.Unlock()
	for id, c := range s.letters.cases {
		if c.Signature != nil && c.Signature.Letter == key {
			return id, nil
		}
	}
	return "", workflow.ErrNotFound
}

func newMemStaff(accounts ...staff.Account) *memStaff {
	m := &memStaff{accounts: map[string]staff.Account{}, claims: map[string]staff.Claim{}, walkins: map[string]staff.Walkin{}}
	for _, a := range accounts {
		m.accounts[a.ID] = a
	}
	return m
}

func (m *memStaff) CreateStaff(_ context.Context, a staff.Account) (staff.Account, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, b := range m.accounts {
		if b.Username == a.Username {
			return staff.Account{}, workflow.ErrDuplicate
		}
	}
	m.accounts[a.ID] = a
	return a, nil
}

func (m *memStaff) GetStaff(_ context.Context, id string) (staff.Account, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	a, ok := m.accounts[id]
	if !ok {
		return staff.Account{}, fmt.Errorf("staff %s: %w", id, workflow.ErrNotFound)
	}
	return a, nil
}

func (m *memStaff) StaffByUsername(_ context.Context, username string) (staff.Account, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, a := range m.accounts {
		if a.Username == username {
			return a, nil
		}
	}
	return staff.Account{}, workflow.ErrNotFound
}

func (m *memStaff) ListStaff(_ context.Context, department, after string, limit int) ([]staff.Account, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []staff.Account
	for _, a := range m.accounts {
		if a.ID > after && (department == "" || a.Department == department) {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(a, b staff.Account) int { return strings.Compare(a.ID, b.ID) })
	return out[:min(limit, len(out))], nil
}

func (m *memStaff) UpdateStaff(_ context.Context, id string, u staff.AccountUpdate, at time.Time) (staff.Account, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	a, ok := m.accounts[id]
	if !ok {
		return staff.Account{}, workflow.ErrNotFound
	}
	if u.Name != nil {
		a.Name = *u.Name
	}
	if u.Department != nil {
		a.Department = *u.Department
	}
	if u.Roles != nil {
		a.Roles = u.Roles
	}
	if u.Disabled != nil {
		a.Disabled = *u.Disabled
	}
	if u.PasswordHash != nil {
		a.PasswordHash = *u.PasswordHash
	}
	if u.PasswordHash != nil || u.Unlock {
		a.FailedLogins, a.LockedUntil = 0, time.Time{}
	}
	a.UpdatedAt = at
	m.accounts[id] = a
	return a, nil
}

func (m *memStaff) LoginAttempt(_ context.Context, id string, at time.Time, p staff.LoginPolicy) (staff.Account, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	a := m.accounts[id]
	if a.Locked(at) {
		return a, false, nil
	}
	a.FailedLogins++
	if a.FailedLogins >= p.MaxFailures {
		a.LockedUntil = at.Add(p.LockFor)
	}
	m.accounts[id] = a
	return a, true, nil
}

func (m *memStaff) LoginSucceeded(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	a := m.accounts[id]
	a.FailedLogins, a.LockedUntil = 0, time.Time{}
	m.accounts[id] = a
	return nil
}

func (m *memStaff) StaffNames(_ context.Context, ids []string) (map[string]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]string{}
	for _, id := range ids {
		if a, ok := m.accounts[id]; ok {
			out[id] = a.Name
		}
	}
	return out, nil
}

func (m *memStaff) Queue(_ context.Context, q staff.QueueQuery) (staff.QueuePage, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.queries = append(m.queries, q)
	return m.page, nil
}

func (m *memStaff) Stats(_ context.Context, q staff.StatsQuery) (staff.Stats, error) {
	return m.stats(q), nil
}

func (m *memStaff) Claim(_ context.Context, caseID, department, staffID string, at time.Time, lease time.Duration) (staff.Claim, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if cl, ok := m.claims[caseID]; ok && cl.ExpiresAt.After(at) && cl.StaffID != staffID {
		return staff.Claim{}, &staff.ClaimHeldError{Holder: cl}
	}
	cl := staff.Claim{CaseID: caseID, StaffID: staffID, Department: department, ClaimedAt: at, ExpiresAt: at.Add(lease)}
	m.claims[caseID] = cl
	return cl, nil
}

func (m *memStaff) ClaimOf(_ context.Context, caseID string, at time.Time) (staff.Claim, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	cl, ok := m.claims[caseID]
	if !ok || !cl.ExpiresAt.After(at) {
		return staff.Claim{}, false, nil
	}
	return cl, true, nil
}

func (m *memStaff) Release(_ context.Context, caseID, staffID string, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	cl, ok := m.claims[caseID]
	if !ok || cl.StaffID != staffID || !cl.ExpiresAt.After(at) {
		return staff.ErrNotHolder
	}
	delete(m.claims, caseID)
	m.released = append(m.released, caseID)
	return nil
}

func (m *memStaff) FindOrCreateApplicant(_ context.Context, w staff.Walkin) (staff.Walkin, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, got := range m.walkins {
		if got.IDIndex == w.IDIndex {
			return got, false, nil
		}
	}
	m.walkins[w.ID] = w
	return w, true, nil
}

func (m *memStaff) CounterApplicantByID(_ context.Context, id string) (staff.Walkin, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	w, ok := m.walkins[id]
	if !ok {
		return staff.Walkin{}, workflow.ErrNotFound
	}
	return w, nil
}

// plainPasswords "hashes" a password by prefixing it; it counts checks.
type plainPasswords struct{ checks *int }

func (p plainPasswords) Hash(_ context.Context, pw string) (string, error) {
	if len(pw) < 10 {
		return "", staff.ErrWeakPassword
	}
	return "hash:" + pw, nil
}

func (p plainPasswords) Verify(_ context.Context, encoded, pw string) (bool, error) {
	if p.checks != nil {
		*p.checks++
	}
	return encoded != "" && encoded == "hash:"+pw, nil
}

// memCases is an in-memory case store under the real workflow.Service.
type memCases struct {
	mu    sync.Mutex
	cases map[string]workflow.Case
	idem  map[string]workflow.Idempotency
	// claims answers a change's guard, as the store's claim table does,
	// and takes a new case's hold.
	claims *memStaff
	// failCreates fails that many case creations, as a lost connection
	// would, storing nothing.
	failCreates int
}

func (m *memCases) CreateCase(_ context.Context, ch workflow.Change) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, dup := m.cases[ch.Case.ID]; dup {
		return workflow.ErrDuplicate
	}
	if m.failCreates > 0 {
		m.failCreates--
		return errors.New("connection reset")
	}
	m.cases[ch.Case.ID] = ch.Case
	m.keep(ch)
	if h := ch.Hold; h != nil {
		m.claims.mu.Lock()
		m.claims.claims[ch.Case.ID] = staff.Claim{CaseID: ch.Case.ID, StaffID: h.StaffID, Department: h.Department, ClaimedAt: h.At, ExpiresAt: h.Until}
		m.claims.mu.Unlock()
	}
	return nil
}

func (m *memCases) ApplyChange(_ context.Context, ch workflow.Change) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cases[ch.Case.ID].Version != ch.Case.Version-1 {
		return workflow.ErrConflict
	}
	if g := ch.Guard; g != nil {
		if cl, ok, _ := m.claims.ClaimOf(context.Background(), ch.Case.ID, g.At); !ok || cl.StaffID != g.ClaimedBy {
			return workflow.ErrClaimRequired
		}
	}
	m.cases[ch.Case.ID] = ch.Case
	m.keep(ch)
	return nil
}

// claimedCases reads a case of cases with its claim in store.
type claimedCases struct {
	cases *memCases
	store *memStaff
	// afterRead, when set, runs once after a read, as a concurrent
	// change between the read and the write would.
	afterRead *func()
}

func (c claimedCases) CaseAndClaim(ctx context.Context, id string, at time.Time) (workflow.Case, staff.Claim, bool, error) {
	cs, err := c.cases.GetCase(ctx, id)
	if err != nil {
		return workflow.Case{}, staff.Claim{}, false, err
	}
	cl, ok, err := c.store.ClaimOf(ctx, id, at)
	if f := c.afterRead; f != nil && *f != nil {
		(*f)()
		*f = nil
	}
	return cs, cl, ok, err
}

// count is how many cases are stored.
func (m *memCases) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.cases)
}

func (m *memCases) keep(ch workflow.Change) {
	if i := ch.Idempotency; i != nil {
		m.idem[i.Scope+"\n"+i.Key] = *i
	}
}

func (m *memCases) GetCase(_ context.Context, id string) (workflow.Case, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.cases[id]
	if !ok {
		return workflow.Case{}, workflow.ErrNotFound
	}
	return c, nil
}

func (m *memCases) Idempotency(_ context.Context, scope, key string) (workflow.Idempotency, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	i, ok := m.idem[scope+"\n"+key]
	if !ok {
		return workflow.Idempotency{}, workflow.ErrNotFound
	}
	return i, nil
}

func (m *memCases) Events(context.Context, string) ([]workflow.EventRecord, error) { return nil, nil }

// CountFalseCommitments counts the stored cases of the subject, by
// account or identity, marked FalseCommitment since since.
func (m *memCases) CountFalseCommitments(_ context.Context, who workflow.Subject, since, at time.Time) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var n int64
	for _, c := range m.cases {
		theirs := c.ApplicantID == who.ApplicantID || (who.Index != "" && c.SubjectIndex == who.Index)
		// The repair (since) covers the subject's own cases only; an
		// exclusion with an end is over from that end on.
		covered := c.UpdatedAt.Before(since) && (c.SubjectIndex == "" || c.SubjectIndex == who.Index || who.Index == "")
		expired := !c.ExcludedUntil.IsZero() && !c.ExcludedUntil.After(at)
		if theirs && c.FalseCommitment && !covered && !expired {
			n++
		}
	}
	return n, nil
}

func (m *memCases) SubmissionPrior(ctx context.Context, who workflow.Subject, scope, key string, at time.Time) (workflow.SubmissionPrior, error) {
	n, _ := m.CountFalseCommitments(ctx, who, time.Time{}, at)
	i, err := m.Idempotency(ctx, scope, key)
	if err != nil {
		return workflow.SubmissionPrior{FalseCommitments: n}, nil
	}
	return workflow.SubmissionPrior{Answer: &i, FalseCommitments: n}, nil
}
func (m *memCases) DueTimers(context.Context, time.Time, int) ([]workflow.Case, error) {
	return nil, nil
}

// counter hands out case numbers and counts them.
type counter struct{ n int }

func (c *counter) NextCaseNumber(context.Context, time.Time, string) (string, error) {
	c.n++
	return fmt.Sprintf("ZV2025%06d", c.n), nil
}

// population knows zhangID as 张三 and liID as 李四; Down makes it
// unreachable.
type population struct{ down bool }

func (p *population) VerifyRealName(_ context.Context, name, id string) (bool, error) {
	if p.down {
		return false, fmt.Errorf("%w: population library", workflow.ErrUnavailable)
	}
	switch id {
	case zhangID:
		return name == "张三", nil
	case liID:
		return name == "李四", nil
	}
	return false, fmt.Errorf("%w: no such resident", workflow.ErrNotFound)
}

// citizens knows liID as the online citizen "u-li".
type citizens struct{}

func (citizens) FindPerson(_ context.Context, id string) (string, workflow.Assurance, error) {
	if id == liID {
		return "u-li", workflow.AssuranceVerifiedPerson, nil
	}
	return "", "", workflow.ErrNotFound
}

// sealer seals by prefixing the context.
type sealer struct{}

func (sealer) Seal(plain, ctx string) (string, error) { return "sealed[" + ctx + "]" + plain, nil }
func (sealer) Open(sealed, ctx string) (string, error) {
	plain, ok := strings.CutPrefix(sealed, "sealed["+ctx+"]")
	if !ok {
		return "", errors.New("wrong context")
	}
	return plain, nil
}
func (sealer) Index(kind, value string) string { return kind + "#" + value }

// credit is the credit library: everyone is normal; history is what it
// holds of every subject's false commitments.
type credit struct{ history *workflow.CreditHistory }

func (c credit) Standing(context.Context, string) (workflow.CreditStatus, workflow.CreditHistory) {
	return workflow.CreditNormal, *c.history
}

// scans holds two scans, scanKey and letterKey.
type scans struct{}

var (
	scanKey   = strings.Repeat("ab", 32)
	letterKey = strings.Repeat("cd", 32)
)

func (scans) Put(context.Context, io.Reader, int64) (files.Object, error) { return files.Object{}, nil }
func (scans) Open(_ context.Context, key string) (io.ReadCloser, error) {
	if key != scanKey && key != letterKey {
		return nil, files.ErrNotFound
	}
	return io.NopCloser(bytes.NewReader(nil)), nil
}

// licences holds a business licence for zhangID.
type licences struct{ down bool }

func (l licences) Lookup(_ context.Context, holder, _ string) (staff.LicenceLookup, error) {
	if l.down {
		return staff.LicenceLookup{Degraded: true, Reason: "电子证照库暂不可用，请上传材料"}, nil
	}
	if holder == zhangID {
		return staff.LicenceLookup{Licences: []staff.Licence{{ID: "lic-1", Name: "营业执照"}}}, nil
	}
	return staff.LicenceLookup{Reason: "电子证照库中未查到有效证照，请上传材料"}, nil
}

// holders knows the online citizen u-li.
type holders struct{}

func (holders) Holder(_ context.Context, id string) (staff.Holder, error) {
	if id == "u-li" {
		return staff.Holder{ID: liID, Name: "李四"}, nil
	}
	return staff.Holder{}, workflow.ErrNotFound
}

// items are "ord" (ordinary, gaj: an identity from the population library
// and an uploaded form) and "tf" (trust first, scjgj: a licence from the
// e-license library and an uploaded plan verified on completion).
func items(tb testing.TB) *workflow.Engine {
	tb.Helper()
	cat, err := workflow.NewCatalogue([]workflow.Item{
		{Code: "ord", Name: "户籍证明开具", Department: "gaj", DepartmentName: "公安局", LegalDays: 5, PromisedDays: 2,
			Delivery: []workflow.DeliveryMethod{workflow.DeliveryElectronic},
			Materials: []workflow.Material{{Code: "sfz", Name: "居民身份证", Source: "basedata:identity", Core: true},
				{Code: "sqs", Name: "申请书", Source: "upload", Core: true}}},
		{Code: "tf", Name: "食品经营许可", Department: "scjgj", DepartmentName: "市场监督管理局", LegalDays: 20, PromisedDays: 5,
			Delivery: []workflow.DeliveryMethod{workflow.DeliveryElectronic}, TrustFirst: true,
			Commitment: workflow.Commitment{TemplateVersion: "v1", Text: "承诺", TextHash: strings.Repeat("0", 64)},
			Materials: []workflow.Material{{Code: "yyzz", Name: "营业执照", Source: "elicense:yyzz", Core: true},
				{Code: "bjt", Name: "平面布局图", Source: "upload", VerifyOnCompletion: true}}},
	})
	if err != nil {
		tb.Fatal(err)
	}
	return workflow.NewEngine(cat, nil)
}

// env is a Service over in-memory ports, with clerks of gaj and scjgj, a
// supervisor of gaj and an administrator.
type env struct {
	svc     *staff.Service
	store   *memStaff
	cases   *workflow.Service
	mem     *memCases
	numbers *counter
	pop     *population
	checks  int
	now     time.Time
	// afterRead runs once after the next read of a case with its claim.
	afterRead func()
	ids       int
	// history is what the credit library holds of every subject.
	history workflow.CreditHistory
}

var (
	clerkGA = staff.Caller{ID: "k-ga", Department: "gaj", Roles: []staff.Role{staff.RoleClerk}}
	clerkGB = staff.Caller{ID: "k-gb", Department: "gaj", Roles: []staff.Role{staff.RoleClerk}}
	clerkSC = staff.Caller{ID: "k-sc", Department: "scjgj", Roles: []staff.Role{staff.RoleClerk}}
	superGA = staff.Caller{ID: "s-ga", Department: "gaj", Roles: []staff.Role{staff.RoleSupervisor}}
	admin   = staff.Caller{ID: "adm", Roles: []staff.Role{staff.RoleAdministrator}}
)

func newEnv(tb testing.TB) *env {
	tb.Helper()
	e := &env{now: t0, numbers: &counter{}, pop: &population{}}
	account := func(c staff.Caller, name string) staff.Account {
		return staff.Account{ID: c.ID, Username: c.ID, Name: name, Department: c.Department, Roles: c.Roles, PasswordHash: "hash:right-password"}
	}
	e.store = newMemStaff(account(clerkGA, "甲"), account(clerkGB, "乙"), account(clerkSC, "丙"), account(superGA, "丁"), account(admin, "管理员"))
	engine := items(tb)
	mem := &memCases{cases: map[string]workflow.Case{}, idem: map[string]workflow.Idempotency{}, claims: e.store}
	e.mem = mem
	e.store.letters = mem
	e.cases = workflow.NewService(mem, engine, func() time.Time { return e.now })
	svc, err := staff.New(staff.Config{
		Store: e.store, Passwords: plainPasswords{checks: &e.checks}, Cases: e.cases, Claimed: claimedCases{cases: mem, store: e.store, afterRead: &e.afterRead}, Engine: engine,
		Departments: []workflow.Department{{Code: "gaj", Name: "公安局"}, {Code: "scjgj", Name: "市场监督管理局"}},
		ClaimLease:  30 * time.Minute, Login: staff.LoginPolicy{MaxFailures: 3, LockFor: 15 * time.Minute},
		Population: e.pop, Citizens: citizens{}, Sealer: sealer{}, Credit: credit{history: &e.history}, Numbers: e.numbers, Scans: scans{},
		Licences: licences{}, Holders: holders{},
		NewID: func() string { e.ids++; return fmt.Sprintf("id-%03d", e.ids) }, Now: func() time.Time { return e.now },
	})
	if err != nil {
		tb.Fatal(err)
	}
	e.svc = svc
	return e
}

// refusal asserts that err is a refusal with code (and kind).
func refusal(tb testing.TB, err error, kind error, code string) *workflow.Refusal {
	tb.Helper()
	r, ok := workflow.AsRefusal(err)
	if !ok {
		tb.Fatalf("err = %v, want refusal %s", err, code)
	}
	if r.Code != code || !errors.Is(r.Kind, kind) {
		tb.Fatalf("refusal = %s (%v), want %s (%v)", r.Code, r.Kind, code, kind)
	}
	return r
}

// intake is a walk-in application for "ord" by 张三.
func intake() staff.IntakeRequest {
	return staff.IntakeRequest{ItemCode: "ord", Applicant: staff.Applicant{Name: "张三", IDNumber: zhangID, Phone: "13812345678"},
		Materials: []workflow.ProvidedMaterial{{Code: "sfz", Source: workflow.SourceBaseData, Ref: "identity"},
			{Code: "sqs", Source: workflow.SourceUpload, Ref: scanKey}},
		Delivery: workflow.Delivery{Method: workflow.DeliveryElectronic}}
}

func (scans) Stage(context.Context, io.Reader, int64) (files.Staged, error) {
	return nil, errors.New("scans: staging is not faked")
}

func (s *memStaff) RecordScan(context.Context, string, files.Object, time.Time, files.Quota) (bool, files.Usage, error) {
	return true, files.Usage{}, nil
}

func (s *memStaff) ScanSizes(context.Context, []string) (map[string]int64, error) {
	return map[string]int64{}, nil
}
