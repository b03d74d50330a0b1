package desk

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/parcel"
)

// ScanKind is what a courier's scan of a waybill says happened.
type ScanKind string

// Scan kinds.
const (
	// ScanPickup: the courier has the parcel (originals from the applicant,
	// or the result from the department).
	ScanPickup ScanKind = "pickup"
	// ScanHandover: the courier handed the parcel to the department
	// (originals, or a result brought back).
	ScanHandover ScanKind = "handover"
	// ScanDelivery: the courier handed the result to the applicant, after
	// checking the recipient's identity and the originals.
	ScanDelivery ScanKind = "delivery"
	// ScanAbsent: nobody was there; the attempt failed.
	ScanAbsent ScanKind = "absent"
	// ScanRefused: the applicant refused to hand over or to accept.
	ScanRefused ScanKind = "refused"
)

// ScanRequest is one scan from the courier's phone. ClientID is generated
// on the phone, so a phone that was offline can send its queue again: a
// scan id seen before gets the first answer and changes nothing.
type ScanRequest struct {
	ClientID string    `json:"client_id"`
	Waybill  string    `json:"waybill"`
	Kind     ScanKind  `json:"kind"`
	At       time.Time `json:"at,omitzero"`
	Note     string    `json:"note,omitempty"`
	// IDNumber is the recipient's resident ID number, for a delivery; it is
	// compared by blind index and never kept.
	IDNumber string       `json:"id_number,omitempty"`
	Checks   []CheckInput `json:"checks,omitempty"`
}

// CheckInput is the check of one original at the door.
type CheckInput struct {
	Material string `json:"material"`
	Passed   bool   `json:"passed"`
	Note     string `json:"note,omitempty"`
	PhotoKey string `json:"photo_key"`
}

// ScanResult is the answer to a scan.
type ScanResult struct {
	ScanID   string `json:"scan_id"`
	LegID    string `json:"leg_id"`
	Kind     Kind   `json:"leg_kind"`
	Waybill  string `json:"waybill"`
	Status   Status `json:"status"`
	Applied  bool   `json:"applied"`
	Replayed bool   `json:"replayed,omitempty"`
	// Verification is "passed" or "failed" after a door check.
	Verification string `json:"verification,omitempty"`
	// ReturnLegID names the leg that brings back a result not handed over.
	ReturnLegID string `json:"return_leg_id,omitempty"`
}

var (
	validClientID = regexp.MustCompile(`^[A-Za-z0-9_-]{8,64}$`)
	validWaybill  = regexp.MustCompile(`^[A-Za-z0-9]{6,32}$`)
)

// scanWindow bounds how far in the past (an offline queue) or the future
// (a wrong phone clock) a scan may be dated.
const (
	scanPast   = 7 * 24 * time.Hour
	scanFuture = 10 * time.Minute
)

// Scan records a courier's scan. The waybill must be a leg's, the leg the
// courier's or nobody's (the first scan claims it), and the kind fit the
// leg. A delivery of a result checks the recipient's identity and, for a
// trust-first result, each original on the checklist, with a photo; a
// failed check keeps the result with the courier (a return leg). who is
// the courier's account as ActiveCourier returned it for this request.
func (s *Service) Scan(ctx context.Context, who Courier, req ScanRequest) (ScanResult, error) {
	if !who.Active {
		return ScanResult{}, errCourierDisabled
	}
	courierID := who.ID
	now := s.cfg.Now()
	if err := checkScanShape(req, now); err != nil {
		return ScanResult{}, err
	}
	key := courierID + ":" + req.ClientID
	hash := s.scanHash(req)
	found, err := s.cfg.Store.LookupScan(ctx, "courier", key, req.Waybill, photoKeys(req))
	if err != nil {
		return ScanResult{}, err
	}
	if found.Track != nil {
		return replay(*found.Track, hash)
	}
	legs := legsWith(found.Legs, func(o Leg) bool { return o.Waybill == req.Waybill })
	if len(legs) == 0 {
		return ScanResult{}, errUnknownWaybill(req.Waybill)
	}
	l := current(legs)
	if l.CourierID != "" && l.CourierID != courierID {
		return ScanResult{}, errLegOfAnotherCourier
	}
	if l.CourierID == "" && who.Provider != "" && who.Provider != l.Provider {
		return ScanResult{}, workflow.Refuse(workflow.ErrForbidden, "leg_of_another_provider", "该运单不属于本快递公司")
	}
	if !fits(req.Kind, l.Kind) {
		return ScanResult{}, refuse(workflow.ErrInvalidInput, "scan_not_for_leg",
			"该运单不能进行此项扫描", map[string]string{"kind": string(req.Kind), "leg_kind": string(l.Kind)})
	}
	actor := workflow.Actor{Kind: workflow.ActorCourier, ID: courierID}
	m := move{state: stateOfScan(req.Kind), at: orNow(req.At, now), actor: actor, courierID: courierID}
	if req.Kind == ScanDelivery {
		if m.door, err = s.doorCheck(ctx, l, courierID, req, found.Photos); err != nil {
			return ScanResult{}, err
		}
	}
	caseLegs := legsWith(found.Legs, func(o Leg) bool { return o.CaseID == l.CaseID })
	var withCase *caseRead
	if c, ok := found.Cases[l.CaseID]; ok {
		withCase = &caseRead{c: c, legs: caseLegs}
	}
	t := Track{Source: "courier", Key: key, RequestHash: hash, State: m.state, Code: string(req.Kind), At: m.at, Actor: actor, Note: req.Note}
	var out ScanResult
	after, dup, err := s.apply(ctx, l.ID, &l, t, m, func(next Leg, changed bool, back *Leg) []byte {
		out = resultOf(req.ClientID, next)
		out.Applied = changed
		if back != nil {
			out.ReturnLegID = back.ID
		}
		b, _ := json.Marshal(out)
		return b
	}, withCase)
	switch {
	case err != nil:
		return ScanResult{}, err
	case dup:
		// Another request with this scan id won the race: answer as it did.
		prev, err := s.cfg.Store.Track(ctx, "courier", key)
		if err != nil {
			return ScanResult{}, err
		}
		return replay(prev, hash)
	}
	if out.Applied {
		// Nothing left to do when the case took its change with the move.
		s.syncNow(ctx, after, caseLegs)
	}
	return out, nil
}

