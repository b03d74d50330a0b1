package exchange

import (
	"encoding/json"
	"io"
	"net/http"
)

// CodeOK is the envelope code of success, and MessageOK its message.
const (
	CodeOK    = "0"
	MessageOK = "成功"
)

// Envelope is the JSON shape of every answer: {"code","message","data"}.
type Envelope struct {
	Code    string          `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data,omitempty"`
}

// WriteData answers with status and a success envelope around data.
func WriteData(w http.ResponseWriter, status int, data any) {
	raw, err := json.Marshal(data)
	if err != nil {
		WriteError(w, http.StatusInternalServerError, "internal_error", "系统内部错误")
		return
	}
	write(w, status, Envelope{Code: CodeOK, Message: MessageOK, Data: raw})
}

// WriteError answers with status and a failure envelope.
func WriteError(w http.ResponseWriter, status int, code, message string) {
	write(w, status, Envelope{Code: code, Message: message})
}

func write(w http.ResponseWriter, status int, env Envelope) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(env)
}

// CodeBadRequest is the answer code of a request the library cannot read.
const CodeBadRequest = "bad_request"

// ReadRequest decodes a request body of at most maxBytes into v, refusing
// unknown fields, as the exchange's libraries do; on failure it writes the
// 400 envelope and reports false.
func ReadRequest(w http.ResponseWriter, r *http.Request, maxBytes int64, v any) bool {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		WriteError(w, http.StatusBadRequest, CodeBadRequest, "请求体不是合法的JSON")
		return false
	}
	return true
}

// NotFound answers a path the library does not serve.
func NotFound(w http.ResponseWriter, _ *http.Request) {
	WriteError(w, http.StatusNotFound, "not_found", "接口不存在")
}
