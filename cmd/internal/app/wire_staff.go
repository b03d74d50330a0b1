package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"zerovisit/handlers"
	"zerovisit/integrations/basedata"
	"zerovisit/integrations/credit"
	"zerovisit/integrations/httpx"
	"zerovisit/models"
	"zerovisit/models/pii"
	"zerovisit/web/console"
	"zerovisit/workflow"
	"zerovisit/workflow/ident"
)

// maxScanBytes bounds one scan made at a counter (the HTTP body limit,
// ZEROVISIT_HTTP_MAX_BODY_BYTES, applies as well).
const maxScanBytes = 10 << 20

// staffDeps assembles what the staff endpoints need, and records the
// supervision cards the workflow raises (warn_supervisor effects) for the
// supervisors' feed.
func (a *App) staffDeps() (handlers.StaffDeps, error) {
	store := models.NewStaffStore(a.db)
	passwords, err := a.staffPasswords()
	if err != nil {
		return handlers.StaffDeps{}, err
	}
	a.effects.Handle(workflow.KindWarnSupervisor, func(ctx context.Context, e workflow.OutboxEntry, eff workflow.Effect) error {
		return store.RecordAlert(ctx, e.ID, eff.(workflow.WarnSupervisor), time.Now())
	})
	counter := counterCitizens{store: store, sealer: a.sealer, library: a.parties.basedata, now: time.Now, next: a.holders}
	if a.citizen != nil {
		counter.citizens = a.citizen.deps.Citizens
	}
	a.holders = counter
	sc := a.cfg.Staff
	return handlers.StaffDeps{
		Store:        store,
		Passwords:    passwords,
		Departments:  a.staffDepartments(),
		Citizens:     counter,
		Credit:       creditStandings{a.parties.credit},
		Libraries:    &libraryChecker{app: a, store: store},
		Numbers:      a.repo,
		Followups:    a.followups(),
		Blobs:        a.blobs,
		Console:      console.Files(),
		ClaimLease:   sc.ClaimLease,
		Login:        models.LoginPolicy{MaxFailures: sc.LoginMaxFailures, LockFor: sc.LoginLockout},
		MaxScanBytes: maxScanBytes,
	}, nil
}

// staffPasswords is the argon2id hasher with the configured costs.
func (a *App) staffPasswords() (*models.PasswordHasher, error) {
	sc := a.cfg.Staff
	return models.NewPasswordHasher(models.PasswordParams{
		MemoryKiB: uint32(sc.PasswordMemoryKiB), Time: uint32(sc.PasswordTime), Threads: 2,
	}, sc.PasswordConcurrency)
}

// staffDepartments are the approving departments by code and name.
func (a *App) staffDepartments() []workflow.Department {
	out := make([]workflow.Department, 0, len(a.departments))
	for _, d := range a.departments {
		out = append(out, workflow.Department{Code: d.Code, Name: d.Name})
	}
	return out
}

// startStaffWorkers starts the staff area's background work, if it has any.
// Lapsed claims need no sweeping: a claim past its expiry is free by
// definition, and the next claim overwrites it.
func (a *App) startStaffWorkers(ctx context.Context) {}

// creditStandings asks the (cached) credit library for a subject's standing.
type creditStandings struct{ svc credit.Service }

func (c creditStandings) Standing(ctx context.Context, subjectID string) workflow.CreditStatus {
	return credit.StatusOf(c.svc.Status(ctx, subjectID))
}

// counterCitizens is the minimal walk-in applicant register behind
// handlers.CounterCitizens, until the citizen store offers one: the name
// and ID number must match in the population library; the identity is
// kept sealed (SM4) in counter_applicants and found again by its blind
// index, the same index kind the citizen store uses for resident IDs.
type counterCitizens struct {
	store   *models.StaffStore
	sealer  *pii.Sealer
	library *basedata.Client
	now     func() time.Time
	// next resolves applicants who are not walk-ins.
	next holderDirectory
	// citizens are the mini-program accounts: a walk-in who already bound
	// their real name there is the same citizen, with one case history.
	citizens *models.Citizens
}

// counterIDPrefix marks applicant ids registered at a counter.
const counterIDPrefix = "ca-"

