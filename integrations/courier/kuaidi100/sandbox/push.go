package sandbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"zerovisit/integrations/courier/kuaidi100"
)

// Reply is our callback's answer to a push.
type Reply struct {
	Status int
	Body   []byte
}

// ErrUnknownWaybill means the sandbox never issued the waybill.
var ErrUnknownWaybill = errors.New("unknown waybill")

var contexts = map[string]string{
	kuaidi100.StatePickedUp:       "【杭州市】邮政快递员已揽收",
	kuaidi100.StateInTransit:      "【杭州市】快件已到达杭州处理中心",
	kuaidi100.StateOutForDelivery: "【杭州市】投递员正在派送",
	kuaidi100.StateProblem:        "【杭州市】投递未成功：收件人不在",
	kuaidi100.StateSigned:         "【杭州市】已签收",
	kuaidi100.StateRefused:        "【杭州市】收件人拒收，退回",
	kuaidi100.StateReturned:       "【杭州市】快件已退回",
}

// Route moves the parcel to state at time at and returns the signed push
// of its new route, without sending it.
func (s *Sandbox) Route(waybill, state string, at time.Time) (url string, body []byte, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.byWaybill[waybill]
	switch {
	case !ok:
		return "", nil, fmt.Errorf("kuaidi100 sandbox: %w: %s", ErrUnknownWaybill, waybill)
	case p.Cancelled:
		return "", nil, fmt.Errorf("kuaidi100 sandbox: order %s was cancelled", p.Order.OrderID)
	}
	ts := at.In(kuaidi100.CST).Format(kuaidi100.TimeLayout)
	p.State = state
	p.Route = append([]kuaidi100.Point{{Time: ts, Ftime: ts, Context: contexts[state], Status: state, State: state}}, p.Route...)
	body, err = kuaidi100.SignPush(kuaidi100.PushParam{Status: "polling", BillStatus: "change", LastResult: s.track(p)}, p.Salt)
	return p.CallbackURL, body, err
}

// Advance moves the parcel to state now and pushes its route to the
// subscribed callback, returning the answer.
func (s *Sandbox) Advance(ctx context.Context, waybill, state string) (Reply, error) {
	url, body, err := s.Route(waybill, state, s.cfg.Now())
	if err != nil {
		return Reply{}, err
	}
	if url == "" {
		return Reply{}, fmt.Errorf("kuaidi100 sandbox: %s has no subscription", waybill)
	}
	return s.Send(ctx, url, body)
}

// Send posts a push body to url and returns the answer; answers are kept
// for Pushes. An error means no answer came.
func (s *Sandbox) Send(ctx context.Context, url string, body []byte) (Reply, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return Reply{}, fmt.Errorf("kuaidi100 sandbox: new push: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := s.cfg.Client.Do(req)
	if err != nil {
		return Reply{}, fmt.Errorf("kuaidi100 sandbox: push: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return Reply{}, fmt.Errorf("kuaidi100 sandbox: read push answer: %w", err)
	}
	rep := Reply{Status: resp.StatusCode, Body: b}
	s.mu.Lock()
	s.pushes = append(s.pushes, rep)
	s.mu.Unlock()
	return rep, nil
}

// Pushes returns the answers to every push sent, in order.
func (s *Sandbox) Pushes() []Reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.pushes)
}
