package department_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"zerovisit/integrations/department"
	"zerovisit/integrations/department/sandbox"
)

func decision() department.Callback {
	return department.Callback{
		Department: scjgj, CaseID: "c1", CaseNumber: "ZV1", Decision: department.DecisionApprove,
		Reason: "材料齐全，符合法定形式", Version: 3, DecisionID: "D-20250901-0001",
		DecidedAt: time.Date(2025, 9, 1, 8, 30, 0, 0, time.UTC),
	}
}

// setup returns a clock, a departments' system playing scjgj and gaj, and
// our callback endpoint, which knows scjgj and gaj and a disabled "off".
func setup(t *testing.T) (*clock, *system, *callback) {
	t.Helper()
	clk := newClock()
	sys := newSystem(t, map[string]string{scjgj: scjgjSecret, gaj: gajSecret}, clk.Now)
	eps := append(endpoints(""), department.Endpoint{Department: "off", Secret: "off-secret-0123456789"})
	return clk, sys, newCallback(t, eps, clk.Now, nil)
}

func TestVerify_GoodPassesExactlyOnce(t *testing.T) {
	clk, sys, cb := setup(t)
	ctx := context.Background()
	m, err := sys.SignDecision(decision(), clk.Now(), "")
	if err != nil {
		t.Fatal(err)
	}

	r, err := sys.Send(ctx, cb.URL, m)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r.Status, http.StatusOK; got != want {
		t.Fatalf("status = %d (%s), want %d", got, r.Body, want)
	}
	if diff := cmp.Diff(decision(), decode(t, r).Callback); diff != "" {
		t.Errorf("callback mismatch (-want +got):\n%s", diff)
	}

	r, err = sys.Send(ctx, cb.URL, m) // the same message again
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r.Status, http.StatusUnauthorized; got != want {
		t.Errorf("replay: status = %d, want %d", got, want)
	}
	if got, want := decode(t, r).Code, department.CodeReplayedNonce; got != want {
		t.Errorf("replay: code = %q, want %q", got, want)
	}
	if got, want := cb.nonces.claims.Load(), int64(2); got != want {
		t.Errorf("nonce claims = %d, want %d", got, want)
	}
}

func TestVerify_Refusals(t *testing.T) {
	type spoil func(t *testing.T, clk *clock, sys *system) sandbox.Signed
	signed := func(cb department.Callback, shift time.Duration, change func(*sandbox.Signed)) spoil {
		return func(t *testing.T, clk *clock, sys *system) sandbox.Signed {
			m, err := sys.SignDecision(cb, clk.Now().Add(shift), "")
			if err != nil {
				t.Fatal(err)
			}
			if change != nil {
				change(&m)
			}
			return m
		}
	}
	// byHand signs body as from dept with secret, whatever the body says.
	byHand := func(dept, secret string, body []byte) spoil {
		return func(t *testing.T, clk *clock, _ *system) sandbox.Signed {
			h := http.Header{}
			department.SignHeaders(h, dept, secret, clk.Now(), "", body)
			return sandbox.Signed{Header: h, Body: body}
		}
	}
	asJSON := func(cb department.Callback) []byte {
		b, _ := json.Marshal(cb)
		return b
	}
	with := func(f func(*department.Callback)) department.Callback {
		cb := decision()
		f(&cb)
		return cb
	}
	tests := []struct {
		name      string
		msg       spoil
		status    int
		code      string
		consumed  bool // whether a nonce was claimed
		signature bool // whether the signature was good
	}{
		{"WrongSecret", byHand(scjgj, "not-the-secret-of-scjgj", asJSON(decision())), 401, department.CodeBadSignature, false, false},
		{"TamperedBody", signed(decision(), 0, func(m *sandbox.Signed) {
			m.Body = bytes.Replace(m.Body, []byte(`"approve"`), []byte(`"reject"`), 1)
		}), 401, department.CodeBadSignature, false, false},
		{"TamperedTimestamp", signed(decision(), 0, func(m *sandbox.Signed) {
			m.Header.Set(department.HeaderTimestamp, "1756717201")
		}), 401, department.CodeBadSignature, false, false},
		{"TamperedNonce", signed(decision(), 0, func(m *sandbox.Signed) {
			m.Header.Set(department.HeaderNonce, "0123456789abcdef")
		}), 401, department.CodeBadSignature, false, false},
		{"OtherDepartmentsHeader", signed(decision(), 0, func(m *sandbox.Signed) {
			m.Header.Set(department.HeaderDepartment, gaj)
		}), 401, department.CodeBadSignature, false, false},
		{"OldTimestamp", signed(decision(), -301*time.Second, nil), 401, department.CodeStaleTimestamp, false, true},
		{"FutureTimestamp", signed(decision(), 301*time.Second, nil), 401, department.CodeStaleTimestamp, false, true},
		{"UnknownDepartment", byHand("tax", "tax-secret-0123456789", asJSON(with(func(c *department.Callback) { c.Department = "tax" }))), 401, department.CodeUnknownDepartment, false, false},
		{"DisabledDepartment", byHand("off", "off-secret-0123456789", asJSON(with(func(c *department.Callback) { c.Department = "off" }))), 401, department.CodeUnknownDepartment, false, false},
		{"NoSignature", signed(decision(), 0, func(m *sandbox.Signed) { m.Header.Del(department.HeaderSignature) }), 400, department.CodeMalformed, false, false},
		{"NoDepartment", signed(decision(), 0, func(m *sandbox.Signed) { m.Header.Del(department.HeaderDepartment) }), 400, department.CodeMalformed, false, false},
		{"BadNonce", signed(decision(), 0, func(m *sandbox.Signed) { m.Header.Set(department.HeaderNonce, "short") }), 400, department.CodeMalformed, false, false},
		{"TimestampNotSeconds", signed(decision(), 0, func(m *sandbox.Signed) {
			m.Header.Set(department.HeaderTimestamp, "2025-09-01T09:00:00Z")
		}), 400, department.CodeMalformed, false, false},
		// Signed correctly, so the nonce is spent, but not a decision.
		{"BodyNotJSON", byHand(scjgj, scjgjSecret, []byte(`approve ZV1`)), 400, department.CodeMalformed, true, true},
		{"BodyFromAnotherDepartment", byHand(scjgj, scjgjSecret, asJSON(with(func(c *department.Callback) { c.Department = gaj }))), 400, department.CodeMalformed, true, true},
		{"UnknownDecision", byHand(scjgj, scjgjSecret, asJSON(with(func(c *department.Callback) { c.Decision = "maybe" }))), 400, department.CodeMalformed, true, true},
		{"NoDecisionID", byHand(scjgj, scjgjSecret, asJSON(with(func(c *department.Callback) { c.DecisionID = "" }))), 400, department.CodeMalformed, true, true},
		{"NoCase", byHand(scjgj, scjgjSecret, asJSON(with(func(c *department.Callback) { c.CaseID, c.CaseNumber = "", "" }))), 400, department.CodeMalformed, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk, sys, cb := setup(t)
			m := tt.msg(t, clk, sys)
			r, err := sys.Send(context.Background(), cb.URL, m)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := r.Status, tt.status; got != want {
				t.Errorf("status = %d, want %d", got, want)
			}
			if got, want := decode(t, r).Code, tt.code; got != want {
				t.Errorf("code = %q, want %q", got, want)
			}
			if got, want := cb.nonces.claims.Load() > 0, tt.consumed; got != want {
				t.Errorf("nonce consumed = %v, want %v", got, want)
			}
			if tt.consumed || tt.signature {
				return
			}
			// Nothing was spent: the genuine message with the same nonce still passes.
			good, err := sys.SignDecision(decision(), clk.Now(), m.Header.Get(department.HeaderNonce))
			if err != nil {
				t.Fatal(err)
			}
			if !department.ValidNonce(good.Header.Get(department.HeaderNonce)) {
				return // the spoiled nonce cannot be reused as such
			}
			r, err = sys.Send(context.Background(), cb.URL, good)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := r.Status, http.StatusOK; got != want {
				t.Errorf("genuine message with the same nonce: status = %d (%s), want %d", got, r.Body, want)
			}
		})
	}
}

