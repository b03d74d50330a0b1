package drive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"zerovisit/cmd/internal/app"
	basedatasb "zerovisit/integrations/basedata/sandbox"
	"zerovisit/integrations/courier/sf"
	"zerovisit/workflow/ident"
)

// demoPerson is an applicant of the demo and how their story must end.
type demoPerson struct {
	title            string
	name, id, phone  string
	openID, street   string
	blacklisted      bool // on the credit blacklist: the ordinary path
	doorCheckPasses  bool
	want             string // the case's final state
	evaluates        bool
	recordsFalseness bool // the credit library must hold a false commitment
	// rectifies: after a failed door check the applicant hands in the
	// right original within the rectification period (otherwise they state
	// they cannot, and the decision is revoked).
	rectifies bool
	// prefilled is a material the libraries must pre-fill, as code←source.
	prefilled string
}

// demoPeople are the four stories: trust first that closes, trust first
// whose check at the door fails and is revoked after review and a
// rectification period, a blacklisted applicant, and trust first whose
// failed check is rectified.
func demoPeople() []demoPerson {
	return []demoPerson{
		{title: "一 张三：信任在先，办结核验通过", name: "张三", id: basedatasb.ZhangSanID, phone: "13912345678", openID: "o-demo-zhangsan",
			street: "文三路 90 号 3 幢 101 室", doorCheckPasses: true, want: "closed", evaluates: true, prefilled: "jsz←elicense"},
		{title: "二 李娜：信任在先，上门核验不通过，限期整改未果，撤销", name: "李娜", id: basedatasb.LiNaID, phone: "13712345678", openID: "o-demo-lina",
			street: "天目山路 18 号 2 单元 502 室", want: "revoked", recordsFalseness: true},
		{title: "三 王五：失信被执行人，普通程序", name: "王五", id: basedatasb.WangWuID, phone: "13612345678", openID: "o-demo-wangwu",
			street: "莫干山路 100 号 1 幢 303 室", blacklisted: true, doorCheckPasses: true, want: "closed"},
		{title: "四 欧阳娜娜：信任在先，上门核验不通过，限期整改到位，办结", name: "欧阳娜娜", id: basedatasb.OuyangID, phone: "13512345678",
			openID: "o-demo-ouyang", street: "教工路 1 号 5 幢 201 室", want: "closed", rectifies: true},
	}
}

// demoStory is one applicant's case played through the API.
type demoStory struct {
	d         *demo
	p         demoPerson
	citizen   *demoClient
	clerk     *demoClient
	courier   *demoClient
	caseID    string
	number    string
	status    string
	submitted time.Time
	addressID string
}

// demoDraft is the part of a new draft's answer the demo reads: the case,
// and which materials still need an upload.
type demoDraft struct {
	Case      demoCase `json:"case"`
	Materials []struct {
		Code   string `json:"code"`
		Needed bool   `json:"needed"`
	} `json:"materials"`
}

// demoCase is the part of the citizen's case answer the demo reads.
type demoCase struct {
	ID         string `json:"id"`
	Number     string `json:"number"`
	Status     string `json:"status"`
	TrustFirst bool   `json:"trust_first"`
	Paid       bool   `json:"paid"`
	Path       *struct {
		Reason string `json:"reason"`
		Note   string `json:"note"`
	} `json:"path"`
}

func (s *demoStory) who(role string) string {
	switch role {
	case "citizen":
		return "市民 " + ident.MaskName(s.p.name)
	case "clerk":
		return "窗口 王审批"
	case "courier":
		return "快递员 李师傅"
	}
	return "系统 system"
}

// run plays the story; an error names the first step that did not end as
// it should.
func (s *demoStory) run(ctx context.Context) error {
	d := s.d
	fmt.Fprintf(d.out, "故事%s / story: %s\n", s.p.title, s.p.want)
	steps := []func(context.Context) error{s.signUp, s.apply, s.pay, s.staffArrive, s.accept, s.collectOriginals,
		s.approve, s.licence, s.dispatch, s.deliver, s.review, s.finish}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return err
		}
	}
	return nil
}

