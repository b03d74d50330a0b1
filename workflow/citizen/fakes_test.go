package citizen

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"zerovisit/workflow"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// Identities of the tests: valid resident ID numbers and a credit code.
const (
	zhangID = "330106198503121231" // 张三
	linaID  = "330106199007014562" // 李娜
	coUSCC  = "91330106MA2H3K4L5N"
)

// memStore is an in-memory Store.
type memStore struct {
	citizens  map[string]Citizen
	accounts  map[string]Account
	agencies  []Agency
	addresses []Address
	n         int
	// bound is the last BindIdentity's linkTo.
	bound    string
	bindErr  error
	loginArg [4]string
}

func newStore() *memStore {
	return &memStore{citizens: map[string]Citizen{}, accounts: map[string]Account{}}
}

func (m *memStore) id(prefix string) string { m.n++; return fmt.Sprintf("%s%d", prefix, m.n) }

// person adds a citizen with an account on ch and returns the caller.
func (m *memStore) person(ch workflow.Channel, name, idNumber string) Caller {
	c := Citizen{ID: m.id("c"), Kind: KindPerson, Name: name, IDNumber: idNumber}
	if idNumber != "" {
		c.VerifiedAt, c.Assurance = t0, workflow.AssuranceVerifiedPerson
	}
	a := Account{ID: m.id("a"), CitizenID: c.ID, Channel: ch}
	m.citizens[c.ID], m.accounts[a.ID] = c, a
	return Caller{Account: a, Citizen: c}
}

func (m *memStore) Get(_ context.Context, id string) (Citizen, error) {
	c, ok := m.citizens[id]
	if !ok {
		return Citizen{}, workflow.ErrNotFound
	}
	return c, nil
}

func (m *memStore) Caller(ctx context.Context, accountID string) (Account, Citizen, error) {
	a, ok := m.accounts[accountID]
	if !ok {
		return Account{}, Citizen{}, fmt.Errorf("account %s: %w", accountID, workflow.ErrNotFound)
	}
	c, err := m.Get(ctx, a.CitizenID)
	return a, c, err
}

func (m *memStore) Accounts(_ context.Context, citizenID string) ([]Account, error) {
	var out []Account
	for i := range m.n + 1 {
		if a, ok := m.accounts[fmt.Sprintf("a%d", i)]; ok && a.CitizenID == citizenID {
			out = append(out, a)
		}
	}
	return out, nil
}

func (m *memStore) Login(_ context.Context, ch workflow.Channel, appID, subject, unionID string) (Account, error) {
	m.loginArg = [4]string{string(ch), appID, subject, unionID}
	for _, a := range m.accounts {
		if a.Channel == ch && a.AppID == appID && a.Subject == subject {
			return a, nil
		}
	}
	c := Citizen{ID: m.id("c"), Kind: KindPerson}
	a := Account{ID: m.id("a"), CitizenID: c.ID, Channel: ch, AppID: appID, Subject: subject, UnionID: unionID}
	m.citizens[c.ID], m.accounts[a.ID] = c, a
	return a, nil
}

func (m *memStore) BindIdentity(ctx context.Context, accountID, name, idNumber, linkTo string) (Citizen, error) {
	m.bound = linkTo
	if m.bindErr != nil {
		return Citizen{}, m.bindErr
	}
	a, c, err := m.Caller(ctx, accountID)
	if err != nil {
		return Citizen{}, err
	}
	c.Name, c.IDNumber, c.VerifiedAt = name, idNumber, t0
	m.citizens[a.CitizenID] = c
	return c, nil
}

func (m *memStore) FindPerson(_ context.Context, idNumber string) (Citizen, error) {
	for _, c := range m.citizens {
		if c.Kind == KindPerson && c.Verified() && c.IDNumber == idNumber {
			return c, nil
		}
	}
	return Citizen{}, workflow.ErrNotFound
}

func (m *memStore) AssurePerson(ctx context.Context, accountID, name, idNumber string, p Proof) (Assured, error) {
	method := p.Method
	a, c, err := m.Caller(ctx, accountID)
	if err != nil {
		return Assured{}, err
	}
	if c.Verified() && c.IDNumber != idNumber {
		return Assured{}, ErrIdentityBound
	}
	if other, err := m.FindPerson(ctx, idNumber); err == nil && other.ID != c.ID {
		if !method.Outranks(other.Level(), other.AssuredBy) {
			return Assured{}, ErrIdentityElsewhere
		}
		return Assured{}, errors.New("memStore: takeovers are the store's (models) to test")
	}
	c.Name, c.IDNumber, c.VerifiedAt, c.Assurance, c.AssuredBy = name, idNumber, t0, method.Level(), method
	m.citizens[a.CitizenID] = c
	return Assured{Citizen: c}, nil
}

