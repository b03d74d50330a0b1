package kuaidi100

import (
	"encoding/json"
	"fmt"
	"net/url"
	"time"

	"zerovisit/workflow/parcel"
)

var ackOK, _ = json.Marshal(Answer{Result: true, ReturnCode: CodeOK, Message: "成功"})

// ParsePush checks a push (a form body) against our salt and returns the
// parcel's current state as one event.
func (c *Client) ParsePush(_ map[string][]string, body []byte) (parcel.Push, error) {
	return ParsePush(body, c.creds.Salt)
}

// ParsePush checks a push signed with salt and returns the parcel's
// current state (lastResult.state at the time of its newest route point)
// as one event.
func ParsePush(body []byte, salt string) (parcel.Push, error) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return parcel.Push{}, parcel.Malformed("push body is not a form")
	}
	param, sign := form.Get("param"), form.Get("sign")
	switch {
	case param == "" || sign == "":
		return parcel.Push{}, parcel.Malformed("push lacks param or sign")
	case !VerifyPushSign(sign, param, salt):
		return parcel.Push{}, parcel.BadSignature("sign does not verify")
	}
	var p PushParam
	if err := json.Unmarshal([]byte(param), &p); err != nil {
		return parcel.Push{}, parcel.Malformed("param is not a push")
	}
	t := p.LastResult
	if t.Nu == "" || t.State == "" || len(t.Data) == 0 {
		return parcel.Push{}, parcel.Malformed("lastResult lacks nu, state or data")
	}
	at, err := time.ParseInLocation(TimeLayout, t.Data[0].Time, CST)
	if err != nil {
		return parcel.Push{}, parcel.Malformed(fmt.Sprintf("bad time %q", t.Data[0].Time))
	}
	state := StateOf(t.State)
	if t.IsCheck == "1" {
		state = parcel.StateSigned
	}
	ev := parcel.Event{
		Waybill: t.Nu, State: state, Code: t.State, At: at, Note: t.Data[0].Context,
		Key: t.Nu + "|" + t.State + "|" + t.Data[0].Time,
	}
	return parcel.Push{Events: []parcel.Event{ev}, Ack: ackOK, ContentType: "application/json"}, nil
}

// SignPush builds the form body of a push as the service signs it.
func SignPush(p PushParam, salt string) ([]byte, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("kuaidi100: encode push: %w", err)
	}
	return []byte(url.Values{"param": {string(b)}, "sign": {PushSign(string(b), salt)}}.Encode()), nil
}
