package models

import (
	"fmt"
	"time"

	"zerovisit/workflow"
)

const (
	minute = time.Minute
	hour   = time.Hour
	day    = 24 * time.Hour
)

// play drives the case from its draft towards want, one lawful event at a
// time; applicant is who opened it (the citizen, or the counter clerk).
func (r *run) play(it workflow.Item, want seedOutcome, applicant workflow.Actor) error {
	g := r.g
	if want == outDraft {
		return nil
	}
	if want == outWithdrawn && g.rng.IntN(5) == 0 {
		return r.step(g.between(hour, 3*day), func(m workflow.Meta) workflow.Event {
			return workflow.Withdraw{Meta: m, Reason: "暂不办理"}
		}, applicant)
	}
	if err := r.submit(it, want, applicant); err != nil {
		return err
	}
	if fee := it.FeeFen(); fee > 0 {
		if err := r.step(g.between(minute, 30*minute), func(m workflow.Meta) workflow.Event {
			return workflow.Pay{Meta: m, Channel: workflow.ChannelWeChat, TradeNo: "seed-" + g.id(), AmountFen: fee}
		}, workflow.Actor{Kind: workflow.ActorSystem, ID: "payment"}); err != nil {
			return err
		}
	}
	clerk := g.clerk(it)
	if r.c.Status == workflow.StatusSubmitted {
		switch want {
		case outSubmitted:
			return nil
		case outRejected:
			return r.reject(clerk)
		case outWithdrawn:
			return r.withdraw(applicant)
		}
		if err := r.step(g.between(hour, 30*hour), func(m workflow.Meta) workflow.Event {
			return workflow.Accept{Meta: m}
		}, clerk); err != nil {
			return err
		}
	}
	if r.c.Status == workflow.StatusAccepted {
		if err := r.review(it, want, applicant, clerk); err != nil {
			return err
		}
	}
	if want == outApproved || r.c.Status != workflow.StatusApproved {
		return nil
	}
	return r.complete(want, clerk)
}

// submit sends the draft in: signed for trust-first where the item allows
// it (mostly), otherwise on the ordinary path.
func (r *run) submit(it workflow.Item, want seedOutcome, applicant workflow.Actor) error {
	g := r.g
	ev := workflow.Submit{Credit: workflow.CreditNormal,
		Delivery: workflow.Delivery{Method: it.Delivery[g.rng.IntN(len(it.Delivery))]}}
	if ev.Delivery.Method == workflow.DeliveryCourier || it.NeedsOriginalsPickup {
		ev.Delivery.AddressRef = "seed-addr-" + g.id()[:12]
	}
	for _, m := range it.Materials {
		if m.Optional {
			continue
		}
		ev.Materials = append(ev.Materials, workflow.ProvidedMaterial{Code: m.Code, Source: m.Source.Kind(), Ref: "seed-" + m.Code})
	}
	switch n := g.rng.IntN(100); {
	case n < 3:
		ev.Credit = workflow.CreditBlack
	case n < 10:
		ev.Credit = workflow.CreditRed
	}
	sign := it.TrustFirst && applicant.Kind == workflow.ActorCitizen && (want == outRevoked || g.rng.IntN(10) < 8)
	return r.step(g.between(5*minute, hour), func(m workflow.Meta) workflow.Event {
		ev.Meta = m
		if sign {
			ev.Signature = &workflow.Signature{TemplateVersion: it.Commitment.TemplateVersion,
				TextHash: it.Commitment.TextHash, SignedAt: m.At.Add(-time.Minute), Channel: r.c.Channel}
		}
		return ev
	}, applicant)
}

// review takes an accepted case through corrections, the collection of
// originals and the decision.
func (r *run) review(it workflow.Item, want seedOutcome, applicant, clerk workflow.Actor) error {
	g := r.g
	if want == outSupplement || g.rng.IntN(7) == 0 {
		if err := r.step(g.between(2*hour, 40*hour), func(m workflow.Meta) workflow.Event {
			return workflow.RequestSupplement{Meta: m, Items: []workflow.SupplementItem{{Reason: "请补充说明申请事项的具体情况"}}}
		}, clerk); err != nil {
			return err
		}
		if want == outSupplement {
			return nil
		}
		if want == outWithdrawn && g.rng.IntN(2) == 0 {
			return r.withdraw(applicant)
		}
		// Mostly in time; now and then too late, and the timer withdraws it.
		if err := r.step(g.between(hour, 12*day), func(m workflow.Meta) workflow.Event {
			return workflow.SupplySupplement{Meta: m, Note: "已补充说明"}
		}, applicant); err != nil {
			return err
		}
	}
	switch want {
	case outAccepted:
		return nil
	case outRejected:
		return r.reject(clerk)
	case outWithdrawn:
		return r.withdraw(applicant)
	}
	if it.NeedsOriginalsPickup {
		if err := r.originals(); err != nil {
			return err
		}
	}
	// Most decisions come within the promised days; some run late (cards).
	wait := g.between(2*hour, time.Duration(max(it.PromisedDays, 1))*30*hour)
	if g.rng.IntN(12) == 0 {
		wait += g.between(3*day, 10*day)
	}
	return r.step(wait, func(m workflow.Meta) workflow.Event {
		return workflow.Approve{Meta: m, Opinion: "准予许可"}
	}, clerk)
}

