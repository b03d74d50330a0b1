package sandbox

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"zerovisit/integrations/courier/sf"
)

// Reply is our callback's answer to a push.
type Reply struct {
	Status int
	Body   []byte
}

// remarks are the route descriptions the sandbox writes for each opCode.
var remarks = map[string]string{
	sf.OpPickedUp:       "顺丰速运 已收取快件",
	sf.OpInTransit:      "快件已发车",
	sf.OpArrived:        "快件到达 杭州转运中心",
	sf.OpOutForDelivery: "正在派送途中，请保持电话畅通",
	sf.OpFailedAttempt:  "派送不成功，收件人电话无人接听",
	sf.OpRefused:        "收件人拒收",
	sf.OpReturned:       "快件已退回寄件人",
	sf.OpSigned:         "已签收，感谢使用顺丰",
}

// Route adds a route point with opCode at time at to the parcel and returns
// it, without pushing it. ErrUnknownWaybill for a waybill it never issued.
func (s *Sandbox) Route(waybill, opCode string, at time.Time) (sf.PushRoute, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.byWaybill[waybill]
	switch {
	case !ok:
		return sf.PushRoute{}, fmt.Errorf("sf sandbox: %w: %s", ErrUnknownWaybill, waybill)
	case p.Cancelled:
		return sf.PushRoute{}, fmt.Errorf("sf sandbox: order %s was cancelled", p.OrderID)
	}
	s.routeSeq++
	r := sf.PushRoute{
		ID: fmt.Sprintf("R%d%06d", at.Unix(), s.routeSeq), MailNo: waybill, OrderID: p.OrderID,
		AcceptTime: at.In(sf.CST).Format(sf.TimeLayout), AcceptAddress: "杭州市", Remark: remarks[opCode], OpCode: opCode,
	}
	p.Routes = append(p.Routes, r)
	return r, nil
}

// ErrUnknownWaybill means the sandbox never issued the waybill.
var ErrUnknownWaybill = errors.New("unknown waybill")

// Advance moves the parcel on with opCode now and pushes the new route
// point to the callback, returning its answer.
func (s *Sandbox) Advance(ctx context.Context, waybill, opCode string) (Reply, error) {
	r, err := s.Route(waybill, opCode, s.cfg.Now())
	if err != nil {
		return Reply{}, err
	}
	body, err := s.Sign(r)
	if err != nil {
		return Reply{}, err
	}
	return s.Send(ctx, body)
}

// Sign builds the signed form body of a push of the routes, as the
// platform sends it.
func (s *Sandbox) Sign(routes ...sf.PushRoute) ([]byte, error) {
	return sf.SignPush(sf.PushMessage{WaybillRoute: routes}, s.cfg.PartnerID, s.cfg.Checkword, newID(), s.cfg.Now())
}

// Send posts a push body to the callback and returns its answer; pushes
// and answers are kept for Pushes. An error means no answer came.
func (s *Sandbox) Send(ctx context.Context, body []byte) (Reply, error) {
	if s.cfg.PushURL == nil || s.cfg.PushURL() == "" {
		return Reply{}, errors.New("sf sandbox: no push url configured")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.PushURL(), bytes.NewReader(body))
	if err != nil {
		return Reply{}, fmt.Errorf("sf sandbox: new push: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")
	resp, err := s.cfg.Client.Do(req)
	if err != nil {
		return Reply{}, fmt.Errorf("sf sandbox: push: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return Reply{}, fmt.Errorf("sf sandbox: read push answer: %w", err)
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

func newID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
