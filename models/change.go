package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"zerovisit/workflow"
	"zerovisit/workflow/staff"
)

// outboxNew is an outbox row about to be inserted.
type outboxNew struct {
	Kind    string
	Payload string
}

// idemRow is a row of the idempotency_keys table.
type idemRow struct {
	Scope       string
	Key         string
	RequestHash string
	Status      int
	Response    []byte
	CreatedAt   time.Time
}

// changeRows is a workflow.Change turned into the rows one transaction writes.
type changeRows struct {
	c caseRow
	// earlier are the events of a chain before ev, oldest first.
	earlier []eventRow
	ev      eventRow
	effects []outboxNew
	idem    *idemRow
	guard   *workflow.Guard
	// draftLimit is the Change's DraftLimit.
	draftLimit int
	hold       *holdRows
}

// holdRows are the claim a new case's opener takes and its staff log entry.
type holdRows struct {
	staffID, department string
	at, until           time.Time
	log                 staff.LogEntry
}

// toHoldRows converts the hold on new case caseID, its log entry the
// case's first (a claim, as StaffStore.Claim records one), hashed by chain.
func toHoldRows(caseID string, h *workflow.Hold) (*holdRows, error) {
	if h.StaffID == "" || h.Department == "" || h.At.IsZero() || !h.Until.After(h.At) {
		return nil, fmt.Errorf("%w: a hold names a member of staff, a department and a lease", workflow.ErrInvalidInput)
	}
	out := &holdRows{staffID: h.StaffID, department: h.Department, at: normTime(h.At), until: normTime(h.Until)}
	data, err := json.Marshal(map[string]any{"expires_at": out.until})
	if err != nil {
		return nil, err
	}
	out.log = staff.LogEntry{CaseID: caseID, Seq: 1, Action: staff.ActionClaim, StaffID: h.StaffID, At: out.at, Data: data}
	return out, nil
}

// toChangeRows validates ch and converts it. The event takes the case's id
// and version as its case id and seq, as workflow.EventRecord documents.
func toChangeRows(ch workflow.Change) (changeRows, error) {
	if ch.Case.ID == "" || ch.Case.Version < 1 {
		return changeRows{}, fmt.Errorf("%w: case needs an id and a version >= 1", workflow.ErrInvalidInput)
	}
	if ch.Event.CaseID == "" {
		ch.Event.CaseID = ch.Case.ID
	}
	if ch.Event.Seq == 0 {
		ch.Event.Seq = ch.Case.Version
	}
	var (
		out changeRows
		err error
	)
	first := ch.Case.Version - int64(len(ch.Earlier))
	for i, e := range append(slices.Clone(ch.Earlier), ch.Event) {
		if e.CaseID == "" {
			e.CaseID = ch.Case.ID
		}
		if e.CaseID != ch.Case.ID || e.Seq != first+int64(i) {
			return changeRows{}, fmt.Errorf("%w: event %s#%d does not match case %s version %d",
				workflow.ErrInvalidInput, e.CaseID, e.Seq, ch.Case.ID, first+int64(i))
		}
		if e.At.IsZero() || e.Name == "" {
			return changeRows{}, fmt.Errorf("%w: event needs a name and a time", workflow.ErrInvalidInput)
		}
		row, err := toEventRow(e)
		if err != nil {
			return changeRows{}, err
		}
		if i < len(ch.Earlier) {
			out.earlier = append(out.earlier, row)
		} else {
			out.ev = row
		}
	}
	if out.c, err = toCaseRow(ch.Case); err != nil {
		return changeRows{}, err
	}
	for _, eff := range ch.Effects {
		if eff == nil {
			return changeRows{}, fmt.Errorf("%w: nil effect", workflow.ErrInvalidInput)
		}
		payload, err := json.Marshal(eff)
		if err != nil {
			return changeRows{}, fmt.Errorf("encode effect %s: %w", eff.EffectKind(), err)
		}
		out.effects = append(out.effects, outboxNew{Kind: string(eff.EffectKind()), Payload: string(payload)})
	}
	if g := ch.Guard; g != nil {
		if g.ClaimedBy == "" || g.At.IsZero() {
			return changeRows{}, fmt.Errorf("%w: a guard names a member of staff and a time", workflow.ErrInvalidInput)
		}
		out.guard = &workflow.Guard{ClaimedBy: g.ClaimedBy, At: normTime(g.At)}
	}
	if ch.Hold != nil {
		if out.hold, err = toHoldRows(ch.Case.ID, ch.Hold); err != nil {
			return changeRows{}, err
		}
	}
	if ch.DraftLimit > 0 && ch.Case.Status == workflow.StatusDraft {
		out.draftLimit = ch.DraftLimit
	}
	if k := ch.Idempotency; k != nil {
		if k.Scope == "" || k.Key == "" {
			return changeRows{}, fmt.Errorf("%w: idempotency record needs a scope and a key", workflow.ErrInvalidInput)
		}
		created := k.CreatedAt
		if created.IsZero() {
			created = ch.Event.At
		}
		out.idem = &idemRow{Scope: k.Scope, Key: k.Key, RequestHash: k.RequestHash,
			Status: k.Status, Response: k.Response, CreatedAt: normTime(created)}
	}
	return out, nil
}