// originals has a courier pick the originals up and the department receive them.
func (r *run) originals() error {
	g := r.g
	courier, waybill := g.courier(), fmt.Sprintf("SF%012d", g.rng.Int64N(1e12))
	if err := r.step(g.between(4*hour, 24*hour), func(m workflow.Meta) workflow.Event {
		return workflow.CollectOriginals{Meta: m, Stage: workflow.OriginalsPickedUp, Waybill: waybill}
	}, courier); err != nil {
		return err
	}
	return r.step(g.between(12*hour, 48*hour), func(m workflow.Meta) workflow.Event {
		return workflow.CollectOriginals{Meta: m, Stage: workflow.OriginalsReceived}
	}, g.clerk(workflow.Item{Department: r.c.Department}))
}

// complete sends the result out and verifies it on completion: the courier
// checks originals at the door, or a clerk checks them afterwards. A
// revoked outcome fails one check.
func (r *run) complete(want seedOutcome, clerk workflow.Actor) error {
	g := r.g
	if err := r.step(g.between(hour, 24*hour), func(m workflow.Meta) workflow.Event {
		return workflow.Dispatch{Meta: m}
	}, clerk); err != nil {
		return err
	}
	check := r.c.Verification.Required
	if r.c.Status == workflow.StatusDelivering {
		if want == outDelivering {
			return nil
		}
		courier := g.courier()
		if r.c.TrustFirst {
			check = r.c.Terms.VerifyMaterials
		}
		if err := r.step(g.between(20*hour, 72*hour), func(m workflow.Meta) workflow.Event {
			return workflow.Deliver{Meta: m, Waybill: fmt.Sprintf("SF%012d", g.rng.Int64N(1e12)), Results: r.results(check, want)}
		}, courier); err != nil {
			return err
		}
		// The timer starts the verification at once.
		if err := r.timers(r.at); err != nil {
			return err
		}
	}
	if r.c.Status == workflow.StatusVerifying && want != outVerifying {
		if err := r.step(g.between(4*hour, 4*day), func(m workflow.Meta) workflow.Event {
			return workflow.RecordVerification{Meta: m, Results: r.results(r.c.Verification.Pending(), want)}
		}, clerk); err != nil {
			return err
		}
	}
	return r.dueProcess(clerk)
}

// dueProcess takes a failed check through review: an order to rectify
// within five working days, then, the period over, the revocation on the
// clerk's finding of a false commitment.
func (r *run) dueProcess(clerk workflow.Actor) error {
	if r.c.Status != workflow.StatusCommitmentReview {
		return nil
	}
	g := r.g
	if err := r.step(g.between(2*hour, 2*day), func(m workflow.Meta) workflow.Event {
		return workflow.OrderRectification{Meta: m, Reason: "办结核验不通过，责令限期整改", LegalBasis: "国办发〔2020〕42号", Days: 5}
	}, clerk); err != nil {
		return err
	}
	wait := r.c.Breach.Rectification.DueAt.Sub(r.at) + g.between(hour, 2*day)
	reviewer := workflow.Actor{Kind: workflow.ActorClerk, ID: clerk.ID + "-review"}
	return r.step(wait, func(m workflow.Meta) workflow.Event {
		return workflow.DecideBreach{Meta: m, Outcome: workflow.OutcomeRevoked, Reason: "逾期未整改，承诺内容与实际情况不符",
			LegalBasis: "《中华人民共和国行政许可法》第六十九条", FalseCommitment: true}
	}, reviewer)
}

// results are checks of the given materials, all passed, or with the first
// failed for a revoked outcome.
func (r *run) results(codes []string, want seedOutcome) []workflow.VerificationResult {
	var out []workflow.VerificationResult
	for i, code := range codes {
		if !r.has(code) {
			continue
		}
		res := workflow.VerificationResult{Material: code, Passed: true, Evidence: "seed-scan-" + code}
		if want == outRevoked && i == 0 {
			res.Passed, res.Note = false, "原件与承诺内容不符"
		}
		out = append(out, res)
	}
	return out
}

// has reports whether the case holds the material (provided or promised).
func (r *run) has(code string) bool {
	for _, m := range r.c.Materials {
		if m.Code == code {
			return true
		}
	}
	return false
}

func (r *run) reject(clerk workflow.Actor) error {
	return r.step(r.g.between(2*hour, 48*hour), func(m workflow.Meta) workflow.Event {
		return workflow.Reject{Meta: m, Reason: "申请材料不符合法定条件", LegalBasis: "《中华人民共和国行政许可法》第三十八条"}
	}, clerk)
}

func (r *run) withdraw(applicant workflow.Actor) error {
	return r.step(r.g.between(hour, 5*day), func(m workflow.Meta) workflow.Event {
		return workflow.Withdraw{Meta: m, Reason: "申请人主动撤回"}
	}, applicant)
}
