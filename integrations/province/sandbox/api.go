package sandbox

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

const (
	headerIdempotencyKey = "X-Idempotency-Key"
	maxBody              = 1 << 20
	maxQuery             = 500
)

// wire types of the protocol, as the platform defines them.
type (
	tokenIn struct {
		AppID     string `json:"app_id"`
		AppSecret string `json:"app_secret"`
	}
	reportIn struct {
		CaseNumber  string    `json:"case_number"`
		ItemCode    string    `json:"item_code"`
		Department  string    `json:"department"`
		Status      string    `json:"status"`
		DataVersion int64     `json:"data_version"`
		OccurredAt  time.Time `json:"occurred_at"`
		ReportedAt  time.Time `json:"reported_at"`
	}
	caseOut struct {
		CaseNumber  string    `json:"case_number"`
		ItemCode    string    `json:"item_code"`
		Department  string    `json:"department"`
		Status      string    `json:"status"`
		DataVersion int64     `json:"data_version"`
		OccurredAt  time.Time `json:"occurred_at"`
		ReceivedAt  time.Time `json:"received_at"`
	}
	queryIn struct {
		CaseNumbers []string `json:"case_numbers"`
	}
)

func answer(w http.ResponseWriter, status int, v map[string]any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func ok(w http.ResponseWriter, fields map[string]any) {
	v := map[string]any{"code": "0", "msg": "成功"}
	for k, x := range fields {
		v[k] = x
	}
	answer(w, http.StatusOK, v)
}

func refuse(w http.ResponseWriter, status int, code, msg string) {
	answer(w, status, map[string]any{"code": code, "msg": msg})
}

func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err == nil {
		err = json.Unmarshal(b, v)
	}
	if err != nil {
		refuse(w, http.StatusBadRequest, "invalid_request", "请求格式不正确")
		return false
	}
	return true
}

func (s *Sandbox) issueToken(w http.ResponseWriter, r *http.Request) {
	var in tokenIn
	if !readJSON(w, r, &in) {
		return
	}
	idOK := subtle.ConstantTimeCompare([]byte(in.AppID), []byte(s.cfg.AppID)) == 1
	secretOK := subtle.ConstantTimeCompare([]byte(in.AppSecret), []byte(s.cfg.Secret)) == 1
	if !idOK || !secretOK || s.cfg.Secret == "" {
		refuse(w, http.StatusUnauthorized, "invalid_credentials", "应用标识或密钥错误")
		return
	}
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	tok := hex.EncodeToString(b)
	s.mu.Lock()
	s.tokens[tok] = s.cfg.Now().Add(s.cfg.TokenTTL)
	s.mu.Unlock()
	ok(w, map[string]any{"access_token": tok, "expires_in": int64(s.cfg.TokenTTL / time.Second)})
}

// authorised checks the bearer token before h.
func (s *Sandbox) authorised(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, found := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		s.mu.Lock()
		exp, known := s.tokens[tok]
		now := s.cfg.Now()
		s.mu.Unlock()
		switch {
		case !found || !known:
			refuse(w, http.StatusUnauthorized, "token_invalid", "访问令牌无效")
		case !now.Before(exp):
			refuse(w, http.StatusUnauthorized, "token_expired", "访问令牌已过期")
		default:
			h(w, r)
		}
	})
}

func (in reportIn) check() error {
	switch {
	case in.CaseNumber == "":
		return errors.New("办件编号不能为空")
	case in.ItemCode == "":
		return errors.New("事项编码不能为空")
	case in.Department == "":
		return errors.New("实施部门不能为空")
	case in.Status == "":
		return errors.New("办件状态不能为空")
	case in.DataVersion <= 0:
		return errors.New("数据版本必须为正整数")
	case in.OccurredAt.IsZero():
		return errors.New("状态时间不能为空")
	}
	return nil
}

// report applies a case report: by (number, version), the latest wins.
func (s *Sandbox) report(w http.ResponseWriter, r *http.Request) {
	var in reportIn
	if !readJSON(w, r, &in) {
		return
	}
	if err := in.check(); err != nil {
		refuse(w, http.StatusBadRequest, "invalid_request", err.Error())
		return
	}
	want := in.CaseNumber + ":" + strconv.FormatInt(in.DataVersion, 10)
	if got := r.Header.Get(headerIdempotencyKey); got != want {
		refuse(w, http.StatusBadRequest, "idempotency_key_mismatch", fmt.Sprintf("幂等键应为办件编号:数据版本（%s）", want))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ok(w, s.applyReport(in))
}

// applyReport applies a case's status report under s.mu: by (number,
// version), the latest wins.
func (s *Sandbox) applyReport(in reportIn) map[string]any {
	key := Key{Number: in.CaseNumber, Version: in.DataVersion}
	c := s.counts[key]
	c.Received++
	held, found := s.holdings[in.CaseNumber]
	var out map[string]any
	switch {
	case found && held.Version == in.DataVersion:
		c.Duplicates++
		out = map[string]any{"duplicate": true, "held_version": held.Version}
	case found && held.Version > in.DataVersion:
		c.Stale++
		out = map[string]any{"duplicate": false, "stale": true, "held_version": held.Version}
	default:
		c.Accepted++
		s.holdings[in.CaseNumber] = Holding{
			Number: in.CaseNumber, ItemCode: in.ItemCode, Department: in.Department, Status: in.Status,
			Version: in.DataVersion, OccurredAt: in.OccurredAt, ReceivedAt: s.cfg.Now(),
		}
		s.accepted = append(s.accepted, key)
		out = map[string]any{"duplicate": false, "held_version": in.DataVersion}
	}
	s.counts[key] = c
	return out
}

func (h Holding) out() caseOut {
	return caseOut{
		CaseNumber: h.Number, ItemCode: h.ItemCode, Department: h.Department, Status: h.Status,
		DataVersion: h.Version, OccurredAt: h.OccurredAt, ReceivedAt: h.ReceivedAt,
	}
}

func (s *Sandbox) getCase(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	h, found := s.holdings[r.PathValue("number")]
	s.mu.Unlock()
	if !found {
		refuse(w, http.StatusNotFound, "not_found", "未找到该办件")
		return
	}
	ok(w, map[string]any{"case": h.out()})
}

func (s *Sandbox) query(w http.ResponseWriter, r *http.Request) {
	var in queryIn
	if !readJSON(w, r, &in) {
		return
	}
	if len(in.CaseNumbers) > maxQuery {
		refuse(w, http.StatusBadRequest, "too_many_numbers", fmt.Sprintf("单次最多查询%d个办件", maxQuery))
		return
	}
	cases, missing := []caseOut{}, []string{}
	s.mu.Lock()
	for _, n := range in.CaseNumbers {
		if h, found := s.holdings[n]; found {
			cases = append(cases, h.out())
		} else {
			missing = append(missing, n)
		}
	}
	s.mu.Unlock()
	ok(w, map[string]any{"cases": cases, "missing": missing})
}
