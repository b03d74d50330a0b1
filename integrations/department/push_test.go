package department_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"zerovisit/integrations/department"
	"zerovisit/integrations/httpx"
	"zerovisit/workflow"
)

func push(number string, version int64) workflow.PushDepartment {
	return workflow.PushDepartment{
		CaseID: "id-" + number, Number: number, ItemCode: "tf", Department: scjgj,
		Version: version, Status: workflow.StatusAccepted,
	}
}

func summary() department.Summary {
	return department.Summary{
		ItemName: "食品经营许可", DepartmentName: "市场监督管理局", ApplicantID: "u1", TrustFirst: true,
		SubmittedAt: time.Date(2025, 9, 1, 10, 0, 0, 0, time.UTC),
		Materials:   []department.Material{{Code: "a", Source: "elicense", Ref: "1.2.156.3005.2.x", Provided: true}},
	}
}

func TestPush_VerifiedAndRecordedBySystem(t *testing.T) {
	sys := newSystem(t, map[string]string{scjgj: scjgjSecret}, nil)
	p := newPusher(t, endpoints(sys.URL), nil)

	if err := p.Push(context.Background(), push("ZV1", 3), summary()); err != nil {
		t.Fatalf("Push: %v", err)
	}
	got := sys.Pushes()
	if len(got) != 1 {
		t.Fatalf("pushes = %d, want 1 (refusals %v)", len(got), sys.Refusals())
	}
	want := department.Summary(summary())
	if diff := cmp.Diff(want, got[0].Summary); diff != "" {
		t.Errorf("summary mismatch (-want +got):\n%s", diff)
	}
	if got, want := got[0].IdempotencyKey, "ZV1:3"; got != want {
		t.Errorf("idempotency key = %q, want %q", got, want)
	}
	var body map[string]any
	if err := json.Unmarshal(got[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]any{"case_number": "ZV1", "version": float64(3), "status": "accepted", "department": scjgj} {
		if body[k] != want {
			t.Errorf("body %s = %v, want %v", k, body[k], want)
		}
	}
}

func TestPush_RepeatIsDedupedByTheSystem(t *testing.T) {
	sys := newSystem(t, map[string]string{scjgj: scjgjSecret}, nil)
	p := newPusher(t, endpoints(sys.URL), nil)
	ctx := context.Background()

	for i := range 3 {
		if err := p.Push(ctx, push("ZV1", 3), summary()); err != nil {
			t.Fatalf("Push #%d: %v", i+1, err)
		}
	}
	if got, want := len(sys.Pushes()), 1; got != want {
		t.Errorf("pushes recorded = %d, want %d", got, want)
	}
	if got, want := sys.Deliveries(scjgj, "ZV1:3"), 3; got != want {
		t.Errorf("deliveries = %d, want %d (each freshly signed, none refused as replayed)", got, want)
	}
	if err := p.Push(ctx, push("ZV1", 4), summary()); err != nil {
		t.Fatal(err)
	}
	if got, want := len(sys.Pushes()), 2; got != want {
		t.Errorf("pushes after a new version = %d, want %d", got, want)
	}
}

func TestPush_WrongSecretIsRefusedBySystem(t *testing.T) {
	sys := newSystem(t, map[string]string{scjgj: "the-departments-real-secret"}, nil)
	p := newPusher(t, endpoints(sys.URL), nil)

	err := p.Push(context.Background(), push("ZV1", 3), summary())
	var ae *department.APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusUnauthorized || ae.Code != department.CodeBadSignature {
		t.Fatalf("err = %v, want a 401 bad_signature APIError", err)
	}
	if errors.Is(err, workflow.ErrPermanent) {
		t.Errorf("err = %v matches ErrPermanent; fixing the secret mends it", err)
	}
	if got, want := len(sys.Pushes()), 0; got != want {
		t.Errorf("pushes = %d, want %d", got, want)
	}
	if diff := cmp.Diff([]string{department.CodeBadSignature}, sys.Refusals()); diff != "" {
		t.Errorf("refusals mismatch (-want +got):\n%s", diff)
	}
}

func TestPush_ClockSkewIsRefusedBySystem(t *testing.T) {
	sys := newSystem(t, map[string]string{scjgj: scjgjSecret}, nil)
	p := newPusher(t, endpoints(sys.URL), func() time.Time { return time.Now().Add(-10 * time.Minute) })

	err := p.Push(context.Background(), push("ZV1", 3), summary())
	var ae *department.APIError
	if !errors.As(err, &ae) || ae.Code != department.CodeStaleTimestamp {
		t.Fatalf("err = %v, want stale_timestamp", err)
	}
}

func TestPush_UnavailableIsTriedOnce(t *testing.T) {
	sys := newSystem(t, map[string]string{scjgj: scjgjSecret}, nil)
	p := newPusher(t, endpoints(sys.URL), nil)
	sys.Faults().FailNext(1, http.StatusServiceUnavailable)

	err := p.Push(context.Background(), push("ZV1", 3), summary())
	if !errors.Is(err, httpx.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	if got, want := sys.Recorder().Len(), 1; got != want {
		t.Errorf("requests = %d, want %d (the outbox retries, re-signed)", got, want)
	}
	if got, want := err.Error(), "department: push case ZV1 version 3 to scjgj: POST "; !strings.HasPrefix(got, want) {
		t.Errorf("err = %q, want it to start %q", got, want)
	}
	if err := p.Push(context.Background(), push("ZV1", 3), summary()); err != nil {
		t.Fatalf("next attempt: %v", err)
	}
}

func TestPush_PermanentFailures(t *testing.T) {
	sys := newSystem(t, map[string]string{scjgj: scjgjSecret}, nil)
	eps := append(endpoints(sys.URL), department.Endpoint{Department: "off", URL: sys.URL})
	p := newPusher(t, eps, nil)
	tests := []struct {
		name string
		push workflow.PushDepartment
		want error
	}{
		{"ErrNoEndpoint", workflow.PushDepartment{Number: "ZV1", Version: 1, Status: "accepted", Department: "nowhere"}, department.ErrNoEndpoint},
		{"ErrDisabled", workflow.PushDepartment{Number: "ZV1", Version: 1, Status: "accepted", Department: "off"}, department.ErrDisabled},
		{"ErrInvalidPush", workflow.PushDepartment{Number: "ZV1", Status: "accepted", Department: scjgj}, department.ErrInvalidPush},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := p.Push(context.Background(), tt.push, department.Summary{})
			if !errors.Is(err, tt.want) || !errors.Is(err, workflow.ErrPermanent) {
				t.Errorf("err = %v, want %v and ErrPermanent", err, tt.want)
			}
		})
	}
	if got, want := sys.Recorder().Len(), 0; got != want {
		t.Errorf("requests = %d, want %d", got, want)
	}
}

