package desk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"zerovisit/workflow"
	"zerovisit/workflow/parcel"
)

// Cargo descriptions printed on waybills: no personal data.
const (
	cargoOriginals = "政务服务申请材料原件"
	cargoResult    = "政务服务办理结果"
)

// OrderPickup carries out an OrderCourierPickup effect: one pickup leg per
// outbox entry, ordered once however often the entry is delivered.
func (s *Service) OrderPickup(ctx context.Context, e workflow.OutboxEntry, eff workflow.OrderCourierPickup) error {
	return s.order(ctx, fmt.Sprintf("outbox:%d", e.ID), KindPickup, eff.CaseID, eff.AddressRef, eff.Materials)
}

// OrderDelivery carries out an OrderCourierDelivery effect: one delivery
// leg per outbox entry, with the door checklist of the effect.
func (s *Service) OrderDelivery(ctx context.Context, e workflow.OutboxEntry, eff workflow.OrderCourierDelivery) error {
	return s.order(ctx, fmt.Sprintf("outbox:%d", e.ID), KindDelivery, eff.CaseID, eff.AddressRef, eff.Checklist)
}

// order records the leg of a source (once) and places its order (once).
func (s *Service) order(ctx context.Context, source string, kind Kind, caseID, addressRef string, materials []string) error {
	l, err := s.cfg.Store.LegBySource(ctx, source)
	if errors.Is(err, workflow.ErrNotFound) {
		l, err = s.newLeg(ctx, source, kind, caseID, addressRef, materials)
	}
	if err != nil {
		return err
	}
	if l.Status != StatusOrdering {
		return nil
	}
	c, err := s.cfg.Cases.Get(ctx, l.CaseID)
	if err != nil {
		return fmt.Errorf("order %s leg of case %s: %w", kind, caseID, err)
	}
	if c.Status.Terminal() {
		// The case ended before the courier was ordered: nobody should come.
		next, _, _ := advance(l, move{state: stateCancelled, actor: deskActor}, s.cfg.Now(), s.cfg.MaxAttempts, s.newID)
		return s.cfg.Store.UpdateLeg(ctx, next)
	}
	return s.place(ctx, l)
}

// newLeg records the leg of a source, sealing the applicant's contact.
// Two deliveries of one source racing each other end with one leg.
func (s *Service) newLeg(ctx context.Context, source string, kind Kind, caseID, addressRef string, materials []string) (Leg, error) {
	c, err := s.cfg.Cases.Get(ctx, caseID)
	if err != nil {
		return Leg{}, fmt.Errorf("order %s leg of case %s: %w", kind, caseID, err)
	}
	contact, err := s.cfg.Recipients.Recipient(ctx, c, addressRef)
	if errors.Is(err, workflow.ErrNotFound) {
		return Leg{}, fmt.Errorf("order %s leg of case %s: address %s: %w: %w", kind, caseID, addressRef, workflow.ErrPermanent, err)
	}
	if err != nil {
		return Leg{}, fmt.Errorf("order %s leg of case %s: %w", kind, caseID, err)
	}
	party, err := s.sealParty(caseID, contact)
	if err != nil {
		return Leg{}, err
	}
	now := s.cfg.Now()
	l := Leg{
		ID: s.newID(), SourceKey: source, Kind: kind, CaseID: c.ID, CaseNumber: c.Number, ApplicantID: c.ApplicantID,
		Department: c.Department, ItemCode: c.ItemCode, Provider: s.cfg.PickupProvider, Status: StatusOrdering,
		Materials: slices.Clone(materials), Party: party, Payer: parcel.PayerAccount, LastActor: deskActor,
		Version: 1, SyncedVersion: 1, CreatedAt: now, UpdatedAt: now, MovedAt: now,
	}
	if kind == KindDelivery {
		l.Provider = s.cfg.DeliveryProvider
		l.PostageFen, l.Payer = s.cfg.Postage.For(c.ItemCode)
	}
	err = s.cfg.Store.CreateLeg(ctx, l)
	if errors.Is(err, workflow.ErrDuplicate) {
		return s.cfg.Store.LegBySource(ctx, source)
	}
	return l, err
}

// place orders the leg's parcel from its provider and records the waybill.
// The provider is idempotent by the leg's id, so a retry after a lost
// answer gets the same waybill.
func (s *Service) place(ctx context.Context, l Leg) error {
	p := s.cfg.Providers[l.Provider]
	if p == nil {
		return fmt.Errorf("order leg %s: provider %q is not configured: %w", l.ID, l.Provider, workflow.ErrPermanent)
	}
	party, err := s.openParty(l)
	if err != nil {
		return err
	}
	office := s.cfg.Office(l.Department)
	o := parcel.Order{ID: l.ID, Payer: l.Payer, Remark: "办件号 " + l.CaseNumber, CallbackURL: s.cfg.CallbackURL(l.Provider)}
	switch l.Kind {
	case KindPickup:
		o.Sender, o.Recipient, o.Cargo = party, office, cargoOriginals
	default:
		o.Sender, o.Recipient, o.Cargo = office, party, cargoResult
	}
	sh, err := p.CreateOrder(ctx, o)
	if errors.Is(err, parcel.ErrRefused) {
		return fmt.Errorf("order leg %s from %s: %w: %w", l.ID, l.Provider, workflow.ErrPermanent, err)
	}
	if err != nil {
		return fmt.Errorf("order leg %s from %s: %w", l.ID, l.Provider, err)
	}
	for {
		next := l
		next.Waybill, next.Status = sh.Waybill, StatusOrdered
		next.Version++
		next.UpdatedAt = s.cfg.Now()
		err := s.cfg.Store.UpdateLeg(ctx, next)
		if !errors.Is(err, workflow.ErrConflict) {
			return err
		}
		if l, err = s.cfg.Store.Leg(ctx, l.ID); err != nil || l.Status != StatusOrdering {
			return err
		}
	}
}

// sealParty seals the applicant's contact for the legs of a case.
func (s *Service) sealParty(caseID string, c parcel.Contact) (string, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("seal contact of case %s: %w", caseID, err)
	}
	sealed, err := s.cfg.Sealer.Seal(string(b), partyContext(caseID))
	if err != nil {
		return "", fmt.Errorf("seal contact of case %s: %w", caseID, err)
	}
	return sealed, nil
}

// openParty returns the applicant's contact of a leg, in clear.
func (s *Service) openParty(l Leg) (parcel.Contact, error) {
	plain, err := s.cfg.Sealer.Open(l.Party, partyContext(l.CaseID))
	if err != nil {
		return parcel.Contact{}, fmt.Errorf("open contact of leg %s: %w", l.ID, err)
	}
	var c parcel.Contact
	if err := json.Unmarshal([]byte(plain), &c); err != nil {
		return parcel.Contact{}, fmt.Errorf("open contact of leg %s: %w", l.ID, err)
	}
	return c, nil
}

// deskActor is the desk itself, in the workflow and in tracks.
var deskActor = workflow.Actor{Kind: workflow.ActorSystem, ID: "courier-desk"}
