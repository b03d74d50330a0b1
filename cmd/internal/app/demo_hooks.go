package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
	wechatsb "zerovisit/integrations/wechat/sandbox"

	"golang.org/x/crypto/bcrypt"

	"zerovisit/integrations/courier/sf"
	"zerovisit/models"
	"zerovisit/workflow"
	"zerovisit/workflow/desk"
	"zerovisit/workflow/staff"
)

// ErrNoSandboxHooks is returned by `zerovisit demo --addr`: minting a
// WeChat login code, completing a payment and moving a parcel are things
// only the sandboxes can do, and those of another process are out of reach.
var ErrNoSandboxHooks = errors.New("demo against another server: logging in through WeChat, paying and moving parcels need the sandboxes' hooks " +
	"(演示需要沙箱来生成微信登录码、完成支付和推进快递路由); run `zerovisit demo` without --addr, or start the server with " +
	"ZEROVISIT_PARTY_SANDBOX_URL naming a `zerovisit sandboxes` process and give the demo the same settings")

// Hooks are what the demo and the load generator cannot do over the
// product's API: what a phone, WeChat Pay, a courier company or the credit
// library does on its own side, opening the accounts an operator would
// open, and the parties' and the outbox's record of what happened.
type Hooks interface {
	// LoginCode is a wx.login code for a WeChat user.
	LoginCode(ctx context.Context, openID string) (string, error)
	// PhoneCode is a getPhoneNumber code that reveals phone.
	PhoneCode(ctx context.Context, phone string) (string, error)
	// FaceCheck is the WeChat user passing a face check (人脸核身) of the
	// named person: the verifyResult wx.startFacialRecognitionVerify gives.
	FaceCheck(ctx context.Context, openID, name, idNumber string) (string, error)
	// Pay is the user paying an order in WeChat, which notifies the server.
	Pay(ctx context.Context, outTradeNo string) error
	// Advance is the courier company pushing a route event of a waybill.
	Advance(ctx context.Context, waybill, opCode string) error
	// Blacklist puts a subject on a joint-punishment list in the credit library.
	Blacklist(ctx context.Context, subjectID, list string) error
	// FalseCommitments are the credit library's false-commitment records of
	// a case, as "subject:code" pairs.
	FalseCommitments(ctx context.Context, caseNumber string) ([]string, error)
	// AddPerson puts a resident, with a driving licence, in the libraries.
	AddPerson(ctx context.Context, id, name string) error
	// AddClerk opens a staff account and returns its password.
	AddClerk(ctx context.Context, username, name, department string) (string, error)
	// AddCourier opens a courier account and returns its password.
	AddCourier(ctx context.Context, name, phone string) (string, error)
	// Effects counts what the sandboxes received, per case number.
	Effects(ctx context.Context) (map[string]*CaseEffects, error)
	// Outbox counts the outbox entries of the servers' database by state.
	Outbox(ctx context.Context) (map[workflow.OutboxState]int64, error)
}

// Hooks are the hooks of this server, which runs its sandboxes in process
// (StartDemoServer).
func (a *App) Hooks() Hooks { return appHooks{a} }

// appHooks are the hooks of a server in this process: its sandboxes'
// Go methods and its stores.
type appHooks struct{ app *App }

func (h appHooks) LoginCode(_ context.Context, openID string) (string, error) {
	return h.app.parties.sandboxes.channels.wechat.LoginCode(openID, ""), nil
}

func (h appHooks) PhoneCode(_ context.Context, phone string) (string, error) {
	return h.app.parties.sandboxes.channels.wechat.PhoneCode(phone), nil
}

func (h appHooks) FaceCheck(_ context.Context, openID, name, idNumber string) (string, error) {
	return h.app.parties.sandboxes.channels.wechat.FaceCheck(wechatsb.FaceCheck{OpenID: openID, Name: name,
		IDNumber: idNumber, Outcome: wechatsb.FacePassed})
}

// Effects counts what the in-process sandboxes received, per case.
func (h appHooks) Effects(context.Context) (map[string]*CaseEffects, error) {
	s := &sharedSandboxes{parties: h.app.parties.sandboxes, couriers: h.app.courier.sandboxes}
	return s.effects(), nil
}

// Outbox counts the outbox entries of the server's database by state.
func (h appHooks) Outbox(ctx context.Context) (map[workflow.OutboxState]int64, error) {
	return h.app.repo.OutboxCounts(ctx)
}

func (h appHooks) AddPerson(_ context.Context, id, name string) error {
	return seedPerson(h.app.parties.sandboxes, id, name)
}

func (h appHooks) Pay(ctx context.Context, outTradeNo string) error {
	n, err := h.app.parties.sandboxes.channels.wechat.Pay(ctx, outTradeNo)
	if err != nil {
		return fmt.Errorf("wechat pay sandbox: %w", err)
	}
	if n.Status != http.StatusNoContent && n.Status != http.StatusOK {
		return fmt.Errorf("wechat pay sandbox: the payment notification was answered %d", n.Status)
	}
	return nil
}

func (h appHooks) Advance(ctx context.Context, waybill, opCode string) error {
	rep, err := h.app.courier.sandboxes.sf.Advance(ctx, waybill, opCode)
	if err != nil {
		return fmt.Errorf("sf sandbox push %s of %s: %w", opCode, waybill, err)
	}
	if rep.Status != http.StatusOK {
		return fmt.Errorf("sf sandbox push %s of %s: answered %d %s", opCode, waybill, rep.Status, rep.Body)
	}
	return nil
}

func (h appHooks) Blacklist(_ context.Context, subjectID, list string) error {
	h.app.parties.sandboxes.credit.Blacklist(subjectID, list)
	return nil
}

func (h appHooks) FalseCommitments(_ context.Context, caseNumber string) ([]string, error) {
	var out []string
	for _, r := range h.app.parties.sandboxes.credit.Records() {
		if r.CaseNumber == caseNumber {
			out = append(out, r.SubjectID+":"+r.Code)
		}
	}
	return out, nil
}

func (h appHooks) AddClerk(ctx context.Context, username, name, department string) (string, error) {
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
		Department: department, Roles: []staff.Role{staff.RoleClerk, staff.RoleReviewer}, PasswordHash: hash, CreatedAt: time.Now()})
	if err != nil {
		return "", fmt.Errorf("add demo clerk: %w", err)
	}
	return password, nil
}

func (h appHooks) AddCourier(ctx context.Context, name, phone string) (string, error) {
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
