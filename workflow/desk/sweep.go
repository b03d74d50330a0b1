package desk

import (
	"context"
	"errors"
	"fmt"

	"zerovisit/workflow/parcel"
)

// sweepBatch bounds the legs one pass of each kind looks at.
const sweepBatch = 200

// Sweep does the desk's background work once and returns how many legs it
// changed or brought in step: cases that have not caught up with their
// legs are synced, parcels past pickup that stopped moving are declared
// lost, and parcels still waiting for pickup whose case has ended are
// cancelled. Every replica may run it; each change is version-checked and
// keyed, so none is made twice.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	var errs []error
	n := 0
	legs, err := s.cfg.Store.UnsyncedLegs(ctx, sweepBatch)
	if err != nil {
		return n, fmt.Errorf("sweep legs: %w", err)
	}
	for _, l := range legs {
		if err := s.sync(ctx, l); err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	still, err := s.cfg.Store.StillLegs(ctx, s.cfg.Now().Add(-s.cfg.LostAfter), sweepBatch)
	if err != nil {
		return n, fmt.Errorf("sweep legs: %w", err)
	}
	for _, l := range still {
		t := Track{Source: "system", Key: "lost:" + l.ID, State: parcel.StateLost, At: s.cfg.Now(), Actor: deskActor, Note: "长时间无物流轨迹，按遗失处理"}
		after, dup, err := s.apply(ctx, l.ID, nil, t, move{state: parcel.StateLost, actor: deskActor}, nil, nil)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !dup {
			n++
			s.syncSoon(ctx, after.ID)
		}
	}
	c, err := s.cancelEnded(ctx)
	n += c
	if err != nil {
		errs = append(errs, err)
	}
	return n, errors.Join(errs...)
}

// cancelEnded looks at the next batch of orders still waiting for pickup
// (a cursor goes round them, one batch a sweep) and cancels those whose
// case ended: nobody should come for originals no longer needed, nor with
// a result withdrawn.
func (s *Service) cancelEnded(ctx context.Context) (int, error) {
	s.mu.Lock()
	after := s.cursor
	s.mu.Unlock()
	legs, err := s.cfg.Store.LegsIn(ctx, []Status{StatusOrdered}, after, sweepBatch)
	if err != nil {
		return 0, fmt.Errorf("sweep waiting legs: %w", err)
	}
	next := ""
	if len(legs) == sweepBatch {
		next = legs[len(legs)-1].ID
	}
	s.mu.Lock()
	s.cursor = next
	s.mu.Unlock()
	var errs []error
	n := 0
	for _, l := range legs {
		c, err := s.cfg.Cases.Get(ctx, l.CaseID)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !c.Status.Terminal() {
			continue
		}
		err = s.cfg.Providers[l.Provider].CancelOrder(ctx, l.Shipment())
		if errors.Is(err, parcel.ErrRefused) {
			continue // picked up meanwhile: its route will say so
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("cancel leg %s: %w", l.ID, err))
			continue
		}
		t := Track{Source: "system", Key: "cancel:" + l.ID, State: stateCancelled, At: s.cfg.Now(), Actor: deskActor, Note: "办件已终止，取消寄件"}
		if _, dup, err := s.apply(ctx, l.ID, nil, t, move{state: stateCancelled, actor: deskActor}, nil, nil); err != nil {
			errs = append(errs, err)
		} else if !dup {
			n++
		}
	}
	return n, errors.Join(errs...)
}
