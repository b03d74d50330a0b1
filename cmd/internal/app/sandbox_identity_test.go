package app

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"zerovisit/configs"
	"zerovisit/integrations/alipay"
	"zerovisit/integrations/httpx"
	"zerovisit/integrations/wechat"
	"zerovisit/models/kv"
)

// TestIdentityHooks: the shared sandbox process's face-check and certify
// hooks play the user, and the product's clients, configured from the
// manifest as a replica configures them, read the outcomes over HTTP.
func TestIdentityHooks(t *testing.T) {
	depts, err := configs.LoadDepartments("")
	if err != nil {
		t.Fatal(err)
	}
	sb, err := startSharedSandboxes(context.Background(), "127.0.0.1:0", []string{"http://127.0.0.1:1"}, depts)
	if err != nil {
		t.Fatal(err)
	}
	defer sb.close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	m, err := fetchManifest(ctx, sb.base, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	c, err := m.channelCreds()
	if err != nil {
		t.Fatal(err)
	}
	hook := func(t *testing.T, path, body string, out any) int {
		t.Helper()
		resp, err := http.Post(sb.base+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if out != nil && resp.StatusCode == http.StatusOK {
			if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
				t.Fatal(err)
			}
		}
		return resp.StatusCode
	}

	t.Run("WeChatFaceCheck", func(t *testing.T) {
		target, _ := url.Parse(c.wechatURL)
		rt, err := httpx.Rewrite(target, httpx.LoopbackOnly(nil))
		if err != nil {
			t.Fatal(err)
		}
		cache := kv.NewMemory(time.Now)
		defer cache.Close()
		wx, err := wechat.NewClient(wechat.Credentials{AppID: c.wechatApp, AppSecret: c.wechatSecret},
			wechat.Options{Cache: cache, Transport: rt})
		if err != nil {
			t.Fatal(err)
		}
		defer wx.Close()
		for _, tc := range []struct {
			outcome string
			passed  bool
			err     error
		}{{"passed", true, nil}, {"failed", false, nil}, {"expired", false, wechat.ErrFaceExpired}} {
			var out struct {
				VerifyResult string `json:"verify_result"`
			}
			body := `{"open_id":"o-face","name":"张三","id_number":"330106198503121231","outcome":"` + tc.outcome + `"}`
			if st := hook(t, "/_sandbox/wechat/face-check", body, &out); st != http.StatusOK || out.VerifyResult == "" {
				t.Fatalf("face-check %s = %d %+v", tc.outcome, st, out)
			}
			r, err := wx.FaceResult(ctx, out.VerifyResult)
			if !errors.Is(err, tc.err) || (tc.err == nil && err != nil) {
				t.Fatalf("%s: err = %v, want %v", tc.outcome, err, tc.err)
			}
			if tc.err == nil && (r.Passed != tc.passed || r.OpenID != "o-face" || !r.Matches("张三", "330106198503121231")) {
				t.Errorf("%s: result = %+v", tc.outcome, r)
			}
		}
	})

	t.Run("AlipayCertify", func(t *testing.T) {
		ali, err := alipay.NewClient(alipay.Config{AppID: c.alipayApp, PrivateKey: c.alipayAppKey,
			AlipayPublicKey: c.alipayPublicK, Gateway: c.alipayGateway},
			&http.Client{Transport: httpx.LoopbackOnly(nil), Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		id, err := ali.StartCertify(ctx, "ZVHOOK0001", "张三", "330106198503121231")
		if err != nil {
			t.Fatal(err)
		}
		if r, err := ali.CertifyResult(ctx, id); err != nil || r.Passed || r.Finished {
			t.Fatalf("before the user certified: %+v, %v", r, err)
		}
		if st := hook(t, "/_sandbox/alipay/certify", `{"certify_id":"`+id+`","outcome":"passed"}`, nil); st != http.StatusNoContent {
			t.Fatalf("certify hook = %d, want 204", st)
		}
		if r, err := ali.CertifyResult(ctx, id); err != nil || !r.Passed || !r.Finished {
			t.Fatalf("after the user certified: %+v, %v", r, err)
		}
		hook(t, "/_sandbox/alipay/certify", `{"certify_id":"`+id+`","outcome":"expired"}`, nil)
		if _, err := ali.CertifyResult(ctx, id); !errors.Is(err, alipay.ErrCertifyExpired) {
			t.Fatalf("expired: %v, want ErrCertifyExpired", err)
		}
	})
}
