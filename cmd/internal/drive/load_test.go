package drive

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"zerovisit/cmd/internal/app"
	"zerovisit/workflow"
)

// TestLoadCheckFindsWhatWentWrong: the correctness check fails on a story
// that went wrong, a doubled licence, a second parcel too many and a
// missing false-commitment record, naming each case.
func TestLoadCheckFindsWhatWentWrong(t *testing.T) {
	fx := fakeEffects{
		"ZV1": {Licences: 1, Parcels: 2},
		"ZV2": {Licences: 2, Parcels: 2},
		"ZV3": {Licences: 1, Parcels: 3},
		"ZV4": {Licences: 1, Parcels: 2},
		"ZV5": {Licences: 1, Parcels: 2, CreditRecords: 1},
	}
	results := []storyResult{
		{i: 0, number: "ZV1", status: "closed"},
		{i: 1, number: "ZV2", status: "closed"},
		{i: 2, number: "ZV3", status: "closed"},
		{i: 3, number: "ZV4", status: "revoked", p: demoPerson{recordsFalseness: true}},
		{i: 4, number: "ZV5", status: "revoked", p: demoPerson{recordsFalseness: true}},
		{i: 5, number: "ZV6", err: errors.New("submit: 503")},
	}
	var out bytes.Buffer
	r := &loadRun{out: &out, hooks: fx}
	err := r.check(context.Background(), results)
	if err == nil || !strings.Contains(err.Error(), "4 problems") {
		t.Fatalf("check = %v, want 4 problems\n%s", err, out.String())
	}
	for _, want := range []string{"case ZV2: 2 licences", "case ZV3: 1 licences, 3 parcels", "case ZV4: 1 licences, 2 parcels, 0 credit records; want 1, 2, 1",
		"story 5 (ZV6): submit: 503"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the check does not report %q:\n%s", want, out.String())
		}
	}
	for _, clean := range []string{"case ZV1", "case ZV5"} {
		if strings.Contains(out.String(), clean) {
			t.Errorf("the check reports %s, which is as it should be:\n%s", clean, out.String())
		}
	}
}

// fakeEffects are sandbox effects a test sets.
type fakeEffects map[string]*app.CaseEffects

func (f fakeEffects) Effects(context.Context) (map[string]*app.CaseEffects, error) { return f, nil }
func (fakeEffects) Outbox(context.Context) (map[workflow.OutboxState]int64, error) {
	return map[workflow.OutboxState]int64{}, nil
}
func (fakeEffects) LoginCode(context.Context, string) (string, error)                 { return "", nil }
func (fakeEffects) PhoneCode(context.Context, string) (string, error)                 { return "", nil }
func (fakeEffects) FaceCheck(context.Context, string, string, string) (string, error) { return "", nil }
func (fakeEffects) Pay(context.Context, string) error                                 { return nil }
func (fakeEffects) Advance(context.Context, string, string) error                     { return nil }
func (fakeEffects) Blacklist(context.Context, string, string) error                   { return nil }
func (fakeEffects) FalseCommitments(context.Context, string) ([]string, error)        { return nil, nil }
func (fakeEffects) AddPerson(context.Context, string, string) error                   { return nil }
func (fakeEffects) AddClerk(context.Context, string, string, string) (string, error) {
	return "", nil
}
func (fakeEffects) AddCourier(context.Context, string, string) (string, error) { return "", nil }

// TestLoadStatistics: requests group by endpoint with ids replaced, and
// percentiles are the nearest rank.
func TestLoadStatistics(t *testing.T) {
	for in, want := range map[string]string{
		"/api/v1/citizen/cases/3f2a9c1e-0b4d-4e7a-9a51-2c8f6d3e1b70/submit": "/api/v1/citizen/cases/:id/submit",
		"/api/v1/citizen/items/demo-gaj-jszhz/prefill":                      "/api/v1/citizen/items/demo-gaj-jszhz/prefill",
		"/api/v1/courier/legs?limit=100&cursor=":                            "/api/v1/courier/legs",
	} {
		if got := routeOf(in); got != want {
			t.Errorf("routeOf(%s) = %s, want %s", in, got, want)
		}
	}
	// Percentiles to the histogram's three significant digits.
	h := newLatencies()
	for i := 1; i <= 100; i++ {
		_ = h.RecordValue(int64(i) * 1000)
	}
	near := func(got, want time.Duration) bool { return got >= want && got <= want+want/500 }
	if !near(percentile(h, 50), 50*time.Millisecond) || !near(percentile(h, 99), 99*time.Millisecond) || !near(percentile(h, 100), 100*time.Millisecond) {
		t.Errorf("percentiles of 1..100 ms = %v %v %v", percentile(h, 50), percentile(h, 99), percentile(h, 100))
	}
	s := newLoadStats()
	s.observe("GET", "/a/12345678", 200, time.Millisecond, nil)
	s.observe("GET", "/a/87654321", 503, time.Millisecond, nil)
	s.observe("POST", "/b", 0, time.Millisecond, &net.OpError{Op: "dial", Err: errors.New("connect: connection refused")})
	if n := s.summary("GET ").TotalCount(); n != 2 || s.errors["503 GET /a/:id"] != 1 || s.errors["transport: dial: connection refused"] != 1 {
		t.Errorf("stats = %d GET, errors %v", s.summary("GET ").TotalCount(), s.errors)
	}
}

// TestLoadCommand runs `zerovisit load` as a person would, in both of its
// modes against a server it starts: the stories end with a clean check,
// and the write-only mode submits every application.
func TestLoadCommand(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"load", "--stories", "6", "--concurrency", "2"}, demoTestEnv(t), &out, io.Discard); err != nil {
		t.Fatalf("load: %v\n%s", err, out.String())
	}
	for _, want := range []string{"6 stories in", "stories/s", "6 of 6", "✓ clean"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("load output lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	args := []string{"load", "--mode", "write", "--stories", "12", "--concurrency", "3", "--citizens", "4"}
	if err := run(context.Background(), args, demoTestEnv(t), &out, io.Discard); err != nil {
		t.Fatalf("load --mode write: %v\n%s", err, out.String())
	}
	for _, want := range []string{`12 applications in`, `60 state-changing calls`, `POST /api/v1/citizen/cases/:id/submit\s+12\s`, `errors: none`} {
		if !regexp.MustCompile(want).MatchString(out.String()) {
			t.Errorf("write-mode output lacks %q:\n%s", want, out.String())
		}
	}
	for _, bad := range [][]string{{"load", "--mode", "nope"}, {"load", "--stories", "0"}, {"load", "--mode", "baseline"}} {
		if err := run(context.Background(), bad, demoTestEnv(t), io.Discard, io.Discard); err == nil {
			t.Errorf("%v succeeded", bad)
		}
	}
}
