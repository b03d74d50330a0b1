package apply

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/citizen"
	"zerovisit/workflow/files"
)

var t0 = time.Date(2025, 9, 1, 10, 0, 0, 0, time.UTC)

// memStore is an in-memory Store.
type memStore struct {
	apps    map[string]Application
	uploads map[string]UploadRecord
	people  map[string]citizen.Citizen
	book    map[string]citizen.Address // by citizen|id
	ids     int
	// updates counts UpdateApplication calls, stale those made with an
	// application read before another save; bookReads the address reads.
	updates, stale, bookReads int
	appReads                  int
}

func newStore() *memStore {
	return &memStore{apps: map[string]Application{}, uploads: map[string]UploadRecord{}, people: map[string]citizen.Citizen{},
		book: map[string]citizen.Address{}}
}

func (s *memStore) Application(_ context.Context, caseID string) (Application, error) {
	s.appReads++
	a, ok := s.apps[caseID]
	if !ok {
		return Application{}, fmt.Errorf("application: %w", workflow.ErrNotFound)
	}
	return a, nil
}

func (s *memStore) CreateApplication(_ context.Context, a Application) error {
	if _, ok := s.apps[a.CaseID]; ok {
		return workflow.ErrDuplicate
	}
	s.apps[a.CaseID] = a
	return nil
}

// UpdateApplication saves edit's work on a under a version check, and
// re-applies edit to the stored application when a is stale.
func (s *memStore) UpdateApplication(ctx context.Context, a Application, edit func(*Application) error) (Application, error) {
	s.updates++
	stored, err := s.Application(ctx, a.CaseID)
	if err != nil {
		return Application{}, err
	}
	if stored.Version != a.Version {
		s.stale++
		a = stored
	}
	a.Materials = slices.Clone(a.Materials)
	if err := edit(&a); err != nil {
		return Application{}, err
	}
	a.Version++
	s.apps[a.CaseID] = a
	return a, nil
}

func (s *memStore) RecordUpload(_ context.Context, caseID, material string, u Upload, q UploadQuota) (bool, UploadUsage, error) {
	var used UploadUsage
	for _, r := range s.uploads {
		if r.CaseID == caseID {
			used.CaseFiles, used.CaseBytes = used.CaseFiles+1, used.CaseBytes+r.Size
		}
		if r.By == u.By && r.At.After(u.At.Add(-q.Window)) {
			used.AccountFiles, used.AccountBytes = used.AccountFiles+1, used.AccountBytes+r.Size
		}
	}
	if used.CaseFiles >= q.CaseFiles || used.CaseBytes+u.Size > q.CaseBytes ||
		used.AccountFiles >= q.AccountFiles || used.AccountBytes+u.Size > q.AccountBytes {
		return false, used, nil
	}
	s.uploads[u.ID] = UploadRecord{Upload: u, CaseID: caseID, Material: material}
	return true, used, nil
}

func (s *memStore) GetUpload(_ context.Context, id string) (UploadRecord, error) {
	r, ok := s.uploads[id]
	if !ok {
		return UploadRecord{}, workflow.ErrNotFound
	}
	return r, nil
}

func (s *memStore) AddressOf(_ context.Context, citizenID, id string) (citizen.Address, error) {
	s.bookReads++
	a, ok := s.book[citizenID+"|"+id]
	if !ok {
		return citizen.Address{}, workflow.ErrNotFound
	}
	return a, nil
}

func (s *memStore) Get(_ context.Context, id string) (citizen.Citizen, error) {
	c, ok := s.people[id]
	if !ok {
		return citizen.Citizen{}, workflow.ErrNotFound
	}
	return c, nil
}

func (s *memStore) NewID() string { s.ids++; return fmt.Sprint("id", s.ids) }

// index holds the cases opened, open drafts and the case numbers taken.
type index struct {
	store   *memStore
	cases   map[string]workflow.Case
	drafts  int
	numbers int
	reads   int
}

func (x *index) CasesOfApplicants(_ context.Context, _ []string, _ workflow.Status, after string, limit int) (CasePage, error) {
	if after == "bad" {
		return CasePage{}, fmt.Errorf("cursor: %w", workflow.ErrInvalidInput)
	}
	return CasePage{Cases: make([]workflow.Case, min(x.drafts, limit))}, nil
}

