package desk

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/parcel"
)

// memStore is desk.Store in memory, for the desk's own tests. Methods the
// tests do not reach panic through the nil embedded interface.
type memStore struct {
	Store // unimplemented methods

	mu     sync.Mutex
	legs   map[string]Leg
	tracks []Track
	// doorFailures and doorRefusals are the door checks counted and refused.
	doorFailures map[string]int
	doorRefusals []Track
	photos       map[string]Photo // leg id + "/" + key
	couriers     map[string]Courier
	// beforeMove, when set, runs before each Move is applied (the store's
	// lock released): a racing change of the leg.
	beforeMove func(s *memStore)
	calls      map[string]int
	// cases is the memory workflow the lookup reads cases from and
	// MoveAndSync commits to.
	cases *memCases
}

func newMemStore() *memStore {
	return &memStore{legs: map[string]Leg{}, photos: map[string]Photo{}, couriers: map[string]Courier{}, calls: map[string]int{}}
}

func (s *memStore) count(op string) {
	s.mu.Lock()
	s.calls[op]++
	s.mu.Unlock()
}

// called returns how often each operation ran, and starts counting anew.
func (s *memStore) called() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.calls
	s.calls = map[string]int{}
	return out
}

func (s *memStore) put(l Leg) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l.Materials = slices.Clone(l.Materials)
	s.legs[l.ID] = l
}

func (s *memStore) leg(id string) Leg {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.legs[id]
}

func (s *memStore) trackCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.tracks)
}

func (s *memStore) Leg(_ context.Context, id string) (Leg, error) {
	s.count("Leg")
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.legs[id]
	if !ok {
		return Leg{}, fmt.Errorf("leg %s: %w", id, workflow.ErrNotFound)
	}
	return l, nil
}

// sorted returns the legs that pass keep, newest first.
func (s *memStore) sorted(keep func(Leg) bool) []Leg {
	var out []Leg
	for _, l := range s.legs {
		if keep(l) {
			out = append(out, l)
		}
	}
	slices.SortFunc(out, func(a, b Leg) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return -compareStrings(a.ID, b.ID)
	})
	return out
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (s *memStore) LegsByWaybill(_ context.Context, waybill string) ([]Leg, error) {
	s.count("LegsByWaybill")
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sorted(func(l Leg) bool { return waybill != "" && l.Waybill == waybill }), nil
}

func (s *memStore) CaseLegs(_ context.Context, caseID string) ([]Leg, error) {
	s.count("CaseLegs")
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.sorted(func(l Leg) bool { return l.CaseID == caseID })
	slices.Reverse(out)
	return out, nil
}

func (s *memStore) Move(_ context.Context, t Track, changed, created *Leg) error {
	s.count("Move")
	return s.move(t, changed, created)
}

