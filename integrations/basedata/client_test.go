package basedata_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"zerovisit/integrations/basedata"
	"zerovisit/integrations/basedata/sandbox"
	"zerovisit/workflow"
	"zerovisit/workflow/ident"
)

func TestVerifyRealName(t *testing.T) {
	e := newEnv(t, fastOptions())
	tests := []struct {
		name, person, id string
		want             bool
		err              error
	}{
		{"Match", "张三", sandbox.ZhangSanID, true, nil},
		{"MatchTrimmed", " 欧阳娜娜 ", sandbox.OuyangID, true, nil},
		{"Mismatch", "张四", sandbox.ZhangSanID, false, nil},
		{"NoRecord", "赵六", sandbox.UnknownID, false, basedata.ErrNoRecord},
		{"LowerCaseX", "张三", strings.ToLower(sandbox.ZhangSanID), true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := e.client.VerifyRealName(context.Background(), tt.person, tt.id)
			if !errors.Is(err, tt.err) || (tt.err == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if got != tt.want {
				t.Errorf("match = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestVerifyRealName_InvalidInputNotSent(t *testing.T) {
	e := newEnv(t, fastOptions())
	tests := []struct {
		name, person, id string
		err              error
	}{
		{"BadChecksum", "张三", "330106198503121232", ident.ErrInvalid},
		{"USCC", "张三", sandbox.RestaurantID, ident.ErrInvalid},
		{"NoName", " ", sandbox.ZhangSanID, workflow.ErrInvalidInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.client.VerifyRealName(context.Background(), tt.person, tt.id)
			if !errors.Is(err, tt.err) {
				t.Errorf("err = %v, want %v", err, tt.err)
			}
		})
	}
	if got, want := e.sb.Recorder.Len(), 0; got != want {
		t.Errorf("requests = %d, want %d", got, want)
	}
}

// disclosedKeys returns the top-level keys of the last data the sandbox sent.
func disclosedKeys(tb testing.TB, sb *sandbox.Sandbox) []string {
	tb.Helper()
	ds := sb.Disclosures()
	if len(ds) == 0 {
		tb.Fatal("nothing disclosed")
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(ds[len(ds)-1].Data, &m); err != nil {
		tb.Fatalf("disclosure: %v", err)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func TestResident_OnlyRequestedFields(t *testing.T) {
	e := newEnv(t, fastOptions())
	tests := []struct {
		name   string
		fields []string
		keys   []string
		want   basedata.Resident
	}{
		{"Name", []string{basedata.FieldName}, []string{"id_number", "name"},
			basedata.Resident{IDNumber: sandbox.ZhangSanID, Name: "张三"}},
		{"Address", []string{basedata.FieldAddress}, []string{"address", "id_number"},
			basedata.Resident{IDNumber: sandbox.ZhangSanID, Address: "浙江省杭州市西湖区文三路1号1幢101室"}},
		{"HouseholdTwice", []string{basedata.FieldHousehold, basedata.FieldHousehold}, []string{"household", "id_number"},
			basedata.Resident{IDNumber: sandbox.ZhangSanID, Household: &basedata.Household{
				Address: "浙江省杭州市西湖区北山街道", Kind: "家庭户", Authority: "杭州市公安局西湖分局北山派出所"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := e.client.Resident(context.Background(), sandbox.ZhangSanID, tt.fields)
			if err != nil {
				t.Fatalf("Resident: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Resident mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.keys, disclosedKeys(t, e.sb)); diff != "" {
				t.Errorf("keys the sandbox sent (-want +got):\n%s", diff)
			}
		})
	}
}

func TestResident_DropsWhatWasNotAsked(t *testing.T) {
	e := newEnv(t, fastOptions())
	e.sb.SetOverShare(true)
	got, err := e.client.Resident(context.Background(), sandbox.LiNaID, []string{basedata.FieldName})
	if err != nil {
		t.Fatalf("Resident: %v", err)
	}
	if got, want := len(disclosedKeys(t, e.sb)), 4; got != want {
		t.Fatalf("the over-sharing sandbox sent %d keys, want %d", got, want)
	}
	want := basedata.Resident{IDNumber: sandbox.LiNaID, Name: "李娜"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Resident mismatch (-want +got):\n%s", diff)
	}
}

func TestResident_Errors(t *testing.T) {
	e := newEnv(t, fastOptions())
	ctx := context.Background()
	t.Run("ErrNoRecord", func(t *testing.T) {
		if _, err := e.client.Resident(ctx, sandbox.UnknownID, []string{basedata.FieldName}); !errors.Is(err, basedata.ErrNoRecord) {
			t.Errorf("err = %v, want ErrNoRecord", err)
		}
	})
	t.Run("UnknownFieldNotSent", func(t *testing.T) {
		before := e.sb.Recorder.Len()
		_, err := e.client.Resident(ctx, sandbox.ZhangSanID, []string{basedata.FieldName, "phone"})
		if !errors.Is(err, workflow.ErrInvalidInput) {
			t.Errorf("err = %v, want ErrInvalidInput", err)
		}
		if _, err := e.client.Resident(ctx, sandbox.ZhangSanID, nil); !errors.Is(err, workflow.ErrInvalidInput) {
			t.Errorf("no fields: err = %v, want ErrInvalidInput", err)
		}
		if got, want := e.sb.Recorder.Len(), before; got != want {
			t.Errorf("requests = %d, want %d", got, want)
		}
	})
}

func TestCompany(t *testing.T) {
	e := newEnv(t, fastOptions())
	ctx := context.Background()
	tests := []struct {
		name, uscc string
		status     basedata.CompanyStatus
		rep        string
	}{
		{"Active", sandbox.RestaurantID, basedata.CompanyActive, "3301**********1231"},
		{"SoleTrader", strings.ToLower(sandbox.ShopID), basedata.CompanyActive, "3301**********4562"},
		{"Revoked", sandbox.RevokedCoID, basedata.CompanyRevoked, "3301**********7897"},
		{"Cancelled", sandbox.ClosedCoID, basedata.CompanyCancelled, "3301**********0247"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			co, err := e.client.Company(ctx, tt.uscc)
			if err != nil {
				t.Fatalf("Company: %v", err)
			}
			if got, want := co.Status, tt.status; got != want {
				t.Errorf("status = %q, want %q", got, want)
			}
			if got, want := co.Active(), tt.status == basedata.CompanyActive; got != want {
				t.Errorf("Active = %v, want %v", got, want)
			}
			if got, want := co.LegalRepresentative.IDNumberMasked, tt.rep; got != want {
				t.Errorf("representative id = %q, want %q", got, want)
			}
			if co.Name == "" || co.RegisteredAddress == "" || co.LegalRepresentative.Name == "" {
				t.Errorf("company lacks particulars: %+v", co)
			}
		})
	}
	t.Run("ErrNoRecord", func(t *testing.T) {
		code, _ := ident.USCCCheck("91330106MA2H3K4L6")
		if _, err := e.client.Company(ctx, "91330106MA2H3K4L6"+string(code)); !errors.Is(err, basedata.ErrNoRecord) {
			t.Errorf("err = %v, want ErrNoRecord", err)
		}
	})
	t.Run("InvalidNotSent", func(t *testing.T) {
		before := e.sb.Recorder.Len()
		if _, err := e.client.Company(ctx, "91330106MA2H3K4L5A"); !errors.Is(err, ident.ErrInvalid) {
			t.Errorf("err = %v, want ident.ErrInvalid", err)
		}
		if got, want := e.sb.Recorder.Len(), before; got != want {
			t.Errorf("requests = %d, want %d", got, want)
		}
	})
	for _, d := range e.sb.Disclosures() {
		if strings.Contains(string(d.Data), sandbox.ZhangSanID) {
			t.Errorf("the legal-entity library disclosed a full ID number: %s", d.Data)
		}
	}
}
