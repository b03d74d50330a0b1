package basedata_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"zerovisit/integrations/basedata"
	"zerovisit/integrations/basedata/sandbox"
	"zerovisit/workflow"
	"zerovisit/workflow/ident"
)

func TestVerifyRepresentative(t *testing.T) {
	e := newEnv(t, fastOptions())
	unknownCo := "91330106MA2H3K4L6"
	check, _ := ident.USCCCheck(unknownCo)
	unknownCo += string(check)
	tests := []struct {
		name, uscc, person, id string
		want                   bool
		err                    error
	}{
		{"Match", sandbox.RestaurantID, "张三", sandbox.ZhangSanID, true, nil},
		{"MatchTrimmed", sandbox.ShopID, " 李娜 ", sandbox.LiNaID, true, nil},
		{"MatchClosedCompany", sandbox.ClosedCoID, "欧阳娜娜", sandbox.OuyangID, true, nil},
		{"OtherPersonsNumber", sandbox.RestaurantID, "张三", sandbox.LiNaID, false, nil},
		{"WrongName", sandbox.RestaurantID, "张四", sandbox.ZhangSanID, false, nil},
		{"RepresentativeOfAnother", sandbox.ShopID, "张三", sandbox.ZhangSanID, false, nil},
		{"UnknownCompany", unknownCo, "张三", sandbox.ZhangSanID, false, basedata.ErrNoRecord},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := e.client.VerifyRepresentative(context.Background(), tt.uscc, tt.person, tt.id)
			if !errors.Is(err, tt.err) || (tt.err == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if got != tt.want {
				t.Errorf("match = %v, want %v", got, tt.want)
			}
		})
	}
	for _, d := range e.sb.Disclosures() {
		if d.Path != basedata.PathRepresentative {
			continue
		}
		s := string(d.Data)
		if strings.Contains(s, "3301") || strings.Contains(s, "张三") || strings.Contains(s, "李娜") {
			t.Errorf("the representative check disclosed particulars: %s", s)
		}
	}
}

func TestVerifyRepresentative_InvalidInputNotSent(t *testing.T) {
	e := newEnv(t, fastOptions())
	tests := []struct {
		name, uscc, person, id string
		err                    error
	}{
		{"BadUSCC", "91330106MA2H3K4L5A", "张三", sandbox.ZhangSanID, ident.ErrInvalid},
		{"BadIDChecksum", sandbox.RestaurantID, "张三", "330106198503121232", ident.ErrInvalid},
		{"MaskedID", sandbox.RestaurantID, "张三", ident.MaskResidentID(sandbox.ZhangSanID), ident.ErrInvalid},
		{"NoName", sandbox.RestaurantID, " ", sandbox.ZhangSanID, workflow.ErrInvalidInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.client.VerifyRepresentative(context.Background(), tt.uscc, tt.person, tt.id)
			if !errors.Is(err, tt.err) {
				t.Errorf("err = %v, want %v", err, tt.err)
			}
		})
	}
	if got, want := e.sb.Recorder.Len(), 0; got != want {
		t.Errorf("requests = %d, want %d", got, want)
	}
}
