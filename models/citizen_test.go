package models_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"zerovisit/models"
	"zerovisit/models/dbtest"
	"zerovisit/models/pii"
	"zerovisit/workflow"
	"zerovisit/workflow/feedback"
)

func testSealer(t testing.TB) *pii.Sealer {
	t.Helper()
	s, err := pii.NewSealer([]byte("0123456789abcdef"), []byte("index-key-0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const zhangID = "330106198503121231"

func TestCitizensOnePersonAcrossChannels(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx := ctxT(t)
		cs := models.NewCitizens(db, testSealer(t))
		wx, err := cs.Login(ctx, workflow.ChannelWeChat, "wxapp", "o-zhang", "")
		if err != nil {
			t.Fatal(err)
		}
		again, err := cs.Login(ctx, workflow.ChannelWeChat, "wxapp", "o-zhang", "")
		if err != nil || again.ID != wx.ID || again.CitizenID != wx.CitizenID {
			t.Fatalf("second login = %+v, %v; want the same account", again, err)
		}
		ali, err := cs.Login(ctx, workflow.ChannelAlipay, "2021", "2088000000000001", "")
		if err != nil {
			t.Fatal(err)
		}
		if ali.CitizenID == wx.CitizenID {
			t.Fatal("an unbound Alipay account joined the WeChat citizen")
		}
		c1, err := cs.BindIdentity(ctx, wx.ID, "张三", zhangID, "")
		if err != nil || !c1.Verified() || c1.IDNumber != zhangID || c1.Name != "张三" {
			t.Fatalf("bind = %+v, %v", c1, err)
		}
		// A name and an ID number alone do not join an existing citizen.
		if _, err := cs.BindIdentity(ctx, ali.ID, "张三", zhangID, ""); !errors.Is(err, models.ErrIdentityElsewhere) {
			t.Fatalf("binding a held identity without proof: %v, want ErrIdentityElsewhere", err)
		}
		if _, err := cs.BindIdentity(ctx, ali.ID, "张三", zhangID, "someone-else"); !errors.Is(err, models.ErrIdentityElsewhere) {
			t.Fatalf("binding a held identity with a link to another citizen: %v, want ErrIdentityElsewhere", err)
		}
		c2, err := cs.BindIdentity(ctx, ali.ID, "张三", zhangID, c1.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := c2.ID, c1.ID; got != want {
			t.Fatalf("same person on Alipay is citizen %s, want %s", got, want)
		}
		accts, err := cs.Accounts(ctx, c1.ID)
		if err != nil || len(accts) != 2 {
			t.Fatalf("accounts of the person = %v, %v; want both", accts, err)
		}
		// The caller of a request, in one query: the account with its citizen, opened.
		acct, cit, err := cs.Caller(ctx, ali.ID)
		if err != nil || acct.ID != ali.ID || acct.Channel != workflow.ChannelAlipay || acct.CitizenID != c1.ID ||
			cit.ID != c1.ID || cit.Name != "张三" || cit.IDNumber != zhangID || !cit.Verified() {
			t.Fatalf("Caller(%s) = %+v, %+v, %v", ali.ID, acct, cit, err)
		}
		if _, _, err := cs.Caller(ctx, "no-such-account"); !errors.Is(err, workflow.ErrNotFound) {
			t.Errorf("Caller of an unknown account: %v, want ErrNotFound", err)
		}
		if _, err := cs.BindIdentity(ctx, wx.ID, "李娜", "330106199007014562", ""); !errors.Is(err, models.ErrIdentityBound) {
			t.Errorf("rebinding to another person: %v, want ErrIdentityBound", err)
		}
		if err := cs.SetPhone(ctx, c1.ID, "13812345678"); err != nil {
			t.Fatal(err)
		}
		a, err := cs.AddAddress(ctx, c1.ID, models.Address{Label: "家", Recipient: "张三", Phone: "13812345678",
			Region: "浙江省杭州市西湖区", Detail: "文三路1号1幢101室"})
		if err != nil {
			t.Fatal(err)
		}
		rec, phone, full, _, err := cs.Address(ctx, a.ID)
		if err != nil || rec != "张三" || phone != "13812345678" || full != "浙江省杭州市西湖区文三路1号1幢101室" {
			t.Fatalf("Address = %q %q %q %v", rec, phone, full, err)
		}
		if _, err := cs.AddressOf(ctx, c2.ID+"x", a.ID); !errors.Is(err, workflow.ErrNotFound) {
			t.Errorf("another citizen's address: %v, want ErrNotFound", err)
		}
		assertNoClearPII(t, db, zhangID, "13812345678", "文三路", "张三")
	})
}

// assertNoClearPII reads every citizen-channel table raw and fails if any
// value holds one of the clear strings.
func assertNoClearPII(t *testing.T, db *models.DB, clear ...string) {
	t.Helper()
	for _, table := range []string{"citizens", "citizen_accounts", "citizen_addresses", "citizen_applications", "inbox_messages", "case_evaluations"} {
		rows, err := db.Gorm().Raw(`SELECT * FROM ` + table).Rows()
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				s := ""
				switch x := v.(type) {
				case string:
					s = x
				case []byte:
					s = string(x)
				}
				for _, c := range clear {
					if strings.Contains(s, c) {
						t.Errorf("%s.%s holds %q in clear", table, cols[i], c)
					}
				}
			}
		}
		rows.Close()
	}
}