func (s *memStore) move(t Track, changed, created *Leg) error {
	if s.beforeMove != nil {
		s.beforeMove(s)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.tracks {
		if o.Source == t.Source && o.Key == t.Key {
			return fmt.Errorf("track %s: %w", t.Key, workflow.ErrDuplicate)
		}
	}
	if changed != nil {
		if stored := s.legs[changed.ID]; stored.Version != changed.Version-1 {
			return fmt.Errorf("leg %s at version %d: %w", changed.ID, stored.Version, workflow.ErrConflict)
		}
	}
	if created != nil {
		for _, o := range s.legs {
			if o.SourceKey == created.SourceKey {
				return fmt.Errorf("leg of %s: %w", created.SourceKey, workflow.ErrDuplicate)
			}
		}
	}
	s.tracks = append(s.tracks, t)
	if changed != nil {
		l := *changed
		l.SyncedVersion = s.legs[l.ID].SyncedVersion // a move leaves it alone
		s.legs[l.ID] = l
	}
	if created != nil {
		s.legs[created.ID] = *created
	}
	return nil
}

func (s *memStore) Track(_ context.Context, source, key string) (Track, error) {
	s.count("Track")
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tracks {
		if t.Source == source && t.Key == key {
			return t, nil
		}
	}
	return Track{}, fmt.Errorf("track %s: %w", key, workflow.ErrNotFound)
}

// MoveAndSync is Move with the case's change committed to the memory
// workflow in the same step, the leg then synced.
func (s *memStore) MoveAndSync(_ context.Context, t Track, changed Leg, created *Leg, ch workflow.Change) (bool, error) {
	s.count("MoveAndSync")
	if err := s.move(t, &changed, created); err != nil {
		return false, err
	}
	if !s.cases.commit(ch) {
		return false, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.legs[changed.ID]
	l.SyncedVersion = l.Version
	s.legs[l.ID] = l
	return true, nil
}

func (s *memStore) LookupScan(_ context.Context, source, key, waybill string, photoKeys []string) (ScanLookup, error) {
	s.count("LookupScan")
	s.mu.Lock()
	defer s.mu.Unlock()
	var out ScanLookup
	for _, t := range s.tracks {
		if t.Source == source && t.Key == key {
			out.Track = &t
		}
	}
	cases := map[string]bool{}
	for _, l := range s.legs {
		if waybill != "" && l.Waybill == waybill {
			cases[l.CaseID] = true
		}
	}
	out.Legs = s.sorted(func(l Leg) bool { return cases[l.CaseID] })
	for _, l := range out.Legs {
		if s.cases != nil {
			if c := s.cases.case_(l.CaseID); c.ID != "" {
				if out.Cases == nil {
					out.Cases = map[string]workflow.Case{}
				}
				out.Cases[c.ID] = c
			}
		}
		for _, k := range photoKeys {
			if p, ok := s.photos[l.ID+"/"+k]; ok {
				out.Photos = append(out.Photos, p)
			}
		}
	}
	return out, nil
}

func (s *memStore) MarkSynced(_ context.Context, id string, version int64) error {
	s.count("MarkSynced")
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.legs[id]
	if l.SyncedVersion < version {
		l.SyncedVersion = version
		s.legs[id] = l
	}
	return nil
}

func (s *memStore) Photo(_ context.Context, legID, key string) (Photo, error) {
	s.count("Photo")
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.photos[legID+"/"+key]
	if !ok {
		return Photo{}, fmt.Errorf("photo %s: %w", key, workflow.ErrNotFound)
	}
	return p, nil
}

func (s *memStore) Courier(_ context.Context, id string) (Courier, error) {
	s.count("Courier")
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.couriers[id]
	if !ok {
		return Courier{}, fmt.Errorf("courier %s: %w", id, workflow.ErrNotFound)
	}
	return c, nil
}

// applied is an event a case took, as the tests compare them.
type applied struct {
	Name    workflow.EventName
	Actor   workflow.Actor
	Results int
}

// memCases is the part of the workflow the desk drives, with a few of the
// real transitions: enough to see which events a leg gives rise to, and
// how often the case is read.
type memCases struct {
	mu     sync.Mutex
	cases  map[string]workflow.Case
	events []applied
	reads  int
	// beforeApply, when set, runs (under the lock) before an event is
	// applied: a racing change of the case.
	beforeApply func(m *memCases)
	// plans are the records of planned changes, by the version they end at.
	plans       map[int64][]applied
	storedCount int
}

func newMemCases(cs ...workflow.Case) *memCases {
	m := &memCases{cases: map[string]workflow.Case{}}
	for _, c := range cs {
		m.cases[c.ID] = c
	}
	return m
}

func (m *memCases) Get(_ context.Context, id string) (workflow.Case, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.reads++
	c, ok := m.cases[id]
	if !ok {
		return workflow.Case{}, fmt.Errorf("case %s: %w", id, workflow.ErrNotFound)
	}
	return c, nil
}

func (m *memCases) Do(ctx context.Context, id string, ev workflow.Event, _ *workflow.IdempotencyRequest) (workflow.Case, error) {
	c, err := m.Get(ctx, id)
	if err != nil {
		return workflow.Case{}, err
	}
	return m.apply(c, ev)
}

func (m *memCases) DoOn(_ context.Context, c workflow.Case, ev workflow.Event, _ *workflow.IdempotencyRequest, _ *workflow.Guard) (workflow.Case, error) {
	return m.apply(c, ev)
}

func (m *memCases) case_(id string) workflow.Case {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.cases[id]
}

func (m *memCases) applied() []applied {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.events)
}

func (m *memCases) readCount() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := m.reads
	m.reads = 0
	return n
}

// apply moves c by ev if c is the stored version, as the workflow's
// optimistic check does.
func (m *memCases) apply(c workflow.Case, ev workflow.Event) (workflow.Case, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.beforeApply != nil {
		m.beforeApply(m)
	}
	if stored := m.cases[c.ID]; stored.Version != c.Version {
		return workflow.Case{}, fmt.Errorf("case %s at version %d: %w", c.ID, stored.Version, workflow.ErrConflict)
	}
	next, rec, err := transition(c, ev)
	if err != nil {
		return workflow.Case{}, err
	}
	m.cases[c.ID] = next
	m.events = append(m.events, rec)
	return next, nil
}