// chain links the events, in order, to prevHash under the audit key k,
// records the last one's hash as the case's head, and hashes the hold's
// staff log entry, a new case's first.
func (cr *changeRows) chain(k *auditKey, prevHash string) {
	for i := range cr.earlier {
		e := &cr.earlier[i]
		e.PrevHash = prevHash
		e.Hash = eventHash(k, prevHash, *e)
		prevHash = e.Hash
	}
	cr.ev.PrevHash = prevHash
	cr.ev.Hash = eventHash(k, prevHash, cr.ev)
	cr.c.LastHash = cr.ev.Hash
	if cr.hold != nil {
		cr.hold.log.Hash = staffLogHash(k, cr.hold.log)
	}
}

// events are the change's events in order.
func (cr *changeRows) events() []eventRow { return append(slices.Clone(cr.earlier), cr.ev) }

// prevVersion is the version the stored case must have for the change.
func (cr *changeRows) prevVersion() int64 { return cr.c.Version - int64(len(cr.earlier)) - 1 }

// CreateCase stores a new case at version 1 with its first event, effects
// and idempotency record in one transaction. workflow.ErrDuplicate if the
// id or number exists; workflow.ErrTooManyDrafts if the change has a draft
// limit its applicant already keeps open.
func (r *Repo) CreateCase(ctx context.Context, ch workflow.Change) error {
	op := "create case " + ch.Case.ID
	if ch.Case.Version != 1+int64(len(ch.Earlier)) {
		return fmt.Errorf("%s: %w: a new case has version 1, not %d", op, workflow.ErrInvalidInput, ch.Case.Version-int64(len(ch.Earlier)))
	}
	cr, err := toChangeRows(ch)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	cr.chain(r.db.audit, "")
	if r.db.isPostgres() {
		err = r.createPostgres(ctx, cr)
	} else {
		err = r.createSQLite(ctx, cr)
	}
	if errors.Is(err, errDraftLimit) {
		return fmt.Errorf("%s: %w", op, workflow.ErrTooManyDrafts.WithDetail(map[string]int{"limit": cr.draftLimit}))
	}
	if err != nil {
		return translate(op, err)
	}
	r.heads.put(cr.c.ID, head{version: cr.c.Version, hash: cr.c.LastHash})
	return nil
}

// errDraftLimit is a new draft's applicant keeping its limit of drafts open.
var errDraftLimit = errors.New("draft limit reached")

// openDrafts counts an applicant's open drafts, up to limit.
const openDrafts = `SELECT count(*) FROM (SELECT 1 FROM cases WHERE applicant_id = ? AND status = 'draft' LIMIT ?) AS d`

