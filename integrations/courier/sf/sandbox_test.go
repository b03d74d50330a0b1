package sf_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"zerovisit/integrations/courier/sf"
	"zerovisit/workflow/parcel"
)

// TestSandboxPushesSignedRoutes advances a parcel in the sandbox and checks
// that its push reaches the callback and verifies with the client.
func TestSandboxPushesSignedRoutes(t *testing.T) {
	var (
		mu  sync.Mutex
		got []parcel.Event
	)
	var c *sf.Client
	cb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		push, err := c.ParsePush(r.Header, body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		mu.Lock()
		got = append(got, push.Events...)
		mu.Unlock()
		w.Header().Set("Content-Type", push.ContentType)
		_, _ = w.Write(push.Ack)
	}))
	defer cb.Close()
	sb, srv := newSandbox(t, cb.URL)
	c = newClient(t, srv.URL, checkword)
	ctx := context.Background()
	s, err := c.CreateOrder(ctx, order("leg-1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range []string{sf.OpPickedUp, sf.OpOutForDelivery, sf.OpSigned} {
		rep, err := sb.Advance(ctx, s.Waybill, op)
		if err != nil || rep.Status != http.StatusOK {
			t.Fatalf("advance %s: %v %d %s", op, err, rep.Status, rep.Body)
		}
	}
	want := []parcel.State{parcel.StatePickedUp, parcel.StateOutForDelivery, parcel.StateSigned}
	if len(got) != len(want) {
		t.Fatalf("callback got %+v", got)
	}
	for i := range want {
		if got[i].State != want[i] || got[i].Waybill != s.Waybill || got[i].OrderID != "leg-1" {
			t.Errorf("push %d = %+v, want %s of %s", i, got[i], want[i], s.Waybill)
		}
	}
	if _, err := sb.Advance(ctx, "SF0000000000000", sf.OpSigned); err == nil {
		t.Error("advancing a waybill the sandbox never issued succeeded")
	}
}
