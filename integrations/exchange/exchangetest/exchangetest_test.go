package exchangetest_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"zerovisit/integrations/exchange"
	"zerovisit/integrations/exchange/exchangetest"
	"zerovisit/integrations/httpx"
	"zerovisit/integrations/sandboxkit"
)

func TestLoopbackClient_RefusesOtherHosts(t *testing.T) {
	_, err := exchangetest.LoopbackClient(t).Get("http://192.0.2.1/")
	if !errors.Is(err, httpx.ErrNotLoopback) {
		t.Errorf("err = %v, want ErrNotLoopback", err)
	}
}

// TestResilience_ExchangeClient runs the checks against the exchange's own
// client and a guarded party that answers every query, so that a party
// client failing them points at the party's code.
func TestResilience_ExchangeClient(t *testing.T) {
	exchangetest.Resilience(t, exchangetest.Party{
		Start: func(t *testing.T, opts httpx.Options) exchangetest.Target {
			faults, rec := &sandboxkit.Faults{}, sandboxkit.NewRecorder()
			answer := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				exchange.WriteData(w, http.StatusOK, "ok")
			})
			guard := exchange.NewGuard(map[string]string{"app": "secret"}, nil, 0)
			url := exchangetest.Serve(t, rec.Wrap(faults.Wrap(guard.Wrap(answer))))
			c, err := exchange.NewClient("party", url, exchangetest.LoopbackClient(t),
				exchange.Credentials{AppID: "app", Secret: "secret"}, opts)
			if err != nil {
				t.Fatalf("NewClient: %v", err)
			}
			return exchangetest.Target{
				Call: func(ctx context.Context) error {
					var got string
					if err := c.Query(ctx, "query", "/query", map[string]string{}, &got); err != nil {
						return err
					}
					if got != "ok" {
						return errors.New("answer = " + got + ", want ok")
					}
					return nil
				},
				Faults:   faults,
				Requests: rec.Len,
				Breaker:  c.State,
			}
		},
	})
}
