package citizen

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/ident"
)

// representative binds zhang to the test company as its legal representative.
func representative(t *testing.T, f *fixture, zhang Caller) Citizen {
	t.Helper()
	f.libs.companies[coUSCC] = Company{USCC: coUSCC, Name: "示例餐饮有限公司", InBusiness: true,
		Representative: Representative{Name: "张三", IDNumberMasked: ident.MaskResidentID(zhangID)}}
	f.libs.reps[coUSCC] = zhangID
	if err := f.svc.BindBusiness(context.Background(), zhang, " "+coUSCC+" "); err != nil {
		t.Fatal(err)
	}
	as, _ := f.svc.Agencies(context.Background(), zhang.Citizen.ID)
	if len(as) != 1 || as[0].Role != RoleLegalRepresentative || as[0].Business.IDNumber != coUSCC || as[0].Business.Name != "示例餐饮有限公司" {
		t.Fatalf("agencies after binding = %+v", as)
	}
	return as[0].Business
}

func TestBindBusiness(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	err := f.svc.BindBusiness(ctx, f.store.person(workflow.ChannelWeChat, "", ""), coUSCC)
	wantRefusal(t, err, workflow.ErrForbidden, "real_name_required")

	zhang := f.store.person(workflow.ChannelWeChat, "张三", zhangID)
	wantField(t, wantRefusal(t, f.svc.BindBusiness(ctx, zhang, "91330106MA2H3K4L5X"), workflow.ErrInvalidInput, "invalid_uscc"), "uscc")
	wantRefusal(t, f.svc.BindBusiness(ctx, zhang, coUSCC), workflow.ErrInvalidInput, "company_not_found")

	rep := Representative{Name: "张三", IDNumberMasked: ident.MaskResidentID(zhangID)}
	f.libs.companies[coUSCC] = Company{USCC: coUSCC, Name: "示例", InBusiness: false, Representative: rep}
	wantRefusal(t, f.svc.BindBusiness(ctx, zhang, coUSCC), workflow.ErrInvalidInput, "company_inactive")
	// Another 张三 whose number shares the masked characters is not the
	// representative: the library checks the full number.
	sameMask := zhangID[:4] + "0000000000" + zhangID[14:]
	for _, other := range []struct {
		rep    Representative
		number string
	}{{Representative{Name: "李娜", IDNumberMasked: rep.IDNumberMasked}, zhangID}, {rep, sameMask}, {rep, linaID}} {
		f.libs.companies[coUSCC] = Company{USCC: coUSCC, Name: "示例", InBusiness: true, Representative: other.rep}
		f.libs.reps[coUSCC] = other.number
		r := wantRefusal(t, f.svc.BindBusiness(ctx, zhang, coUSCC), workflow.ErrForbidden, "not_legal_representative")
		if r.Message != "您不是该企业的法定代表人，请由法定代表人授权后办理" {
			t.Errorf("message = %q", r.Message)
		}
	}
	if len(f.store.agencies) != 0 {
		t.Fatalf("refused bindings left agencies %+v", f.store.agencies)
	}
	weak := zhang
	weak.Citizen.Assurance = workflow.AssuranceRealName
	f.libs.reps[coUSCC] = zhangID
	wantRefusal(t, f.svc.BindBusiness(ctx, weak, coUSCC), workflow.ErrForbidden, "verified_person_required")
	representative(t, f, zhang)
}

