package province

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"

	"zerovisit/workflow"
)

// Headers of the signed record channel.
const (
	HeaderTimestamp = "X-Timestamp"
	HeaderSignature = "X-Signature"
)

// CodeRecordInvalid is the platform's refusal of a batch with a row that
// lacks a required field, has a code of the wrong length or a value outside
// its code table; the answer names the table and the field.
const CodeRecordInvalid = "record_invalid"

// Sign is the signature of a record batch: hex HMAC-SHA256 with the app
// secret over the Unix timestamp, a newline and the body. The acceptance
// row carries the applicant's ID number, so the platform takes record
// batches only signed, within five minutes of its clock.
func Sign(secret, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "\n"))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// SendRecords sends every row of a case at one data version. It is safe
// to send again, from any replica, in any order: the platform keeps each
// row's highest version (the latest wins), and a repeat changes nothing.
// A refusal of a row (CodeRecordInvalid) matches workflow.ErrPermanent.
func (c *Client) SendRecords(ctx context.Context, b Batch) error {
	op := fmt.Sprintf("send records of case %s version %d", b.ProjectNo, b.DataVersion)
	if b.ProjectNo == "" || b.DataVersion <= 0 {
		return wrapOp(op, fmt.Errorf("%w: no case number or data version", ErrInvalidReport))
	}
	var out struct {
		envelope
		Accepted  int `json:"accepted"`
		Duplicate int `json:"duplicate"`
		Stale     int `json:"stale"`
	}
	return c.send(ctx, op, http.MethodPost, "/api/v1/records/report", b, &out, IdempotencyKey(b.ProjectNo, b.DataVersion), true)
}

// WithStatus returns the batch carrying the status report r of the same
// case and version, so that one request delivers both: the report is
// applied as Report would (idempotent by number and version, latest
// wins).
func (c *Client) WithStatus(b Batch, r workflow.ReportProvince) (Batch, error) {
	if err := checkReport(r); err != nil {
		return b, wrapOp("attach status report", err)
	}
	if r.Number != b.ProjectNo || r.DataVersion != b.DataVersion {
		return b, wrapOp("attach status report", fmt.Errorf("%w: report %s v%d does not match batch %s v%d",
			ErrInvalidReport, r.Number, r.DataVersion, b.ProjectNo, b.DataVersion))
	}
	b.Case = &reportRequest{
		CaseNumber: r.Number, ItemCode: r.ItemCode, Department: r.Department,
		Status: string(r.Status), DataVersion: r.DataVersion, OccurredAt: r.At, ReportedAt: c.now(),
	}
	return b, nil
}

// QueryRecords returns the version of every row the platform holds of
// each case number (a case it holds nothing of has an empty map). More
// than MaxQuery numbers are asked for in several batches.
func (c *Client) QueryRecords(ctx context.Context, numbers []string) (map[string]map[RowKey]int64, error) {
	held := make(map[string]map[RowKey]int64, len(numbers))
	for start := 0; start < len(numbers); start += MaxQuery {
		batch := numbers[start:min(start+MaxQuery, len(numbers))]
		var out struct {
			envelope
			Projects []struct {
				ProjectNo string `json:"project_no"`
				Rows      []struct {
					Table   string `json:"table"`
					RowGUID string `json:"row_guid"`
					Version int64  `json:"version"`
				} `json:"rows"`
			} `json:"projects"`
		}
		op := fmt.Sprintf("query records of %d cases", len(batch))
		if err := c.call(ctx, op, http.MethodPost, "/api/v1/records/query", map[string]any{"project_nos": batch}, &out, ""); err != nil {
			return nil, err
		}
		for _, p := range out.Projects {
			rows := make(map[RowKey]int64, len(p.Rows))
			for _, r := range p.Rows {
				rows[RowKey{Table: r.Table, RowGUID: r.RowGUID}] = r.Version
			}
			held[p.ProjectNo] = rows
		}
	}
	return held, nil
}
