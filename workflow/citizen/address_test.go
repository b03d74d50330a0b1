package citizen

import (
	"context"
	"strings"
	"testing"

	"zerovisit/workflow"
)

func TestAddAddress(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	zhang := f.store.person(workflow.ChannelWeChat, "张三", zhangID)
	good := Address{Label: "家", Recipient: " 张三 ", Phone: "13812345678", Region: " 浙江省杭州市西湖区 ", Detail: " 文三路 1 号 "}
	for field, bad := range map[string]func(*Address){
		"label":     func(a *Address) { a.Label = strings.Repeat("家", 17) },
		"recipient": func(a *Address) { a.Recipient = "   " },
		"phone":     func(a *Address) { a.Phone = "1381234567" },
		"region":    func(a *Address) { a.Region = " 浙 " },
		"detail":    func(a *Address) { a.Detail = strings.Repeat("路", 129) },
	} {
		a := good
		bad(&a)
		_, err := f.svc.AddAddress(ctx, zhang.Citizen.ID, a)
		wantField(t, wantRefusal(t, err, workflow.ErrInvalidInput, "invalid_address"), field)
	}
	// Bounds are on the text as entered.
	long := good
	long.Recipient = strings.Repeat(" ", 31) + "张三"
	_, err := f.svc.AddAddress(ctx, zhang.Citizen.ID, long)
	wantField(t, wantRefusal(t, err, workflow.ErrInvalidInput, "invalid_address"), "recipient")

	a, err := f.svc.AddAddress(ctx, zhang.Citizen.ID, good)
	if err != nil || a.ID == "" || a.Recipient != "张三" || a.Region != "浙江省杭州市西湖区" || a.Detail != "文三路 1 号" || a.Label != "家" {
		t.Fatalf("added = %+v, %v; want it trimmed", a, err)
	}
	for range MaxAddresses - 1 {
		if _, err := f.svc.AddAddress(ctx, zhang.Citizen.ID, good); err != nil {
			t.Fatal(err)
		}
	}
	_, err = f.svc.AddAddress(ctx, zhang.Citizen.ID, good)
	wantRefusal(t, err, workflow.ErrInvalidInput, "invalid_input")
	if err := f.svc.DeleteAddress(ctx, zhang.Citizen.ID, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.AddAddress(ctx, zhang.Citizen.ID, good); err != nil {
		t.Errorf("adding after a deletion: %v", err)
	}
	if book, _ := f.svc.Addresses(ctx, zhang.Citizen.ID); len(book) != MaxAddresses {
		t.Errorf("book has %d addresses, want %d", len(book), MaxAddresses)
	}
}
