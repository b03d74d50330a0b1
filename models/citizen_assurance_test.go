package models_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"zerovisit/models"
	"zerovisit/models/dbtest"
	"zerovisit/workflow"
	"zerovisit/workflow/citizen"
)

// TestConcurrentTakeovers: six accounts prove the same squatted identity at
// once; exactly one takes it over, the others hear it is held as high, and
// the squatter is detached.
func TestConcurrentTakeovers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx := ctxT(t)
		cs := models.NewCitizens(db, testSealer(t))
		sq, err := cs.Login(ctx, workflow.ChannelWeChat, "wxapp", "o-squat", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cs.BindIdentity(ctx, sq.ID, "张三", zhangID, ""); err != nil {
			t.Fatal(err)
		}
		const n = 6
		accts := make([]string, n)
		for i := range accts {
			a, err := cs.Login(ctx, workflow.ChannelWeChat, "wxapp", fmt.Sprintf("o-taker-%d", i), "")
			if err != nil {
				t.Fatal(err)
			}
			accts[i] = a.ID
		}
		var (
			wg    sync.WaitGroup
			errs  = make([]error, n)
			takes = make([]bool, n)
		)
		for i := range accts {
			wg.Go(func() {
				a, err := cs.AssurePerson(ctx, accts[i], "张三", zhangID,
					citizen.Proof{Method: workflow.MethodWeChatFace, Evidence: fmt.Sprintf("wechat:%d", i)})
				errs[i], takes[i] = err, a.Takeover != nil
			})
		}
		wg.Wait()
		won, took := 0, 0
		for i, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, models.ErrIdentityElsewhere):
				t.Errorf("taker %d: %v", i, err)
			}
			if takes[i] {
				took++
			}
		}
		if won != 1 || took != 1 {
			t.Fatalf("%d proofs held and %d took over, want one each (%v)", won, took, errs)
		}
		p, err := cs.FindPerson(ctx, zhangID)
		if err != nil || p.Level() != workflow.AssuranceVerifiedPerson {
			t.Fatalf("the person after the takeovers = %+v, %v", p, err)
		}
		if _, c, _ := cs.Caller(ctx, sq.ID); c.ID == p.ID || c.Verified() {
			t.Errorf("the squatter's account is still the person's: %+v", c)
		}
		ts, err := cs.Takeovers(ctx, p.AssuredAt.AddDate(1, 0, 0), "", 10)
		if err != nil || len(ts) != 1 || ts[0].CitizenID != p.ID || len(ts[0].DetachedAccounts) != 1 || ts[0].DetachedAccounts[0] != sq.ID {
			t.Errorf("takeovers = %+v, %v", ts, err)
		}
	})
}

// TestProofRules: evidence proves once; Alipay's certification binds an
// identity nobody holds but takes none over; a bound check takes over
// from it.
func TestProofRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx := ctxT(t)
		cs := models.NewCitizens(db, testSealer(t))
		login := func(subject string) string {
			a, err := cs.Login(ctx, workflow.ChannelAlipay, "2021", subject, "")
			if err != nil {
				t.Fatal(err)
			}
			return a.ID
		}
		first, second, third := login("u-1"), login("u-2"), login("u-3")
		alipay := citizen.Proof{Method: workflow.MethodAlipayCertify, Evidence: "alipay:c-1"}
		got, err := cs.AssurePerson(ctx, first, "张三", zhangID, alipay)
		if err != nil || got.Takeover != nil || got.Citizen.AssuredBy != workflow.MethodAlipayCertify {
			t.Fatalf("Alipay on an unbound identity = %+v, %v", got, err)
		}
		if _, err := cs.AssurePerson(ctx, second, "张三", zhangID, alipay); !errors.Is(err, citizen.ErrProofUsed) {
			t.Errorf("the same evidence again = %v, want ErrProofUsed", err)
		}
		if _, err := cs.AssurePerson(ctx, second, "张三", zhangID, citizen.Proof{Method: workflow.MethodAlipayCertify, Evidence: "alipay:c-2"}); !errors.Is(err, models.ErrIdentityElsewhere) {
			t.Errorf("Alipay taking over = %v, want ErrIdentityElsewhere", err)
		}
		got, err = cs.AssurePerson(ctx, third, "张三", zhangID, citizen.Proof{Method: workflow.MethodCounterIDCard, Actor: "st-clerk"})
		if err != nil || got.Takeover == nil || got.Takeover.Actor != "st-clerk" || got.Citizen.AssuredBy != workflow.MethodCounterIDCard {
			t.Fatalf("a counter check over an Alipay holder = %+v, %v; want a takeover by the clerk", got, err)
		}
	})
}
