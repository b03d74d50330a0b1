package wechat_test

import (
	"errors"
	"testing"

	"zerovisit/integrations/wechat"
	"zerovisit/workflow"
)

func TestLogin(t *testing.T) {
	f := newFixture(t)
	ctx := ctxT(t)
	code := f.sb.LoginCode("o-alice", "u-alice")
	t.Run("OK", func(t *testing.T) {
		s, err := f.client.Login(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := s, (wechat.Session{OpenID: "o-alice", UnionID: "u-alice"}); got != want {
			t.Errorf("session = %+v, want %+v", got, want)
		}
	})
	t.Run("CodeUsedTwice", func(t *testing.T) {
		if _, err := f.client.Login(ctx, code); !errors.Is(err, wechat.ErrInvalidCode) {
			t.Errorf("second use of a code: %v, want ErrInvalidCode", err)
		}
	})
	t.Run("Unavailable", func(t *testing.T) {
		f.sb.Faults.FailNext(1, 503)
		_, err := f.client.Login(ctx, f.sb.LoginCode("o-bob", ""))
		if !errors.Is(err, workflow.ErrUnavailable) {
			t.Fatalf("login with WeChat down: %v, want ErrUnavailable", err)
		}
		if got := err.Error(); containsAny(got, "secret", "js_code") {
			t.Errorf("error leaks the request: %s", got)
		}
	})
}

func TestPhoneNumber(t *testing.T) {
	f := newFixture(t)
	ctx := ctxT(t)
	phone, err := f.client.PhoneNumber(ctx, f.sb.PhoneCode("13812345678"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := phone, "13812345678"; got != want {
		t.Errorf("phone = %q, want %q", got, want)
	}
	if _, err := f.client.PhoneNumber(ctx, "nope"); !errors.Is(err, wechat.ErrInvalidCode) {
		t.Errorf("unknown code: %v, want ErrInvalidCode", err)
	}
}

func TestSendConsumesOneTimeConsent(t *testing.T) {
	f := newFixture(t)
	ctx := ctxT(t)
	msg := wechat.Message{OpenID: "o-alice", TemplateID: "TPL-ACCEPT", Data: map[string]string{"thing1": "受理"}}
	if err := f.client.Send(ctx, msg); !errors.Is(err, wechat.ErrNoConsent) {
		t.Fatalf("send without consent: %v, want ErrNoConsent (43101)", err)
	}
	f.sb.Subscribe("o-alice", "TPL-ACCEPT", 1)
	if err := f.client.Send(ctx, msg); err != nil {
		t.Fatalf("send with consent: %v", err)
	}
	if err := f.client.Send(ctx, msg); !errors.Is(err, wechat.ErrNoConsent) {
		t.Fatalf("second send on one consent: %v, want ErrNoConsent", err)
	}
	if got, want := len(f.sb.Messages()), 1; got != want {
		t.Errorf("delivered %d messages, want %d", got, want)
	}
}

func TestExpiredTokenRefreshedOnce(t *testing.T) {
	f := newFixture(t)
	ctx := ctxT(t)
	f.sb.Subscribe("o-alice", "TPL", 2)
	msg := wechat.Message{OpenID: "o-alice", TemplateID: "TPL", Data: map[string]string{"thing1": "x"}}
	if err := f.client.Send(ctx, msg); err != nil {
		t.Fatal(err)
	}
	f.sb.ExpireTokens()
	if err := f.client.Send(ctx, msg); err != nil {
		t.Fatalf("send after the token expired: %v (want a refresh and retry)", err)
	}
	tokens := 0
	for _, r := range f.sb.Recorder.Requests() {
		if r.Path == "/cgi-bin/token" {
			tokens++
		}
	}
	if got, want := tokens, 2; got != want {
		t.Errorf("fetched %d access tokens, want %d", got, want)
	}
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		for i := 0; i+len(sub) <= len(s); i++ {
			if s[i:i+len(sub)] == sub {
				return true
			}
		}
	}
	return false
}