func (c counterCitizens) FindOrRegister(ctx context.Context, name, idNumber, phone string) (string, error) {
	id, err := ident.ParseResidentID(idNumber, c.now())
	if err != nil {
		return "", &handlers.APIError{Status: http.StatusUnprocessableEntity, Code: "invalid_id_number", Message: "身份证号码不正确"}
	}
	match, err := c.library.VerifyRealName(ctx, name, id.Number)
	switch {
	case errors.Is(err, basedata.ErrNoRecord):
		return "", &handlers.APIError{Status: http.StatusUnprocessableEntity, Code: "real_name_unknown", Message: "人口库中查无此身份证号"}
	case errors.Is(err, httpx.ErrUnavailable):
		return "", fmt.Errorf("register counter applicant: %w: population library: %w", workflow.ErrUnavailable, err)
	case err != nil:
		return "", fmt.Errorf("register counter applicant: %w", err)
	case !match:
		return "", &handlers.APIError{Status: http.StatusUnprocessableEntity, Code: "real_name_mismatch", Message: "姓名与身份证号码不一致"}
	}
	if c.citizens != nil {
		if known, err := c.citizens.FindPerson(ctx, id.Number); err == nil {
			return known.ID, nil
		} else if !errors.Is(err, workflow.ErrNotFound) {
			return "", fmt.Errorf("register counter applicant: %w", err)
		}
	}
	newID := counterIDPrefix + uuid.NewString()
	seal := func(v, field string) (string, error) { return c.sealer.Seal(v, "counter_applicant:"+newID+":"+field) }
	idS, err1 := seal(id.Number, "id_number")
	nameS, err2 := seal(name, "name")
	phoneS, err3 := seal(phone, "phone")
	if err := errors.Join(err1, err2, err3); err != nil {
		return "", fmt.Errorf("register counter applicant: %w", err)
	}
	got, _, err := c.store.FindOrCreateApplicant(ctx, models.CounterApplicant{ID: newID, IDIndex: c.sealer.Index("resident_id", id.Number),
		IDSealed: idS, NameSealed: nameS, PhoneSealed: phoneS, CreatedAt: c.now()})
	if err != nil {
		return "", err
	}
	return got.ID, nil
}

// Holder resolves a walk-in applicant for licences and credit records, and
// passes everyone else on to next.
func (c counterCitizens) Holder(ctx context.Context, applicantID string) (holder, error) {
	if !strings.HasPrefix(applicantID, counterIDPrefix) {
		return c.next.Holder(ctx, applicantID)
	}
	return c.identity(ctx, applicantID)
}

// identity opens a walk-in applicant's sealed ID number and name.
func (c counterCitizens) identity(ctx context.Context, applicantID string) (holder, error) {
	a, err := c.store.CounterApplicantByID(ctx, applicantID)
	if err != nil {
		return holder{}, err
	}
	number, err1 := c.sealer.Open(a.IDSealed, "counter_applicant:"+a.ID+":id_number")
	name, err2 := c.sealer.Open(a.NameSealed, "counter_applicant:"+a.ID+":name")
	if err := errors.Join(err1, err2); err != nil {
		return holder{}, fmt.Errorf("open counter applicant %s: %w", a.ID, err)
	}
	return holder{ID: number, Name: name}, nil
}

// libraryChecker checks a material of a case under verification against
// the e-license library (the holder's licences) and the population library
// (the holder's real name), for the clerk to record as evidence.
type libraryChecker struct {
	app   *App
	store *models.StaffStore
}

func (l *libraryChecker) Check(ctx context.Context, c workflow.Case, material string) (handlers.LibraryCheck, error) {
	a := l.app
	res := handlers.LibraryCheck{Material: material}
	it, err := a.svc.Engine().Catalogue().Lookup(c.ItemCode)
	if err != nil {
		return res, err
	}
	m, _ := it.Material(material)
	var h holder
	if strings.HasPrefix(c.ApplicantID, counterIDPrefix) {
		h, err = counterCitizens{store: l.store, sealer: a.sealer}.identity(ctx, c.ApplicantID)
	} else {
		h, err = a.holders.Holder(ctx, c.ApplicantID)
	}
	if err != nil {
		res.Degraded, res.Summary = true, "无法确认申请人身份，请人工核验原件"
		return res, nil
	}
	kind, arg := m.Source.Kind(), m.Source.Arg()
	if kind == workflow.SourceBaseData {
		res.Source = string(workflow.SourceBaseData)
		ok, err := a.parties.basedata.VerifyRealName(ctx, h.Name, h.ID)
		if err != nil {
			res.Degraded, res.Summary = true, "人口库暂不可用，请人工核验"
			return res, nil
		}
		res.Found, res.Summary, res.Evidence = ok, "人口库实名信息"+map[bool]string{true: "一致", false: "不一致"}[ok], "basedata:verify_real_name"
		return res, nil
	}
	licenceType := ""
	if kind == workflow.SourceELicense {
		licenceType = arg
	}
	res.Source = string(workflow.SourceELicense)
	found, err := a.parties.elicense.Lookup(ctx, h.ID, licenceType)
	if err != nil {
		return res, fmt.Errorf("check material %s of case %s: %w", material, c.ID, err)
	}
	if found.Degraded {
		res.Degraded, res.Summary = true, found.Reason
		return res, nil
	}
	var names, ids []string
	for _, lic := range found.Licences {
		names, ids = append(names, lic.Name), append(ids, lic.ID)
	}
	res.Found = len(ids) > 0
	res.Summary = "电子证照库中有效证照：" + strings.Join(names, "、")
	if !res.Found {
		res.Summary = found.Reason
	}
	if res.Found {
		res.Evidence = "elicense:" + strings.Join(ids, ",")
	}
	return res, nil
}