// Plan chains the events next gives, as the workflow's Plan does; the
// records of a plan wait in plans until the store commits it.
func (m *memCases) Plan(c workflow.Case, next func(workflow.Case) workflow.Event) (workflow.Case, workflow.Change, bool, error) {
	var (
		recs []applied
		ch   workflow.Change
	)
	at := c
	for ev := next(at); ev != nil; ev = next(at) {
		n, rec, err := transition(at, ev)
		if err != nil {
			return workflow.Case{}, workflow.Change{}, false, err
		}
		if len(recs) > 0 {
			ch.Earlier = append(ch.Earlier, ch.Event)
		}
		ch.Event = workflow.EventRecord{CaseID: c.ID, Seq: n.Version, Name: string(rec.Name), Actor: rec.Actor}
		recs, at = append(recs, rec), n
	}
	if len(recs) == 0 {
		return c, workflow.Change{}, false, nil
	}
	ch.Case = at
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.plans == nil {
		m.plans = map[int64][]applied{}
	}
	m.plans[at.Version] = recs
	return at, ch, true, nil
}

// Stored counts the changes the desk reports stored.
func (m *memCases) Stored(workflow.Change) {
	m.mu.Lock()
	m.storedCount++
	m.mu.Unlock()
}

// commit stores a planned change if the case is still where the plan
// started (false otherwise), as the store's MoveAndSync does.
func (m *memCases) commit(ch workflow.Change) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.beforeApply != nil {
		m.beforeApply(m)
	}
	if m.cases[ch.Case.ID].Version != ch.Case.Version-int64(len(ch.Earlier))-1 {
		return false
	}
	m.cases[ch.Case.ID] = ch.Case
	m.events = append(m.events, m.plans[ch.Case.Version]...)
	return true
}

// transition is the memory workflow's transition table: c after ev.
func transition(c workflow.Case, ev workflow.Event) (workflow.Case, applied, error) {
	next := c
	next.Verification.Results = slices.Clone(c.Verification.Results)
	rec := applied{Name: ev.EventName(), Actor: ev.EventMeta().Actor}
	invalid := fmt.Errorf("%s in %s: %w", ev.EventName(), c.Status, workflow.ErrInvalidTransition)
	settle := func() {
		next.Status = workflow.StatusVerifying
		if _, failed := next.Verification.Failed(); failed {
			next.Status = workflow.StatusRevoked
		} else if len(next.Verification.Pending()) == 0 {
			next.Status = workflow.StatusClosed
		}
	}
	switch e := ev.(type) {
	case workflow.CollectOriginals:
		next.Originals = &workflow.Originals{Waybill: e.Waybill}
	case workflow.Deliver:
		if c.Status != workflow.StatusDelivering {
			return workflow.Case{}, applied{}, invalid
		}
		next.Status = workflow.StatusDelivered
		next.Verification.Results = append(next.Verification.Results, e.Results...)
		rec.Results = len(e.Results)
	case workflow.StartVerification:
		if c.Status != workflow.StatusDelivered {
			return workflow.Case{}, applied{}, invalid
		}
		next.Verification.Required = slices.Clone(c.Terms.VerifyMaterials)
		settle()
	case workflow.RecordVerification:
		if c.Status != workflow.StatusVerifying {
			return workflow.Case{}, applied{}, invalid
		}
		next.Verification.Results = append(next.Verification.Results, e.Results...)
		rec.Results = len(e.Results)
		settle()
	case workflow.DeliveryFailed:
		if c.Status != workflow.StatusDelivering {
			return workflow.Case{}, applied{}, invalid
		}
		next.Status = workflow.StatusApproved
	default:
		return workflow.Case{}, applied{}, fmt.Errorf("memCases: %s: %w", ev.EventName(), workflow.ErrInvalidInput)
	}
	next.Version++
	return next, rec, nil
}

// memIdentities matches one ID number per applicant.
type memIdentities map[string]string

func (m memIdentities) MatchesApplicant(_ context.Context, applicantID, idNumber string) (bool, error) {
	if idNumber == "bad" {
		return false, workflow.Refuse(workflow.ErrInvalidInput, "invalid_id_number", "身份证号码不正确")
	}
	return m[applicantID] == idNumber, nil
}