func (x *index) CaseAndApplication(_ context.Context, id string) (workflow.Case, Application, bool, error) {
	x.reads++
	cs, ok := x.cases[id]
	if !ok {
		return workflow.Case{}, Application{}, false, fmt.Errorf("case %s: %w", id, workflow.ErrNotFound)
	}
	app, ok := x.store.apps[id]
	return cs, app, ok, nil
}

func (x *index) NumberDraft(_ context.Context, _ time.Time, _, _ string, limit int) (string, bool, error) {
	if x.drafts >= limit {
		return "", false, nil
	}
	x.numbers++
	return fmt.Sprint("N", x.numbers), true, nil
}

// cases records what the applicant sent; answered are the keys whose
// stored answer is the case given.
type cases struct {
	index    *index
	answered map[string]workflow.Case
	drafts   []workflow.Draft
	events   []workflow.Event
	// prior is the count of false commitments the workflow reads.
	prior int64
}

func (c *cases) CreateNew(ctx context.Context, idem *workflow.IdempotencyRequest, build func(context.Context) (workflow.Draft, error)) (workflow.Case, error) {
	if idem != nil {
		if cs, ok := c.answered[idem.Key]; ok {
			return cs, nil
		}
	}
	d, err := build(ctx)
	if err != nil {
		return workflow.Case{}, err
	}
	c.drafts = append(c.drafts, d)
	cs := workflow.Case{ID: d.ID, ItemCode: d.ItemCode, ApplicantID: d.ApplicantID, Status: workflow.StatusDraft}
	c.index.cases[cs.ID] = cs
	if idem != nil {
		c.answered[idem.Key] = cs
	}
	return cs, nil
}

func (c *cases) SubmitOn(ctx context.Context, cs workflow.Case, idem *workflow.IdempotencyRequest, build func(context.Context) (workflow.Submit, error)) (workflow.Case, error) {
	if answer, ok := c.answered[idem.Key]; ok {
		return answer, nil
	}
	ev, err := build(ctx)
	if err != nil {
		return workflow.Case{}, err
	}
	ev.PriorFalseCommitments = c.prior
	c.events = append(c.events, ev)
	answer := workflow.Case{ID: cs.ID, Status: workflow.StatusSubmitted}
	c.answered[idem.Key] = answer
	return answer, nil
}

func (c *cases) Do(_ context.Context, id string, ev workflow.Event, _ *workflow.IdempotencyRequest) (workflow.Case, error) {
	c.events = append(c.events, ev)
	return workflow.Case{ID: id, Status: workflow.StatusSubmitted}, nil
}

func (c *cases) History(context.Context, string) ([]workflow.EventRecord, error) {
	return []workflow.EventRecord{{Seq: 1, Name: "create"}, {Seq: 2, Name: "unheard_of"}}, nil
}

// people lets a caller act on cases of their own and of the businesses in
// actsFor.
type people struct{ actsFor map[string]bool }

func (p people) OwnCase(ctx context.Context, c citizen.Caller, id string, read citizen.CaseRead) (workflow.Case, error) {
	cs, err := read(ctx, id)
	if errors.Is(err, workflow.ErrNotFound) || (err == nil && cs.ApplicantID != c.Citizen.ID && !p.actsFor[cs.ApplicantID]) {
		return workflow.Case{}, citizen.ErrCaseNotFound
	}
	return cs, err
}

// indexer is a blind index that shows what it indexed.
type indexer struct{}

func (indexer) Index(kind, value string) string { return kind + ":" + value }

type credit struct {
	status  workflow.CreditStatus
	history workflow.CreditHistory
	err     error
	asked   []string
}

func (c *credit) Status(_ context.Context, id string) (workflow.CreditStatus, workflow.CreditHistory, error) {
	c.asked = append(c.asked, id)
	return c.status, c.history, c.err
}

type blobs struct{}

func (b *blobs) Put(_ context.Context, r io.Reader, maxBytes int64) (files.Object, error) {
	data, _ := io.ReadAll(io.LimitReader(r, maxBytes+1))
	if int64(len(data)) > maxBytes {
		return files.Object{}, files.ErrTooLarge
	}
	return files.Object{Key: fmt.Sprintf("k%d", len(data)), Size: int64(len(data)), SM3: "sm3", ContentType: sniff(data)}, nil
}

