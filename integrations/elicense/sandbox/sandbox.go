// Package sandbox is a stand-in for the e-license library: a stateful
// http.Handler that speaks the library's protocol (the exchange's signed
// requests and envelopes, the same paths and status codes) and signs the
// licences it issues with SM2 keys from an elicense.Keyring. Tests serve it
// with httptest.NewServer; the binary mounts it in the default configuration.
package sandbox

import (
	"net/http"
	"sync"
	"time"

	"zerovisit/integrations/elicense"
	"zerovisit/integrations/exchange"
	"zerovisit/integrations/sandboxkit"
)

// Config configures a Sandbox.
type Config struct {
	// Apps maps the app IDs the sandbox accepts to their secrets.
	Apps map[string]string
	// Keyring holds the issuing departments' keys (a new one if nil).
	Keyring *elicense.Keyring
	// Issuers are registered, with a generated key each, at start.
	Issuers []elicense.Issuer
	// Now is the sandbox's clock (time.Now if nil).
	Now func() time.Time
	// Skew is the accepted timestamp skew (exchange.DefaultSkew if zero).
	Skew time.Duration
}

// Sandbox is the stand-in library. Its exported fields are the test hooks:
// Faults injects failures before a request reaches the library, Recorder
// keeps every request that arrived (faulted ones included).
type Sandbox struct {
	Faults   *sandboxkit.Faults
	Recorder *sandboxkit.Recorder

	handler http.Handler
	keyring *elicense.Keyring
	now     func() time.Time

	mu       sync.Mutex
	licences map[string]*entry // by licence ID
	order    []string          // licence IDs in issue order
	byCase   map[string]string // case number -> licence ID
	serials  map[string]int    // type + issuer -> last serial
	issuers  map[string]string // USCC -> name
}

// entry is a stored licence and its file.
type entry struct {
	licence    elicense.Licence
	holderName string // unmasked
	file       []byte
}

// New returns a Sandbox holding no licences (see Seed and SeedDefaults).
// It panics if an issuer in cfg has an invalid USCC: that is a programming
// error in the configuration.
func New(cfg Config) *Sandbox {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	kr := cfg.Keyring
	if kr == nil {
		kr = elicense.NewKeyring()
	}
	s := &Sandbox{
		Faults:   &sandboxkit.Faults{},
		Recorder: sandboxkit.NewRecorder(),
		keyring:  kr,
		now:      now,
		licences: make(map[string]*entry),
		byCase:   make(map[string]string),
		serials:  make(map[string]int),
		issuers:  make(map[string]string),
	}
	for _, is := range cfg.Issuers {
		if err := s.RegisterIssuer(is); err != nil {
			panic(err)
		}
	}
	guard := exchange.NewGuard(cfg.Apps, now, cfg.Skew)
	s.handler = s.Recorder.Wrap(s.Faults.Wrap(guard.Wrap(s.routes())))
	return s
}

// ServeHTTP serves the library's protocol.
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Keyring returns the keyring the sandbox signs with.
func (s *Sandbox) Keyring() *elicense.Keyring { return s.keyring }

// RegisterIssuer lets a department issue licences, generating its key if
// the keyring has none.
func (s *Sandbox) RegisterIssuer(is elicense.Issuer) error {
	if err := s.keyring.Generate(is.Code); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.issuers[is.Code] = is.Name
	return nil
}

// Licence returns a stored licence as the library would serve it.
func (s *Sandbox) Licence(id string) (elicense.Licence, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.licences[id]
	if !ok {
		return elicense.Licence{}, false
	}
	return e.licence, true
}

// Licences returns every stored licence, in issue order.
func (s *Sandbox) Licences() []elicense.Licence {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]elicense.Licence, 0, len(s.order))
	for _, id := range s.order {
		out = append(out, s.licences[id].licence)
	}
	return out
}

// CorruptFile replaces a licence's stored file without updating its hashes,
// so a test can see a client refuse it. It reports whether the licence exists.
func (s *Sandbox) CorruptFile(id string, content []byte) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.licences[id]
	if ok {
		e.file = append([]byte(nil), content...)
	}
	return ok
}