func (m *memStore) Takeovers(context.Context, time.Time, string, int) ([]Takeover, error) {
	return nil, nil
}

func (m *memStore) SetPhone(_ context.Context, citizenID, phone string) error {
	c, ok := m.citizens[citizenID]
	if !ok {
		return workflow.ErrNotFound
	}
	c.Phone = phone
	m.citizens[citizenID] = c
	return nil
}

func (m *memStore) BindBusiness(_ context.Context, personID, uscc, name string, role AgencyRole, grantedBy string, until time.Time) (Citizen, error) {
	var biz Citizen
	for _, c := range m.citizens {
		if c.Kind == KindBusiness && c.IDNumber == uscc {
			biz = c
		}
	}
	if biz.ID == "" {
		biz = Citizen{ID: m.id("b"), Kind: KindBusiness, Name: name, IDNumber: uscc, VerifiedAt: t0}
		m.citizens[biz.ID] = biz
	}
	_ = m.RevokeAgency(context.Background(), biz.ID, personID)
	m.agencies = append(m.agencies, Agency{Business: biz, PersonID: personID, Role: role, GrantedBy: grantedBy, ValidUntil: until})
	return biz, nil
}

func (m *memStore) RevokeAgency(_ context.Context, businessID, personID string) error {
	for i, a := range m.agencies {
		if a.Business.ID == businessID && a.PersonID == personID {
			m.agencies = append(m.agencies[:i], m.agencies[i+1:]...)
			return nil
		}
	}
	return workflow.ErrNotFound
}

func (m *memStore) Agencies(_ context.Context, personID string) ([]Agency, error) {
	var out []Agency
	for _, a := range m.agencies {
		if a.PersonID == personID {
			out = append(out, a)
		}
	}
	return out, nil
}

func (m *memStore) Agency(ctx context.Context, businessID, personID string) (Agency, error) {
	all, _ := m.Agencies(ctx, personID)
	for _, a := range all {
		if a.Business.ID == businessID {
			return a, nil
		}
	}
	return Agency{}, workflow.ErrForbidden
}

func (m *memStore) AddAddress(_ context.Context, citizenID string, a Address) (Address, error) {
	a.ID, a.CitizenID = m.id("addr"), citizenID
	m.addresses = append(m.addresses, a)
	return a, nil
}

func (m *memStore) Addresses(_ context.Context, citizenID string) ([]Address, error) {
	var out []Address
	for _, a := range m.addresses {
		if a.CitizenID == citizenID {
			out = append(out, a)
		}
	}
	return out, nil
}

func (m *memStore) DeleteAddress(_ context.Context, citizenID, id string) error {
	for i, a := range m.addresses {
		if a.ID == id && a.CitizenID == citizenID {
			m.addresses = append(m.addresses[:i], m.addresses[i+1:]...)
			return nil
		}
	}
	return workflow.ErrNotFound
}

// memCache is an in-memory Cache; fail makes every call fail.
type memCache struct {
	vals map[string][]byte
	fail error
}

func (c *memCache) Get(_ context.Context, key string) ([]byte, bool, error) {
	v, ok := c.vals[key]
	return v, ok, c.fail
}

func (c *memCache) Set(_ context.Context, key string, val []byte, _ time.Duration) error {
	if c.fail != nil {
		return c.fail
	}
	c.vals[key] = val
	return nil
}

func (c *memCache) Claim(_ context.Context, key string, _ time.Duration) (bool, error) {
	if c.fail != nil {
		return false, c.fail
	}
	if _, ok := c.vals["claim:"+key]; ok {
		return false, nil
	}
	c.vals["claim:"+key] = nil
	return true, nil
}

func (c *memCache) Release(_ context.Context, key string) error {
	delete(c.vals, "claim:"+key)
	return c.fail
}

func (c *memCache) Delete(_ context.Context, keys ...string) error {
	for _, k := range keys {
		delete(c.vals, k)
	}
	return c.fail
}

// channel is a login and phone channel answering from maps of codes.
type channel struct {
	app    string
	users  map[string]ChannelUser
	phones map[string]string
	err    error
}

func (ch channel) AppID() string { return ch.app }

