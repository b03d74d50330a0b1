package app

import (
	"context"
	"errors"
	"testing"
	"time"

	"zerovisit/models"
	"zerovisit/workflow"
)

type agentsOf map[string]string // business → its agent

func (a agentsOf) FindPerson(context.Context, string) (models.Citizen, error) {
	return models.Citizen{}, workflow.ErrNotFound
}

func (a agentsOf) Agency(_ context.Context, business, person string) (models.Agency, error) {
	if a[business] == person {
		return models.Agency{PersonID: person, ValidUntil: time.Now().Add(time.Hour)}, nil
	}
	return models.Agency{}, workflow.ErrForbidden
}

// TestDeliveryOnlyToTheApplicantsAddress: a case is delivered to an
// address of the applicant's own book, or of someone acting for the
// business applicant; an address that went with an identity's earlier
// binder (a takeover) fails the order for good.
func TestDeliveryOnlyToTheApplicantsAddress(t *testing.T) {
	r := addressBookRecipients{agents: agentsOf{"biz": "lina"}, book: testAddressBook{
		"a-own":      {"张三", "13900000000", "杭州", "zhang"},
		"a-agent":    {"李娜", "13900000001", "杭州", "lina"},
		"a-squatter": {"某某", "13900000002", "宁波", "detached"},
	}}
	person, business := workflow.Case{ID: "c-person", ApplicantID: "zhang"}, workflow.Case{ID: "c-business", ApplicantID: "biz"}
	ctx := context.Background()
	for _, ok := range []struct {
		c   workflow.Case
		ref string
	}{{person, "a-own"}, {business, "a-agent"}} {
		if _, err := r.Recipient(ctx, ok.c, ok.ref); err != nil {
			t.Errorf("%s to %s: %v", ok.c.ID, ok.ref, err)
		}
	}
	for _, bad := range []struct {
		c   workflow.Case
		ref string
	}{{person, "a-squatter"}, {person, "a-agent"}, {business, "a-own"}} {
		if _, err := r.Recipient(ctx, bad.c, bad.ref); !errors.Is(err, workflow.ErrNotFound) {
			t.Errorf("%s to %s = %v, want refused as not found (a permanent failure of the order)", bad.c.ID, bad.ref, err)
		}
	}
}
