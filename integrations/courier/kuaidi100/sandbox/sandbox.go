// Package sandbox plays a Kuaidi100-style service and its carrier for tests
// and the default run: a stateful http.Handler that checks the sign of
// every request, places orders (assigning EMS-style waybill numbers), keeps
// subscriptions, and, when a test hook advances a parcel, pushes its route
// to the subscribed callback signed with the subscription's salt.
package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"zerovisit/integrations/courier/kuaidi100"
	"zerovisit/integrations/httpx"
	"zerovisit/integrations/sandboxkit"
)

// Config configures a Sandbox.
type Config struct {
	// Customer and Key are the one account the sandbox knows.
	Customer string
	Key      string
	// Now is its clock (time.Now if nil).
	Now func() time.Time
	// Client sends pushes (one that reaches loopback only, if nil).
	Client *http.Client
}

// Parcel is an order the sandbox placed, with its route (newest first)
// and the subscription its pushes go to.
type Parcel struct {
	Order       kuaidi100.OrderParam
	TaskID      string
	Waybill     string
	Cancelled   bool
	State       string
	Route       []kuaidi100.Point
	CallbackURL string
	Salt        string
	CreatedAt   time.Time
}

// Sandbox plays the service. It is safe for concurrent use.
type Sandbox struct {
	cfg    Config
	faults *sandboxkit.Faults
	rec    *sandboxkit.Recorder
	h      http.Handler

	mu        sync.Mutex
	byOrder   map[string]*Parcel
	byWaybill map[string]*Parcel
	next      int64
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
		next: 10_000_000_000 + cfg.Now().UnixNano()%10_000_000_000,
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+kuaidi100.PathOrderCreate, s.signed(s.createOrder))
	mux.HandleFunc("POST "+kuaidi100.PathOrderCancel, s.signed(s.cancelOrder))
	mux.HandleFunc("POST "+kuaidi100.PathSubscribe, s.signed(s.subscribe))
	mux.HandleFunc("POST "+kuaidi100.PathQuery, s.signed(s.query))
	s.h = s.rec.Wrap(s.faults.Wrap(mux))
	return s
}

// ServeHTTP serves the service's API.
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.h.ServeHTTP(w, r) }

// Faults returns the faults injected in front of the sandbox.
func (s *Sandbox) Faults() *sandboxkit.Faults { return s.faults }

// Recorder returns the record of every request received.
func (s *Sandbox) Recorder() *sandboxkit.Recorder { return s.rec }

// Parcel returns a copy of the parcel with the waybill.
func (s *Sandbox) Parcel(waybill string) (Parcel, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.byWaybill[waybill]
	if !ok {
		return Parcel{}, false
	}
	c := *p
	c.Route = slices.Clone(p.Route)
	return c, true
}

// Parcels returns a copy of every parcel, in order of creation.
func (s *Sandbox) Parcels() []Parcel {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Parcel, 0, len(s.byOrder))
	for _, p := range s.byOrder {
		c := *p
		c.Route = slices.Clone(p.Route)
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b Parcel) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return out
}

// newWaybill returns the next EMS-style waybill number: 13 digits starting with 1.
func (s *Sandbox) newWaybill() string {
	s.next++
	return fmt.Sprintf("1%012d", s.next)
}
