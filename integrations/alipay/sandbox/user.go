package sandbox

import (
	"encoding/json"
	"net/url"
	"slices"
	"time"
)

// Message is a mini-program message the sandbox delivered.
type Message struct {
	ToUserID   string
	ToOpenID   string
	TemplateID string
	Page       string
	Data       map[string]string
	At         time.Time
}

// AuthCode issues a my.getAuthCode code for the user (UserID or OpenID may
// be empty); like Alipay's, it works once.
func (s *Sandbox) AuthCode(u User) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	code := "ac" + randomHex(12)
	s.codes[code] = u
	return code
}

// Subscribe is the user accepting n messages of a template; user is the
// user id or open id the app addresses them by.
func (s *Sandbox) Subscribe(user, templateID string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.consents[user+"\x00"+templateID] += n
}

// Messages returns the messages delivered so far, oldest first.
func (s *Sandbox) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.messages)
}

func (s *Sandbox) oauthToken(form url.Values) any {
	if form.Get("grant_type") != "authorization_code" {
		return failure("isv.grant-type-invalid", "grant_type 不正确")
	}
	s.mu.Lock()
	u, ok := s.codes[form.Get("code")]
	delete(s.codes, form.Get("code"))
	s.mu.Unlock()
	if !ok {
		return failure("isv.code-invalid", "授权码code无效")
	}
	out := map[string]any{"access_token": "authusr" + randomHex(12), "expires_in": 1296000,
		"refresh_token": "authusr" + randomHex(12), "re_expires_in": 2592000, "auth_start": s.now().Format("2006-01-02 15:04:05")}
	if u.UserID != "" {
		out["user_id"] = u.UserID
	}
	if u.OpenID != "" {
		out["open_id"] = u.OpenID
	}
	return out
}

func (s *Sandbox) templateMessage(str func(string) string) any {
	to := str("to_user_id")
	if to == "" {
		to = str("to_open_id")
	}
	tpl := str("user_template_id")
	var data map[string]struct {
		Value string `json:"value"`
	}
	if to == "" || tpl == "" || json.Unmarshal([]byte(str("data")), &data) != nil {
		return failure("isv.invalid-parameter", "参数无效")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := to + "\x00" + tpl
	if s.consents[key] <= 0 {
		return failure("isv.user-not-subscribed", "用户未订阅该消息")
	}
	s.consents[key]--
	m := Message{ToUserID: str("to_user_id"), ToOpenID: str("to_open_id"), TemplateID: tpl, Page: str("page"),
		Data: map[string]string{}, At: s.now()}
	for k, v := range data {
		m.Data[k] = v.Value
	}
	s.messages = append(s.messages, m)
	return success(map[string]any{})
}
