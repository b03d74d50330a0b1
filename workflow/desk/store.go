package desk

import (
	"context"
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/files"
)

// Store keeps legs, their tracks, door photos and courier accounts. The
// implementation is models.CourierStore. Errors wrap the workflow's
// sentinels: ErrNotFound, ErrDuplicate, ErrConflict.
type Store interface {
	// CreateLeg stores a new leg; ErrDuplicate when its source key exists.
	CreateLeg(ctx context.Context, l Leg) error
	// Leg returns a leg by id.
	Leg(ctx context.Context, id string) (Leg, error)
	// LegBySource returns the leg a source created.
	LegBySource(ctx context.Context, sourceKey string) (Leg, error)
	// LegsByWaybill returns the legs under a waybill, newest first.
	LegsByWaybill(ctx context.Context, waybill string) ([]Leg, error)
	// UpdateLeg stores l if the stored leg is at l.Version-1 (ErrConflict otherwise).
	UpdateLeg(ctx context.Context, l Leg) error
	// Move stores, in one transaction, the track t (ErrDuplicate when its
	// source and key were seen), the leg after it when it changed (version
	// checked as UpdateLeg) and a new leg it gave rise to.
	Move(ctx context.Context, t Track, changed *Leg, created *Leg) error
	// MoveAndSync is Move of a changed leg together with ch, the change
	// that brings the leg's case in step with it (workflow.Service.Plan),
	// in one transaction, the leg then recorded as synced at its version.
	// When the case moved on since ch was planned, the move is stored
	// alone, the leg left unsynced, and synced is false.
	MoveAndSync(ctx context.Context, t Track, changed Leg, created *Leg, ch workflow.Change) (synced bool, err error)
	// Track returns the track with a source and key.
	Track(ctx context.Context, source, key string) (Track, error)
	// LookupScan returns, in one read, the track with a source and key
	// (nil when there is none), the legs of every case that has a leg
	// under waybill, newest first, their cases, and those legs' photos
	// with one of photoKeys.
	LookupScan(ctx context.Context, source, key, waybill string, photoKeys []string) (ScanLookup, error)
	// Tracks returns a leg's tracks, oldest first.
	Tracks(ctx context.Context, legID string) ([]Track, error)
	// CaseLegs returns the legs of a case, oldest first.
	CaseLegs(ctx context.Context, caseID string) ([]Leg, error)
	// CourierLegs pages, by id after after, through the legs a courier
	// sees: open ones that are theirs or nobody's, and theirs that changed
	// since since.
	// Unassigned legs are limited to provider, unless it is empty.
	CourierLegs(ctx context.Context, courierID, provider string, since time.Time, after string, limit int) ([]Leg, error)
	// UnsyncedLegs returns up to limit legs whose case has not caught up.
	UnsyncedLegs(ctx context.Context, limit int) ([]Leg, error)
	// MarkSynced records that the case has caught up with version of the leg.
	MarkSynced(ctx context.Context, id string, version int64) error
	// LegsIn returns up to limit legs in one of the states, by id after after.
	LegsIn(ctx context.Context, states []Status, after string, limit int) ([]Leg, error)
	// StillLegs returns up to limit open legs past pickup that have not
	// moved since before.
	StillLegs(ctx context.Context, before time.Time, limit int) ([]Leg, error)
	// RecordPhoto records a photo of a leg of caseID if, with it, the
	// case's photos and those of the courier who took it (p.CourierID)
	// within q.Window stay within q, in one atomic step; a photo kept
	// already is recorded. When it would pass a quota nothing is recorded
	// and the usage is read.
	RecordPhoto(ctx context.Context, caseID string, p Photo, q files.Quota) (recorded bool, used files.Usage, err error)
	// Photo returns a photo of a leg by key.
	Photo(ctx context.Context, legID, key string) (Photo, error)
	// CountDoorFailure counts a failed door check of a leg in advance,
	// before the ID number is compared, in one atomic step, and gives a
	// leg nobody holds yet to the courier checking: counted is false, and
	// nothing counted, when max are counted already; ErrLegTaken when
	// another courier holds the leg.
	CountDoorFailure(ctx context.Context, legID, courierID string, max int) (counted bool, err error)
	// UncountDoorFailure takes back a count of CountDoorFailure, for a
	// check whose number was not compared.
	UncountDoorFailure(ctx context.Context, legID string) error
	// AddDoorRefusal adds a refused door check to its leg's tracks (a
	// track that changed nothing), for the office to see.
	AddDoorRefusal(ctx context.Context, t Track) error

	// CreateCourier stores a courier account; ErrDuplicate for a phone in use.
	CreateCourier(ctx context.Context, c Courier) error
	// Courier returns an account by id.
	Courier(ctx context.Context, id string) (Courier, error)
	// CourierByPhone returns an account by the blind index of its phone.
	CourierByPhone(ctx context.Context, phoneIndex string) (Courier, error)
	// SetCourierActive enables or disables an account.
	SetCourierActive(ctx context.Context, id string, active bool) error
}

// ScanLookup is what a courier's scan starts from: the track an earlier
// scan with the same id left, and the legs the waybill may be about with
// the other legs of their cases.
type ScanLookup struct {
	// Track is the earlier scan's track, or nil.
	Track *Track
	// Legs are the legs of every case with a leg under the waybill, newest
	// first.
	Legs []Leg
	// Cases are the cases of Legs, by id, as read with them.
	Cases map[string]workflow.Case
	// Photos are the photos of Legs with one of the keys asked for: their
	// leg, key, SM3, size, type and courier (not when they were taken).
	Photos []Photo
}
