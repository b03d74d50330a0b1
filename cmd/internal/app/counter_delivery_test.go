package app

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	basedatasb "zerovisit/integrations/basedata/sandbox"
	"zerovisit/workflow/staff"
)

// TestCounterIntakeDeliversByCourier: a walk-in asks for the result by
// post. The clerk takes the address and mobile at the counter; the case
// keeps them sealed to itself, and the courier company receives them when
// the result is dispatched. A courier delivery without them, to someone
// other than the applicant, or to a reference the clerk makes up, is
// refused.
func TestCounterIntakeDeliversByCourier(t *testing.T) {
	e := newSanctionEnv(t)
	body := func(key string, delivery, contact any) map[string]any {
		b := map[string]any{
			"item_code": "scjgj-gtgshsldj", "applicant": map[string]string{"name": "张三", "id_number": basedatasb.ZhangSanID, "phone": "13900001111"},
			"materials": []map[string]string{{"code": "jyzsfzm", "source": "basedata", "ref": "identity"},
				{"code": "djsqs", "source": "upload", "ref": e.scan}, {"code": "jycssyzm", "source": "upload", "ref": e.scan}},
			"commitment_letter": e.letter(t, key), "delivery": delivery,
		}
		if contact != nil {
			b["delivery_contact"] = contact
		}
		return b
	}
	for name, b := range map[string]map[string]any{
		"someone else":         body("intake-post-5", map[string]string{"method": "courier"}, map[string]string{"name": "李四", "phone": "13700002222", "address": "浙江省杭州市西湖区文三路90号"}),
		"no recipient":         body("intake-post-1", map[string]string{"method": "courier"}, nil),
		"a made-up ref":        body("intake-post-2", map[string]string{"method": "courier", "address_ref": "addr-of-someone"}, map[string]string{"name": "张三", "phone": "13900001111", "address": "浙江省杭州市西湖区文三路90号"}),
		"a bad phone":          body("intake-post-3", map[string]string{"method": "courier"}, map[string]string{"name": "张三", "phone": "12345", "address": "浙江省杭州市西湖区文三路90号"}),
		"contact without post": body("intake-post-4", map[string]string{"method": "electronic"}, map[string]string{"name": "张三", "phone": "13900001111", "address": "浙江省杭州市西湖区文三路90号"}),
	} {
		if code, got := callWithKey(t, e.app, "/api/v1/staff/intake", e.token, "intake-"+strings.ReplaceAll(name, " ", "-"), b); code != http.StatusUnprocessableEntity {
			t.Errorf("%s: intake = %d %v, want 422", name, code, got)
		}
	}
	code, got := callWithKey(t, e.app, "/api/v1/staff/intake", e.token, "intake-post-ok",
		body("intake-post-ok", map[string]string{"method": "courier"}, map[string]string{"name": "张三", "phone": "13700002222", "address": "浙江省杭州市西湖区文三路90号3幢101室"}))
	if code != http.StatusCreated {
		t.Fatalf("intake = %d %v", code, got)
	}
	cs := got["case"].(map[string]any)
	id := cs["id"].(string)
	c, err := e.app.svc.Get(context.Background(), id)
	if err != nil || !strings.HasPrefix(c.Delivery.AddressRef, staff.CounterAddressPrefix) || strings.Contains(c.Delivery.AddressRef, "文三路") {
		t.Fatalf("case delivery = %+v %v, want the recipient sealed to the case", c.Delivery, err)
	}
	if code, body := call(t, e.app, http.MethodPost, "/api/v1/staff/cases/"+id+"/dispatch", e.token, map[string]any{}); code != http.StatusOK || body["status"] != "delivering" {
		t.Fatalf("dispatch = %d %v", code, body)
	}
	eventually(t, 10*time.Second, "the courier company to receive the recipient", func() bool {
		for _, p := range e.app.courier.sandboxes.sf.Parcels() {
			if p.Recipient.Contact == "张三" && p.Recipient.Tel == "13700002222" && strings.Contains(p.Recipient.Address, "文三路90号3幢101室") {
				return true
			}
		}
		return false
	})
}
