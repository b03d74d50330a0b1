package desk

import (
	"context"
	"time"

	"zerovisit/workflow/parcel"
)

// LegView is a leg as its courier sees it: the applicant's end masked.
type LegView struct {
	ID             string         `json:"id"`
	Kind           Kind           `json:"kind"`
	Provider       string         `json:"provider"`
	Waybill        string         `json:"waybill"`
	Status         Status         `json:"status"`
	Attempts       int            `json:"attempts"`
	CaseNumber     string         `json:"case_number"`
	ItemName       string         `json:"item_name"`
	DepartmentName string         `json:"department_name"`
	Party          parcel.Contact `json:"party"`
	Office         parcel.Contact `json:"office"`
	// Checklist lists the originals to collect (pickup) or to check at the
	// door (delivery).
	Checklist []ChecklistItem `json:"checklist"`
	// DoorCheck says the delivery needs the originals checked at the door;
	// IdentityCheck that it needs the recipient's identity checked.
	DoorCheck     bool         `json:"door_check"`
	IdentityCheck bool         `json:"identity_check"`
	PostageFen    int64        `json:"postage_fen"`
	Payer         parcel.Payer `json:"payer"`
	Door          *DoorView    `json:"door,omitempty"`
	Mine          bool         `json:"mine"`
	CreatedAt     time.Time    `json:"created_at"`
	UpdatedAt     time.Time    `json:"updated_at"`
}

// ChecklistItem is an original named by code and name.
type ChecklistItem struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// DoorView is the door check done, without photo keys.
type DoorView struct {
	IdentityMatched bool          `json:"identity_matched"`
	Results         []CheckResult `json:"results"`
}

// CourierLegs pages through a courier's legs of the day: the open ones
// that are theirs or nobody's, and theirs that changed today (China
// Standard Time), in order of creation after the leg id after ("" for the
// first page). next is the key of the following page, empty on the last.
func (s *Service) CourierLegs(ctx context.Context, courierID, after string, limit int) (views []LegView, next string, err error) {
	now := s.cfg.Now().In(cst)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, cst)
	c, err := s.cfg.Store.Courier(ctx, courierID)
	if err != nil {
		return nil, "", err
	}
	legs, err := s.cfg.Store.CourierLegs(ctx, courierID, c.Provider, today, after, limit+1)
	if err != nil {
		return nil, "", err
	}
	if len(legs) > limit && limit > 0 {
		legs = legs[:limit]
		next = legs[limit-1].ID
	}
	views = make([]LegView, 0, len(legs))
	for _, l := range legs {
		v, err := s.view(l, courierID)
		if err != nil {
			return nil, "", err
		}
		views = append(views, v)
	}
	return views, next, nil
}

// CourierLeg returns one leg the courier may work on.
func (s *Service) CourierLeg(ctx context.Context, courierID, legID string) (LegView, error) {
	l, err := s.courierLeg(ctx, courierID, legID)
	if err != nil {
		return LegView{}, err
	}
	return s.view(l, courierID)
}

var cst = time.FixedZone("CST", 8*3600)

func (s *Service) view(l Leg, courierID string) (LegView, error) {
	party, err := s.openParty(l)
	if err != nil {
		return LegView{}, err
	}
	v := LegView{
		ID: l.ID, Kind: l.Kind, Provider: l.Provider, Waybill: l.Waybill, Status: l.Status, Attempts: l.Attempts,
		CaseNumber: l.CaseNumber, Party: party.Masked(), Office: s.cfg.Office(l.Department),
		DoorCheck: l.Kind == KindDelivery && len(l.Materials) > 0, IdentityCheck: l.Kind == KindDelivery,
		PostageFen: l.PostageFen, Payer: l.Payer, Mine: l.CourierID == courierID,
		CreatedAt: l.CreatedAt, UpdatedAt: l.UpdatedAt, Checklist: []ChecklistItem{},
	}
	it, err := s.cfg.Catalogue.Lookup(l.ItemCode)
	if err == nil {
		v.ItemName, v.DepartmentName = it.Name, it.DepartmentName
	}
	for _, code := range l.Materials {
		name := code
		if m, ok := it.Material(code); ok {
			name = m.Name
		}
		v.Checklist = append(v.Checklist, ChecklistItem{Code: code, Name: name})
	}
	if l.Door != nil {
		dv := &DoorView{IdentityMatched: l.Door.IdentityMatched}
		for _, r := range l.Door.Results {
			r.PhotoKey = ""
			dv.Results = append(dv.Results, r)
		}
		v.Door = dv
	}
	return v, nil
}
