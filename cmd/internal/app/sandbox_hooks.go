package app

import (
	"errors"
	"net/http"
	"strings"
	"time"

	alipaysb "zerovisit/integrations/alipay/sandbox"
	basedatasb "zerovisit/integrations/basedata/sandbox"
	sfsb "zerovisit/integrations/courier/sf/sandbox"
	"zerovisit/integrations/elicense"
	elicensesb "zerovisit/integrations/elicense/sandbox"
	"zerovisit/integrations/exchange"
	wechatsb "zerovisit/integrations/wechat/sandbox"
	"zerovisit/workflow/ident"
)

// sandboxHooks are the shared sandbox process's own endpoints, under
// /_sandbox/: what happens outside the product (a phone, a payment, a
// parcel on its way, a blacklist), and what the parties received.
type sandboxHooks struct{ s *sharedSandboxes }

func (h *sandboxHooks) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+manifestPath, func(w http.ResponseWriter, _ *http.Request) { hookJSON(w, h.s.manifest) })
	mux.HandleFunc("POST /_sandbox/people", h.addPerson)
	mux.HandleFunc("POST /_sandbox/wechat/login-code", h.loginCode)
	mux.HandleFunc("POST /_sandbox/wechat/phone-code", h.phoneCode)
	mux.HandleFunc("POST /_sandbox/wechat/pay", h.pay)
	mux.HandleFunc("POST /_sandbox/wechat/face-check", h.faceCheck)
	mux.HandleFunc("POST /_sandbox/alipay/certify", h.certify)
	mux.HandleFunc("POST /_sandbox/sf/advance", h.advance)
	mux.HandleFunc("POST /_sandbox/credit/blacklist", h.blacklist)
	mux.HandleFunc("POST /_sandbox/credit/repair", h.repair)
	mux.HandleFunc("GET /_sandbox/credit/records", h.creditRecords)
	mux.HandleFunc("GET /_sandbox/effects", h.effects)
	mux.HandleFunc("/_sandbox/", func(w http.ResponseWriter, _ *http.Request) {
		hookError(w, http.StatusNotFound, "not_found", "没有这个沙箱接口")
	})
	return mux
}

