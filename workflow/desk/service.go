package desk

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/files"
	"zerovisit/workflow/parcel"
	"zerovisit/workflow/quota"
)

// Cases is the part of the workflow the desk drives (*workflow.Service).
// DoOn applies an event to a case as the desk has just read it (or as the
// previous event left it), without reading it again. Plan works out the
// change a leg's news makes to its case without storing it, so the store
// writes it with the leg's move (Store.MoveAndSync); Stored is told after.
type Cases interface {
	Get(ctx context.Context, id string) (workflow.Case, error)
	Do(ctx context.Context, id string, ev workflow.Event, idem *workflow.IdempotencyRequest) (workflow.Case, error)
	DoOn(ctx context.Context, c workflow.Case, ev workflow.Event, idem *workflow.IdempotencyRequest, guard *workflow.Guard) (workflow.Case, error)
	Plan(c workflow.Case, next func(workflow.Case) workflow.Event) (workflow.Case, workflow.Change, bool, error)
	Stored(ch workflow.Change)
}

// Recipients resolves the applicant's address book entry a case names
// (workflow.Delivery.AddressRef) to a contact, in clear. ErrNotFound when
// the entry does not exist; workflow.ErrNoIntegration while no address book
// is connected (the leg's order then waits in the outbox).
type Recipients interface {
	Recipient(ctx context.Context, c workflow.Case, addressRef string) (parcel.Contact, error)
}

// Identities checks a recipient's ID number against the applicant's,
// without either being kept: MatchesApplicant compares blind indexes.
type Identities interface {
	MatchesApplicant(ctx context.Context, applicantID, idNumber string) (bool, error)
}

// Passwords hashes and checks courier passwords (models.BcryptPasswords).
type Passwords interface {
	// Hash returns the stored form of a new password.
	Hash(password string) (string, error)
	// Verify reports whether password matches hash. An empty hash matches
	// nothing but takes as long as a real check, so a sign-in of an
	// unknown phone cannot be told apart by its time.
	Verify(hash, password string) bool
}

// Sealer protects personal data at rest (*pii.Sealer).
type Sealer interface {
	Seal(plain, context string) (string, error)
	Open(sealed, context string) (string, error)
	Index(kind, value string) string
}

// Postage says which items charge postage for the delivery of their result
// (in fen, paid by the applicant on delivery); every other delivery, and
// every pickup and return, is paid by the government's account.
type Postage map[string]int64

// For returns the postage of item's delivery and who pays it.
func (p Postage) For(item string) (int64, parcel.Payer) {
	if fen := p[item]; fen > 0 {
		return fen, parcel.PayerRecipient
	}
	return 0, parcel.PayerAccount
}

// Config is what a Service needs.
type Config struct {
	Store Store
	Cases Cases
	// Catalogue names items and materials in the courier's views.
	Catalogue  workflow.Catalogue
	Providers  map[string]parcel.Provider
	Recipients Recipients
	Identities Identities
	Sealer     Sealer
	// PickupProvider and DeliveryProvider name the provider each kind of
	// leg is ordered from.
	PickupProvider, DeliveryProvider string
	// CallbackURL is our callback for a provider's route pushes.
	CallbackURL func(provider string) string
	// Office is a department's receiving counter, the department end of
	// every leg.
	Office  func(department string) parcel.Contact
	Postage Postage
	// MaxAttempts is how many failed delivery attempts make a leg
	// undeliverable (default 3).
	MaxAttempts int
	// LostAfter is how long a parcel past pickup may go without moving
	// before it is declared lost (default 7 days).
	LostAfter time.Duration
	// PushWindow is how old a route point a push carries may be: a push with
	// an older one (a replay of a captured push, say) is refused whole
	// (default 72 hours).
	PushWindow time.Duration
	// DoorFailures is how many failed door checks a leg allows; after them
	// its result goes back to the office (default 5).
	DoorFailures int
	// DoorChecks bounds a courier's door checks (default 30 an hour),
	// counted by Limiter; a nil Limiter leaves them unbounded.
	DoorChecks quota.Limit
	Limiter    quota.Limiter
	// Passwords hashes and checks courier passwords.
	Passwords Passwords
	// Photos keeps the photos couriers take at the door (AddPhoto), within
	// PhotoQuota (DefaultPhotoQuota where it names no bound).
	Photos     PhotoStore
	PhotoQuota files.Quota
	// NewID returns a new, time-ordered id (legs page in creation order).
	NewID func() string
	Now   func() time.Time
	Log   *slog.Logger
}

