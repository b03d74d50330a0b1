package httpx

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestLoopbackTransport_RefusesAtDialTime(t *testing.T) {
	// The dialer's check runs after the socket is created and before it
	// connects, so this sends nothing to 10.1.2.3.
	tr := loopbackTransport()
	start := time.Now()
	_, err := tr.DialContext(context.Background(), "tcp", "10.1.2.3:9")
	if !errors.Is(err, ErrNotLoopback) {
		t.Fatalf("err = %v, want ErrNotLoopback", err)
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("took %v: it tried to connect", d)
	}
	if tr.Proxy != nil {
		t.Error("the guarded transport uses a proxy")
	}
}