func (b *blobs) Stage(ctx context.Context, r io.Reader, maxBytes int64) (files.Staged, error) {
	obj, err := b.Put(ctx, r, maxBytes)
	if err != nil {
		return nil, err
	}
	return staged{obj}, nil
}

type staged struct{ obj files.Object }

func (s staged) Object() files.Object     { return s.obj }
func (staged) Keep(context.Context) error { return nil }
func (staged) Discard()                   {}

func (b *blobs) Open(context.Context, string) (io.ReadCloser, error) {
	return nil, workflow.ErrNotFound
}

// sniff knows PDF files only.
func sniff(head []byte) string {
	if bytes.HasPrefix(head, []byte("%PDF-")) {
		return "application/pdf"
	}
	return "text/plain; charset=utf-8"
}

type evaluated map[string]bool

func (e evaluated) Evaluated(_ context.Context, caseID string) bool { return e[caseID] }

var item = workflow.Item{Code: "spjy", Name: "食品经营许可", Department: "scjgj", DepartmentName: "市场监管局",
	LegalDays: 20, PromisedDays: 10, SupplementDays: 5, VerifyDays: 30, TrustFirst: true,
	Delivery:   []workflow.DeliveryMethod{workflow.DeliveryCourier, workflow.DeliveryElectronic},
	Commitment: workflow.Commitment{TemplateVersion: "v1", Text: "本人承诺", TextHash: strings.Repeat("a", 64)},
	Materials: []workflow.Material{
		{Code: "licence", Name: "营业执照", Source: "elicense:yyzz", Core: true},
		{Code: "plan", Name: "平面图", Source: "upload", VerifyOnCompletion: true},
		{Code: "health", Name: "健康证明", Source: "upload", Optional: true},
	}}

type fixture struct {
	store  *memStore
	index  *index
	cases  *cases
	credit *credit
	svc    *Service
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	cat, err := workflow.NewCatalogue([]workflow.Item{item})
	if err != nil {
		t.Fatal(err)
	}
	store := newStore()
	x := &index{store: store, cases: map[string]workflow.Case{}}
	f := &fixture{store: store, index: x, cases: &cases{index: x, answered: map[string]workflow.Case{}}, credit: &credit{status: workflow.CreditNormal}}
	f.store.people["p1"] = citizen.Citizen{ID: "p1", Kind: citizen.KindPerson, IDNumber: "110101199003070000"}
	f.store.people["b1"] = citizen.Citizen{ID: "b1", Kind: citizen.KindBusiness, IDNumber: "91110000MA0000000X"}
	f.store.book["p1|addr1"] = citizen.Address{Region: "北京市东城区", Recipient: "张三", Phone: "13800138000"}
	f.svc = New(Config{Store: f.store, Index: f.index, Cases: f.cases, People: people{actsFor: map[string]bool{"b1": true}}, Catalogue: cat, Credit: f.credit,
		Identities: indexer{}, Evaluations: evaluated{"c-done": true}, Blobs: &blobs{}, Sniff: sniff, MaxUploadBytes: 64, Now: func() time.Time { return t0 }})
	return f
}

var (
	person  = citizen.Citizen{ID: "p1", Kind: citizen.KindPerson}
	account = citizen.Account{ID: "a1", Channel: workflow.ChannelWeChat}
)

func refusal(t *testing.T, err error, kind error, code string) {
	t.Helper()
	r, ok := workflow.AsRefusal(err)
	if !ok || r.Code != code || !errors.Is(err, kind) {
		t.Fatalf("err = %v, want refusal %s (%v)", err, code, kind)
	}
}

func prefilled(context.Context) []Material {
	return []Material{{Code: "licence", Held: true, Source: workflow.SourceELicense, Ref: "L1"}, {Code: "plan"}, {Code: "health"}}
}

func (f *fixture) draft(t *testing.T, principal citizen.Citizen) Draft {
	t.Helper()
	d, err := f.svc.CreateDraft(context.Background(), NewDraft{Item: item, Account: account, Person: person, Principal: principal, Prefill: prefilled})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// filing is the case with its application as stored now.
func (f *fixture) filing(cs workflow.Case) Filing {
	app, ok := f.store.apps[cs.ID]
	return Filing{Case: cs, Application: app, HasApplication: ok}
}
