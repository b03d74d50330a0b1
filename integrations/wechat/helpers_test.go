package wechat_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"zerovisit/integrations/httpx"
	"zerovisit/integrations/wechat"
	"zerovisit/integrations/wechat/sandbox"
	"zerovisit/models/kv"
)

var (
	keyOnce     sync.Once
	merchantKey *rsa.PrivateKey
)

// testMerchantKey is generated once per test binary: RSA keys are slow to make.
func testMerchantKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	keyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		merchantKey = k
	})
	return merchantKey
}

type fixture struct {
	sb     *sandbox.Sandbox
	srv    *httptest.Server
	client *wechat.Client
	pay    *wechat.Pay
	cache  *kv.Memory
	appID  string
}

// newFixture serves a fresh sandbox and returns clients pointed at it the
// way the product points them: through httpx.Rewrite.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	mk := testMerchantKey(t)
	appID := "wx" + rand.Text()[:16]
	sb, err := sandbox.New(sandbox.Config{
		AppID: appID, AppSecret: "secret-" + appID, MchID: "1900000109",
		MerchantSerial: "5157F09EFDC096DE15EBE81A47057A72", MerchantKey: &mk.PublicKey,
		APIv3Key: "0123456789abcdef0123456789abcdef",
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	target, _ := url.Parse(srv.URL)
	rt, err := httpx.Rewrite(target, httpx.LoopbackOnly(nil))
	if err != nil {
		t.Fatal(err)
	}
	cache := kv.NewMemory(time.Now)
	t.Cleanup(func() { cache.Close() })
	client, err := wechat.NewClient(wechat.Credentials{AppID: appID, AppSecret: "secret-" + appID},
		wechat.Options{Cache: cache, Transport: rt})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(client.Close)
	keyID, pub := sb.PlatformKey()
	pay, err := wechat.NewPay(wechat.PayConfig{
		AppID: appID, MchID: "1900000109", MerchantSerial: "5157F09EFDC096DE15EBE81A47057A72", MerchantKey: mk,
		PlatformKeyID: keyID, PlatformKey: pub, APIv3Key: "0123456789abcdef0123456789abcdef",
	}, &http.Client{Transport: rt, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{sb: sb, srv: srv, client: client, pay: pay, cache: cache, appID: appID}
}

func ctxT(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}
