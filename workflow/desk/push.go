package desk

import (
	"context"
	"errors"
	"fmt"
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/parcel"
)

// Push takes a route push from a provider: the signature is checked before
// anything is read, no route point may be older than the push window (a
// replayed old push is refused whole), every waybill must be one of our
// legs at that provider before anything is applied, and each route point
// is applied once (a repeat or a replay of the push changes nothing). It
// returns the answer the provider expects. Refusals are *workflow.Refusal.
func (s *Service) Push(ctx context.Context, provider string, header map[string][]string, body []byte) (parcel.Push, error) {
	p := s.cfg.Providers[provider]
	if p == nil {
		return parcel.Push{}, workflow.Refuse(workflow.ErrNotFound, "unknown_provider", "未知的快递服务商")
	}
	push, err := p.ParsePush(header, body)
	if err != nil {
		return parcel.Push{}, err
	}
	oldest := s.cfg.Now().Add(-s.cfg.PushWindow)
	for _, ev := range push.Events {
		if ev.At.Before(oldest) {
			return parcel.Push{}, workflow.Refuse(workflow.ErrInvalidInput, "stale_push", "推送的路由时间早于受理时限，不予处理").
				Because(fmt.Errorf("route point of %s at %s is older than the %s push window", ev.Waybill, ev.At.Format(time.RFC3339), s.cfg.PushWindow))
		}
	}
	targets := make([]string, len(push.Events))
	for i, ev := range push.Events {
		legs, err := s.legsOf(ctx, provider, ev.Waybill)
		if err != nil {
			return parcel.Push{}, err
		}
		targets[i] = pick(legs, ev.At).ID
	}
	actor := workflow.Actor{Kind: workflow.ActorSystem, ID: "courier:" + provider}
	touched := map[string]bool{}
	for i, ev := range push.Events {
		t := Track{Source: provider, Key: ev.Key, State: ev.State, Code: ev.Code, At: ev.At, Actor: actor, Note: ev.Note}
		l, dup, err := s.apply(ctx, targets[i], nil, t, move{state: ev.State, at: ev.At, actor: actor}, nil, nil)
		if err != nil {
			return parcel.Push{}, err
		}
		if !dup {
			touched[l.ID] = true
		}
	}
	for id := range touched {
		s.syncSoon(ctx, id)
	}
	return push, nil
}

// legsOf returns the legs under a waybill at a provider, or refuses the waybill.
func (s *Service) legsOf(ctx context.Context, provider, waybill string) ([]Leg, error) {
	legs, err := s.cfg.Store.LegsByWaybill(ctx, waybill)
	if err != nil {
		return nil, err
	}
	var out []Leg
	for _, l := range legs {
		if l.Provider == provider {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		return nil, errUnknownWaybill(waybill)
	}
	return out, nil
}

// pick chooses which of a waybill's legs (newest first) a route point dated
// at belongs to: the newest created before it (a return leg takes over the
// waybill of its delivery), or the oldest.
func pick(legs []Leg, at time.Time) Leg {
	for _, l := range legs {
		if !at.IsZero() && !l.CreatedAt.After(at) {
			return l
		}
	}
	return legs[len(legs)-1]
}

// syncSoon brings the case of a leg up to date now, leaving it to the
// sweep when that fails (the case was busy, say).
func (s *Service) syncSoon(ctx context.Context, legID string) {
	l, err := s.cfg.Store.Leg(ctx, legID)
	if err == nil {
		err = s.sync(ctx, l)
	}
	s.syncFailed(ctx, legID, err)
}

// syncNow is syncSoon of a leg as the caller has just written it, which
// need not be read again, with the legs of its case as the caller read
// them.
func (s *Service) syncNow(ctx context.Context, l Leg, caseLegs []Leg) {
	s.syncFailed(ctx, l.ID, s.syncWith(ctx, l, caseLegs))
}

// syncFailed logs a sync that failed; the sweep retries it.
func (s *Service) syncFailed(ctx context.Context, legID string, err error) {
	if err != nil && !errors.Is(err, context.Canceled) {
		s.cfg.Log.WarnContext(ctx, "courier leg: case not yet in step; the sweep retries", "leg", legID, "err", err)
	}
}
