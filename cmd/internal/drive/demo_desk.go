package drive

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"zerovisit/integrations/courier/sf"
	"zerovisit/workflow"
	"zerovisit/workflow/desk"
)

// staffArrive opens the clerk's and the courier's accounts (once per demo),
// as an operator would, and signs both in over HTTP: the console and the
// courier page.
func (s *demoStory) staffArrive(ctx context.Context) error {
	d := s.d
	if d.clerk == nil {
		clerk, err := d.signInClerk(ctx, "王审批")
		if err != nil {
			return err
		}
		d.clerk = clerk
		d.step(s, s.who("clerk"), "公安局审批人员登录控制台 / clerk signs in to the console", s.status)

		phone := fmt.Sprintf("139%08d", rand.IntN(1e8))
		password, err := d.hooks.AddCourier(ctx, "李师傅", phone)
		if err != nil {
			return err
		}
		courier, err := d.signIn(ctx, "/api/v1/courier/session", map[string]string{"phone": phone, "password": password})
		if err != nil {
			return err
		}
		d.courier = courier
		d.step(s, s.who("courier"), "快递员登录 H5 页面 / courier signs in to the courier page", s.status)
	}
	s.clerk, s.courier = d.clerk, d.courier
	return nil
}

// signInClerk opens a clerk's account in the demo item's department, as
// an operator would, and signs in over HTTP as the console does.
func (d *demo) signInClerk(ctx context.Context, name string) (*demoClient, error) {
	c, _, err := d.signInStaff(ctx, name)
	return c, err
}

// signInStaff is signInClerk that also names the account's id.
func (d *demo) signInStaff(ctx context.Context, name string) (*demoClient, string, error) {
	username := "demo.clerk." + randomHex(5)
	password, err := d.hooks.AddClerk(ctx, username, name, "gaj")
	if err != nil {
		return nil, "", err
	}
	c, err := d.signIn(ctx, "/api/v1/staff/login", map[string]string{"username": username, "password": password})
	return c, "st-" + username, err
}

// signIn is a new party signing in at path, as the console or the courier
// page does; it comes back holding the access token.
func (d *demo) signIn(ctx context.Context, path string, credentials map[string]string) (*demoClient, error) {
	c := d.newClient()
	var login struct {
		Tokens struct {
			AccessToken string `json:"access_token"`
		} `json:"tokens"`
	}
	if err := c.call(ctx, http.StatusOK, http.MethodPost, path, credentials, &login); err != nil {
		return nil, err
	}
	c.token = login.Tokens.AccessToken
	return c, nil
}

// staffCase is the part of the console's case answer the demo reads.
type staffCase struct {
	Status string `json:"status"`
}

// staffAct is a clerk's action on the case, which must leave it in want.
func (s *demoStory) staffAct(ctx context.Context, action string, body any, want, what string) error {
	var cs staffCase
	if err := s.clerk.call(ctx, http.StatusOK, http.MethodPost, "/api/v1/staff/cases/"+s.caseID+"/"+action, body, &cs,
		"Idempotency-Key", "demo-"+strings.ReplaceAll(action, "/", "-")+"-"+uuid.NewString()); err != nil {
		return err
	}
	s.status = cs.Status
	s.d.step(s, s.who("clerk"), what, s.status)
	if cs.Status != want {
		return fmt.Errorf("%s: case is %s, want %s: %w", action, cs.Status, want, errDemoStep)
	}
	return nil
}

// accept: on the ordinary path a clerk claims the application and accepts
// it (受理); on trust first it was accepted at submission.
func (s *demoStory) accept(ctx context.Context) error {
	if !s.p.blacklisted {
		return nil
	}
	if err := s.claim(ctx); err != nil {
		return err
	}
	return s.staffAct(ctx, "accept", map[string]string{"note": "普通程序受理"}, "accepted", "受理（普通程序）/ accepts on the ordinary path")
}

