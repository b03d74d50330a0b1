package alipay

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/smartwalle/alipay/v3"

	"zerovisit/workflow"
)

// Message is a mini-program subscribe message to one user.
type Message struct {
	ToUserID   string
	ToOpenID   string
	TemplateID string
	Page       string
	// Data are the template's keywords and their values.
	Data map[string]string
}

// templateMessage is alipay.open.app.mini.templatemessage.send, which the
// SDK does not cover.
type templateMessage struct {
	alipay.AuxParam
	ToUserID       string `json:"to_user_id,omitempty"`
	ToOpenID       string `json:"to_open_id,omitempty"`
	UserTemplateID string `json:"user_template_id"`
	Page           string `json:"page,omitempty"`
	Data           string `json:"data"`
}

func (templateMessage) APIName() string { return "alipay.open.app.mini.templatemessage.send" }

func (templateMessage) Params() map[string]string { return map[string]string{} }

// SendMessage sends a subscribe message; ErrNoConsent means the user has
// not subscribed to the template (or has no sends left).
func (c *Client) SendMessage(ctx context.Context, m Message) error {
	if (m.ToUserID == "" && m.ToOpenID == "") || m.TemplateID == "" {
		return fmt.Errorf("alipay: message: a user and a template are required: %w", workflow.ErrInvalidInput)
	}
	data := map[string]map[string]string{}
	for k, v := range m.Data {
		data[k] = map[string]string{"value": v}
	}
	raw, _ := json.Marshal(data)
	var rsp struct {
		alipay.Error
	}
	err := c.c.Request(ctx, templateMessage{ToUserID: m.ToUserID, ToOpenID: m.ToOpenID,
		UserTemplateID: m.TemplateID, Page: m.Page, Data: string(raw)}, &rsp)
	if err != nil {
		return classify("template message", err)
	}
	if !rsp.IsSuccess() {
		return classify("template message", rsp.Error)
	}
	return nil
}
