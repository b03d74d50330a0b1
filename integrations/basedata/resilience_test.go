package basedata_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"zerovisit/integrations/basedata"
	"zerovisit/integrations/basedata/sandbox"
	"zerovisit/integrations/exchange"
	"zerovisit/integrations/httpx"
)

func TestWrongSecretRefused(t *testing.T) {
	e := newEnv(t, fastOptions())
	c := newClient(t, e.url, "wrong", fastOptions())
	_, err := c.VerifyRealName(context.Background(), "张三", sandbox.ZhangSanID)
	var xe *exchange.Error
	if !errors.As(err, &xe) || xe.Code != "bad_signature" || xe.Status != http.StatusUnauthorized {
		t.Fatalf("err = %v, want 401 bad_signature", err)
	}
	if !errors.Is(err, basedata.ErrRefused) {
		t.Errorf("err = %v, want ErrRefused", err)
	}
}

func TestRetriesAfter5xx(t *testing.T) {
	e := newEnv(t, fastOptions())
	e.sb.Faults.FailNext(2, http.StatusGatewayTimeout)
	ok, err := e.client.VerifyRealName(context.Background(), "张三", sandbox.ZhangSanID)
	if err != nil || !ok {
		t.Fatalf("VerifyRealName = %v, %v; want true", ok, err)
	}
	if got, want := e.sb.Recorder.Len(), 3; got != want {
		t.Errorf("requests = %d, want %d", got, want)
	}
}

func TestTimeoutIsUnavailable(t *testing.T) {
	opts := fastOptions()
	opts.AttemptTimeout = 50 * time.Millisecond
	opts.Timeout = 200 * time.Millisecond
	e := newEnv(t, opts)
	e.sb.Faults.SetLatency(time.Second)
	_, err := e.client.Company(context.Background(), sandbox.RestaurantID)
	if !errors.Is(err, httpx.ErrUnavailable) {
		t.Errorf("err = %v, want ErrUnavailable", err)
	}
}

func TestBreakerOpensAndCloses(t *testing.T) {
	opts := fastOptions()
	opts.MaxAttempts = 1
	e := newEnv(t, opts)
	ctx := context.Background()
	e.sb.Faults.Down(true)
	for range 3 {
		if _, err := e.client.Company(ctx, sandbox.RestaurantID); !errors.Is(err, httpx.ErrUnavailable) {
			t.Fatalf("err = %v, want ErrUnavailable", err)
		}
	}
	before := e.sb.Recorder.Len()
	if _, err := e.client.Company(ctx, sandbox.RestaurantID); !errors.Is(err, httpx.ErrCircuitOpen) {
		t.Errorf("err = %v, want ErrCircuitOpen", err)
	}
	if got, want := e.sb.Recorder.Len(), before; got != want {
		t.Errorf("requests while open = %d, want 0", got-before)
	}
	e.sb.Faults.Down(false)
	time.Sleep(150 * time.Millisecond)
	if _, err := e.client.Company(ctx, sandbox.RestaurantID); err != nil {
		t.Fatalf("after the cool-down: %v", err)
	}
	if got, want := e.client.State(), "closed"; got != want {
		t.Errorf("breaker = %q, want %q", got, want)
	}
}
