package basedata_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"zerovisit/integrations/basedata"
	"zerovisit/integrations/basedata/sandbox"
	"zerovisit/integrations/exchange"
	"zerovisit/integrations/exchange/exchangetest"
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

// TestResilience runs the exchange clients' resilience checks on both of
// the libraries' queries.
func TestResilience(t *testing.T) {
	queries := []struct {
		name string
		call func(ctx context.Context, c *basedata.Client) error
	}{
		{"VerifyRealName", func(ctx context.Context, c *basedata.Client) error {
			ok, err := c.VerifyRealName(ctx, "张三", sandbox.ZhangSanID)
			if err == nil && !ok {
				err = errors.New("VerifyRealName = false, want true")
			}
			return err
		}},
		{"Company", func(ctx context.Context, c *basedata.Client) error {
			_, err := c.Company(ctx, sandbox.RestaurantID)
			return err
		}},
		{"VerifyRepresentative", func(ctx context.Context, c *basedata.Client) error {
			ok, err := c.VerifyRepresentative(ctx, sandbox.RestaurantID, "张三", sandbox.ZhangSanID)
			if err == nil && !ok {
				err = errors.New("VerifyRepresentative = false, want true")
			}
			return err
		}},
	}
	for _, q := range queries {
		t.Run(q.name, func(t *testing.T) {
			exchangetest.Resilience(t, exchangetest.Party{
				Start: func(t *testing.T, opts httpx.Options) exchangetest.Target {
					e := newEnv(t, opts)
					return exchangetest.Target{
						Call:     func(ctx context.Context) error { return q.call(ctx, e.client) },
						Faults:   e.sb.Faults,
						Requests: e.sb.Recorder.Len,
						Breaker:  e.client.State,
					}
				},
			})
		})
	}
}
