package citizen

import (
	"context"
	"errors"
	"testing"

	"zerovisit/workflow"
)

func TestLogin(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	cc, err := f.svc.Login(ctx, workflow.ChannelWeChat, "wx-code")
	if err != nil || cc.Account.Channel != workflow.ChannelWeChat || cc.Citizen.ID != cc.Account.CitizenID || cc.Citizen.Verified() {
		t.Fatalf("first login = %+v, %v; want a new unverified citizen", cc, err)
	}
	if got := f.store.loginArg; got != [4]string{"wechat", "wxapp", "o-1", "u-1"} {
		t.Errorf("WeChat login stored as %v, want the openid and unionid", got)
	}
	again, err := f.svc.Login(ctx, workflow.ChannelWeChat, "wx-code")
	if err != nil || again.Account.ID != cc.Account.ID {
		t.Errorf("second login = %+v, %v; want the same account", again, err)
	}
	if _, err := f.svc.Login(ctx, workflow.ChannelAlipay, "ali-code"); err != nil {
		t.Fatal(err)
	}
	if got := f.store.loginArg; got != [4]string{"alipay", "2021", "open:op-1", ""} {
		t.Errorf("Alipay open_id login stored as %v, want the open id marked", got)
	}
	_, err = f.svc.Login(ctx, workflow.ChannelWeChat, "used")
	if r := wantRefusal(t, err, workflow.ErrUnauthorized, "invalid_login_code"); !errors.Is(r, ErrInvalidCode) {
		t.Errorf("refusal %v hides its cause", r)
	}

	off, err := New(Config{Store: f.store, Cases: f.cases, Links: f.links})
	if err != nil {
		t.Fatal(err)
	}
	for ch, msg := range map[workflow.Channel]string{workflow.ChannelWeChat: "微信渠道未开通", workflow.ChannelAlipay: "支付宝渠道未开通"} {
		_, err := off.Login(ctx, ch, "wx-code")
		if r := wantRefusal(t, err, workflow.ErrUnavailable, "channel_disabled"); r.Message != msg {
			t.Errorf("%s off: %q, want %q", ch, r.Message, msg)
		}
	}
}

func TestCallerAndProfile(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	zhang := f.store.person(workflow.ChannelWeChat, "张三", zhangID)
	second := Account{ID: "a-ali", CitizenID: zhang.Citizen.ID, Channel: workflow.ChannelAlipay}
	third := Account{ID: "a-wx2", CitizenID: zhang.Citizen.ID, Channel: workflow.ChannelWeChat}
	f.store.accounts["a98"], f.store.accounts["a99"] = second, third
	f.store.n = 99

	got, err := f.svc.Caller(ctx, zhang.Account.ID)
	if err != nil || got != zhang {
		t.Fatalf("Caller = %+v, %v; want %+v", got, err, zhang)
	}
	if _, err := f.svc.Caller(ctx, "nobody"); !errors.Is(err, workflow.ErrUnauthorized) || errors.Is(err, workflow.ErrNotFound) {
		t.Errorf("Caller of an unknown account: %v, want ErrUnauthorized only", err)
	}
	p, err := f.svc.Profile(ctx, zhang)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Channels) != 2 || p.Channels[0] != workflow.ChannelWeChat || p.Channels[1] != workflow.ChannelAlipay {
		t.Errorf("channels = %v, want wechat then alipay, each once", p.Channels)
	}
	if p.Agencies != nil || p.Caller != zhang {
		t.Errorf("profile = %+v", p)
	}
	fresh := f.store.person(workflow.ChannelAlipay, "", "")
	if p, err := f.svc.Profile(ctx, fresh); err != nil || p.Channels == nil || len(p.Channels) != 1 {
		t.Errorf("profile of a new citizen = %+v, %v", p, err)
	}
}

func TestBindPhone(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	wx := f.store.person(workflow.ChannelWeChat, "", "")
	ali := f.store.person(workflow.ChannelAlipay, "", "")
	_, err := f.svc.BindPhone(ctx, ali, "p-code")
	wantRefusal(t, err, workflow.ErrInvalidInput, "unsupported_channel")
	_, err = f.svc.BindPhone(ctx, wx, "stale")
	wantRefusal(t, err, workflow.ErrInvalidInput, "invalid_phone_code")
	if f.store.citizens[wx.Citizen.ID].Phone != "" {
		t.Fatal("a refused code set a phone")
	}
	phone, err := f.svc.BindPhone(ctx, wx, "p-code")
	if err != nil || phone != "13812345678" || f.store.citizens[wx.Citizen.ID].Phone != phone {
		t.Errorf("BindPhone = %q, %v; stored %q", phone, err, f.store.citizens[wx.Citizen.ID].Phone)
	}
}