// addPerson registers a resident in the population library with a
// driving licence in the e-license library, as the government already
// holds for most people.
func (h *sandboxHooks) addPerson(w http.ResponseWriter, r *http.Request) {
	var p struct {
		IDNumber string `json:"id_number"`
		Name     string `json:"name"`
	}
	if !readHook(w, r, &p) {
		return
	}
	if _, err := ident.ParseResidentID(p.IDNumber, time.Now()); err != nil || p.Name == "" {
		hookError(w, http.StatusBadRequest, "invalid_person", "身份证号码或姓名不正确")
		return
	}
	if err := seedPerson(h.s.parties, p.IDNumber, p.Name); err != nil {
		hookError(w, http.StatusInternalServerError, "seed_failed", err.Error())
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// seedPerson puts a resident and their driving licence in the libraries.
func seedPerson(s *sandboxes, id, name string) error {
	s.basedata.Seed(basedatasb.Person{IDNumber: id, Name: name, Address: "浙江省杭州市西湖区文三路 90 号"})
	_, err := s.elicense.Seed(elicense.IssueRequest{Type: "jsz", Name: "机动车驾驶证", HolderID: id, HolderName: name,
		IssuerCode: elicensesb.PublicSecurityID, Issuer: "杭州市公安局交通警察支队", Items: map[string]string{"准驾车型": "C1"}})
	return err
}

func (h *sandboxHooks) loginCode(w http.ResponseWriter, r *http.Request) {
	var in struct {
		OpenID string `json:"open_id"`
	}
	if !readHook(w, r, &in) {
		return
	}
	if in.OpenID == "" {
		hookError(w, http.StatusBadRequest, "invalid_open_id", "open_id 不能为空")
		return
	}
	hookJSON(w, map[string]string{"code": h.s.parties.channels.wechat.LoginCode(in.OpenID, "")})
}

func (h *sandboxHooks) phoneCode(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Phone string `json:"phone"`
	}
	if !readHook(w, r, &in) {
		return
	}
	if !ident.ValidMobile(in.Phone) {
		hookError(w, http.StatusBadRequest, "invalid_phone", "手机号码不正确")
		return
	}
	hookJSON(w, map[string]string{"code": h.s.parties.channels.wechat.PhoneCode(in.Phone)})
}

// faceCheck is the user taking a facial recognition check in the WeChat
// mini program: it answers the verify_result the mini program would get.
func (h *sandboxHooks) faceCheck(w http.ResponseWriter, r *http.Request) {
	var in struct {
		OpenID   string `json:"open_id"`
		Name     string `json:"name"`
		IDNumber string `json:"id_number"`
		Outcome  string `json:"outcome"`
	}
	if !readHook(w, r, &in) {
		return
	}
	vr, err := h.s.parties.channels.wechat.FaceCheck(wechatsb.FaceCheck{OpenID: in.OpenID, Name: in.Name,
		IDNumber: in.IDNumber, Outcome: wechatsb.FaceOutcome(in.Outcome)})
	if err != nil {
		hookError(w, http.StatusBadRequest, "invalid_face_check", "open_id、name、id_number 不能为空，outcome 为 passed、failed 或 expired")
		return
	}
	hookJSON(w, map[string]string{"verify_result": vr})
}

// certify is the user finishing (or abandoning) an Alipay identity
// certification the server started.
func (h *sandboxHooks) certify(w http.ResponseWriter, r *http.Request) {
	var in struct {
		CertifyID string `json:"certify_id"`
		Outcome   string `json:"outcome"`
	}
	if !readHook(w, r, &in) {
		return
	}
	err := h.s.parties.channels.alipay.Complete(in.CertifyID, alipaysb.CertifyOutcome(in.Outcome))
	switch {
	case errors.Is(err, alipaysb.ErrBadOutcome):
		hookError(w, http.StatusBadRequest, "invalid_outcome", "outcome 为 passed、failed、unfinished 或 expired")
	case errors.Is(err, alipaysb.ErrNoCertification):
		hookError(w, http.StatusNotFound, "unknown_certify_id", "没有这个认证")
	case err != nil:
		hookError(w, http.StatusInternalServerError, "certify_failed", err.Error())
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

// pay is the user paying an order; WeChat Pay then notifies the server
// that placed it. 502 when the notification found no server to take it.
func (h *sandboxHooks) pay(w http.ResponseWriter, r *http.Request) {
	var in struct {
		OutTradeNo string `json:"out_trade_no"`
	}
	if !readHook(w, r, &in) {
		return
	}
	n, err := h.s.parties.channels.wechat.Pay(r.Context(), in.OutTradeNo)
	switch {
	case errors.Is(err, wechatsb.ErrNoOrder):
		hookError(w, http.StatusNotFound, "unknown_order", err.Error())
	case err != nil:
		hookError(w, http.StatusBadGateway, "notify_failed", err.Error())
	case n.Status != http.StatusOK && n.Status != http.StatusNoContent:
		hookError(w, http.StatusBadGateway, "notify_refused", "商户回调应答 "+http.StatusText(n.Status))
	default:
		hookJSON(w, map[string]int{"notify_status": n.Status})
	}
}

// advance moves a parcel on with a route event and pushes it.
func (h *sandboxHooks) advance(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Waybill string `json:"waybill"`
		OpCode  string `json:"op_code"`
	}
	if !readHook(w, r, &in) {
		return
	}
	sb := h.s.couriers.sf
	route, err := sb.Route(in.Waybill, in.OpCode, time.Now())
	if errors.Is(err, sfsb.ErrUnknownWaybill) {
		hookError(w, http.StatusNotFound, "unknown_waybill", err.Error())
		return
	}
	if err != nil {
		hookError(w, http.StatusConflict, "route_refused", err.Error())
		return
	}
	body, err := sb.Sign(route)
	if err != nil {
		hookError(w, http.StatusInternalServerError, "sign_failed", err.Error())
		return
	}
	rep, err := sb.Send(r.Context(), body)
	if err != nil || rep.Status != http.StatusOK {
		msg := "推送失败"
		if err != nil {
			msg = err.Error()
		}
		hookError(w, http.StatusBadGateway, "push_failed", msg)
		return
	}
	hookJSON(w, map[string]string{"route_id": route.ID})
}

func (h *sandboxHooks) blacklist(w http.ResponseWriter, r *http.Request) {
	var in struct {
		SubjectID string `json:"subject_id"`
		List      string `json:"list"`
	}
	if !readHook(w, r, &in) {
		return
	}
	if in.SubjectID == "" || in.List == "" {
		hookError(w, http.StatusBadRequest, "invalid_subject", "subject_id 与 list 不能为空")
		return
	}
	h.s.parties.credit.Blacklist(in.SubjectID, in.List)
	w.WriteHeader(http.StatusNoContent)
}

// repair is the credit authority completing a subject's credit repair
// (信用修复): the library's false commitments of the subject no longer
// count.
func (h *sandboxHooks) repair(w http.ResponseWriter, r *http.Request) {
	var in struct {
		SubjectID string `json:"subject_id"`
		Authority string `json:"authority"`
	}
	if !readHook(w, r, &in) {
		return
	}
	sub, err := exchange.ParseSubject(in.SubjectID, time.Now())
	if err != nil {
		hookError(w, http.StatusBadRequest, "invalid_subject", "subject_id 须为身份证号码或统一社会信用代码")
		return
	}
	if in.Authority == "" {
		in.Authority = "杭州市信用办"
	}
	hookJSON(w, h.s.parties.credit.Repair(sub.ID, in.Authority))
}

// creditRecords lists the false-commitment records of a case.
func (h *sandboxHooks) creditRecords(w http.ResponseWriter, r *http.Request) {
	number := r.URL.Query().Get("case")
	type rec struct {
		SubjectID string `json:"subject_id"`
		Code      string `json:"code"`
	}
	items := []rec{}
	for _, c := range h.s.parties.credit.Records() {
		if c.CaseNumber == number {
			items = append(items, rec{SubjectID: c.SubjectID, Code: c.Code})
		}
	}
	hookJSON(w, map[string]any{"items": items})
}

// CaseEffects are the side effects of one case the parties received.
type CaseEffects struct {
	// Licences the e-license library issued for the case.
	Licences int `json:"licences"`
	// Parcels the courier company took (not cancelled), and cancelled ones.
	Parcels   int `json:"parcels"`
	Cancelled int `json:"cancelled_parcels"`
	// CreditRecords are false commitments recorded against the case.
	CreditRecords int `json:"credit_records"`
	// ProvinceVersions the platform accepted, and versions it received more
	// than once (a retry the platform deduplicated: harmless, counted).
	ProvinceVersions   int `json:"province_versions"`
	ProvinceDuplicates int `json:"province_duplicates"`
	// DepartmentPushes is how many distinct pushes reached a department
	// system, DepartmentRepeats how many repeated an idempotency key.
	DepartmentPushes  int `json:"department_pushes"`
	DepartmentRepeats int `json:"department_repeats"`
}

// effects summarises, per case number, what every party received.
func (h *sandboxHooks) effects(w http.ResponseWriter, _ *http.Request) {
	hookJSON(w, map[string]any{"cases": h.s.effects()})
}

// effects counts, per case number, what every party received.
func (s *sharedSandboxes) effects() map[string]*CaseEffects {
	out := map[string]*CaseEffects{}
	get := func(n string) *CaseEffects {
		if out[n] == nil {
			out[n] = &CaseEffects{}
		}
		return out[n]
	}
	for _, l := range s.parties.elicense.Licences() {
		if l.CaseNumber != "" {
			get(l.CaseNumber).Licences++
		}
	}
	for _, p := range s.couriers.sf.Parcels() {
		n, ok := strings.CutPrefix(p.Remark, "办件号 ")
		if !ok {
			continue
		}
		if p.Cancelled {
			get(n).Cancelled++
		} else {
			get(n).Parcels++
		}
	}
	for _, c := range s.parties.credit.Records() {
		get(c.CaseNumber).CreditRecords++
	}
	for k, c := range s.parties.province.Counts() {
		e := get(k.Number)
		if c.Accepted > 0 {
			e.ProvinceVersions++
		}
		e.ProvinceDuplicates += c.Duplicates
	}
	seen := map[string]bool{}
	for _, p := range s.parties.depts.Pushes() {
		e := get(p.CaseNumber)
		if key := p.Department + "\x00" + p.IdempotencyKey; seen[key] {
			e.DepartmentRepeats++
		} else {
			seen[key] = true
			e.DepartmentPushes++
		}
	}
	return out
}