// Service runs the legs. It is safe for concurrent use, and several
// replicas may run it against one store.
type Service struct {
	cfg   Config
	newID func() string

	mu     sync.Mutex
	cursor string // where the sweep of waiting orders goes on from
}

// New returns a service.
func New(cfg Config) (*Service, error) {
	switch {
	case cfg.Store == nil || cfg.Cases == nil || cfg.Sealer == nil || cfg.Passwords == nil || cfg.NewID == nil:
		return nil, errors.New("desk: store, cases, sealer, passwords and ids are required")
	case cfg.Providers[cfg.PickupProvider] == nil || cfg.Providers[cfg.DeliveryProvider] == nil:
		return nil, fmt.Errorf("desk: providers %q and %q must both be configured", cfg.PickupProvider, cfg.DeliveryProvider)
	case cfg.CallbackURL == nil || cfg.Office == nil:
		return nil, errors.New("desk: callback url and office are required")
	}
	if cfg.Recipients == nil {
		cfg.Recipients = NoRecipients{}
	}
	if cfg.Identities == nil {
		cfg.Identities = NoIdentities{}
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 3
	}
	cfg.PhotoQuota = cfg.PhotoQuota.Or(DefaultPhotoQuota)
	if cfg.DoorFailures <= 0 {
		cfg.DoorFailures = 5
	}
	if cfg.DoorChecks == (quota.Limit{}) {
		cfg.DoorChecks = quota.PerHour(30)
	}
	if err := cfg.DoorChecks.Validate(); err != nil {
		return nil, fmt.Errorf("desk: door checks: %w", err)
	}
	if cfg.LostAfter <= 0 {
		cfg.LostAfter = 7 * 24 * time.Hour
	}
	if cfg.PushWindow <= 0 {
		cfg.PushWindow = 72 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{cfg: cfg, newID: cfg.NewID}, nil
}

// NoRecipients is the address book before one is connected.
type NoRecipients struct{}

// Recipient fails with workflow.ErrNoIntegration.
func (NoRecipients) Recipient(context.Context, workflow.Case, string) (parcel.Contact, error) {
	return parcel.Contact{}, fmt.Errorf("%w: citizen address book", workflow.ErrNoIntegration)
}

// NoIdentities is the identity check before one is connected.
type NoIdentities struct{}

// MatchesApplicant fails with workflow.ErrNoIntegration.
func (NoIdentities) MatchesApplicant(context.Context, string, string) (bool, error) {
	return false, fmt.Errorf("%w: real-name identity directory", workflow.ErrNoIntegration)
}

// refuse is a refusal of the desk's, with an optional detail.
func refuse(kind error, code, message string, detail any) *workflow.Refusal {
	r := workflow.Refuse(kind, code, message)
	if detail != nil {
		r.Detail = detail
	}
	return r
}

// errUnknownWaybill refuses a push or scan of a waybill no leg has.
func errUnknownWaybill(waybill string) *workflow.Refusal {
	return workflow.Refuse(workflow.ErrNotFound, "unknown_waybill", "运单号不存在或不属于政务寄递").
		Because(fmt.Errorf("waybill %s", waybill))
}

// partyContext binds a sealed party to its case.
func partyContext(caseID string) string { return "courier_leg:" + caseID + ":party" }
