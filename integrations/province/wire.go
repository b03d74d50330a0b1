package province

import (
	"strconv"
	"time"

	"zerovisit/workflow"
)

// HeaderIdempotencyKey carries a report's (case number, data version) pair.
const HeaderIdempotencyKey = "X-Idempotency-Key"

// IdempotencyKey is the X-Idempotency-Key of the report of a case number at
// a data version: "<number>:<version>".
func IdempotencyKey(number string, version int64) string {
	return number + ":" + strconv.FormatInt(version, 10)
}

// Held is what the platform holds of one case: the latest version it
// accepted.
type Held struct {
	Number     string
	ItemCode   string
	Department string
	Status     workflow.Status
	Version    int64
	// At is when the status was reached; ReceivedAt when the platform
	// accepted this version.
	At         time.Time
	ReceivedAt time.Time
}

// envelope is the part every answer shares.
type envelope struct {
	Code string `json:"code"`
	Msg  string `json:"msg,omitempty"`
}

type tokenRequest struct {
	AppID     string `json:"app_id"`
	AppSecret string `json:"app_secret"`
}

type tokenResponse struct {
	envelope
	AccessToken string `json:"access_token"`
	ExpiresIn   int64  `json:"expires_in"` // seconds
}

type reportRequest struct {
	CaseNumber  string    `json:"case_number"`
	ItemCode    string    `json:"item_code"`
	Department  string    `json:"department"`
	Status      string    `json:"status"`
	DataVersion int64     `json:"data_version"`
	OccurredAt  time.Time `json:"occurred_at"`
	ReportedAt  time.Time `json:"reported_at"`
}

type reportResponse struct {
	envelope
	Duplicate   bool  `json:"duplicate"`
	Stale       bool  `json:"stale,omitempty"`
	HeldVersion int64 `json:"held_version,omitempty"`
}

type heldCase struct {
	CaseNumber  string    `json:"case_number"`
	ItemCode    string    `json:"item_code"`
	Department  string    `json:"department"`
	Status      string    `json:"status"`
	DataVersion int64     `json:"data_version"`
	OccurredAt  time.Time `json:"occurred_at"`
	ReceivedAt  time.Time `json:"received_at"`
}

func (h heldCase) held() Held {
	return Held{
		Number: h.CaseNumber, ItemCode: h.ItemCode, Department: h.Department,
		Status: workflow.Status(h.Status), Version: h.DataVersion,
		At: h.OccurredAt, ReceivedAt: h.ReceivedAt,
	}
}

type caseResponse struct {
	envelope
	Case heldCase `json:"case"`
}

type queryRequest struct {
	CaseNumbers []string `json:"case_numbers"`
}

type queryResponse struct {
	envelope
	Cases   []heldCase `json:"cases"`
	Missing []string   `json:"missing"`
}
