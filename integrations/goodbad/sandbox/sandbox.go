// Package sandbox is a stand-in for the provincial 好差评 system: a
// stateful http.Handler that checks each request's signature, timestamp
// and nonce, validates every required field and value set of a reported
// evaluation, keeps the latest version of each evaluation id, counts
// duplicates and stale versions, and injects faults through sandboxkit.
//
// It is written from the protocol (see package goodbad), not from the
// client, and shares no code with it.
package sandbox

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"strconv"
	"sync"
	"time"

	"zerovisit/integrations/sandboxkit"
)

// Config configures a Sandbox.
type Config struct {
	AppID  string
	Secret string
	Now    func() time.Time
}

// Record is what the system holds of one evaluation.
type Record struct {
	EvaluationID   string          `json:"evaluation_id"`
	Version        int             `json:"version"`
	CaseNumber     string          `json:"case_number"`
	ItemCode       string          `json:"item_code"`
	ItemName       string          `json:"item_name"`
	Department     string          `json:"department"`
	DepartmentName string          `json:"department_name"`
	Stage          string          `json:"stage"`
	Service        string          `json:"service"`
	Channel        string          `json:"channel"`
	Level          int             `json:"level"`
	LevelName      string          `json:"level_name"`
	Indicators     map[string]int  `json:"indicators"`
	StaffID        string          `json:"staff_id"`
	EvaluatedAt    time.Time       `json:"evaluated_at"`
	Rectification  json.RawMessage `json:"rectification,omitempty"`
}

// Count is what became of the reports of one evaluation id.
type Count struct{ Received, Created, Replaced, Duplicates, Stale int }

// Sandbox is the system stand-in. It is safe for concurrent use.
type Sandbox struct {
	cfg    Config
	faults *sandboxkit.Faults
	h      http.Handler

	mu      sync.Mutex
	records map[string]Record
	counts  map[string]Count
	nonces  map[string]time.Time
}

// New returns an empty system.
func New(cfg Config) *Sandbox {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Sandbox{cfg: cfg, faults: &sandboxkit.Faults{}, records: map[string]Record{}, counts: map[string]Count{}, nonces: map[string]time.Time{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/evaluations", s.report)
	s.h = s.faults.Wrap(mux)
	return s
}

// ServeHTTP serves the system's API.
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.h.ServeHTTP(w, r) }

// Faults returns the faults injected in front of the system.
func (s *Sandbox) Faults() *sandboxkit.Faults { return s.faults }

// Records returns a copy of what the system holds, by evaluation id.
func (s *Sandbox) Records() map[string]Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.records)
}

// Counts returns a copy of the report counts, by evaluation id.
func (s *Sandbox) Counts() map[string]Count {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.counts)
}

func answer(w http.ResponseWriter, status int, code, msg, result string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"code": code, "msg": msg, "result": result})
}

// value sets of the evaluation record.
var (
	stages   = map[string]bool{"accept": true, "result": true}
	services = map[string]bool{"online": true, "offline": true}
	channels = map[string]bool{"wechat": true, "alipay": true, "h5": true, "counter_qr": true, "sms": true, "pad": true}
)

func (s *Sandbox) report(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		answer(w, http.StatusBadRequest, "invalid_record", "请求体无法读取", "")
		return
	}
	if code, msg := s.authentic(r, body); code != "" {
		answer(w, http.StatusUnauthorized, code, msg, "")
		return
	}
	var rec Record
	if err := json.Unmarshal(body, &rec); err != nil {
		answer(w, http.StatusBadRequest, "invalid_record", "记录不是合法的 JSON", "")
		return
	}
	if field := missing(rec); field != "" {
		answer(w, http.StatusBadRequest, "invalid_record", "缺少必填字段或取值不在值域内: "+field, "")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.counts[rec.EvaluationID]
	c.Received++
	held, ok := s.records[rec.EvaluationID]
	result := "created"
	switch {
	case !ok:
		c.Created++
	case rec.Version == held.Version:
		c.Duplicates++
		result = "duplicate"
	case rec.Version < held.Version:
		c.Stale++
		result = "stale"
	default:
		c.Replaced++
		result = "replaced"
	}
	if result == "created" || result == "replaced" {
		s.records[rec.EvaluationID] = rec
	}
	s.counts[rec.EvaluationID] = c
	answer(w, http.StatusOK, "0", "ok", result)
}

// missing names the first required field absent or out of its value set.
func missing(r Record) string {
	switch {
	case r.EvaluationID == "":
		return "evaluation_id"
	case r.Version < 1:
		return "version"
	case r.CaseNumber == "":
		return "case_number"
	case r.ItemCode == "":
		return "item_code"
	case r.Department == "":
		return "department"
	case !stages[r.Stage]:
		return "stage"
	case !services[r.Service]:
		return "service"
	case !channels[r.Channel]:
		return "channel"
	case r.Level < 1 || r.Level > 5:
		return "level"
	case r.EvaluatedAt.IsZero():
		return "evaluated_at"
	}
	return ""
}

// authentic checks the app, the timestamp window, the nonce and the
// signature; it returns an error code and message, or "".
func (s *Sandbox) authentic(r *http.Request, body []byte) (string, string) {
	if r.Header.Get("X-App-Id") != s.cfg.AppID {
		return "invalid_app", "应用标识错误"
	}
	ts, nonce := r.Header.Get("X-Timestamp"), r.Header.Get("X-Nonce")
	sec, err := strconv.ParseInt(ts, 10, 64)
	now := s.cfg.Now()
	if err != nil || now.Sub(time.Unix(sec, 0)).Abs() > 5*time.Minute {
		return "stale_request", "请求时间戳超出允许范围"
	}
	sum := sha256.Sum256(body)
	m := hmac.New(sha256.New, []byte(s.cfg.Secret))
	m.Write([]byte(r.Method + "\n" + r.URL.Path + "\n" + ts + "\n" + nonce + "\n" + hex.EncodeToString(sum[:])))
	if !hmac.Equal([]byte(hex.EncodeToString(m.Sum(nil))), []byte(r.Header.Get("X-Signature"))) {
		return "invalid_signature", "签名错误"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for n, at := range s.nonces {
		if now.Sub(at) > 10*time.Minute {
			delete(s.nonces, n)
		}
	}
	if len(nonce) != 32 {
		return "invalid_nonce", "随机串格式错误"
	}
	if _, seen := s.nonces[nonce]; seen {
		return "replayed_nonce", "请求已处理过（随机串重复）"
	}
	s.nonces[nonce] = now
	return "", ""
}
