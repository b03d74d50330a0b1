package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"golang.org/x/crypto/bcrypt"

	"zerovisit/integrations/courier/sf"
	"zerovisit/models"
	"zerovisit/workflow"
	"zerovisit/workflow/desk"
	"zerovisit/workflow/staff"
)

// errNoSandboxHooks is returned by `zerovisit demo --addr`: minting a
// WeChat login code, completing a payment and moving a parcel are things
// only the sandboxes can do, and those of another process are out of reach.
var errNoSandboxHooks = errors.New("demo against another server: logging in through WeChat, paying and moving parcels need the sandboxes' hooks " +
	"(演示需要沙箱来生成微信登录码、完成支付和推进快递路由); run `zerovisit demo` without --addr, or start the server with " +
	"ZEROVISIT_PARTY_SANDBOX_URL naming a `zerovisit sandboxes` process and give the demo the same settings")

// demoHooks are what the demo cannot do over the product's API: what a
// phone, WeChat Pay, a courier company or the credit library does on its
// own side, and opening the accounts an operator would open.
type demoHooks interface {
	// loginCode is a wx.login code for a WeChat user.
	loginCode(ctx context.Context, openID string) (string, error)
	// phoneCode is a getPhoneNumber code that reveals phone.
	phoneCode(ctx context.Context, phone string) (string, error)
	// pay is the user paying an order in WeChat, which notifies the server.
	pay(ctx context.Context, outTradeNo string) error
	// advance is the courier company pushing a route event of a waybill.
	advance(ctx context.Context, waybill, opCode string) error
	// blacklist puts a subject on a joint-punishment list in the credit library.
	blacklist(ctx context.Context, subjectID, list string) error
	// falseCommitments are the credit library's false-commitment records of
	// a case, as "subject:code" pairs.
	falseCommitments(ctx context.Context, caseNumber string) ([]string, error)
	// addPerson puts a resident, with a driving licence, in the libraries.
	addPerson(ctx context.Context, id, name string) error
	// addClerk opens a staff account and returns its password.
	addClerk(ctx context.Context, username, name, department string) (string, error)
	// addCourier opens a courier account and returns its password.
	addCourier(ctx context.Context, name, phone string) (string, error)
}

// appHooks are the hooks of a server in this process: its sandboxes'
// Go methods and its stores.
type appHooks struct{ app *App }

func (h appHooks) loginCode(_ context.Context, openID string) (string, error) {
	return h.app.parties.sandboxes.channels.wechat.LoginCode(openID, ""), nil
}

func (h appHooks) phoneCode(_ context.Context, phone string) (string, error) {
	return h.app.parties.sandboxes.channels.wechat.PhoneCode(phone), nil
}

// effects counts what the in-process sandboxes received, per case.
func (h appHooks) effects(context.Context) (map[string]*caseEffects, error) {
	s := &sharedSandboxes{parties: h.app.parties.sandboxes, couriers: h.app.courier.sandboxes}
	return s.effects(), nil
}

// outbox counts the outbox entries of the server's database by state.
func (h appHooks) outbox(ctx context.Context) (map[workflow.OutboxState]int64, error) {
	return h.app.repo.OutboxCounts(ctx)
}

func (h appHooks) addPerson(_ context.Context, id, name string) error {
	return seedPerson(h.app.parties.sandboxes, id, name)
}

func (h appHooks) pay(ctx context.Context, outTradeNo string) error {
	n, err := h.app.parties.sandboxes.channels.wechat.Pay(ctx, outTradeNo)
	if err != nil {
		return fmt.Errorf("wechat pay sandbox: %w", err)
	}
	if n.Status != http.StatusNoContent && n.Status != http.StatusOK {
		return fmt.Errorf("wechat pay sandbox: the payment notification was answered %d", n.Status)
	}
	return nil
}

func (h appHooks) advance(ctx context.Context, waybill, opCode string) error {
	rep, err := h.app.courier.sandboxes.sf.Advance(ctx, waybill, opCode)
	if err != nil {
		return fmt.Errorf("sf sandbox push %s of %s: %w", opCode, waybill, err)
	}
	if rep.Status != http.StatusOK {
		return fmt.Errorf("sf sandbox push %s of %s: answered %d %s", opCode, waybill, rep.Status, rep.Body)
	}
	return nil
}

func (h appHooks) blacklist(_ context.Context, subjectID, list string) error {
	h.app.parties.sandboxes.credit.Blacklist(subjectID, list)
	return nil
}

func (h appHooks) falseCommitments(_ context.Context, caseNumber string) ([]string, error) {
	var out []string
	for _, r := range h.app.parties.sandboxes.credit.Records() {
		if r.CaseNumber == caseNumber {
			out = append(out, r.SubjectID+":"+r.Code)
		}
	}
	return out, nil
}

func (h appHooks) addClerk(ctx context.Context, username, name, department string) (string, error) {
	password := "demo-" + randomHex(8)
	hasher, err := h.app.staffPasswords()
	if err != nil {
		return "", err
	}
	hash, err := hasher.Hash(ctx, password)
	if err != nil {
		return "", fmt.Errorf("add demo clerk: %w", err)
	}
	_, err = models.NewStaffStore(h.app.db).CreateStaff(ctx, staff.Account{ID: "st-" + username, Username: username, Name: name,
		Department: department, Roles: []staff.Role{staff.RoleClerk}, PasswordHash: hash, CreatedAt: time.Now()})
	if err != nil {
		return "", fmt.Errorf("add demo clerk: %w", err)
	}
	return password, nil
}

func (h appHooks) addCourier(ctx context.Context, name, phone string) (string, error) {
	password := "demo-" + randomHex(8)
	if _, err := h.app.courier.desk.AddCourier(ctx, desk.NewCourier{Name: name, Phone: phone, Company: "顺丰速运",
		Provider: sf.Name, Password: password}); err != nil {
		return "", fmt.Errorf("add demo courier: %w", err)
	}
	return password, nil
}

// demoPasswordCost is the bcrypt cost of the demo courier's password: the
// account lives as long as the demo.
const demoPasswordCost = bcrypt.MinCost
