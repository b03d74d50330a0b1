package citizen

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"zerovisit/workflow"
)

func prefillItem() workflow.Item {
	return workflow.Item{Code: "tf", Name: "食品经营许可", Department: "scjgj", DepartmentName: "市场监督管理局",
		LegalDays: 20, PromisedDays: 5, Delivery: []workflow.DeliveryMethod{workflow.DeliveryElectronic},
		Materials: []workflow.Material{
			{Code: "yyzz", Name: "营业执照", Source: "elicense:yyzz", Core: true},
			{Code: "sfz", Name: "居民身份证", Source: "basedata:identity", Core: true},
			{Code: "hj", Name: "户籍", Source: "basedata:household"},
			{Code: "gjj", Name: "公积金", Source: "basedata:housing_fund"},
			{Code: "sqs", Name: "申请书", Source: "upload", Core: true},
		}}
}

func TestPrefill(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	lic := &licences{held: map[string][]string{coUSCC: {"L-1", "L-2"}}}
	f.svc.cfg.Licences = lic
	zhang := f.store.person(workflow.ChannelWeChat, "张三", zhangID)
	biz := Citizen{ID: "b1", Kind: KindBusiness, Name: "示例", IDNumber: coUSCC, VerifiedAt: t0}
	f.libs.residents[zhangID] = Resident{Household: &Household{Address: "杭州"}}

	got := f.svc.Prefill(ctx, prefillItem(), biz, zhang.Citizen)
	want := []Prefilled{
		{Code: "yyzz", Held: true, Source: workflow.SourceELicense, Ref: "L-1"},
		{Code: "sfz", Held: true, Source: workflow.SourceBaseData, Ref: "identity@b1"},
		{Code: "hj", Held: true, Source: workflow.SourceBaseData, Ref: "household@b1"},
		{Code: "gjj", Held: true, Source: workflow.SourceBaseData, Ref: "housing_fund@b1", Note: noteSharedByDepartment},
		{Code: "sqs"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("prefill =\n%+v\nwant\n%+v", got, want)
	}

	// An unverified person's identity is not held.
	anon := f.store.person(workflow.ChannelWeChat, "", "")
	if got := f.svc.Prefill(ctx, prefillItem(), anon.Citizen, anon.Citizen); got[1].Held || got[1].Source != "" || got[1].Ref != "" {
		t.Errorf("identity of an unverified person = %+v, want needed", got[1])
	}
}

func TestPrefillFor(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.svc.cfg.Licences = licences{held: map[string][]string{coUSCC: {"L-1"}}}
	_, err := f.svc.PrefillFor(ctx, f.store.person(workflow.ChannelWeChat, "", ""), prefillItem(), "")
	wantRefusal(t, err, workflow.ErrForbidden, "real_name_required")
	zhang := f.store.person(workflow.ChannelWeChat, "张三", zhangID)
	_, err = f.svc.PrefillFor(ctx, zhang, prefillItem(), "b-unknown")
	wantRefusal(t, err, workflow.ErrForbidden, "not_authorised_for_business")
	biz := representative(t, f, zhang)
	got, err := f.svc.PrefillFor(ctx, zhang, prefillItem(), biz.ID)
	if err != nil || !got[0].Held || got[0].Ref != "L-1" || got[1].Ref != "identity@"+biz.ID {
		t.Errorf("prefill for the business = %+v, %v", got, err)
	}
	got, err = f.svc.PrefillFor(ctx, zhang, prefillItem(), "")
	if err != nil || got[0].Held || got[1].Ref != "identity@"+zhang.Citizen.ID {
		t.Errorf("prefill for the person = %+v, %v", got, err)
	}
}

func TestSearchAndItem(t *testing.T) {
	ord := workflow.Item{Code: "gaj-hjzm", Name: "户籍证明开具", Department: "gaj", DepartmentName: "公安局", LegalDays: 5, PromisedDays: 2,
		Delivery:  []workflow.DeliveryMethod{workflow.DeliveryElectronic},
		Materials: []workflow.Material{{Code: "sfz", Name: "居民身份证", Source: "basedata:identity", Core: true}}}
	cat, err := workflow.NewCatalogue([]workflow.Item{prefillItem(), ord})
	if err != nil {
		t.Fatal(err)
	}
	codes := func(its []workflow.Item) (out []string) {
		for _, it := range its {
			out = append(out, it.Code)
		}
		return out
	}
	for _, tc := range []struct{ q, dept, want string }{
		{"", "", "[tf gaj-hjzm]"},
		{"", "gaj", "[gaj-hjzm]"},
		{"户籍", "", "[gaj-hjzm]"},
		{" TF ", "", "[tf]"},
		{"市场", "", "[tf]"},
		{"户籍", "scjgj", "[]"},
	} {
		if got := fmt.Sprint(codes(Search(cat, tc.q, tc.dept))); got != tc.want {
			t.Errorf("Search(%q, %q) = %s, want %s", tc.q, tc.dept, got, tc.want)
		}
	}
	if it, err := Item(cat, "tf"); err != nil || it.Code != "tf" {
		t.Errorf("Item(tf) = %v, %v", it.Code, err)
	}
	_, err = Item(cat, "nope")
	wantRefusal(t, err, workflow.ErrNotFound, "item_not_found")
}

func TestPrefillDegrades(t *testing.T) {
	ctx := context.Background()
	it := prefillItem()
	for name, tc := range map[string]struct {
		libErr, licErr  error
		held            bool
		licNote, hjNote string
	}{
		"NothingHeld":        {nil, nil, false, "未查到", notePopulationNone},
		"PopulationDown":     {fmt.Errorf("x: %w", workflow.ErrUnavailable), nil, false, "未查到", notePopulationUnavailable},
		"PopulationFails":    {errors.New("refused"), nil, false, "未查到", noteLibraryError},
		"PopulationNoRecord": {fmt.Errorf("x: %w", ErrNoRecord), nil, false, "未查到", notePopulationNone},
		"LicencesFail":       {nil, errors.New("bad signature"), false, noteLibraryError, notePopulationNone},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			f.svc.cfg.Licences = licences{err: tc.licErr}
			f.libs.residents[zhangID] = Resident{Name: "张三"} // no household
			f.libs.err = tc.libErr
			zhang := f.store.person(workflow.ChannelWeChat, "张三", zhangID)
			got := f.svc.Prefill(ctx, it, zhang.Citizen, zhang.Citizen)
			if got[0].Held || got[0].Source != "" || got[0].Note != tc.licNote {
				t.Errorf("licence = %+v, want needed with note %q", got[0], tc.licNote)
			}
			if got[2].Held || got[2].Source != "" || got[2].Ref != "" || got[2].Note != tc.hjNote {
				t.Errorf("household = %+v, want needed with note %q", got[2], tc.hjNote)
			}
		})
	}
}