type plainSealer struct{}

func (plainSealer) Seal(plain, _ string) (string, error)  { return plain, nil }
func (plainSealer) Open(sealed, _ string) (string, error) { return sealed, nil }
func (plainSealer) Index(kind, value string) string       { return kind + "#" + value }

type plainPasswords struct{}

func (plainPasswords) Hash(p string) (string, error) { return p, nil }
func (plainPasswords) Verify(h, p string) bool       { return h != "" && h == p }

// nopProvider is a provider the scans never call.
type nopProvider struct{ name string }

func (p nopProvider) Name() string { return p.name }
func (nopProvider) CreateOrder(context.Context, parcel.Order) (parcel.Shipment, error) {
	return parcel.Shipment{}, workflow.ErrUnavailable
}
func (nopProvider) CancelOrder(context.Context, parcel.Shipment) error { return nil }
func (nopProvider) Track(context.Context, parcel.Shipment) ([]parcel.Event, error) {
	return nil, nil
}
func (nopProvider) ParsePush(map[string][]string, []byte) (parcel.Push, error) {
	return parcel.Push{}, workflow.ErrUnavailable
}

// deskFixture is a desk over memory: one sf courier cr-1 and one bound to
// kuaidi100, an applicant u1 with ID number "ID-U1".
type deskFixture struct {
	svc   *Service
	store *memStore
	cases *memCases
	ids   int
}

func newDeskFixture(t *testing.T, cs ...workflow.Case) *deskFixture {
	t.Helper()
	f := &deskFixture{store: newMemStore(), cases: newMemCases(cs...)}
	f.store.cases = f.cases
	f.store.couriers["cr-1"] = Courier{ID: "cr-1", Provider: "sf", Active: true}
	f.store.couriers["cr-2"] = Courier{ID: "cr-2", Provider: "sf", Active: true}
	f.store.couriers["cr-kd"] = Courier{ID: "cr-kd", Provider: "kuaidi100", Active: true}
	f.store.couriers["cr-any"] = Courier{ID: "cr-any", Active: true}
	svc, err := New(Config{
		Store: f.store, Cases: f.cases, Sealer: plainSealer{}, Passwords: plainPasswords{},
		Identities:     memIdentities{"u1": "ID-U1"},
		Providers:      map[string]parcel.Provider{"sf": nopProvider{"sf"}, "kuaidi100": nopProvider{"kuaidi100"}},
		PickupProvider: "sf", DeliveryProvider: "sf",
		CallbackURL: func(p string) string { return "http://cb/" + p },
		Office:      func(string) parcel.Contact { return parcel.Contact{Name: "收件窗口"} },
		NewID: func() string {
			f.ids++
			return fmt.Sprintf("R%d", f.ids)
		},
		Now: func() time.Time { return t0.Add(time.Hour) },
	})
	if err != nil {
		t.Fatal(err)
	}
	f.svc = svc
	return f
}

// deliveryCase is a trust-first case out for delivery whose result needs
// materials a and b checked.
func deliveryCase(id string) workflow.Case {
	return workflow.Case{ID: id, ApplicantID: "u1", Status: workflow.StatusDelivering, Version: 7, TrustFirst: true,
		Terms: workflow.Terms{VerifyMaterials: []string{"a", "b"}}}
}

// deliveryLeg is the open delivery leg of case c1 under waybill SF1000.
func deliveryLeg() Leg {
	return Leg{ID: "L1", SourceKey: "outbox:1", Kind: KindDelivery, CaseID: "c1", ApplicantID: "u1", Provider: "sf",
		Waybill: "SF1000", Status: StatusOutForDelivery, Materials: []string{"a", "b"},
		LastActor: system, Version: 3, SyncedVersion: 3, CreatedAt: t0, UpdatedAt: t0, MovedAt: t0}
}

func (s *memStore) CountDoorFailure(_ context.Context, legID, _ string, max int) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.doorFailures == nil {
		s.doorFailures = map[string]int{}
	}
	if s.doorFailures[legID] >= max {
		return false, nil
	}
	s.doorFailures[legID]++
	return true, nil
}

func (s *memStore) UncountDoorFailure(_ context.Context, legID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.doorFailures[legID] > 0 {
		s.doorFailures[legID]--
	}
	return nil
}

func (s *memStore) AddDoorRefusal(_ context.Context, t Track) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.doorRefusals = append(s.doorRefusals, t)
	return nil
}