func TestAgents(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	zhang := f.store.person(workflow.ChannelWeChat, "张三", zhangID)
	lina := f.store.person(workflow.ChannelWeChat, "李娜", linaID)
	biz := representative(t, f, zhang)

	_, _, err := f.svc.GrantAgent(ctx, lina, biz.ID, AgentGrant{Name: "张三", IDNumber: zhangID})
	if r := wantRefusal(t, err, workflow.ErrForbidden, "not_legal_representative"); r.Message != "仅企业法定代表人可以管理经办人授权" {
		t.Errorf("message = %q", r.Message)
	}
	past := t0.Add(-time.Minute)
	_, _, err = f.svc.GrantAgent(ctx, zhang, biz.ID, AgentGrant{Name: "李娜", IDNumber: linaID, ValidUntil: &past})
	wantField(t, wantRefusal(t, err, workflow.ErrInvalidInput, "invalid_valid_until"), "valid_until")
	_, _, err = f.svc.GrantAgent(ctx, zhang, biz.ID, AgentGrant{Name: "李娜", IDNumber: "123"})
	wantField(t, wantRefusal(t, err, workflow.ErrInvalidInput, "invalid_id_number"), "id_number")
	for _, g := range []AgentGrant{{Name: "李四", IDNumber: linaID}, {Name: "王五", IDNumber: "110101199003077774"}} {
		_, _, err = f.svc.GrantAgent(ctx, zhang, biz.ID, g)
		wantRefusal(t, err, workflow.ErrInvalidInput, "agent_not_registered")
	}

	until := t0.Add(24 * time.Hour)
	b, agent, err := f.svc.GrantAgent(ctx, zhang, biz.ID, AgentGrant{Name: " 李娜 ", IDNumber: linaID, ValidUntil: &until})
	if err != nil || b.ID != biz.ID || agent.ID != lina.Citizen.ID {
		t.Fatalf("grant = %+v, %+v, %v", b, agent, err)
	}
	a, err := f.store.Agency(ctx, biz.ID, lina.Citizen.ID)
	if err != nil || a.Role != RoleAgent || a.GrantedBy != zhang.Citizen.ID || !a.ValidUntil.Equal(until) {
		t.Fatalf("agent's agency = %+v, %v", a, err)
	}
	if ok, err := f.svc.ActsFor(ctx, lina, biz.ID); !ok || err != nil {
		t.Errorf("agent acts for the business = %v, %v", ok, err)
	}
	if p, err := f.svc.Principal(ctx, lina, biz.ID); err != nil || p.ID != biz.ID {
		t.Errorf("agent's principal = %+v, %v", p, err)
	}

	wantRefusal(t, f.svc.RevokeAgent(ctx, lina, biz.ID, lina.Citizen.ID), workflow.ErrForbidden, "not_legal_representative")
	wantRefusal(t, f.svc.RevokeAgent(ctx, zhang, biz.ID, zhang.Citizen.ID), workflow.ErrInvalidInput, "cannot_revoke_self")
	wantRefusal(t, f.svc.RevokeAgent(ctx, zhang, biz.ID, "nobody"), workflow.ErrNotFound, "agent_not_found")
	if err := f.svc.RevokeAgent(ctx, zhang, biz.ID, lina.Citizen.ID); err != nil {
		t.Fatal(err)
	}
	if ok, _ := f.svc.ActsFor(ctx, lina, biz.ID); ok {
		t.Error("a revoked agent still acts for the business")
	}
	_, err = f.svc.Principal(ctx, lina, biz.ID)
	wantRefusal(t, err, workflow.ErrForbidden, "not_authorised_for_business")
}

func TestPrincipals(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	zhang := f.store.person(workflow.ChannelWeChat, "张三", zhangID)
	if ps, _ := f.svc.Principals(ctx, zhang); len(ps) != 1 || ps[0] != zhang.Citizen.ID {
		t.Fatalf("principals without a business = %v", ps)
	}
	biz := representative(t, f, zhang)
	if ps, _ := f.svc.Principals(ctx, zhang); len(ps) != 2 || ps[1] != biz.ID {
		t.Errorf("principals = %v, want the person and the business", ps)
	}
	for id, want := range map[string]bool{zhang.Citizen.ID: true, biz.ID: true, "someone-else": false} {
		if ok, err := f.svc.ActsFor(ctx, zhang, id); ok != want || err != nil {
			t.Errorf("ActsFor(%s) = %v, %v; want %v", id, ok, err, want)
		}
	}
	if p, err := f.svc.Principal(ctx, zhang, ""); err != nil || p != zhang.Citizen {
		t.Errorf("principal without a business = %+v, %v; want the person", p, err)
	}
}