func TestBusinessAgency(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx := ctxT(t)
		cs := models.NewCitizens(db, testSealer(t))
		acct, _ := cs.Login(ctx, workflow.ChannelWeChat, "wxapp", "o-zhang", "")
		person, err := cs.BindIdentity(ctx, acct.ID, "张三", zhangID, "")
		if err != nil {
			t.Fatal(err)
		}
		biz, err := cs.BindBusiness(ctx, person.ID, "91330106MA2H3K4L5N", "杭州西湖示例餐饮有限公司", models.RoleLegalRepresentative, "", time.Time{})
		if err != nil || biz.Kind != models.KindBusiness {
			t.Fatalf("bind business = %+v, %v", biz, err)
		}
		again, err := cs.BindBusiness(ctx, person.ID, "91330106MA2H3K4L5N", "杭州西湖示例餐饮有限公司", models.RoleLegalRepresentative, "", time.Time{})
		if err != nil || again.ID != biz.ID {
			t.Fatalf("binding again = %+v, %v; want the same business", again, err)
		}
		if _, err := cs.Agency(ctx, biz.ID, person.ID); err != nil {
			t.Fatal(err)
		}
		id, name, err := cs.Holder(ctx, biz.ID)
		if err != nil || id != "91330106MA2H3K4L5N" || name != "杭州西湖示例餐饮有限公司" {
			t.Errorf("holder of the business = %q %q %v", id, name, err)
		}
		if err := cs.RevokeAgency(ctx, biz.ID, person.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := cs.Agency(ctx, biz.ID, person.ID); !errors.Is(err, workflow.ErrForbidden) {
			t.Errorf("revoked agency: %v, want ErrForbidden", err)
		}
	})
}

func TestCaseNumbersUniqueUnderConcurrency(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx := ctxT(t)
		repo := models.NewRepo(db)
		at := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC) // 09:00 in China
		var (
			mu   sync.Mutex
			seen = map[string]bool{}
			wg   sync.WaitGroup
		)
		// Two items: each has its own sequence of the day, and the numbers
		// of both are distinct.
		for w := range 8 {
			impl := testImpl
			if w%2 == 1 {
				impl = otherImpl
			}
			wg.Go(func() {
				for range 10 {
					n, err := repo.NextCaseNumber(ctx, at, impl)
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					if seen[n] {
						t.Errorf("number %s handed out twice", n)
					}
					seen[n] = true
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		for _, impl := range []string{testImpl, otherImpl} {
			if !seen[impl+"20260302000001"] || !seen[impl+"20260302000040"] || seen[impl+"20260302000041"] {
				t.Errorf("numbers of %s are not 000001 … 000040", impl)
			}
		}
		if len(seen) != 80 {
			t.Errorf("numbers = %d, want 80", len(seen))
		}
	})
}

func TestPaymentSettleOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx := ctxT(t)
		p := models.NewPayments(db)
		o, err := p.Create(ctx, models.PaymentOrder{OutTradeNo: "ZVP1", CaseID: "c1", PrincipalID: "p1",
			Channel: workflow.ChannelWeChat, AmountFen: 1000, Payer: "o-zhang"})
		if err != nil {
			t.Fatal(err)
		}
		first, err := p.Settle(ctx, o.OutTradeNo, "4200001", models.PaymentPaid, time.Now())
		if err != nil || !first {
			t.Fatalf("settle = %v, %v", first, err)
		}
		again, err := p.Settle(ctx, o.OutTradeNo, "4200001", models.PaymentPaid, time.Now())
		if err != nil || again {
			t.Fatalf("second settle = %v, %v; want no change", again, err)
		}
		got, err := p.ByTradeNo(ctx, workflow.ChannelWeChat, "4200001")
		if err != nil || got.Status != models.PaymentPaid || got.AmountFen != 1000 {
			t.Fatalf("by trade = %+v, %v", got, err)
		}
	})
}

