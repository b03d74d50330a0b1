package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"time"
)

// Message is a subscribe message the sandbox delivered.
type Message struct {
	OpenID     string            `json:"touser"`
	TemplateID string            `json:"template_id"`
	Page       string            `json:"page"`
	Data       map[string]string `json:"-"`
	At         time.Time         `json:"-"`
}

// LoginCode issues a wx.login code for the user (unionID may be empty).
// Like WeChat's, a code works once.
func (s *Sandbox) LoginCode(openID, unionID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	code := "wxc" + randomHex(12)
	s.codes[code] = user{openID: openID, unionID: unionID}
	return code
}

// PhoneCode issues a getPhoneNumber code that reveals phone, once.
func (s *Sandbox) PhoneCode(phone string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	code := "wxp" + randomHex(12)
	s.phoneCodes[code] = phone
	return code
}

// Subscribe is the user accepting n one-time subscribe messages of a
// template (wx.requestSubscribeMessage answered "accept").
func (s *Sandbox) Subscribe(openID, templateID string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.consents[openID+"\x00"+templateID] += n
}

// Consents returns how many messages of a template the user still accepts.
func (s *Sandbox) Consents(openID, templateID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.consents[openID+"\x00"+templateID]
}

// Messages returns the subscribe messages delivered so far, oldest first.
func (s *Sandbox) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.messages)
}

// ExpireTokens makes every access token issued so far expired (42001).
func (s *Sandbox) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for t := range s.tokens {
		s.tokens[t] = time.Time{}
	}
}

type apiAnswer map[string]any

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}

// wxError answers as the mini-program API does: HTTP 200 with an errcode.
func wxError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, apiAnswer{"errcode": code, "errmsg": msg})
}

func (s *Sandbox) appOK(r *http.Request) bool {
	q := r.URL.Query()
	return q.Get("appid") == s.cfg.AppID && q.Get("secret") == s.cfg.AppSecret
}

func (s *Sandbox) code2Session(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if !s.appOK(r) {
		wxError(w, 40125, "invalid appsecret")
		return
	}
	if q.Get("grant_type") != "authorization_code" {
		wxError(w, 40002, "invalid grant_type")
		return
	}
	s.mu.Lock()
	u, ok := s.codes[q.Get("js_code")]
	delete(s.codes, q.Get("js_code"))
	s.mu.Unlock()
	if !ok {
		wxError(w, 40029, "invalid code")
		return
	}
	ans := apiAnswer{"openid": u.openID, "session_key": randomHex(12)}
	if u.unionID != "" {
		ans["unionid"] = u.unionID
	}
	writeJSON(w, ans)
}

func (s *Sandbox) token(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("grant_type") != "client_credential" {
		wxError(w, 40002, "invalid grant_type")
		return
	}
	if !s.appOK(r) {
		wxError(w, 40125, "invalid appsecret")
		return
	}
	tok := "AT" + randomHex(24)
	s.mu.Lock()
	s.tokens[tok] = s.now().Add(TokenLifetime * time.Second)
	s.mu.Unlock()
	writeJSON(w, apiAnswer{"access_token": tok, "expires_in": TokenLifetime})
}

// checkToken answers 40001 / 42001 for an unknown or expired token.
func (s *Sandbox) checkToken(w http.ResponseWriter, r *http.Request) bool {
	s.mu.Lock()
	exp, ok := s.tokens[r.URL.Query().Get("access_token")]
	s.mu.Unlock()
	switch {
	case !ok:
		wxError(w, 40001, "invalid credential, access_token is invalid or not latest")
		return false
	case !s.now().Before(exp):
		wxError(w, 42001, "access_token expired")
		return false
	}
	return true
}

func (s *Sandbox) phoneNumber(w http.ResponseWriter, r *http.Request) {
	if !s.checkToken(w, r) {
		return
	}
	var in struct {
		Code string `json:"code"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&in); err != nil {
		wxError(w, 47001, "data format error")
		return
	}
	s.mu.Lock()
	phone, ok := s.phoneCodes[in.Code]
	delete(s.phoneCodes, in.Code)
	s.mu.Unlock()
	if !ok {
		wxError(w, 40029, "invalid code")
		return
	}
	writeJSON(w, apiAnswer{"errcode": 0, "errmsg": "ok", "phone_info": apiAnswer{
		"phoneNumber": phone, "purePhoneNumber": phone, "countryCode": "86",
		"watermark": apiAnswer{"appid": s.cfg.AppID, "timestamp": s.now().Unix()},
	}})
}

func (s *Sandbox) subscribeSend(w http.ResponseWriter, r *http.Request) {
	if !s.checkToken(w, r) {
		return
	}
	var in struct {
		ToUser     string                         `json:"touser"`
		TemplateID string                         `json:"template_id"`
		Page       string                         `json:"page"`
		Data       map[string]struct{ Value any } `json:"data"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&in); err != nil {
		wxError(w, 47001, "data format error")
		return
	}
	if in.ToUser == "" || in.TemplateID == "" || len(in.Data) == 0 {
		wxError(w, 47003, "argument invalid")
		return
	}
	key := in.ToUser + "\x00" + in.TemplateID
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.consents[key] <= 0 {
		wxError(w, 43101, "user refuse to accept the msg")
		return
	}
	s.consents[key]--
	m := Message{OpenID: in.ToUser, TemplateID: in.TemplateID, Page: in.Page, Data: map[string]string{}, At: s.now()}
	for k, v := range in.Data {
		if str, ok := v.Value.(string); ok {
			m.Data[k] = str
		}
	}
	s.messages = append(s.messages, m)
	writeJSON(w, apiAnswer{"errcode": 0, "errmsg": "ok", "msgid": len(s.messages)})
}
