package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"zerovisit/handlers"
	"zerovisit/handlers/session"
	"zerovisit/integrations/basedata"
	"zerovisit/integrations/credit"
	"zerovisit/integrations/elicense"
	"zerovisit/integrations/httpx"
	"zerovisit/models"
	"zerovisit/models/kv"
	"zerovisit/web/console"
	"zerovisit/workflow"
	"zerovisit/workflow/desk"
	"zerovisit/workflow/files"
	"zerovisit/workflow/staff"
)

// maxScanBytes bounds one scan made at a counter (the HTTP body limit,
// ZEROVISIT_HTTP_MAX_BODY_BYTES, applies as well).
const maxScanBytes = 10 << 20

// staffDeps assembles what the staff endpoints need, and records the
// supervision cards the workflow raises (warn_supervisor effects) for the
// supervisors' feed. Walk-in applicants join the directory of holders
// licences and credit records are written against.
func (a *App) staffDeps() (handlers.StaffDeps, error) {
	store := models.NewStaffStore(a.db)
	a.effects.Handle(workflow.KindWarnSupervisor, func(ctx context.Context, e workflow.OutboxEntry, eff workflow.Effect) error {
		return store.RecordAlert(ctx, e.ID, eff.(workflow.WarnSupervisor), time.Now())
	})
	svc, err := a.staffService(store)
	if err != nil {
		return handlers.StaffDeps{}, err
	}
	a.holders = walkinHolders{staff: svc, next: a.holders}
	return handlers.StaffDeps{
		Service:      svc,
		Departments:  a.staffDepartments(),
		Followups:    a.followups(),
		Blobs:        a.blobs,
		Console:      console.Files(),
		MaxScanBytes: maxScanBytes,
		Calendar:     a.calendar,
	}, nil
}

// staffService is the staff area's domain service over its store and the
// parties counter intake and verification ask.
func (a *App) staffService(store *models.StaffStore) (*staff.Service, error) {
	passwords, err := a.staffPasswords()
	if err != nil {
		return nil, err
	}
	var checker staff.Passwords = passwords
	if a.wrapPasswords != nil {
		checker = a.wrapPasswords(passwords)
	}
	sc := a.cfg.Staff
	cfg := staff.Config{
		Store: store, Passwords: checker, Cases: a.svc, Claimed: a.repo, Engine: a.svc.Engine(), Departments: a.staffDepartments(),
		ClaimLease: sc.ClaimLease, Login: staff.LoginPolicy{MaxFailures: sc.LoginMaxFailures, LockFor: sc.LoginLockout},
		Attempts:   kv.TolerantLimiter(a.kv, a.local, a.log),
		Sessions:   session.StaffSessions{Tokens: a.tokens},
		Population: population{a.parties.basedata}, Sealer: a.sealer, Credit: creditStandings{a.parties.credit},
		Numbers: a.repo, Scans: a.blobs, ScanQuota: files.Quota(a.cfg.Staff.Scans), Licences: licences{a.parties.elicense},
		Holders: appHolders{app: a}, Doors: doorChecks{app: a}, NewID: uuid.NewString, Log: a.log,
	}
	if a.citizen != nil && a.citizen.citizens != nil {
		cfg.Citizens = citizenPersons{a.citizen.citizens}
	}
	return staff.New(cfg)
}

// doorChecks reads the courier desk's checks at the door for the staff
// area; the desk is wired after it, so it is looked up at each call.
type doorChecks struct{ app *App }

func (d doorChecks) DoorEvidence(ctx context.Context, caseID string) ([]desk.DoorEvidence, error) {
	if d.app.courier.desk == nil {
		return []desk.DoorEvidence{}, nil
	}
	return d.app.courier.desk.DoorEvidence(ctx, caseID)
}

func (d doorChecks) DoorPhoto(ctx context.Context, caseID, key string) (string, error) {
	if d.app.courier.desk == nil {
		return "", workflow.Refuse(workflow.ErrNotFound, "photo_not_found", "该办件没有这张上门核验照片")
	}
	return d.app.courier.desk.DoorPhoto(ctx, caseID, key)
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

// creditStandings asks the (cached) credit library for a subject's
// standing: its status and, when the library answered, its false
// commitments and credit repair.
type creditStandings struct{ svc credit.Service }

func (c creditStandings) Standing(ctx context.Context, subjectID string) (workflow.CreditStatus, workflow.CreditHistory) {
	s, err := c.svc.Status(ctx, subjectID)
	if st := credit.StatusOf(s, err); st != workflow.CreditUnknown {
		return st, s.History()
	}
	return workflow.CreditUnknown, workflow.CreditHistory{}
}

// population is the population library as the staff area asks it: an
// unknown number is workflow.ErrNotFound, a library out of reach
// workflow.ErrUnavailable.
type population struct{ client *basedata.Client }

func (p population) VerifyRealName(ctx context.Context, name, idNumber string) (bool, error) {
	ok, err := p.client.VerifyRealName(ctx, name, idNumber)
	switch {
	case errors.Is(err, basedata.ErrNoRecord):
		return false, fmt.Errorf("%w: %w", workflow.ErrNotFound, err)
	case errors.Is(err, httpx.ErrUnavailable):
		return false, fmt.Errorf("%w: %w", workflow.ErrUnavailable, err)
	}
	return ok, err
}

// licences is the e-license library's lookup in the staff area's terms.
type licences struct{ client *elicense.Client }

func (l licences) Lookup(ctx context.Context, holderID, licenceType string) (staff.LicenceLookup, error) {
	found, err := l.client.Lookup(ctx, holderID, licenceType)
	if err != nil {
		return staff.LicenceLookup{}, err
	}
	out := staff.LicenceLookup{Degraded: found.Degraded, Reason: found.Reason}
	for _, lic := range found.Licences {
		out.Licences = append(out.Licences, staff.Licence{ID: lic.ID, Name: lic.Name})
	}
	return out, nil
}

// citizenPersons finds a walk-in's mini-program account.
type citizenPersons struct{ citizens *models.Citizens }

func (c citizenPersons) FindPerson(ctx context.Context, idNumber string) (string, workflow.Assurance, error) {
	known, err := c.citizens.FindPerson(ctx, idNumber)
	return known.ID, known.Level(), err
}

// appHolders is the App's directory of holders in the staff area's terms.
type appHolders struct{ app *App }

func (h appHolders) Holder(ctx context.Context, applicantID string) (staff.Holder, error) {
	got, err := h.app.holders.Holder(ctx, applicantID)
	return staff.Holder{ID: got.ID, Name: got.Name}, err
}

// walkinHolders resolves walk-in applicants through the staff area and
// passes everyone else on to next.
type walkinHolders struct {
	staff *staff.Service
	next  holderDirectory
}

func (w walkinHolders) Holder(ctx context.Context, applicantID string) (holder, error) {
	got, ok, err := w.staff.WalkinHolder(ctx, applicantID)
	if !ok {
		return w.next.Holder(ctx, applicantID)
	}
	return holder{ID: got.ID, Name: got.Name}, err
}