// signUp: the citizen logs in through WeChat, binds a real name (checked
// against the population library) and a phone, and adds an address.
func (s *demoStory) signUp(ctx context.Context) error {
	d := s.d
	s.citizen = d.newClient()
	if s.p.blacklisted {
		if err := d.hooks.Blacklist(ctx, s.p.id, "失信被执行人名单"); err != nil {
			return err
		}
		d.step(s, "信用库 credit", "列入失信联合惩戒名单 / put on the joint-punishment blacklist", "")
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	err := s.withFreshCode(ctx, "invalid_login_code", func(ctx context.Context) (string, error) {
		return d.hooks.LoginCode(ctx, s.p.openID)
	}, func(code string) error {
		return s.citizen.call(ctx, http.StatusOK, http.MethodPost, "/api/v1/citizen/login/wechat", map[string]string{"code": code}, &tok)
	})
	if err != nil {
		return err
	}
	s.citizen.token = tok.AccessToken
	d.step(s, s.who("citizen"), "微信小程序登录 / logs in through WeChat (jscode2session)", "")
	var me struct {
		Verified bool   `json:"verified"`
		Name     string `json:"name"`
		IDNumber string `json:"id_number"`
	}
	if err := s.citizen.call(ctx, http.StatusOK, http.MethodPost, "/api/v1/citizen/me/identity",
		map[string]string{"name": s.p.name, "id_number": s.p.id}, &me); err != nil {
		return err
	}
	if !me.Verified {
		return fmt.Errorf("bind real name: not verified: %w", errDemoStep)
	}
	d.step(s, s.who("citizen"), "实名认证（人口库核验）/ binds real name "+me.IDNumber, "")
	if err := s.faceCheck(ctx, d); err != nil {
		return err
	}
	err = s.withFreshCode(ctx, "invalid_phone_code", func(ctx context.Context) (string, error) {
		return d.hooks.PhoneCode(ctx, s.p.phone)
	}, func(code string) error {
		return s.citizen.call(ctx, http.StatusOK, http.MethodPost, "/api/v1/citizen/me/phone", map[string]string{"code": code}, nil)
	})
	if err != nil {
		return err
	}
	var addr struct {
		ID string `json:"id"`
	}
	if err := s.citizen.call(ctx, http.StatusCreated, http.MethodPost, "/api/v1/citizen/addresses", map[string]string{"label": "家",
		"recipient": s.p.name, "phone": s.p.phone, "region": "浙江省杭州市西湖区", "detail": s.p.street}, &addr); err != nil {
		return err
	}
	s.addressID = addr.ID
	d.step(s, s.who("citizen"), "绑定手机号、添加收件地址 / binds phone, adds an address "+ident.MaskPhone(s.p.phone), "")
	return nil
}

// withFreshCode sends a one-time WeChat code, and when the server says it
// is used (the first attempt reached a server that took the code but never
// answered, and the resend found it spent), asks WeChat for a new one, as
// the mini program calls wx.login again.
func (s *demoStory) withFreshCode(ctx context.Context, spent string, code func(context.Context) (string, error), send func(string) error) error {
	for attempt := 0; ; attempt++ {
		c, err := code(ctx)
		if err != nil {
			return err
		}
		err = send(c)
		var api *demoAPIError
		if err == nil || attempt == 2 || !errors.As(err, &api) || api.Code != spent {
			return err
		}
	}
}

// apply: pre-fill from the libraries, a draft, uploads of what the
// government does not hold, the signed commitment, courier delivery, and
// the submission, which says which path the case takes and why.
func (s *demoStory) apply(ctx context.Context) error {
	d, c := s.d, s.citizen
	var pre struct {
		Materials []struct {
			Code   string `json:"code"`
			Name   string `json:"name"`
			Held   bool   `json:"held"`
			Source string `json:"source"`
		} `json:"materials"`
	}
	if err := c.call(ctx, http.StatusOK, http.MethodGet, "/api/v1/citizen/items/"+app.DemoItem+"/prefill", nil, &pre); err != nil {
		return err
	}
	var held []string
	for _, m := range pre.Materials {
		if m.Held {
			held = append(held, m.Code+"←"+m.Source)
		}
	}
	d.step(s, s.who("citizen"), "预填：政府已有 / pre-filled: "+strings.Join(held, " "), "")
	if s.p.prefilled != "" && !slices.Contains(held, s.p.prefilled) {
		return fmt.Errorf("pre-fill: %s is not among %v: %w", s.p.prefilled, held, errDemoStep)
	}
	var item struct {
		Commitment struct {
			TemplateVersion string `json:"template_version"`
			TextHash        string `json:"text_hash"`
		} `json:"commitment"`
	}
	if err := c.call(ctx, http.StatusOK, http.MethodGet, "/api/v1/citizen/items/"+app.DemoItem, nil, &item); err != nil {
		return err
	}
	var draft demoDraft
	if err := c.call(ctx, http.StatusCreated, http.MethodPost, "/api/v1/citizen/drafts", map[string]string{"item_code": app.DemoItem}, &draft); err != nil {
		return err
	}
	s.caseID, s.status = draft.Case.ID, draft.Case.Status
	var uploaded []string
	for _, m := range draft.Materials {
		if !m.Needed {
			continue
		}
		if err := c.upload(ctx, s.caseID, m.Code, demoScan(m.Code)); err != nil {
			return err
		}
		uploaded = append(uploaded, m.Code)
	}
	d.step(s, s.who("citizen"), "填写申请、上传 / drafts, uploads "+strings.Join(uploaded, " "), s.status)
	if err := c.call(ctx, http.StatusOK, http.MethodPut, "/api/v1/citizen/cases/"+s.caseID+"/commitment",
		map[string]string{"template_version": item.Commitment.TemplateVersion, "text_hash": item.Commitment.TextHash}, nil); err != nil {
		return err
	}
	if err := c.call(ctx, http.StatusOK, http.MethodPut, "/api/v1/citizen/cases/"+s.caseID+"/delivery",
		map[string]string{"method": "courier", "address_id": s.addressID}, nil); err != nil {
		return err
	}
	d.step(s, s.who("citizen"), "签署告知承诺书、选择邮寄送达 / signs the commitment, chooses courier", s.status)
	var sub struct {
		Case demoCase `json:"case"`
	}
	if err := c.call(ctx, http.StatusOK, http.MethodPost, "/api/v1/citizen/cases/"+s.caseID+"/submit", nil, &sub,
		"Idempotency-Key", "demo-submit-"+uuid.NewString()); err != nil {
		return err
	}
	s.submitted, s.number, s.status = time.Now(), sub.Case.Number, sub.Case.Status
	reason, note := "", ""
	if sub.Case.Path != nil {
		reason, note = sub.Case.Path.Reason, sub.Case.Path.Note
	}
	d.step(s, s.who("citizen"), fmt.Sprintf("提交 %s / submits: path %s（%s）", s.number, reason, note), s.status)
	switch {
	case s.p.blacklisted && (s.status != "submitted" || sub.Case.TrustFirst || reason != "credit_black"):
		return fmt.Errorf("submit: %s on path %s, want submitted on the ordinary path for credit_black: %w", s.status, reason, errDemoStep)
	case !s.p.blacklisted && (s.status != "accepted" || !sub.Case.TrustFirst):
		return fmt.Errorf("submit: %s (trust first %v), want accepted on trust: %w", s.status, sub.Case.TrustFirst, errDemoStep)
	}
	return nil
}

// pay: the fee is paid with WeChat Pay; its notification marks the case paid.
func (s *demoStory) pay(ctx context.Context) error {
	d, c := s.d, s.citizen
	var order struct {
		OutTradeNo string `json:"out_trade_no"`
		AmountFen  int64  `json:"amount_fen"`
	}
	if err := c.call(ctx, http.StatusOK, http.MethodPost, "/api/v1/citizen/cases/"+s.caseID+"/payments", nil, &order); err != nil {
		return err
	}
	if err := d.hooks.Pay(ctx, order.OutTradeNo); err != nil {
		return err
	}
	if err := s.waitCitizenCase(ctx, "the payment", func(cs demoCase) bool { return cs.Paid }); err != nil {
		return err
	}
	d.step(s, s.who("citizen"), fmt.Sprintf("微信支付 %.2f 元 / pays with WeChat Pay", float64(order.AmountFen)/100), s.status)
	return nil
}

// waitCitizenCase polls the citizen's view of the case until cond holds.
func (s *demoStory) waitCitizenCase(ctx context.Context, what string, cond func(demoCase) bool) error {
	return poll(ctx, 20*time.Second, what, func() (bool, error) {
		var cs demoCase
		if err := s.citizen.call(ctx, http.StatusOK, http.MethodGet, "/api/v1/citizen/cases/"+s.caseID, nil, &cs); err != nil {
			return false, err
		}
		s.status = cs.Status
		return cond(cs), nil
	})
}

// demoScan is a small picture standing for a scanned material.
func demoScan(code string) []byte {
	return append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte(code), 512)...)
}

