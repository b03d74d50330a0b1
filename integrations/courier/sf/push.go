package sf

import (
	"encoding/json"
	"fmt"
	"net/url"
	"time"

	"zerovisit/workflow/parcel"
)

// maxRoutesPerPush bounds the routes one push may carry.
const maxRoutesPerPush = 100

var ackOK, _ = json.Marshal(PushAck{ReturnCode: "0000", ReturnMsg: "成功"})

// ParsePush checks a route push (a form body) and returns its events. The
// partner must be ours and the digest must verify with our checkword before
// msgData is read.
func (c *Client) ParsePush(_ map[string][]string, body []byte) (parcel.Push, error) {
	return ParsePush(body, c.creds.PartnerID, c.creds.Checkword)
}

// ParsePush checks a route push for partnerID signed with checkword and
// returns its events.
func ParsePush(body []byte, partnerID, checkword string) (parcel.Push, error) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return parcel.Push{}, parcel.Malformed("push body is not a form")
	}
	get := form.Get
	switch {
	case get("partnerID") == "" || get("timestamp") == "" || get("msgDigest") == "" || get("msgData") == "":
		return parcel.Push{}, parcel.Malformed("push lacks partnerID, timestamp, msgDigest or msgData")
	case get("serviceCode") != ServiceRoutePush:
		return parcel.Push{}, parcel.Malformed(fmt.Sprintf("service code %q is not a route push", get("serviceCode")))
	case get("partnerID") != partnerID:
		return parcel.Push{}, parcel.BadSignature("unknown partner")
	case !VerifyDigest(get("msgDigest"), get("msgData"), get("timestamp"), checkword):
		return parcel.Push{}, parcel.BadSignature("msgDigest does not verify")
	}
	var msg PushMessage
	if err := json.Unmarshal([]byte(get("msgData")), &msg); err != nil {
		return parcel.Push{}, parcel.Malformed("msgData is not a route push")
	}
	if len(msg.WaybillRoute) == 0 || len(msg.WaybillRoute) > maxRoutesPerPush {
		return parcel.Push{}, parcel.Malformed(fmt.Sprintf("a push carries 1 to %d routes, not %d", maxRoutesPerPush, len(msg.WaybillRoute)))
	}
	out := parcel.Push{Ack: ackOK, ContentType: "application/json"}
	for i, r := range msg.WaybillRoute {
		at, err := time.ParseInLocation(TimeLayout, r.AcceptTime, CST)
		if err != nil || r.MailNo == "" || r.OpCode == "" {
			return parcel.Push{}, parcel.Malformed(fmt.Sprintf("route %d lacks a waybill, an opCode or a valid time", i))
		}
		key := r.ID
		if key == "" {
			key = eventKey(r.MailNo, r.OpCode, r.AcceptTime)
		}
		out.Events = append(out.Events, parcel.Event{
			Waybill: r.MailNo, OrderID: r.OrderID, State: StateOf(r.OpCode), Code: r.OpCode, At: at,
			Place: r.AcceptAddress, Note: r.Remark, Key: key,
		})
	}
	return out, nil
}

// SignPush builds the form body of a route push as the platform signs it:
// the sandbox uses it, and tests use it to forge or alter one.
func SignPush(msg PushMessage, partnerID, checkword, requestID string, at time.Time) ([]byte, error) {
	data, err := json.Marshal(msg)
	if err != nil {
		return nil, fmt.Errorf("sf: encode push: %w", err)
	}
	ts := fmt.Sprint(at.UnixMilli())
	form := url.Values{
		"partnerID":   {partnerID},
		"requestID":   {requestID},
		"serviceCode": {ServiceRoutePush},
		"timestamp":   {ts},
		"msgDigest":   {Digest(string(data), ts, checkword)},
		"msgData":     {string(data)},
	}
	return []byte(form.Encode()), nil
}
