// Package sandbox is a stand-in for the population and legal-entity
// libraries behind the exchange: a stateful http.Handler speaking their
// protocol (signed requests, envelopes, the same paths and status codes).
// It keeps a log of what it disclosed, so tests can check that an answer
// held only the fields asked for. Tests serve it with httptest.NewServer;
// the binary mounts it in the default configuration.
package sandbox

import (
	"net/http"
	"slices"
	"sync"
	"time"

	"zerovisit/integrations/basedata"
	"zerovisit/integrations/exchange"
	"zerovisit/integrations/sandboxkit"
	"zerovisit/workflow"
)

// Config configures a Sandbox.
type Config struct {
	// Apps maps the app IDs the sandbox accepts to their secrets.
	Apps map[string]string
	// Now is the sandbox's clock (time.Now if nil).
	Now func() time.Time
	// Skew is the accepted timestamp skew (exchange.DefaultSkew if zero).
	Skew time.Duration
}

// Person is a resident the population library knows, in full.
type Person struct {
	IDNumber  string
	Name      string
	Address   string
	Household basedata.Household
}

// Entity is a company the legal-entity library knows, in full.
type Entity struct {
	USCC              string
	Name              string
	Kind              string
	LegalRepName      string
	LegalRepID        string
	Status            basedata.CompanyStatus
	RegisteredAddress string
	EstablishedOn     workflow.Date
}

// Disclosure is one answer that carried data: the path asked and the
// envelope's data exactly as sent.
type Disclosure struct {
	Path string
	Data []byte
}

// Sandbox is the stand-in libraries. Faults injects failures before a
// request reaches them; Recorder keeps every request that arrived.
type Sandbox struct {
	Faults   *sandboxkit.Faults
	Recorder *sandboxkit.Recorder

	handler http.Handler
	now     func() time.Time

	mu          sync.Mutex
	people      map[string]Person
	entities    map[string]Entity
	disclosures []Disclosure
	overShare   bool
}

// New returns a Sandbox that knows nobody (see Seed and SeedDefaults).
func New(cfg Config) *Sandbox {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	s := &Sandbox{
		Faults:   &sandboxkit.Faults{},
		Recorder: sandboxkit.NewRecorder(),
		now:      now,
		people:   make(map[string]Person),
		entities: make(map[string]Entity),
	}
	guard := exchange.NewGuard(cfg.Apps, now, cfg.Skew)
	s.handler = s.Recorder.Wrap(s.Faults.Wrap(guard.Wrap(s.routes())))
	return s
}

// ServeHTTP serves the libraries' protocol.
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Seed adds residents to the population library.
func (s *Sandbox) Seed(people ...Person) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range people {
		s.people[p.IDNumber] = p
	}
}

// SeedEntities adds companies to the legal-entity library.
func (s *Sandbox) SeedEntities(entities ...Entity) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range entities {
		s.entities[e.USCC] = e
	}
}

// Disclosures returns the data answers sent so far, oldest first.
func (s *Sandbox) Disclosures() []Disclosure {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.disclosures)
}

// SetOverShare makes the population library answer every field whatever
// was asked, as a misbehaving library might, so a test can check that the
// client drops what it did not ask for.
func (s *Sandbox) SetOverShare(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.overShare = on
}

func (s *Sandbox) person(id string) (Person, bool, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.people[id]
	return p, ok, s.overShare
}

func (s *Sandbox) entity(uscc string) (Entity, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entities[uscc]
	return e, ok
}

func (s *Sandbox) disclose(path string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.disclosures = append(s.disclosures, Disclosure{Path: path, Data: slices.Clone(data)})
}
