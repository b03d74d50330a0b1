package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"

	"zerovisit/integrations/department"
)

const maxBody = 1 << 20

// pushIn is the body of a push, as the department's system reads it.
type pushIn struct {
	CaseID     string             `json:"case_id"`
	CaseNumber string             `json:"case_number"`
	ItemCode   string             `json:"item_code"`
	Department string             `json:"department"`
	Version    int64              `json:"version"`
	Status     string             `json:"status"`
	PushedAt   time.Time          `json:"pushed_at"`
	Summary    department.Summary `json:"summary"`
}

func answer(w http.ResponseWriter, status int, v map[string]any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// refuse answers a refused push and remembers its code.
func (s *Sandbox) refuse(w http.ResponseWriter, status int, code, msg string) {
	s.mu.Lock()
	s.refusals = append(s.refusals, code)
	s.mu.Unlock()
	answer(w, status, map[string]any{"code": code, "msg": msg})
}

// receive checks a push as a department's system would, then records it
// once per idempotency key.
func (s *Sandbox) receive(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		s.refuse(w, http.StatusBadRequest, department.CodeMalformed, "请求体过大或不可读")
		return
	}
	dept := r.Header.Get(department.HeaderDepartment)
	ts := r.Header.Get(department.HeaderTimestamp)
	nonce := r.Header.Get(department.HeaderNonce)
	sig := r.Header.Get(department.HeaderSignature)
	key := r.Header.Get(department.HeaderIdempotencyKey)
	unix, tsErr := strconv.ParseInt(ts, 10, 64)
	if dept == "" || tsErr != nil || !department.ValidNonce(nonce) || sig == "" || key == "" {
		s.refuse(w, http.StatusBadRequest, department.CodeMalformed, "缺少或错误的签名头或幂等键")
		return
	}
	secret, known := s.cfg.Departments[dept]
	if !known {
		s.refuse(w, http.StatusUnauthorized, department.CodeUnknownDepartment, "未知部门")
		return
	}
	if !department.ValidSignature(secret, ts, nonce, body, sig) {
		s.refuse(w, http.StatusUnauthorized, department.CodeBadSignature, "签名校验失败")
		return
	}
	now := s.cfg.Now()
	if d := now.Sub(time.Unix(unix, 0)); d > s.cfg.Skew || d < -s.cfg.Skew {
		s.refuse(w, http.StatusUnauthorized, department.CodeStaleTimestamp, "时间戳超出允许范围")
		return
	}
	if !s.claimNonce(dept+":"+nonce, now) {
		s.refuse(w, http.StatusUnauthorized, department.CodeReplayedNonce, "随机数重复")
		return
	}
	var in pushIn
	if err := json.Unmarshal(body, &in); err != nil || in.Department != dept || in.CaseNumber == "" || in.Version <= 0 {
		s.refuse(w, http.StatusBadRequest, department.CodeMalformed, "推送内容不正确")
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	s.deliveries[dept+":"+key]++
	if s.deliveries[dept+":"+key] > 1 {
		answer(w, http.StatusOK, map[string]any{"code": "0", "msg": "已接收", "duplicate": true})
		return
	}
	s.pushes = append(s.pushes, Push{
		Department: dept, IdempotencyKey: key, CaseID: in.CaseID, CaseNumber: in.CaseNumber,
		ItemCode: in.ItemCode, Version: in.Version, Status: in.Status, Summary: in.Summary,
		Body: body, ReceivedAt: now,
	})
	answer(w, http.StatusOK, map[string]any{"code": "0", "msg": "已接收", "duplicate": false})
}