func TestCase(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	zhang := f.store.person(workflow.ChannelWeChat, "张三", zhangID)
	lina := f.store.person(workflow.ChannelWeChat, "李娜", linaID)
	biz := representative(t, f, zhang)
	f.cases["own"] = workflow.Case{ID: "own", ApplicantID: zhang.Citizen.ID}
	f.cases["biz"] = workflow.Case{ID: "biz", ApplicantID: biz.ID}
	f.cases["hers"] = workflow.Case{ID: "hers", ApplicantID: lina.Citizen.ID}
	for _, id := range []string{"own", "biz"} {
		if cs, err := f.svc.Case(ctx, zhang, id); err != nil || cs.ID != id {
			t.Errorf("Case(%s) = %+v, %v", id, cs, err)
		}
	}
	for _, id := range []string{"hers", "missing", "", strings.Repeat("x", 65)} {
		_, err := f.svc.Case(ctx, zhang, id)
		wantRefusal(t, err, workflow.ErrNotFound, "case_not_found")
	}
	_, err := f.svc.Case(ctx, lina, "biz")
	wantRefusal(t, err, workflow.ErrNotFound, "case_not_found")
}

// TestOwnCase checks the caller's right to a case read by the area's own
// read, and never reads an id out of bounds.
func TestOwnCase(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	zhang := f.store.person(workflow.ChannelWeChat, "张三", zhangID)
	lina := f.store.person(workflow.ChannelWeChat, "李娜", linaID)
	var reads []string
	read := func(_ context.Context, id string) (workflow.Case, error) {
		reads = append(reads, id)
		if id == "gone" {
			return workflow.Case{}, fmt.Errorf("case %s: %w", id, workflow.ErrNotFound)
		}
		return workflow.Case{ID: id, ApplicantID: zhang.Citizen.ID}, nil
	}
	if cs, err := f.svc.OwnCase(ctx, zhang, "own", read); err != nil || cs.ID != "own" {
		t.Errorf("OwnCase(own) = %+v, %v", cs, err)
	}
	_, err := f.svc.OwnCase(ctx, lina, "own", read)
	wantRefusal(t, err, workflow.ErrNotFound, "case_not_found")
	_, err = f.svc.OwnCase(ctx, zhang, "gone", read)
	wantRefusal(t, err, workflow.ErrNotFound, "case_not_found")
	_, err = f.svc.OwnCase(ctx, zhang, strings.Repeat("x", 65), read)
	wantRefusal(t, err, workflow.ErrNotFound, "case_not_found")
	if strings.Join(reads, ",") != "own,own,gone" {
		t.Errorf("reads = %v, want the two own reads and the missing one, none out of bounds", reads)
	}
	boom := errors.New("store down")
	if _, err := f.svc.OwnCase(ctx, zhang, "x", func(context.Context, string) (workflow.Case, error) { return workflow.Case{}, boom }); !errors.Is(err, boom) {
		t.Errorf("a failed read = %v, want it as it is", err)
	}
}

// TestRepresentativesRemoveEachOther: a representative bound while the
// library named them, replaced there since, manages nothing, and the one
// the library names now removes them.
func TestRepresentativesRemoveEachOther(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	zhang := f.store.person(workflow.ChannelWeChat, "张三", zhangID)
	lina := f.store.person(workflow.ChannelWeChat, "李娜", linaID)
	biz := representative(t, f, zhang)
	// The company's representative changes to 李娜 in the library.
	f.libs.companies[coUSCC] = Company{USCC: coUSCC, Name: "示例餐饮有限公司", InBusiness: true,
		Representative: Representative{Name: "李娜", IDNumberMasked: ident.MaskResidentID(linaID)}}
	f.libs.reps[coUSCC] = linaID
	if err := f.svc.BindBusiness(ctx, lina, coUSCC); err != nil {
		t.Fatal(err)
	}
	wantRefusal(t, f.svc.RevokeAgent(ctx, zhang, biz.ID, lina.Citizen.ID), workflow.ErrForbidden, "not_legal_representative")
	if err := f.svc.RevokeAgent(ctx, lina, biz.ID, zhang.Citizen.ID); err != nil {
		t.Fatalf("the current representative removing the former one: %v", err)
	}
	if as, _ := f.svc.Agencies(ctx, zhang.Citizen.ID); len(as) != 0 {
		t.Errorf("the former representative still acts for %+v", as)
	}
}
