package citizen

import (
	"testing"

	"zerovisit/workflow/ident"
)

func TestMasked(t *testing.T) {
	a := Address{ID: "ad1", Label: "家", Recipient: "张三丰", Phone: "13812345678", Region: "浙江省杭州市西湖区", Detail: "文三路100号"}
	m := a.Masked()
	if m.ID != a.ID || m.Label != a.Label || m.Region != a.Region || m.Recipient != ident.MaskName(a.Recipient) ||
		m.Phone != ident.MaskPhone(a.Phone) || m.Detail != "文三*****" {
		t.Errorf("masked address = %+v", m)
	}
	if got := (Address{Detail: "文三路1"}).Masked().Detail; got != "****" {
		t.Errorf("short detail masked as %q, want ****", got)
	}
	if a.Detail != "文三路100号" {
		t.Error("Masked changed the address")
	}

	p := Citizen{ID: "c1", Name: "张三", IDNumber: zhangID, Phone: "13812345678", VerifiedAt: t0}
	if m := p.Masked(); m.Name != ident.MaskName("张三") || m.IDNumber != ident.MaskResidentID(zhangID) ||
		m.Phone != ident.MaskPhone(p.Phone) || m.Name == p.Name || m.IDNumber == p.IDNumber || !m.Verified() {
		t.Errorf("masked person = %+v", m)
	}
	unverified := Citizen{ID: "c2", Name: "张三", IDNumber: zhangID}
	if m := unverified.Masked(); m.Name != "" || m.IDNumber != "" || m.Phone != "" {
		t.Errorf("masked unverified person = %+v, want no name, number or phone", m)
	}
}