// claim: the clerk claims the case. Under load a rival clerk claims it at
// the same moment, and exactly one of them must get it; the other is told
// it is taken (409).
func (s *demoStory) claim(ctx context.Context) error {
	path := "/api/v1/staff/cases/" + s.caseID + "/claim"
	if s.d.rival == nil {
		if err := s.clerk.call(ctx, http.StatusOK, http.MethodPost, path, nil, nil); err != nil {
			return err
		}
		s.d.step(s, s.who("clerk"), "认领办件 / claims the case", s.status)
		return nil
	}
	clerks := []*demoClient{s.clerk, s.d.rival}
	errs := make([]error, len(clerks))
	var wg sync.WaitGroup
	for i, c := range clerks {
		wg.Go(func() { errs[i] = c.call(ctx, http.StatusOK, http.MethodPost, path, nil, nil) })
	}
	wg.Wait()
	won := -1
	for i, err := range errs {
		var api *demoAPIError
		switch {
		case err == nil && won >= 0:
			return fmt.Errorf("claim race: both clerks hold case %s: %w", s.number, errDemoStep)
		case err == nil:
			won = i
		case errors.As(err, &api) && api.Status == http.StatusConflict:
		default:
			return err
		}
	}
	if won < 0 {
		return fmt.Errorf("claim race: neither clerk got case %s: %w", s.number, errDemoStep)
	}
	s.clerk = clerks[won]
	s.d.step(s, s.who("clerk"), "认领办件（同时另一审批人员被拒）/ claims the case; the rival is refused", s.status)
	return nil
}

// courierLeg waits for the courier page to list the case's leg of a kind
// with its waybill. The page keeps its place, as a courier's does: leg ids
// are time-ordered, and every leg the worker looks for later is ordered
// after the one found now, so later searches start from the page it was
// found on (its cursor) instead of paging through every open leg of the
// day again.
func (s *demoStory) courierLeg(ctx context.Context, kind desk.Kind) (desk.LegView, error) {
	var leg desk.LegView
	err := poll(ctx, 20*time.Second, fmt.Sprintf("the %s leg of %s on the courier page", kind, s.number), func() (bool, error) {
		cursor := s.d.legsSeen
		for {
			var page struct {
				Items      []desk.LegView `json:"items"`
				NextCursor string         `json:"next_cursor"`
			}
			if err := s.courier.call(ctx, http.StatusOK, http.MethodGet, "/api/v1/courier/legs?limit=100&cursor="+url.QueryEscape(cursor), nil, &page); err != nil {
				return false, err
			}
			for _, l := range page.Items {
				if l.CaseNumber == s.number && l.Kind == kind && l.Waybill != "" && !l.Status.Terminal() {
					leg, s.d.legsSeen = l, cursor
					return true, nil
				}
			}
			if page.NextCursor == "" {
				return false, nil
			}
			cursor = page.NextCursor
		}
	})
	return leg, err
}

// scan posts a courier scan and returns its result.
func (s *demoStory) scan(ctx context.Context, req desk.ScanRequest) (desk.ScanResult, error) {
	req.ClientID = "demo-" + strings.ReplaceAll(uuid.NewString(), "-", "")
	var res desk.ScanResult
	err := s.courier.call(ctx, http.StatusOK, http.MethodPost, "/api/v1/courier/scans", req, &res)
	return res, err
}

