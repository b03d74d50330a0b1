// Package sandbox is a stand-in for the public credit library behind the
// exchange: a stateful http.Handler speaking its protocol (signed requests,
// envelopes, the same paths and status codes). Tests put subjects on the
// red and black lists, complete their credit repairs and read the
// false-commitment records it holds.
// Tests serve it with httptest.NewServer; the binary mounts it in the
// default configuration.
package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"zerovisit/integrations/credit"
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

// Record is a false commitment the library holds.
type Record struct {
	ID string
	credit.FalseCommitment
	ReceivedAt time.Time
}

// Sandbox is the stand-in library. Faults injects failures before a request
// reaches it; Recorder keeps every request that arrived.
type Sandbox struct {
	Faults   *sandboxkit.Faults
	Recorder *sandboxkit.Recorder

	handler http.Handler
	now     func() time.Time

	mu      sync.Mutex
	lists   map[string][]credit.ListEntry // subject -> lists
	records []Record
	byCase  map[string]int           // case number -> index in records
	repairs map[string]credit.Repair // subject -> latest completed repair
	nRepair int
	skip    time.Duration // how far Skip moved the records' clock on
}

// New returns a Sandbox where everyone is normal (see SeedDefaults).
func New(cfg Config) *Sandbox {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	s := &Sandbox{
		Faults:   &sandboxkit.Faults{},
		Recorder: sandboxkit.NewRecorder(),
		now:      now,
		lists:    make(map[string][]credit.ListEntry),
		byCase:   make(map[string]int),
		repairs:  make(map[string]credit.Repair),
	}
	guard := exchange.NewGuard(cfg.Apps, now, cfg.Skew)
	s.handler = s.Recorder.Wrap(s.Faults.Wrap(guard.Wrap(s.routes())))
	return s
}

// ServeHTTP serves the library's protocol.
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Blacklist puts a subject on a joint-punishment list named list.
func (s *Sandbox) Blacklist(subjectID, list string) {
	s.add(subjectID, credit.ListEntry{Kind: credit.KindBlack, Name: list, Authority: "杭州市信用办", Since: workflow.DateOf(s.now())})
}

// Redlist puts a subject on a red list named list.
func (s *Sandbox) Redlist(subjectID, list string) {
	s.add(subjectID, credit.ListEntry{Kind: credit.KindRed, Name: list, Authority: "杭州市信用办", Since: workflow.DateOf(s.now())})
}

// Clear takes a subject off every list.
func (s *Sandbox) Clear(subjectID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.lists, subjectID)
}

func (s *Sandbox) add(subjectID string, e credit.ListEntry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lists[subjectID] = append(s.lists[subjectID], e)
}

// Records returns the false commitments held, oldest first.
func (s *Sandbox) Records() []Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.records)
}

// Repair records a credit repair (信用修复) of a subject granted by
// authority and completed now: the false commitments the library holds
// of the subject no longer count. It returns the repair.
func (s *Sandbox) Repair(subjectID, authority string) credit.Repair {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nRepair++
	r := credit.Repair{RecordID: fmt.Sprintf("CR%08d", s.nRepair), Authority: authority, CompletedAt: s.at().UTC()}
	s.repairs[subjectID] = r
	return r
}

// Skip moves the library's clock for its records d on (not the clock
// requests are signed against): repairs and records from then on are
// dated later, and records whose ExpiresAt it passes stop counting. Tests
// see an exclusion period end with it.
func (s *Sandbox) Skip(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.skip += d
}

// at is the records' clock; the caller holds mu.
func (s *Sandbox) at() time.Time { return s.now().Add(s.skip) }

// Standing is a subject's standing as the library answers it.
func (s *Sandbox) Standing(subjectID string) credit.Standing {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := credit.Standing{SubjectID: subjectID, Status: workflow.CreditNormal, Lists: slices.Clone(s.lists[subjectID])}
	for _, l := range st.Lists {
		switch {
		case l.Kind == credit.KindBlack:
			st.Status = workflow.CreditBlack
		case l.Kind == credit.KindRed && st.Status == workflow.CreditNormal:
			st.Status = workflow.CreditRed
		}
	}
	repair, repaired := s.repairs[subjectID]
	if repaired {
		st.Repair = &repair
	}
	now := s.at()
	for _, r := range s.records {
		live := r.ExpiresAt.IsZero() || r.ExpiresAt.After(now)
		if r.SubjectID == subjectID && live && (!repaired || r.ReceivedAt.After(repair.CompletedAt)) {
			st.FalseCommitments++
		}
	}
	return st
}

// record keeps fc once per case number; created is false for a redelivery.
func (s *Sandbox) record(fc credit.FalseCommitment) (Record, bool, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i, ok := s.byCase[fc.CaseNumber]; ok {
		old := s.records[i]
		return old, false, old.SubjectID == fc.SubjectID
	}
	r := Record{ID: fmt.Sprintf("FC%08d", len(s.records)+1), FalseCommitment: fc, ReceivedAt: s.at().UTC()}
	s.byCase[fc.CaseNumber] = len(s.records)
	s.records = append(s.records, r)
	return r, true, true
}
