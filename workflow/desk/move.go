package desk

import (
	"context"
	"errors"
	"fmt"

	"zerovisit/workflow"
)

// maxMoveRetries bounds how often a move is retried after losing a race
// with another change of the same leg.
const maxMoveRetries = 8

// apply records track t against the leg and applies m to it, retrying
// when another change of the leg won a race. read, when set, is the leg as
// the caller has just read it, tried first; every retry reads it afresh.
// dup is true when the track was seen before: then nothing changed.
// result, when set, computes the answer stored with the track from the
// leg after the move, whether it changed, and the return leg it gave rise
// to. withCase, when set, is the leg's case as read with it (and the legs
// of that case): the change that brings it in step is then written with
// the move when it can be, the leg returned synced.
func (s *Service) apply(ctx context.Context, legID string, read *Leg, t Track, m move, result func(next Leg, changed bool, back *Leg) []byte, withCase *caseRead) (after Leg, dup bool, err error) {
	for range maxMoveRetries {
		var l Leg
		if read != nil {
			l, read = *read, nil
		} else if l, err = s.cfg.Store.Leg(ctx, legID); err != nil {
			return Leg{}, false, err
		}
		// Checked on every attempt: after a lost race the leg may have
		// been taken by the courier whose scan won.
		if m.courierID != "" && l.CourierID != "" && l.CourierID != m.courierID {
			return Leg{}, false, errLegOfAnotherCourier
		}
		now := s.cfg.Now()
		next, changed, back := advance(l, m, now, s.cfg.MaxAttempts, s.newID)
		if !changed {
			next, changed = claim(l, m.courierID, now)
		}
		t.LegID, t.Applied, t.ReceivedAt = l.ID, changed, now
		if result != nil {
			t.Result = result(next, changed, back)
		}
		switch synced, err := s.store(ctx, t, next, changed, back, withCase); {
		case err == nil:
			if synced {
				next.SyncedVersion = next.Version
			}
			return next, false, nil
		case errors.Is(err, workflow.ErrDuplicate):
			return l, true, nil
		case errors.Is(err, workflow.ErrConflict):
			continue
		default:
			return Leg{}, false, err
		}
	}
	return Leg{}, false, fmt.Errorf("move leg %s: %w: too many concurrent changes", legID, workflow.ErrConflict)
}

// caseRead is a leg's case as read with the leg, and the legs of that case.
type caseRead struct {
	c    workflow.Case
	legs []Leg
}

// store writes a move: the track, the leg when it changed (with the change
// of its case, when withCase allows one to be planned: synced then says
// whether the case took it) and the return leg.
func (s *Service) store(ctx context.Context, t Track, next Leg, changed bool, back *Leg, withCase *caseRead) (synced bool, err error) {
	if !changed {
		return false, s.cfg.Store.Move(ctx, t, nil, back)
	}
	if withCase == nil || withCase.c.ID != next.CaseID {
		return false, s.cfg.Store.Move(ctx, t, &next, back)
	}
	ch, ok := s.planSync(next, withCase.c, withCase.legs)
	if !ok {
		return false, s.cfg.Store.Move(ctx, t, &next, back)
	}
	synced, err = s.cfg.Store.MoveAndSync(ctx, t, next, back, ch)
	if err == nil && synced {
		s.cfg.Cases.Stored(ch)
	}
	return synced, err
}