// demoAdvance moves a parcel through the courier company's route pushes.
func (s *demoStory) demoAdvance(ctx context.Context, waybill string, ops ...string) error {
	for _, op := range ops {
		if err := s.d.hooks.Advance(ctx, waybill, op); err != nil {
			return err
		}
	}
	names := map[string]string{sf.OpPickedUp: "已收件", sf.OpOutForDelivery: "派送中"}
	var got []string
	for _, op := range ops {
		got = append(got, names[op])
	}
	s.d.step(s, "顺丰 SF", "路由推送 "+strings.Join(got, "→")+" / route push "+waybill, s.status)
	return nil
}

// demoPhoto is a small picture the courier takes of an original.
func demoPhoto(seed uint8) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 32, 24))
	for x := range 32 {
		for y := range 24 {
			img.Set(x, y, color.RGBA{R: uint8(x * 8), G: uint8(y*10) + seed, B: seed * 40, A: 255})
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}

// faceCheck is the citizen proving to be the person (人脸核身): the server
// starts the check, the mini program runs wx.startFacialRecognitionVerify
// (the sandbox's face check), the server asks WeChat for the result.
func (s *demoStory) faceCheck(ctx context.Context, d *demo) error {
	// A check the server answers face_check_expired for is started again,
	// once, as that answer asks the citizen to (seen when a result was
	// retried across the load's Redis outage).
	err := s.faceCheckOnce(ctx, d)
	var api *demoAPIError
	if errors.As(err, &api) && api.Code == "face_check_expired" {
		err = s.faceCheckOnce(ctx, d)
	}
	return err
}

func (s *demoStory) faceCheckOnce(ctx context.Context, d *demo) error {
	var st struct {
		CheckID string `json:"check_id"`
	}
	if err := s.citizen.call(ctx, http.StatusCreated, http.MethodPost, "/api/v1/citizen/me/identity/face-checks",
		map[string]string{"name": s.p.name, "id_number": s.p.id}, &st); err != nil {
		return err
	}
	vr, err := d.hooks.FaceCheck(ctx, s.p.openID, s.p.name, s.p.id)
	if err != nil {
		return err
	}
	var me struct {
		Assurance string `json:"assurance"`
	}
	if err := s.citizen.call(ctx, http.StatusOK, http.MethodPost, "/api/v1/citizen/me/identity/face-checks/"+st.CheckID+"/result",
		map[string]string{"verify_result": vr}, &me); err != nil {
		return err
	}
	if me.Assurance != "verified_person" {
		return fmt.Errorf("face check: assurance %q: %w", me.Assurance, errDemoStep)
	}
	d.step(s, s.who("citizen"), "人脸核身（微信）/ proves to be the person with a face check", "")
	return nil
}
