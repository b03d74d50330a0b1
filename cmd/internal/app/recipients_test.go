package app

import (
	"context"
	"errors"
	"testing"
	"time"

	"zerovisit/models"
	"zerovisit/workflow"
)

type ownerBook map[string]string

func (b ownerBook) AddressOwner(_ context.Context, ref string) (string, error) {
	if o, ok := b[ref]; ok {
		return o, nil
	}
	return "", workflow.ErrNotFound
}

type oneCase map[string]string

func (c oneCase) Get(_ context.Context, id string) (workflow.Case, error) {
	return workflow.Case{ID: id, ApplicantID: c[id]}, nil
}

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
	book := testAddressBook{"a-own": {"张三", "13900000000", "杭州"}, "a-agent": {"李娜", "13900000001", "杭州"},
		"a-squatter": {"某某", "13900000002", "宁波"}}
	r := addressBookRecipients{book: book, owners: addressOwners{
		book:   ownerBook{"a-own": "zhang", "a-agent": "lina", "a-squatter": "detached"},
		cases:  oneCase{"c-person": "zhang", "c-business": "biz"},
		agents: agentsOf{"biz": "lina"},
	}}
	ctx := context.Background()
	for _, ok := range []struct{ caseID, ref string }{{"c-person", "a-own"}, {"c-business", "a-agent"}} {
		if _, err := r.Recipient(ctx, ok.caseID, ok.ref); err != nil {
			t.Errorf("%s to %s: %v", ok.caseID, ok.ref, err)
		}
	}
	for _, bad := range []struct{ caseID, ref string }{{"c-person", "a-squatter"}, {"c-person", "a-agent"}, {"c-business", "a-own"}} {
		if _, err := r.Recipient(ctx, bad.caseID, bad.ref); !errors.Is(err, workflow.ErrNotFound) {
			t.Errorf("%s to %s = %v, want refused as not found (a permanent failure of the order)", bad.caseID, bad.ref, err)
		}
	}
}
