package staff

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"zerovisit/workflow"
	"zerovisit/workflow/ident"
)

// IntakeRequest is a walk-in application at the counter (窗口收件).
// Scanned materials are named by their scan keys (source upload).
type IntakeRequest struct {
	ItemCode         string                      `json:"item_code"`
	ApplicantType    string                      `json:"applicant_type"`
	Applicant        Applicant                   `json:"applicant"`
	CompanyUSCC      string                      `json:"company_uscc"`
	Materials        []workflow.ProvidedMaterial `json:"materials"`
	Promised         []workflow.PromisedMaterial `json:"promised"`
	CommitmentSigned bool                        `json:"commitment_signed"`
	Delivery         workflow.Delivery           `json:"delivery"`
}

// Applicant is the person at the counter, in clear.
type Applicant struct {
	Name     string `json:"name"`
	IDNumber string `json:"id_number"`
	Phone    string `json:"phone"`
}

// Intake is what a counter intake did: the case, submitted, the clerk's
// claim on it, and the applicant with their id.
type Intake struct {
	Case        workflow.Case
	Claim       Claim
	ApplicantID string
	Applicant   Applicant
}

// intakeOf is an application checked and ready to be opened.
type intakeOf struct {
	item    workflow.Item
	kind    workflow.ApplicantType
	subject string // whose credit standing counts
	person  Applicant
}

// Intake registers a walk-in application into the same workflow as online
// ones: the applicant is found or registered after a real-name check, the
// credit library is asked, and the case is opened and submitted by the
// clerk, who then holds it. The submission is tried on the engine first,
// so a refused one stores nothing.
//
// With idem, a retry answers as the first time and opens no second case:
// the case id is derived from the key, its opening and its submission are
// each recorded under the key, and a case a failed attempt left opened but
// not submitted is submitted by the retry.
func (s *Service) Intake(ctx context.Context, who Caller, r IntakeRequest, idem *workflow.IdempotencyRequest) (Intake, error) {
	if s.cfg.Population == nil || s.cfg.Sealer == nil || s.cfg.Numbers == nil || s.cfg.Credit == nil || s.cfg.Cases == nil {
		return Intake{}, workflow.Refuse(workflow.ErrUnavailable, "intake_disabled", "窗口收件未启用")
	}
	now := s.cfg.Now()
	in, err := s.checkIntake(ctx, who, r, now)
	if err != nil {
		return Intake{}, err
	}
	applicant, err := s.register(ctx, in.person.Name, in.person.IDNumber, in.person.Phone)
	if err != nil {
		return Intake{}, err
	}
	draft, ev := s.counterSubmission(ctx, who, in, r, applicant, now)
	// Dry run: nothing is stored for a submission the engine refuses.
	trial, _, err := s.cfg.Engine.New(draft)
	if err == nil {
		_, _, _, err = s.cfg.Engine.Apply(trial, ev)
	}
	if err != nil {
		return Intake{}, err
	}
	cs, err := s.openAndSubmit(ctx, draft, ev, idem)
	if err != nil {
		return Intake{}, err
	}
	cl, err := s.intakeClaim(ctx, who, cs, idem != nil)
	if err != nil {
		return Intake{}, err
	}
	s.cfg.Log.InfoContext(ctx, "counter intake", "staff_id", who.ID, "case_id", cs.ID, "status", cs.Status)
	return Intake{Case: cs, Claim: cl, ApplicantID: applicant, Applicant: in.person}, nil
}

// checkIntake checks the application: an item of the caller's department,
// a valid applicant, at most 50 materials, scans that exist.
func (s *Service) checkIntake(ctx context.Context, who Caller, r IntakeRequest, now time.Time) (intakeOf, error) {
	it, err := s.cfg.Engine.Catalogue().Lookup(r.ItemCode)
	if err != nil {
		return intakeOf{}, refuse(workflow.ErrInvalidInput, "invalid_field", "办理事项不存在", field("item_code"))
	}
	if it.Department != who.Department {
		return intakeOf{}, workflow.Refuse(workflow.ErrForbidden, "other_department", "只能受理本部门的事项")
	}
	in, err := checkApplicant(r, now)
	if err != nil {
		return intakeOf{}, err
	}
	in.item = it
	if len(r.Materials) > 50 || len(r.Promised) > 50 {
		return intakeOf{}, refuse(workflow.ErrInvalidInput, "invalid_field", "材料过多", field("materials"))
	}
	for i, m := range r.Materials {
		if m.Source == workflow.SourceUpload && !s.scanExists(ctx, m.Ref) {
			return intakeOf{}, refuse(workflow.ErrInvalidInput, "unknown_scan", "扫描件不存在，请重新扫描", map[string]any{"field": "materials", "index": i})
		}
	}
	return in, nil
}