func TestNewPusher_RefusesBadEndpoints(t *testing.T) {
	tests := map[string][]department.Endpoint{
		"NoDepartment": {{URL: "http://127.0.0.1/x", Secret: scjgjSecret, Enabled: true}},
		"Twice":        {{Department: scjgj, URL: "http://127.0.0.1/x", Secret: scjgjSecret, Enabled: true}, {Department: scjgj, URL: "http://127.0.0.1/y", Secret: scjgjSecret}},
		"ShortSecret":  {{Department: scjgj, URL: "http://127.0.0.1/x", Secret: "short", Enabled: true}},
		"RelativeURL":  {{Department: scjgj, URL: "/x", Secret: scjgjSecret, Enabled: true}},
		"FTP":          {{Department: scjgj, URL: "ftp://127.0.0.1/x", Secret: scjgjSecret, Enabled: true}},
	}
	for name, eps := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := department.NewPusher(eps, nil, department.Options{}); err == nil {
				t.Error("NewPusher succeeded")
			}
		})
	}
}

func TestEndpoint_StringMasksSecret(t *testing.T) {
	e := department.Endpoint{Department: scjgj, URL: "https://scjgj.example.gov.cn/zv", Secret: scjgjSecret, Enabled: true}
	if s := e.String(); strings.Contains(s, scjgjSecret) {
		t.Errorf("String() = %q shows the secret", s)
	}
}