func (ch channel) Login(_ context.Context, code string) (ChannelUser, error) {
	if ch.err != nil {
		return ChannelUser{}, ch.err
	}
	u, ok := ch.users[code]
	if !ok {
		return ChannelUser{}, fmt.Errorf("login: %w", ErrInvalidCode)
	}
	return u, nil
}

func (ch channel) PhoneNumber(_ context.Context, code string) (string, error) {
	p, ok := ch.phones[code]
	if !ok {
		return "", fmt.Errorf("phone: %w", ErrInvalidCode)
	}
	return p, nil
}

// libraries is the population and legal-entity libraries of the tests.
type libraries struct {
	names     map[string]string // id number → name
	residents map[string]Resident
	companies map[string]Company
	// reps are the full ID numbers of the companies' representatives.
	reps map[string]string
	err  error
}

func (l libraries) IsRepresentative(_ context.Context, uscc, name, idNumber string) (bool, error) {
	co, ok := l.companies[uscc]
	if !ok {
		return false, ErrNoRecord
	}
	return co.Representative.Name == name && l.reps[uscc] == idNumber, nil
}

func (l libraries) VerifyRealName(_ context.Context, name, idNumber string) (bool, error) {
	if l.err != nil {
		return false, l.err
	}
	n, ok := l.names[idNumber]
	if !ok {
		return false, ErrNoRecord
	}
	return n == name, nil
}

func (l libraries) Resident(_ context.Context, idNumber string, _ []string) (Resident, error) {
	if l.err != nil {
		return Resident{}, l.err
	}
	r, ok := l.residents[idNumber]
	if !ok {
		return Resident{}, ErrNoRecord
	}
	return r, nil
}

func (l libraries) Company(_ context.Context, uscc string) (Company, error) {
	if l.err != nil {
		return Company{}, l.err
	}
	co, ok := l.companies[uscc]
	if !ok {
		return Company{}, fmt.Errorf("company: %w", ErrNoRecord)
	}
	return co, nil
}

// licences is the e-license library of the tests: holder → licence ids.
type licences struct {
	held map[string][]string
	err  error
}

func (l licences) Lookup(_ context.Context, holderID, _ string) (LicenceLookup, error) {
	if l.err != nil {
		return LicenceLookup{}, l.err
	}
	if ids := l.held[holderID]; len(ids) > 0 {
		return LicenceLookup{LicenceIDs: ids}, nil
	}
	return LicenceLookup{Reason: "未查到"}, nil
}

// memCases are cases by id.
type memCases map[string]workflow.Case

func (m memCases) Get(_ context.Context, id string) (workflow.Case, error) {
	c, ok := m[id]
	if !ok {
		return workflow.Case{}, fmt.Errorf("case %s: %w", id, workflow.ErrNotFound)
	}
	return c, nil
}

// fixture is a service over fakes.
type fixture struct {
	svc   *Service
	cases memCases
	store *memStore
	links *memCache
	libs  *libraries
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{store: newStore(), cases: memCases{}, links: &memCache{vals: map[string][]byte{}},
		libs: &libraries{names: map[string]string{zhangID: "张三", linaID: "李娜"}, residents: map[string]Resident{},
			companies: map[string]Company{}, reps: map[string]string{}}}
	wx := channel{app: "wxapp", users: map[string]ChannelUser{"wx-code": {UserID: "o-1", UnionID: "u-1"}},
		phones: map[string]string{"p-code": "13812345678"}}
	ali := channel{app: "2021", users: map[string]ChannelUser{"ali-code": {OpenID: "op-1"}}}
	svc, err := New(Config{Store: f.store, Cases: f.cases, Links: f.links, People: f.libs,
		Logins: map[workflow.Channel]LoginChannel{workflow.ChannelWeChat: wx, workflow.ChannelAlipay: ali},
		Phones: map[workflow.Channel]PhoneChannel{workflow.ChannelWeChat: wx},
		Now:    func() time.Time { return t0 }, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	f.svc = svc
	return f
}

// wantRefusal fails unless err is a refusal of kind with code.
func wantRefusal(t *testing.T, err error, kind error, code string) *workflow.Refusal {
	t.Helper()
	r, ok := workflow.AsRefusal(err)
	if !ok || r.Code != code || !errors.Is(r.Kind, kind) {
		t.Fatalf("err = %v, want refusal %s of kind %v", err, code, kind)
	}
	return r
}

// wantField fails unless the refusal's detail names field.
func wantField(t *testing.T, r *workflow.Refusal, field string) {
	t.Helper()
	if d, _ := r.Detail.(map[string]string); d["field"] != field {
		t.Errorf("detail = %v, want field %s", r.Detail, field)
	}
}
