package parcel_test

import (
	"fmt"
	"strings"
	"testing"

	"zerovisit/workflow/parcel"
)

func TestContactPrintsMasked(t *testing.T) {
	c := parcel.Contact{Name: "张三丰", Phone: "13812345678", Address: "浙江省杭州市西湖区文三路 90 号", Company: "示例公司"}
	for name, s := range map[string]string{
		"String": c.String(), "GoString": fmt.Sprintf("%#v", c), "Verb": fmt.Sprintf("%v", c), "Log": c.LogValue().String(),
	} {
		if strings.Contains(s, "13812345678") || strings.Contains(s, "文三路") || strings.Contains(s, "三丰") {
			t.Errorf("%s = %q shows personal data", name, s)
		}
	}
	m := c.Masked()
	if m.Name != "张**" || m.Phone != "138****5678" || m.Address != "浙江省杭州市****" || m.Company != "示例公司" {
		t.Errorf("Masked = %+v", m)
	}
	for in, want := range map[string]string{"": "", "杭州": "杭州****", "浙江省杭州市": "浙江****"} {
		if got := parcel.MaskAddress(in); got != want {
			t.Errorf("MaskAddress(%q) = %q, want %q", in, got, want)
		}
	}
}
