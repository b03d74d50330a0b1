package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"zerovisit/configs"
	"zerovisit/workflow"
)

// remoteHooks are the hooks of servers that share a sandbox process
// (`zerovisit sandboxes`): its /_sandbox/ endpoints over HTTP, and an
// operator's view of the shared database for opening the clerk's and the
// courier's accounts, as `zerovisit staff add` and `courier add` would.
type remoteHooks struct {
	base     string
	hc       *http.Client
	operator appHooks
}

// OpenRemoteHooks opens the operator's view of the database configured by
// getenv (the replicas' own settings) and checks the sandbox process answers.
func OpenRemoteHooks(ctx context.Context, sandboxURL string, getenv func(string) string, stderr io.Writer) (Hooks, func(), error) {
	if getenv("ZEROVISIT_DATABASE_URL") == "" || getenv("ZEROVISIT_PARTY_SANDBOX_URL") == "" {
		return nil, nil, fmt.Errorf("against other servers, give their settings: ZEROVISIT_DATABASE_URL (and keys) to open the clerk's and courier's " +
			"accounts, and ZEROVISIT_PARTY_SANDBOX_URL naming the shared sandbox process " +
			"(对远端服务演示或压测时，须提供与服务相同的数据库与共享沙箱配置)")
	}
	cfg, err := configs.Load(getenv)
	if err != nil {
		return nil, nil, err
	}
	app := NewApp(cfg, newLogger(cfg.Log, stderr))
	app.courier.passwordCost = demoPasswordCost
	if err := app.openCore(ctx); err != nil {
		_ = app.Close()
		return nil, nil, err
	}
	if err := app.openCourier(); err != nil {
		_ = app.Close()
		return nil, nil, err
	}
	h := &remoteHooks{base: strings.TrimRight(sandboxURL, "/"), hc: &http.Client{Timeout: 30 * time.Second}, operator: appHooks{app}}
	return h, func() { _ = app.Close() }, nil
}

// call posts in (nil: GET) to a hook and decodes its answer into out.
func (h *remoteHooks) call(ctx context.Context, path string, in, out any) error {
	method, body := http.MethodGet, []byte(nil)
	if in != nil {
		method = http.MethodPost
		var err error
		if body, err = json.Marshal(in); err != nil {
			return err
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, h.base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := h.hc.Do(req)
	if err != nil {
		return fmt.Errorf("sandbox hook %s: %w", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("sandbox hook %s: %w", path, err)
	}
	if resp.StatusCode/100 != 2 {
		return &hookRefusal{path: path, status: resp.StatusCode, body: string(bytes.TrimSpace(b))}
	}
	if out != nil && len(b) > 0 {
		return json.Unmarshal(b, out)
	}
	return nil
}

func (h *remoteHooks) LoginCode(ctx context.Context, openID string) (string, error) {
	var out struct{ Code string }
	err := h.call(ctx, "/_sandbox/wechat/login-code", map[string]string{"open_id": openID}, &out)
	return out.Code, err
}

func (h *remoteHooks) PhoneCode(ctx context.Context, phone string) (string, error) {
	var out struct{ Code string }
	err := h.call(ctx, "/_sandbox/wechat/phone-code", map[string]string{"phone": phone}, &out)
	return out.Code, err
}

func (h *remoteHooks) FaceCheck(ctx context.Context, openID, name, idNumber string) (string, error) {
	var out struct {
		VerifyResult string `json:"verify_result"`
	}
	err := h.call(ctx, "/_sandbox/wechat/face-check", map[string]string{"open_id": openID, "name": name,
		"id_number": idNumber, "outcome": "passed"}, &out)
	return out.VerifyResult, err
}

// Pay retries while no replica takes the notification, as WeChat Pay keeps
// notifying until it is acknowledged.
func (h *remoteHooks) Pay(ctx context.Context, outTradeNo string) error {
	return retryHook(ctx, func() error {
		return h.call(ctx, "/_sandbox/wechat/pay", map[string]string{"out_trade_no": outTradeNo}, nil)
	})
}

// Advance retries a push no replica took, as the courier company does.
func (h *remoteHooks) Advance(ctx context.Context, waybill, opCode string) error {
	return retryHook(ctx, func() error {
		return h.call(ctx, "/_sandbox/sf/advance", map[string]string{"waybill": waybill, "op_code": opCode}, nil)
	})
}

func (h *remoteHooks) Blacklist(ctx context.Context, subjectID, list string) error {
	return h.call(ctx, "/_sandbox/credit/blacklist", map[string]string{"subject_id": subjectID, "list": list}, nil)
}

func (h *remoteHooks) FalseCommitments(ctx context.Context, caseNumber string) ([]string, error) {
	var out struct {
		Items []struct {
			SubjectID string `json:"subject_id"`
			Code      string `json:"code"`
		}
	}
	if err := h.call(ctx, "/_sandbox/credit/records?case="+url.QueryEscape(caseNumber), nil, &out); err != nil {
		return nil, err
	}
	var found []string
	for _, r := range out.Items {
		found = append(found, r.SubjectID+":"+r.Code)
	}
	return found, nil
}

func (h *remoteHooks) AddPerson(ctx context.Context, id, name string) error {
	return h.call(ctx, "/_sandbox/people", map[string]string{"id_number": id, "name": name}, nil)
}

func (h *remoteHooks) AddClerk(ctx context.Context, username, name, department string) (string, error) {
	return h.operator.AddClerk(ctx, username, name, department)
}

func (h *remoteHooks) AddCourier(ctx context.Context, name, phone string) (string, error) {
	return h.operator.AddCourier(ctx, name, phone)
}

// Effects is the sandbox process's summary of what every party received.
func (h *remoteHooks) Effects(ctx context.Context) (map[string]*CaseEffects, error) {
	var out struct {
		Cases map[string]*CaseEffects `json:"cases"`
	}
	err := h.call(ctx, "/_sandbox/effects", nil, &out)
	return out.Cases, err
}

// Outbox counts the outbox entries of the shared database by state.
func (h *remoteHooks) Outbox(ctx context.Context) (map[workflow.OutboxState]int64, error) {
	return h.operator.Outbox(ctx)
}

// hookRefusal is a hook's answer other than 2xx.
type hookRefusal struct {
	path   string
	status int
	body   string
}

func (e *hookRefusal) Error() string {
	return fmt.Sprintf("sandbox hook %s answered %d: %s", e.path, e.status, e.body)
}

// retryHook retries a callback no replica took (a replica restarting, say)
// for up to a minute.
func retryHook(ctx context.Context, f func() error) error {
	deadline := time.Now().Add(time.Minute)
	for {
		err := f()
		var he *hookRefusal
		if err == nil || time.Now().After(deadline) || !errors.As(err, &he) || he.status != http.StatusBadGateway {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}
