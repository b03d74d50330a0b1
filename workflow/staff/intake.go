package staff

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"zerovisit/workflow"
	"zerovisit/workflow/ident"
)

// IntakeRequest is a walk-in application at the counter (窗口收件).
// Scanned materials are named by their scan keys (source upload).
// CommitmentLetter is the scan key of the commitment letter (告知承诺书)
// the applicant signed at the counter: that scan is the signature of a
// trust-first item. CommitmentSigned, the box older consoles tick, must
// not be set without it.
type IntakeRequest struct {
	ItemCode         string                      `json:"item_code"`
	ApplicantType    string                      `json:"applicant_type"`
	Applicant        Applicant                   `json:"applicant"`
	CompanyUSCC      string                      `json:"company_uscc"`
	Materials        []workflow.ProvidedMaterial `json:"materials"`
	Promised         []workflow.PromisedMaterial `json:"promised"`
	CommitmentSigned bool                        `json:"commitment_signed"`
	CommitmentLetter string                      `json:"commitment_letter"`
	Delivery         workflow.Delivery           `json:"delivery"`
	// DeliveryContact is the recipient of a courier delivery (邮寄送达).
	DeliveryContact *DeliveryContact `json:"delivery_contact,omitempty"`
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
// credit library is asked, and the case is opened, submitted by the clerk
// and held by them, in one transaction: a failure stores no case at all.
//
// The Idempotency-Key (idem) is required: a retry answers as the first
// time, before any remote party is asked, and opens no second case; two
// attempts racing with one key open one case, its id derived from the key.
func (s *Service) Intake(ctx context.Context, who Caller, r IntakeRequest, idem *workflow.IdempotencyRequest) (Intake, error) {
	if s.cfg.Population == nil || s.cfg.Sealer == nil || s.cfg.Numbers == nil || s.cfg.Credit == nil || s.cfg.Cases == nil {
		return Intake{}, workflow.Refuse(workflow.ErrUnavailable, "intake_disabled", "窗口收件未启用")
	}
	if idem == nil {
		return Intake{}, refuse(workflow.ErrMalformed, "idempotency_key_required", "窗口收件须携带幂等键（Idempotency-Key），以免重复提交产生两件办件", field("Idempotency-Key"))
	}
	now := s.cfg.Now()
	in, err := s.checkIntake(ctx, who, r, keyedCaseID(idem), now)
	if err != nil {
		return Intake{}, err
	}
	cs, err := s.cfg.Cases.OpenSubmitted(ctx, idem, func(ctx context.Context) (workflow.Opening, error) {
		return s.opening(ctx, who, in, r, idem, now)
	})
	if err != nil {
		return Intake{}, err
	}
	cl, err := s.liveClaim(ctx, cs.ID)
	if err != nil {
		return Intake{}, err
	}
	if cl == nil || cl.StaffID != who.ID {
		// A retry after the clerk's hold ran out, or after another took it.
		if cl, err = s.intakeClaim(ctx, who, cs); err != nil {
			return Intake{}, err
		}
	}
	s.cfg.Log.InfoContext(ctx, "counter intake", "staff_id", who.ID, "case_id", cs.ID, "status", cs.Status)
	return Intake{Case: cs, Claim: *cl, ApplicantID: cs.ApplicantID, Applicant: in.person}, nil
}

// opening registers the applicant and makes the case a new intake opens:
// its draft (id from the key, a fresh number), the clerk's submission and
// the clerk's hold on it. It runs for a new request only.
func (s *Service) opening(ctx context.Context, who Caller, in intakeOf, r IntakeRequest, idem *workflow.IdempotencyRequest, now time.Time) (workflow.Opening, error) {
	applicant, err := s.register(ctx, in.person.Name, in.person.IDNumber, in.person.Phone)
	if err != nil {
		return workflow.Opening{}, err
	}
	draft, ev := s.counterSubmission(ctx, who, in, r, applicant, now)
	draft.ID = keyedCaseID(idem)
	if r.DeliveryContact != nil {
		if ev.Delivery.AddressRef, err = s.counterAddress(draft.ID, *r.DeliveryContact); err != nil {
			return workflow.Opening{}, err
		}
	}
	// Tried on the engine first, so a refused one draws no case number.
	trial, _, err := s.cfg.Engine.New(draft)
	if err == nil {
		_, _, _, err = s.cfg.Engine.Apply(trial, ev)
	}
	if err != nil {
		return workflow.Opening{}, err
	}
	if draft.Number, err = s.cfg.Numbers.NextCaseNumber(ctx, draft.At, in.item.ImplCode); err != nil {
		return workflow.Opening{}, err
	}
	return workflow.Opening{Draft: draft, Submit: ev,
		Hold: &workflow.Hold{StaffID: who.ID, Department: who.Department, At: now, Until: now.Add(s.cfg.ClaimLease)}}, nil
}

// checkIntake checks the application, which opens case caseID: an item of
// the caller's department, a valid applicant, at most 50 materials, scans
// that exist and fit the case's scan quota, a letter of its own.
func (s *Service) checkIntake(ctx context.Context, who Caller, r IntakeRequest, caseID string, now time.Time) (intakeOf, error) {
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
	if err := s.checkLetter(ctx, it, r, caseID); err != nil {
		return intakeOf{}, err
	}
	if err := checkDelivery(r); err != nil {
		return intakeOf{}, err
	}
	scanned := r.Materials
	if r.CommitmentLetter != "" {
		scanned = append(slices.Clone(r.Materials), workflow.ProvidedMaterial{Source: workflow.SourceUpload, Ref: r.CommitmentLetter})
	}
	if err := s.checkScans(ctx, scanned); err != nil {
		return intakeOf{}, err
	}
	return in, nil
}

// checkLetter checks the commitment letter of an intake. A box ticked
// without the scan is refused rather than taken to the ordinary path: the
// clerk says the applicant signed, so quietly denying them trust first
// would be wrong, and trusting them on the clerk's word alone would leave
// nothing to show who signed; the clerk scans the letter, or clears the
// box for an applicant who does not sign (then the ordinary path). A
// letter is one case's commitment: one another case (not caseID, which a
// retry opens again) already holds is refused, so one signed paper
// cannot be passed off as another applicant's.
func (s *Service) checkLetter(ctx context.Context, it workflow.Item, r IntakeRequest, caseID string) error {
	switch {
	case r.CommitmentLetter == "" && r.CommitmentSigned && it.TrustFirst:
		return refuse(workflow.ErrInvalidInput, "commitment_letter_required",
			"请扫描申请人签字的告知承诺书后再受理；申请人不签署的，请取消勾选，按一般程序办理", field("commitment_letter"))
	case r.CommitmentLetter == "":
		return nil
	case !it.TrustFirst:
		return refuse(workflow.ErrInvalidInput, "invalid_field", "该事项未实行告知承诺制，无需告知承诺书", field("commitment_letter"))
	case !s.scanExists(ctx, r.CommitmentLetter):
		return refuse(workflow.ErrInvalidInput, "unknown_scan", "告知承诺书扫描件不存在，请重新扫描", field("commitment_letter"))
	}
	held, err := s.cfg.Store.LetterCase(ctx, r.CommitmentLetter)
	switch {
	case errors.Is(err, workflow.ErrNotFound):
		return nil
	case err != nil:
		return fmt.Errorf("intake: case of the letter: %w", err)
	case held != caseID:
		return refuse(workflow.ErrInvalidInput, "commitment_letter_used", "该告知承诺书扫描件已用于其他办件，请扫描本申请人签字的承诺书", field("commitment_letter"))
	}
	return nil
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

// counterSubmission is the draft of the case, with the blind index of the
// identity its sanctions follow, and the clerk's submission of it, with
// the credit standing and, for a trust-first item whose
// commitment the applicant signed at the counter, the signature with the
// scan of the signed letter.
func (s *Service) counterSubmission(ctx context.Context, who Caller, in intakeOf, r IntakeRequest, applicant string, now time.Time) (workflow.Draft, workflow.Submit) {
	actor := workflow.Actor{Kind: workflow.ActorClerk, ID: who.ID}
	ev := workflow.Submit{Meta: workflow.Meta{Actor: actor, At: now}, Materials: r.Materials, Promised: r.Promised,
		Delivery: r.Delivery,
		// Intake at a counter checks the physical ID card of the person
		// there (the console's intake form asks the clerk to).
		Assurance: workflow.AssuranceVerifiedPerson}
	ev.Credit, ev.History = s.cfg.Credit.Standing(ctx, in.subject)
	if r.CommitmentLetter != "" && in.item.TrustFirst {
		ev.Signature = &workflow.Signature{TemplateVersion: in.item.Commitment.TemplateVersion, TextHash: in.item.Commitment.TextHash,
			SignedAt: now, Channel: workflow.ChannelCounter, Letter: r.CommitmentLetter}
	}
	draft := workflow.Draft{ID: s.cfg.NewID(), Number: "pending", ItemCode: in.item.Code, ApplicantID: applicant,
		Channel: workflow.ChannelCounter, ApplicantType: in.kind, Actor: actor, At: now,
		SubjectIndex: workflow.SubjectIndexOf(s.cfg.Sealer, in.kind, in.subject)}
	return draft, ev
}

// keyedCaseID is the case id an idempotent intake opens: a hash of the
// key and its scope, in the form of a UUID.
func keyedCaseID(idem *workflow.IdempotencyRequest) string {
	sum := sha256.Sum256([]byte("counter-intake\n" + idem.Scope + "\n" + idem.Key))
	h := hex.EncodeToString(sum[:16])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// intakeClaim gives the clerk the case again on a retry that found their
// hold gone.
func (s *Service) intakeClaim(ctx context.Context, who Caller, cs workflow.Case) (*Claim, error) {
	cl, err := s.cfg.Store.Claim(ctx, cs.ID, cs.Department, who.ID, s.cfg.Now(), s.cfg.ClaimLease)
	if err != nil {
		return nil, claimError(err)
	}
	return &cl, nil
}