// checkApplicant checks the person at the counter and, for a business,
// its credit code, whose standing then counts.
func checkApplicant(r IntakeRequest, now time.Time) (intakeOf, error) {
	id, err := ident.ParseResidentID(r.Applicant.IDNumber, now)
	if err != nil {
		return intakeOf{}, refuse(workflow.ErrInvalidInput, "invalid_id_number", "身份证号码不正确", field("applicant.id_number"))
	}
	name := strings.TrimSpace(r.Applicant.Name)
	if name == "" || utf8.RuneCountInString(name) > 64 || len(r.Applicant.Phone) > 20 {
		return intakeOf{}, refuse(workflow.ErrInvalidInput, "invalid_field", "请填写申请人姓名和联系电话", field("applicant"))
	}
	in := intakeOf{kind: workflow.ApplicantType(r.ApplicantType), subject: id.Number,
		person: Applicant{Name: name, IDNumber: id.Number, Phone: r.Applicant.Phone}}
	switch in.kind {
	case "", workflow.ApplicantPerson:
		in.kind = workflow.ApplicantPerson
	case workflow.ApplicantBusiness:
		code, err := ident.ParseUSCC(r.CompanyUSCC)
		if err != nil {
			return intakeOf{}, refuse(workflow.ErrInvalidInput, "invalid_uscc", "统一社会信用代码不正确", field("company_uscc"))
		}
		in.subject = code.Code
	default:
		return intakeOf{}, refuse(workflow.ErrInvalidInput, "invalid_field", "申请人类型须为 person 或 business", field("applicant_type"))
	}
	return in, nil
}

// scanKey is the form of a stored file's key (hex SHA-256).
var scanKey = regexp.MustCompile(`^[0-9a-f]{64}$`)

// scanExists reports whether ref names a stored scan.
func (s *Service) scanExists(ctx context.Context, ref string) bool {
	if s.cfg.Scans == nil || !scanKey.MatchString(ref) {
		return false
	}
	r, err := s.cfg.Scans.Open(ctx, ref)
	if err != nil {
		return false
	}
	_ = r.Close()
	return true
}

// counterSubmission is the draft of the case and the clerk's submission of
// it, with the credit standing and, for a trust-first item whose
// commitment the applicant signed at the counter, the signature.
func (s *Service) counterSubmission(ctx context.Context, who Caller, in intakeOf, r IntakeRequest, applicant string, now time.Time) (workflow.Draft, workflow.Submit) {
	actor := workflow.Actor{Kind: workflow.ActorClerk, ID: who.ID}
	ev := workflow.Submit{Meta: workflow.Meta{Actor: actor, At: now}, Materials: r.Materials, Promised: r.Promised,
		Credit: s.cfg.Credit.Standing(ctx, in.subject), Delivery: r.Delivery}
	if r.CommitmentSigned && in.item.TrustFirst {
		ev.Signature = &workflow.Signature{TemplateVersion: in.item.Commitment.TemplateVersion, TextHash: in.item.Commitment.TextHash,
			SignedAt: now, Channel: workflow.ChannelCounter}
	}
	draft := workflow.Draft{ID: s.cfg.NewID(), Number: "pending", ItemCode: in.item.Code, ApplicantID: applicant,
		Channel: workflow.ChannelCounter, ApplicantType: in.kind, Actor: actor, At: now}
	return draft, ev
}

// openAndSubmit numbers, opens and submits the case. With idem the case id
// comes from the key, so a retry finds the case (and its number) again,
// and both steps answer a retry from their record.
func (s *Service) openAndSubmit(ctx context.Context, draft workflow.Draft, ev workflow.Submit, idem *workflow.IdempotencyRequest) (workflow.Case, error) {
	var opened, submitted *workflow.IdempotencyRequest
	if idem != nil {
		draft.ID = keyedCaseID(idem)
		o, sub := *idem, *idem
		o.Scope, sub.Scope = idem.Scope+":open", idem.Scope+":submit"
		opened, submitted = &o, &sub
		earlier, err := s.cfg.Cases.Get(ctx, draft.ID)
		switch {
		case err == nil:
			draft.Number = earlier.Number
		case !errors.Is(err, workflow.ErrNotFound):
			return workflow.Case{}, err
		}
	}
	if draft.Number == "pending" {
		n, err := s.cfg.Numbers.NextCaseNumber(ctx, draft.At)
		if err != nil {
			return workflow.Case{}, err
		}
		draft.Number = n
	}
	cs, err := s.cfg.Cases.Create(ctx, draft, opened)
	if err != nil {
		return workflow.Case{}, err
	}
	return s.cfg.Cases.Do(ctx, cs.ID, ev, submitted)
}

// keyedCaseID is the case id an idempotent intake opens: a hash of the
// key and its scope, in the form of a UUID.
func keyedCaseID(idem *workflow.IdempotencyRequest) string {
	sum := sha256.Sum256([]byte("counter-intake\n" + idem.Scope + "\n" + idem.Key))
	h := hex.EncodeToString(sum[:16])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// intakeClaim gives the clerk the case. A retry (keyed) keeps the claim the
// first attempt took.
func (s *Service) intakeClaim(ctx context.Context, who Caller, cs workflow.Case, keyed bool) (Claim, error) {
	if keyed {
		cl, err := s.liveClaim(ctx, cs.ID)
		if err != nil {
			return Claim{}, err
		}
		if cl != nil && cl.StaffID == who.ID {
			return *cl, nil
		}
	}
	cl, err := s.cfg.Store.Claim(ctx, cs.ID, cs.Department, who.ID, s.cfg.Now(), s.cfg.ClaimLease)
	if err != nil {
		return Claim{}, claimError(err)
	}
	return cl, nil
}