func TestInboxIdempotentAndConsents(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx := ctxT(t)
		in := models.NewInbox(db)
		m := models.InboxMessage{PrincipalID: "p1", CaseID: "c1", Template: "case_accepted", Title: "已受理", Body: "您的办件已受理"}
		a, created, err := in.Put(ctx, m, 42)
		if err != nil || !created {
			t.Fatalf("put = %v, %v", created, err)
		}
		b, created, err := in.Put(ctx, m, 42)
		if err != nil || created || b.ID != a.ID {
			t.Fatalf("put of the same outbox entry = %d %v %v; want %d, not created", b.ID, created, err, a.ID)
		}
		list, err := in.List(ctx, []string{"p1"}, 0, 10, false)
		if err != nil || len(list) != 1 {
			t.Fatalf("list = %v, %v", list, err)
		}
		if n, err := in.MarkRead(ctx, []string{"p2"}, []int64{a.ID}); err != nil || n != 0 {
			t.Errorf("another principal marked it read: %d, %v", n, err)
		}
		if n, err := in.MarkRead(ctx, []string{"p1"}, nil); err != nil || n != 1 {
			t.Errorf("mark read = %d, %v", n, err)
		}
		if err := in.GrantConsents(ctx, "acct", []string{"T1", "T1"}); err != nil {
			t.Fatal(err)
		}
		for i, want := range []bool{true, true, false} {
			if ok, err := in.UseConsent(ctx, "acct", "T1"); err != nil || ok != want {
				t.Errorf("use %d = %v, %v; want %v", i, ok, err, want)
			}
		}
		if first, _ := in.ClaimDelivery(ctx, a.ID, "acct"); !first {
			t.Error("first claim refused")
		}
		if again, _ := in.ClaimDelivery(ctx, a.ID, "acct"); again {
			t.Error("second claim granted: a retry would push twice")
		}
	})
}

func TestEvaluationsAndInvitations(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx := ctxT(t)
		ev := models.NewEvaluations(db, testSealer(t))
		now := time.Now()
		if err := ev.ScheduleInvitation(ctx, "c1", "p1", now.Add(-time.Minute)); err != nil {
			t.Fatal(err)
		}
		_ = ev.ScheduleInvitation(ctx, "c2", "p1", now.Add(-time.Minute))
		_ = ev.ScheduleInvitation(ctx, "c3", "p1", now.Add(time.Hour))
		_, f, err := ev.Submit(ctx, models.Evaluation{CaseID: "c2", PrincipalID: "p1", PersonID: "p1", ItemCode: "x",
			Department: "gaj", Stars: 2, Indicators: map[string]int{"attitude": 1}, Comment: "电话13812345678没人接",
			Channel: "wechat"}, openFollowup("c2", "gaj", 2, now.Add(15*24*time.Hour)), "")
		if err != nil || f == nil || f.Status != models.FollowupOpen {
			t.Fatalf("bad rating: followup %+v, %v", f, err)
		}
		if _, _, err := ev.Submit(ctx, models.Evaluation{CaseID: "c2", Stars: 5, Indicators: map[string]int{}}, nil, ""); !errors.Is(err, workflow.ErrDuplicate) {
			t.Errorf("second evaluation: %v, want ErrDuplicate", err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		var claimed []models.Invitation
		for range 3 {
			wg.Go(func() {
				got, err := ev.ClaimInvitations(ctx, now, 10)
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				claimed = append(claimed, got...)
				mu.Unlock()
			})
		}
		wg.Wait()
		if len(claimed) != 1 || claimed[0].CaseID != "c1" {
			t.Errorf("claimed = %+v, want c1 once (c2 evaluated, c3 not due)", claimed)
		}
		got, err := ev.Get(ctx, "c2", feedback.StageResult)
		if err != nil || got.Comment != "电话13812345678没人接" {
			t.Errorf("evaluation = %+v, %v", got, err)
		}
		assertNoClearPII(t, db, "13812345678")
	})
}

// TestFollowupPages pages through a department's open follow-ups two at a
// time after the key of the last one: every one once, earliest due first,
// those due at once by id.
func TestFollowupPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx := ctxT(t)
		ev := models.NewEvaluations(db, testSealer(t))
		due := time.Date(2025, 9, 20, 9, 30, 0, 123456000, time.UTC)
		for i, d := range []time.Duration{3, 1, 1, 2, 1} {
			if _, f, err := ev.Submit(ctx, models.Evaluation{CaseID: "fp-" + string(rune('a'+i)), PrincipalID: "p1", PersonID: "p1",
				ItemCode: "x", Department: "gaj", Stars: 1, Indicators: map[string]int{}, Channel: "wechat"},
				openFollowup("fp-"+string(rune('a'+i)), "gaj", 1, due.Add(d*time.Hour)), ""); err != nil || f == nil {
				t.Fatalf("bad rating %d: %v, %v", i, f, err)
			}
		}
		var got []models.Followup
		var from feedback.FollowupKey
		for page := 0; ; page++ {
			fs, err := ev.Followups(ctx, "gaj", models.FollowupOpen, from, 2)
			if err != nil || page > 3 {
				t.Fatalf("page %d: %v", page, err)
			}
			if len(fs) == 0 {
				break
			}
			got = append(got, fs...)
			from = feedback.FollowupKey{DueAt: fs[len(fs)-1].DueAt, ID: fs[len(fs)-1].ID}
		}
		if len(got) != 5 {
			t.Fatalf("walked %d follow-ups, want 5", len(got))
		}
		for i := 1; i < len(got); i++ {
			a, b := got[i-1], got[i]
			if a.DueAt.After(b.DueAt) || (a.DueAt.Equal(b.DueAt) && a.ID >= b.ID) {
				t.Errorf("follow-up %d (%s %s) before %d (%s %s)", i-1, a.DueAt, a.ID, i, b.DueAt, b.ID)
			}
		}
	})
}