// collectOriginals: the courier collects the originals at the applicant's
// door and hands them to the department; the clerk sees them received.
func (s *demoStory) collectOriginals(ctx context.Context) error {
	leg, err := s.courierLeg(ctx, desk.KindPickup)
	if err != nil {
		return err
	}
	var names []string
	for _, m := range leg.Checklist {
		names = append(names, m.Name)
	}
	if _, err := s.scan(ctx, desk.ScanRequest{Waybill: leg.Waybill, Kind: desk.ScanPickup}); err != nil {
		return err
	}
	s.d.step(s, s.who("courier"), "上门收取原件 / collects originals: "+strings.Join(names, "、"), s.status)
	if _, err := s.scan(ctx, desk.ScanRequest{Waybill: leg.Waybill, Kind: desk.ScanHandover}); err != nil {
		return err
	}
	err = poll(ctx, 20*time.Second, "the originals received by the department", func() (bool, error) {
		var tl struct {
			Items []struct {
				Name   string `json:"name"`
				Reason string `json:"reason"`
			} `json:"items"`
		}
		if err := s.clerk.call(ctx, http.StatusOK, http.MethodGet, "/api/v1/staff/cases/"+s.caseID+"/timeline", nil, &tl); err != nil {
			return false, err
		}
		for _, e := range tl.Items {
			if e.Name == "collect_originals" && strings.HasPrefix(e.Reason, "received") {
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		return err
	}
	s.d.step(s, s.who("courier"), "原件交审批部门 / hands the originals to the department ("+leg.Waybill+")", s.status)
	return nil
}

// approve: the clerk claims the case and approves it.
func (s *demoStory) approve(ctx context.Context) error {
	if !s.p.blacklisted {
		if err := s.claim(ctx); err != nil {
			return err
		}
	}
	return s.staffAct(ctx, "approve", map[string]string{"opinion": "准予许可"}, "approved", "审批通过 / approves")
}

// licence: the result licence reaches the e-license library and the
// citizen's case.
func (s *demoStory) licence(ctx context.Context) error {
	var ls struct {
		Items []struct {
			ID string `json:"licence_id"`
		} `json:"items"`
	}
	err := poll(ctx, 20*time.Second, "the result licence", func() (bool, error) {
		if err := s.citizen.call(ctx, http.StatusOK, http.MethodGet, "/api/v1/citizen/cases/"+s.caseID+"/licences", nil, &ls); err != nil {
			return false, err
		}
		return len(ls.Items) > 0, nil
	})
	if err != nil {
		return err
	}
	s.d.step(s, "电子证照库 e-license", "签发结果证照 / licence issued "+ls.Items[0].ID, s.status)
	return nil
}

// dispatch: the clerk sends the result out by courier.
func (s *demoStory) dispatch(ctx context.Context) error {
	return s.staffAct(ctx, "dispatch", map[string]string{"note": "邮寄送达"}, "delivering", "结果发放（邮寄）/ dispatches the result by courier")
}

// deliver: the parcel moves on the courier company's pushes, and the
// courier hands it over at the door, checking the recipient's identity and,
// on trust first, the originals on the checklist with a photo of each.
func (s *demoStory) deliver(ctx context.Context) error {
	leg, err := s.courierLeg(ctx, desk.KindDelivery)
	if err != nil {
		return err
	}
	if err := s.demoAdvance(ctx, leg.Waybill, sf.OpPickedUp, sf.OpOutForDelivery); err != nil {
		return err
	}
	req := desk.ScanRequest{Waybill: leg.Waybill, Kind: desk.ScanDelivery, IDNumber: s.p.id}
	var checked []string
	for i, m := range leg.Checklist {
		var photo struct {
			Key string `json:"key"`
		}
		if err := s.courier.send(ctx, http.StatusOK, http.MethodPost, "/api/v1/courier/legs/"+leg.ID+"/photos", "image/png",
			demoPhoto(uint8(i)+1), &photo); err != nil {
			return err
		}
		check := desk.CheckInput{Material: m.Code, Passed: s.p.doorCheckPasses, PhotoKey: photo.Key}
		if !s.p.doorCheckPasses {
			check.Note = "原件与承诺内容不符"
		}
		req.Checks = append(req.Checks, check)
		checked = append(checked, m.Name)
	}
	res, err := s.scan(ctx, req)
	if err != nil {
		return err
	}
	what := "送达，核验身份 / delivers, checks the recipient's ID"
	if len(checked) > 0 {
		what = fmt.Sprintf("送达并上门核验 %s：%s / door check %s", strings.Join(checked, "、"), res.Verification, res.Verification)
	}
	s.d.step(s, s.who("courier"), what, s.status)
	return nil
}

// finish waits for the case's final state, then the citizen evaluates, or
// the false commitment is found in the credit library.
func (s *demoStory) finish(ctx context.Context) error {
	final := map[string]bool{"closed": true, "revoked": true, "rejected": true, "withdrawn": true}
	if err := s.waitCitizenCase(ctx, "the case to end", func(cs demoCase) bool { return final[cs.Status] }); err != nil {
		return err
	}
	s.d.step(s, "系统 system", map[string]string{"closed": "办结 / case closed", "revoked": "撤销决定 / decision revoked"}[s.status], s.status)
	if s.status != s.p.want {
		return fmt.Errorf("the case ended %s, want %s: %w", s.status, s.p.want, errDemoStep)
	}
	if s.p.recordsFalseness {
		var found []string
		err := poll(ctx, 20*time.Second, "the false commitment in the credit library", func() (bool, error) {
			var err error
			found, err = s.d.hooks.FalseCommitments(ctx, s.number)
			return len(found) > 0, err
		})
		if err != nil {
			return err
		}
		if found[0] != s.p.id+":"+string(workflow.EndVerificationFailed) {
			return fmt.Errorf("credit record %v, want the applicant's verification_failed: %w", found, errDemoStep)
		}
		s.d.step(s, "信用库 credit", "记录虚假承诺 / false commitment recorded: verification_failed", s.status)
	}
	if s.p.evaluates {
		var ev struct {
			Stars int `json:"stars"`
		}
		if err := s.citizen.call(ctx, http.StatusCreated, http.MethodPost, "/api/v1/citizen/cases/"+s.caseID+"/evaluation",
			map[string]any{"stars": 5, "comment": "全程零跑腿，快递送证上门"}, &ev); err != nil {
			return err
		}
		s.d.step(s, s.who("citizen"), fmt.Sprintf("好差评 %d 星 / evaluates: %d stars", ev.Stars, ev.Stars), s.status)
	}
	return nil
}
