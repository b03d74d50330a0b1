// Package sandbox is a stand-in for departments' own approval systems: a
// stateful http.Handler that receives our signed pushes (checking the
// signature, timestamp and nonce, and deduping by idempotency key) and
// records them, and a sender of signed decisions back to our callback.
// Tests serve it with httptest.NewServer; the binary mounts it in the
// default configuration.
//
// One sandbox can play several departments, each with its own secret. It
// signs and checks with department.Sign, the protocol's one
// implementation.
package sandbox

import (
	"net/http"
	"slices"
	"sync"
	"time"

	"zerovisit/integrations/department"
	"zerovisit/integrations/httpx"
	"zerovisit/integrations/sandboxkit"
)

// PushPath is where the sandbox receives pushes: an endpoint's URL is the
// sandbox's address followed by PushPath.
const PushPath = "/zerovisit/cases"

// Config configures a Sandbox.
type Config struct {
	// Departments maps each department code the sandbox plays to its secret.
	Departments map[string]string
	// Now is its clock (time.Now if nil).
	Now func() time.Time
	// Skew is the accepted distance of a push's timestamp from Now
	// (department.DefaultSkew if zero).
	Skew time.Duration
	// Client sends decisions (one that reaches loopback only, if nil).
	Client *http.Client
}

// Push is a push the sandbox accepted.
type Push struct {
	Department     string
	IdempotencyKey string
	CaseID         string
	CaseNumber     string
	ItemCode       string
	Version        int64
	Status         string
	Summary        department.Summary
	Body           []byte
	ReceivedAt     time.Time
}

// Sandbox plays the departments' systems. It is safe for concurrent use.
type Sandbox struct {
	cfg    Config
	faults *sandboxkit.Faults
	rec    *sandboxkit.Recorder
	h      http.Handler

	mu         sync.Mutex
	nonces     map[string]time.Time // department:nonce -> forget after
	pushes     []Push
	deliveries map[string]int // department:key -> pushes received with it
	refusals   []string       // codes of refused pushes, in order
}

// New returns a sandbox that has received nothing.
func New(cfg Config) *Sandbox {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Skew <= 0 {
		cfg.Skew = department.DefaultSkew
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Transport: httpx.LoopbackOnly(nil)}
	}
	s := &Sandbox{
		cfg:        cfg,
		faults:     &sandboxkit.Faults{},
		rec:        sandboxkit.NewRecorder(department.HeaderDepartment, department.HeaderIdempotencyKey),
		nonces:     make(map[string]time.Time),
		deliveries: make(map[string]int),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+PushPath, s.receive)
	s.h = s.rec.Wrap(s.faults.Wrap(mux))
	return s
}

// ServeHTTP receives pushes.
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.h.ServeHTTP(w, r) }

// Faults returns the faults injected in front of the sandbox.
func (s *Sandbox) Faults() *sandboxkit.Faults { return s.faults }

// Recorder returns the record of every request received, faulted or not.
func (s *Sandbox) Recorder() *sandboxkit.Recorder { return s.rec }

// Pushes returns the pushes accepted, once per idempotency key, in order.
func (s *Sandbox) Pushes() []Push {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.pushes)
}

// Deliveries returns how many verified pushes of department carried the
// idempotency key: 1 for a push delivered once, more for repeats.
func (s *Sandbox) Deliveries(dept, key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.deliveries[dept+":"+key]
}

// Refusals returns the codes of the pushes refused, in order.
func (s *Sandbox) Refusals() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.refusals)
}

// claimNonce remembers a nonce and reports whether it was new. Expired
// nonces are swept out as new ones arrive.
func (s *Sandbox) claimNonce(key string, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if until, ok := s.nonces[key]; ok && now.Before(until) {
		return false
	}
	if len(s.nonces) >= 10000 {
		for k, until := range s.nonces {
			if !now.Before(until) {
				delete(s.nonces, k)
			}
		}
	}
	s.nonces[key] = now.Add(2*s.cfg.Skew + time.Minute)
	return true
}
