// Package sandbox is a stand-in for the provincial government-service
// platform: a stateful http.Handler that speaks its protocol (token, case
// reports idempotent by number and data version, single and batch
// queries, and the signed 办件 data rows of records.go, validated field by
// field against the collection standards' tables), records what it receives, and injects faults through
// sandboxkit. Tests serve it with httptest.NewServer; the binary mounts it
// in the default configuration.
//
// It is written from the protocol, not from the client, and shares no
// code with package province, so that a client drifting from the protocol
// fails its tests.
package sandbox

import (
	"maps"
	"net/http"
	"slices"
	"sync"
	"time"

	"zerovisit/integrations/sandboxkit"
)

// Config configures a Sandbox.
type Config struct {
	// AppID and Secret are the only credentials it accepts.
	AppID  string
	Secret string
	// TokenTTL is the lifetime of an access token (default 2h).
	TokenTTL time.Duration
	// Now is its clock (time.Now if nil); tests move it to expire tokens.
	Now func() time.Time
}

// Holding is what the platform holds of one case: the latest version
// accepted.
type Holding struct {
	Number     string
	ItemCode   string
	Department string
	Status     string
	Version    int64
	OccurredAt time.Time
	ReceivedAt time.Time
}

// Key names one version of one case.
type Key struct {
	Number  string
	Version int64
}

// Count tells what became of the reports of one Key that reached the
// platform's logic (past injected faults): Received = Accepted +
// Duplicates + Stale.
type Count struct {
	Received   int
	Accepted   int // replaced the holding (or created it)
	Duplicates int // the same version was already held
	Stale      int // an older version than held: acknowledged, ignored
}

// Sandbox is the platform stand-in. It is safe for concurrent use.
type Sandbox struct {
	cfg    Config
	faults *sandboxkit.Faults
	rec    *sandboxkit.Recorder
	h      http.Handler

	mu       sync.Mutex
	tokens   map[string]time.Time // token -> expiry
	holdings map[string]Holding
	counts   map[Key]Count
	accepted []Key

	rows      map[RowKey]Row      // the 办件 data rows (records.go)
	byProject map[string][]RowKey // row keys of each project, in arrival order
}

// New returns a sandbox with no holdings.
func New(cfg Config) *Sandbox {
	if cfg.TokenTTL <= 0 {
		cfg.TokenTTL = 2 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Sandbox{
		cfg:      cfg,
		faults:   &sandboxkit.Faults{},
		rec:      sandboxkit.NewRecorder(headerIdempotencyKey),
		tokens:   make(map[string]time.Time),
		holdings: make(map[string]Holding),
		counts:   make(map[Key]Count),

		rows:      make(map[RowKey]Row),
		byProject: make(map[string][]RowKey),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/auth/token", s.issueToken)
	mux.Handle("POST /api/v1/cases/report", s.authorised(s.report))
	mux.Handle("GET /api/v1/cases/{number}", s.authorised(s.getCase))
	mux.Handle("POST /api/v1/cases/query", s.authorised(s.query))
	mux.Handle("POST /api/v1/records/report", s.authorised(s.reportRecords))
	mux.Handle("POST /api/v1/records/query", s.authorised(s.queryRecords))
	s.h = s.rec.Wrap(s.faults.Wrap(mux))
	return s
}

// ServeHTTP serves the platform's API.
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.h.ServeHTTP(w, r) }

// Faults returns the faults injected in front of the platform.
func (s *Sandbox) Faults() *sandboxkit.Faults { return s.faults }

// Recorder returns the record of every request received, faulted or not
// (it keeps the X-Idempotency-Key header only, never the token).
func (s *Sandbox) Recorder() *sandboxkit.Recorder { return s.rec }

// Holdings returns a copy of what the platform holds, by case number.
func (s *Sandbox) Holdings() map[string]Holding {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.holdings)
}

// Counts returns a copy of the per-version report counts.
func (s *Sandbox) Counts() map[Key]Count {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.counts)
}

// Accepted returns the versions accepted, in the order they were.
func (s *Sandbox) Accepted() []Key {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.accepted)
}

// Delete forgets the holding of a case, as if the platform had lost it,
// and reports whether there was one. The counts and the log stay.
func (s *Sandbox) Delete(number string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.holdings[number]
	delete(s.holdings, number)
	return ok
}

// ExpireTokens makes every token issued so far expired.
func (s *Sandbox) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	past := s.cfg.Now().Add(-time.Second)
	for t := range s.tokens {
		s.tokens[t] = past
	}
}

// TokensIssued returns how many tokens the platform has issued.
func (s *Sandbox) TokensIssued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.tokens)
}
