package exchange

import (
	"encoding/json"
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
