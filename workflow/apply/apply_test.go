package apply

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
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
}

func newStore() *memStore {
	return &memStore{apps: map[string]Application{}, uploads: map[string]UploadRecord{}, people: map[string]citizen.Citizen{},
		book: map[string]citizen.Address{}}
}

func (s *memStore) Application(_ context.Context, caseID string) (Application, error) {
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

func (s *memStore) UpdateApplication(ctx context.Context, caseID string, edit func(*Application) error) (Application, error) {
	a, err := s.Application(ctx, caseID)
	if err != nil {
		return Application{}, err
	}
	if err := edit(&a); err != nil {
		return Application{}, err
	}
	a.Version++
	s.apps[caseID] = a
	return a, nil
}

func (s *memStore) RecordUpload(_ context.Context, caseID, material string, u Upload) error {
	s.uploads[u.ID] = UploadRecord{Upload: u, CaseID: caseID, Material: material}
	return nil
}

func (s *memStore) GetUpload(_ context.Context, id string) (UploadRecord, error) {
	r, ok := s.uploads[id]
	if !ok {
		return UploadRecord{}, workflow.ErrNotFound
	}
	return r, nil
}

func (s *memStore) AddressOf(_ context.Context, citizenID, id string) (citizen.Address, error) {
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

// index holds open drafts and answered idempotency keys.
type index struct {
	drafts   int
	answered map[string]bool
}

func (x *index) CasesOfApplicants(_ context.Context, _ []string, _ workflow.Status, after string, limit int) (CasePage, error) {
	if after == "bad" {
		return CasePage{}, fmt.Errorf("cursor: %w", workflow.ErrInvalidInput)
	}
	return CasePage{Cases: make([]workflow.Case, min(x.drafts, limit))}, nil
}

func (x *index) NextCaseNumber(context.Context, time.Time) (string, error) { return "N1", nil }

func (x *index) Idempotency(_ context.Context, _, key string) (workflow.Idempotency, error) {
	if x.answered[key] {
		return workflow.Idempotency{}, nil
	}
	return workflow.Idempotency{}, workflow.ErrNotFound
}

// cases records what the applicant sent.
type cases struct {
	drafts []workflow.Draft
	events []workflow.Event
}

func (c *cases) Create(_ context.Context, d workflow.Draft, _ *workflow.IdempotencyRequest) (workflow.Case, error) {
	c.drafts = append(c.drafts, d)
	return workflow.Case{ID: d.ID, ItemCode: d.ItemCode, ApplicantID: d.ApplicantID, Status: workflow.StatusDraft}, nil
}

func (c *cases) Do(_ context.Context, id string, ev workflow.Event, _ *workflow.IdempotencyRequest) (workflow.Case, error) {
	c.events = append(c.events, ev)
	return workflow.Case{ID: id, Status: workflow.StatusSubmitted}, nil
}

func (c *cases) History(context.Context, string) ([]workflow.EventRecord, error) {
	return []workflow.EventRecord{{Seq: 1, Name: "create"}, {Seq: 2, Name: "unheard_of"}}, nil
}

type credit struct {
	status workflow.CreditStatus
	err    error
	asked  []string
}

func (c *credit) Status(_ context.Context, id string) (workflow.CreditStatus, error) {
	c.asked = append(c.asked, id)
	return c.status, c.err
}

type blobs struct{}

func (b *blobs) Put(_ context.Context, r io.Reader, maxBytes int64) (files.Object, error) {
	data, _ := io.ReadAll(io.LimitReader(r, maxBytes+1))
	if int64(len(data)) > maxBytes {
		return files.Object{}, files.ErrTooLarge
	}
	return files.Object{Key: fmt.Sprintf("k%d", len(data)), Size: int64(len(data)), SM3: "sm3", ContentType: sniff(data)}, nil
}

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
		{Code: "plan", Name: "平面图", Source: "upload"},
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
	f := &fixture{store: newStore(), index: &index{answered: map[string]bool{}}, cases: &cases{}, credit: &credit{status: workflow.CreditNormal}}
	f.store.people["p1"] = citizen.Citizen{ID: "p1", Kind: citizen.KindPerson, IDNumber: "110101199003070000"}
	f.store.people["b1"] = citizen.Citizen{ID: "b1", Kind: citizen.KindBusiness, IDNumber: "91110000MA0000000X"}
	f.store.book["p1|addr1"] = citizen.Address{Region: "北京市东城区", Recipient: "张三", Phone: "13800138000"}
	f.svc = New(Config{Store: f.store, Index: f.index, Cases: f.cases, Catalogue: cat, Credit: f.credit,
		Evaluations: evaluated{"c-done": true}, Blobs: &blobs{}, Sniff: sniff, MaxUploadBytes: 64, Now: func() time.Time { return t0 }})
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
