// Package workflowtest builds well-formed events for tests of other
// packages that drive the real engine with the shipped catalogue.
package workflowtest

import (
	"time"

	"zerovisit/workflow"
)

// Submit returns a submission of item by actor at at that provides every
// required material (from its library where the item names one, as an upload
// otherwise), choosing the item's first delivery method, and signing the
// current commitment letter when sign is set.
func Submit(it workflow.Item, actor workflow.Actor, sign bool, at time.Time) workflow.Submit {
	ev := workflow.Submit{
		Meta:     workflow.Meta{Actor: actor, At: at},
		Credit:   workflow.CreditNormal,
		Delivery: workflow.Delivery{Method: it.Delivery[0]},
	}
	for _, m := range it.Materials {
		if m.Optional {
			continue
		}
		ev.Materials = append(ev.Materials, workflow.ProvidedMaterial{Code: m.Code, Source: m.Source.Kind(), Ref: "ref-" + m.Code})
	}
	if sign {
		ev.Signature = &workflow.Signature{
			TemplateVersion: it.Commitment.TemplateVersion, TextHash: it.Commitment.TextHash,
			SignedAt: at.Add(-time.Minute), Channel: workflow.ChannelWeChat,
		}
	}
	return ev
}