// ApplyChange stores ch in one transaction if the stored case still has
// version ch.Case.Version-1: the case, its event chained to the previous
// one, its effects and its idempotency record. workflow.ErrConflict if the
// case moved on (or the idempotency key is already stored),
// workflow.ErrNotFound if there is no such case.
func (r *Repo) ApplyChange(ctx context.Context, ch workflow.Change) error {
	op := fmt.Sprintf("apply change to case %s", ch.Case.ID)
	if ch.Hold != nil {
		return fmt.Errorf("%s: %w: only a new case takes a hold", op, workflow.ErrInvalidInput)
	}
	if ch.Case.Version-int64(len(ch.Earlier)) < 2 {
		return fmt.Errorf("%s: %w: a change produces version 2 or later, not %d", op, workflow.ErrInvalidInput, ch.Case.Version-int64(len(ch.Earlier)))
	}
	cr, err := toChangeRows(ch)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if r.db.isPostgres() {
		err = r.applyPostgres(ctx, &cr)
	} else {
		err = r.applySQLite(ctx, &cr)
	}
	if err != nil {
		return translate(op, err)
	}
	r.heads.put(cr.c.ID, head{version: cr.c.Version, hash: cr.c.LastHash})
	return nil
}

// errVersionConflict is returned when the stored version is not the expected one.
func errVersionConflict(stored, want int64) error {
	return fmt.Errorf("%w: stored version %d, expected %d", workflow.ErrConflict, stored, want)
}

// applyChained chains the event to the case's current head and runs write,
// which must change the case only if it still has the expected version and
// that head hash, and report whether it did. The head comes from the head
// cache when that knows the expected version (saving a read), from the
// database otherwise. write is retried once when only a stale cached hash
// stopped it; any other miss is a conflict or a missing case.
func (r *Repo) applyChained(db *gorm.DB, cr *changeRows, write func(h head) (bool, error)) error {
	prev := cr.prevVersion()
	h, ok := r.heads.get(cr.c.ID)
	if ok && h.version > prev {
		return errVersionConflict(h.version, prev)
	}
	if !ok || h.version != prev {
		var err error
		if h, err = readHead(db, cr.c.ID); err != nil {
			return err
		}
		if h.version != prev {
			r.heads.put(cr.c.ID, h)
			return errVersionConflict(h.version, prev)
		}
	}
	for attempt := 0; ; attempt++ {
		cr.chain(r.db.audit, h.hash)
		done, err := write(h)
		if err != nil || done {
			return err
		}
		stored, err := readHead(db, cr.c.ID)
		if err != nil {
			return err
		}
		r.heads.put(cr.c.ID, stored)
		if stored.version != prev {
			return errVersionConflict(stored.version, prev)
		}
		if cr.guard != nil {
			if held, err := r.claimHeld(db, cr.c.ID, cr.guard); err != nil || !held {
				return errors.Join(err, guardFailed(cr.guard, held))
			}
		}
		if attempt > 0 || stored.hash == h.hash {
			return fmt.Errorf("%w: case %s changed during the write", workflow.ErrConflict, cr.c.ID)
		}
		h = stored
	}
}

// claimHeld reports whether the guard's member of staff holds a live claim
// on the case at the guard's time.
func (r *Repo) claimHeld(db *gorm.DB, caseID string, g *workflow.Guard) (bool, error) {
	var n int64
	err := db.Raw(`SELECT count(*) FROM case_claims WHERE case_id = ? AND staff_id = ? AND expires_at > ?`,
		caseID, g.ClaimedBy, r.db.ts(g.At)).Row().Scan(&n)
	return n > 0, err
}

// guardFailed is the refusal of a change whose claim was not held.
func guardFailed(g *workflow.Guard, held bool) error {
	if held {
		return nil
	}
	return workflow.ErrClaimRequired.Because(fmt.Errorf("staff %s holds no live claim at %s", g.ClaimedBy, g.At.Format(time.RFC3339)))
}