// photoKeys are the photos a scan's checks name.
func photoKeys(req ScanRequest) []string {
	keys := make([]string, 0, len(req.Checks))
	for _, c := range req.Checks {
		if c.PhotoKey != "" {
			keys = append(keys, c.PhotoKey)
		}
	}
	return keys
}

func resultOf(clientID string, l Leg) ScanResult {
	r := ScanResult{ScanID: clientID, LegID: l.ID, Kind: l.Kind, Waybill: l.Waybill, Status: l.Status}
	if l.Door != nil {
		r.Verification = "passed"
		if _, failed := l.Door.Failed(); failed {
			r.Verification = "failed"
		}
	}
	return r
}

// replay answers a scan id seen before: with the first answer when it is
// the same scan, and refuses a scan id reused for another scan.
func replay(prev Track, hash string) (ScanResult, error) {
	if prev.RequestHash != hash {
		return ScanResult{}, fmt.Errorf("scan %s: %w", prev.Key, workflow.ErrIdempotencyMismatch)
	}
	var r ScanResult
	if err := json.Unmarshal(prev.Result, &r); err != nil {
		return ScanResult{}, fmt.Errorf("scan %s: decode stored answer: %w", prev.Key, err)
	}
	r.Replayed = true
	return r, nil
}

// scanHash identifies a scan's content; the ID number enters it only as
// its blind index.
func (s *Service) scanHash(req ScanRequest) string {
	if req.IDNumber != "" {
		req.IDNumber = s.cfg.Sealer.Index("id_number", normalizeID(req.IDNumber))
	}
	b, _ := json.Marshal(req)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func checkScanShape(req ScanRequest, now time.Time) error {
	bad := func(field, msg string) error {
		return refuse(workflow.ErrInvalidInput, "invalid_field", msg, map[string]string{"field": field})
	}
	switch {
	case !validClientID.MatchString(req.ClientID):
		return bad("client_id", "扫描编号须为 8 至 64 位字母、数字、下划线或连字符")
	case !validWaybill.MatchString(req.Waybill):
		return bad("waybill", "运单号格式不正确")
	case !req.At.IsZero() && (req.At.Before(now.Add(-scanPast)) || req.At.After(now.Add(scanFuture))):
		return bad("at", "扫描时间不正确（须在七日内且不晚于当前时间）")
	case len([]rune(req.Note)) > 200:
		return bad("note", "备注不能超过 200 字")
	case len(req.Checks) > 50:
		return bad("checks", "核验项目过多")
	}
	switch req.Kind {
	case ScanPickup, ScanHandover, ScanDelivery, ScanAbsent, ScanRefused:
	default:
		return bad("kind", "扫描类型须为 pickup、handover、delivery、absent 或 refused")
	}
	if req.Kind != ScanDelivery && (req.IDNumber != "" || len(req.Checks) > 0) {
		return bad("kind", "只有送达扫描可以附带身份核验和原件核验")
	}
	return nil
}

// fits reports whether a scan kind applies to a leg kind.
func fits(k ScanKind, leg Kind) bool {
	switch k {
	case ScanPickup, ScanAbsent, ScanRefused:
		return leg == KindPickup || leg == KindDelivery
	case ScanHandover:
		return leg == KindPickup || leg == KindReturn
	case ScanDelivery:
		return leg == KindDelivery
	}
	return false
}

func stateOfScan(k ScanKind) parcel.State {
	switch k {
	case ScanPickup:
		return parcel.StatePickedUp
	case ScanHandover, ScanDelivery:
		return parcel.StateSigned
	case ScanAbsent:
		return parcel.StateFailedAttempt
	case ScanRefused:
		return parcel.StateRefused
	}
	return parcel.StateUnknown
}

// legsWith returns the legs that pass keep, in their order.
func legsWith(legs []Leg, keep func(Leg) bool) []Leg {
	var out []Leg
	for _, l := range legs {
		if keep(l) {
			out = append(out, l)
		}
	}
	return out
}

// current is the leg a courier's scan of a waybill is about: the newest
// open one, or the newest.
func current(legs []Leg) Leg {
	for _, l := range legs {
		if !l.Status.Terminal() {
			return l
		}
	}
	return legs[0]
}

// errLegOfAnotherCourier refuses a scan of a leg another courier holds.
// ErrLegTaken means another courier holds the leg.
var ErrLegTaken = fmt.Errorf("%w: the leg is another courier's", workflow.ErrForbidden)

var errLegOfAnotherCourier = workflow.Refuse(workflow.ErrForbidden, "leg_of_another_courier", "该运单由其他快递员负责")
