// Package sandbox plays an SF-style courier company for tests and the
// default run: a stateful http.Handler that speaks the open platform's
// protocol (form fields, msgDigest, the envelope, the business error codes),
// assigns waybill numbers, and sends signed route pushes to our callback
// when a test hook advances a parcel.
package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"zerovisit/integrations/courier/sf"
	"zerovisit/integrations/httpx"
	"zerovisit/integrations/sandboxkit"
)

// Config configures a Sandbox.
type Config struct {
	// PartnerID and Checkword are the one account the sandbox knows.
	PartnerID string
	Checkword string
	// PushURL says where route pushes go; it is asked at every push, so
	// the callback's server may start after the sandbox.
	PushURL func() string
	// Now is its clock (time.Now if nil).
	Now func() time.Time
	// Client sends pushes (one that reaches loopback only, if nil).
	Client *http.Client
}

// Parcel is an order the sandbox accepted, with its route so far.
type Parcel struct {
	OrderID     string
	Waybill     string
	PayMethod   int
	MonthlyCard string
	Sender      sf.ContactInfo
	Recipient   sf.ContactInfo
	Cargo       string
	Remark      string
	Cancelled   bool
	Routes      []sf.PushRoute
	CreatedAt   time.Time
}

// Sandbox plays the courier company. It is safe for concurrent use.
type Sandbox struct {
	cfg    Config
	faults *sandboxkit.Faults
	rec    *sandboxkit.Recorder
	h      http.Handler

	mu        sync.Mutex
	byOrder   map[string]*Parcel
	byWaybill map[string]*Parcel
	next      int64 // the next waybill serial
	routeSeq  int64
	pushes    []Reply
}

// New returns a sandbox with no parcels.
func New(cfg Config) *Sandbox {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Transport: httpx.LoopbackOnly(nil), Timeout: 10 * time.Second}
	}
	s := &Sandbox{
		cfg: cfg, faults: &sandboxkit.Faults{}, rec: sandboxkit.NewRecorder("Content-Type"),
		byOrder: map[string]*Parcel{}, byWaybill: map[string]*Parcel{},
		next: 1000_0000_0000 + cfg.Now().UnixNano()%1000_0000_0000,
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+sf.ServicePath, s.service)
	s.h = s.rec.Wrap(s.faults.Wrap(mux))
	return s
}

// ServeHTTP serves the platform's API.
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.h.ServeHTTP(w, r) }

// Faults returns the faults injected in front of the sandbox.
func (s *Sandbox) Faults() *sandboxkit.Faults { return s.faults }

// Recorder returns the record of every request received.
func (s *Sandbox) Recorder() *sandboxkit.Recorder { return s.rec }

// Parcels returns a copy of every parcel, in order of creation.
func (s *Sandbox) Parcels() []Parcel {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Parcel, 0, len(s.byOrder))
	for _, p := range s.byOrder {
		c := *p
		c.Routes = slices.Clone(p.Routes)
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b Parcel) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return out
}

// Parcel returns a copy of the parcel with the waybill.
func (s *Sandbox) Parcel(waybill string) (Parcel, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.byWaybill[waybill]
	if !ok {
		return Parcel{}, false
	}
	c := *p
	c.Routes = slices.Clone(p.Routes)
	return c, true
}

// newWaybill returns the next waybill number: "SF" and 13 digits.
func (s *Sandbox) newWaybill() string {
	s.next++
	return fmt.Sprintf("SF%013d", s.next)
}