func TestVerify_WithinSkewPasses(t *testing.T) {
	for _, shift := range []time.Duration{-299 * time.Second, 299 * time.Second} {
		clk, sys, cb := setup(t)
		m, err := sys.SignDecision(decision(), clk.Now().Add(shift), "")
		if err != nil {
			t.Fatal(err)
		}
		r, err := sys.Send(context.Background(), cb.URL, m)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := r.Status, http.StatusOK; got != want {
			t.Errorf("shift %s: status = %d (%s), want %d", shift, got, r.Body, want)
		}
	}
}

func TestVerify_NonceOutlivesTheSkewWindow(t *testing.T) {
	clk, sys, cb := setup(t)
	// Signed at the far end of the window, replayed just before it closes.
	m, err := sys.SignDecision(decision(), clk.Now().Add(299*time.Second), "")
	if err != nil {
		t.Fatal(err)
	}
	if r, err := sys.Send(context.Background(), cb.URL, m); err != nil || r.Status != http.StatusOK {
		t.Fatalf("first send: %v, %v", r.Status, err)
	}
	clk.Add(598 * time.Second)
	r, err := sys.Send(context.Background(), cb.URL, m)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := decode(t, r).Code, department.CodeReplayedNonce; got != want {
		t.Errorf("code = %q, want %q", got, want)
	}
}

func TestVerify_NonceStoreDownFailsClosed(t *testing.T) {
	clk, sys, cb := setup(t)
	m, err := sys.SignDecision(decision(), clk.Now(), "")
	if err != nil {
		t.Fatal(err)
	}
	cb.nonces.fail.Store(true)
	r, err := sys.Send(context.Background(), cb.URL, m)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r.Status, http.StatusServiceUnavailable; got != want {
		t.Errorf("status = %d, want %d", got, want)
	}
	cb.nonces.fail.Store(false)
	r, err = sys.Send(context.Background(), cb.URL, m) // the department retries
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r.Status, http.StatusOK; got != want {
		t.Errorf("after recovery: status = %d (%s), want %d", got, r.Body, want)
	}
}

func TestVerifyError_IsByCode(t *testing.T) {
	clk, _, _ := setup(t)
	v, err := department.NewVerifier(endpoints(""), &countingNonces{}, department.VerifierOptions{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1/cb", nil)
	department.SignHeaders(req.Header, scjgj, "wrong-secret-0123456789", clk.Now(), "", []byte(`{}`))

	_, err = v.Verify(req, []byte(`{}`))
	if !errors.Is(err, department.ErrBadSignature) {
		t.Errorf("err = %v, want ErrBadSignature", err)
	}
	if errors.Is(err, department.ErrStaleTimestamp) {
		t.Errorf("err = %v matches ErrStaleTimestamp", err)
	}
	var ve *department.VerifyError
	if !errors.As(err, &ve) || ve.Message == "" {
		t.Errorf("err = %v, want a *VerifyError with a message", err)
	}
}

func TestNewVerifier_NeedsNonces(t *testing.T) {
	if _, err := department.NewVerifier(endpoints(""), nil, department.VerifierOptions{}); err == nil {
		t.Error("NewVerifier without a nonce store succeeded")
	}
}
