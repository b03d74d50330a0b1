package models

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"zerovisit/workflow"
)

// eventRow is a row of the case_events table.
type eventRow struct {
	CaseID     string
	Seq        int64
	Name       string
	ActorKind  string
	ActorID    string
	At         time.Time
	FromStatus string
	ToStatus   string
	Reason     string
	Data       string // compact JSON; "" = NULL
	PrevHash   string
	Hash       string
}

// eventColumns lists the case_events columns in eventRow order.
const eventColumns = `case_id, seq, name, actor_kind, actor_id, at, from_status, to_status, reason, data, prev_hash, hash`

// toEventRow converts a domain event to its row (unhashed). Data is
// compacted, so that what is stored and hashed does not depend on how the
// caller indented it.
func toEventRow(ev workflow.EventRecord) (eventRow, error) {
	var data string
	if len(bytes.TrimSpace(ev.Data)) > 0 {
		var buf bytes.Buffer
		if err := json.Compact(&buf, ev.Data); err != nil {
			return eventRow{}, fmt.Errorf("%w: event data is not JSON: %v", workflow.ErrInvalidInput, err)
		}
		data = buf.String()
	}
	return eventRow{
		CaseID: ev.CaseID, Seq: ev.Seq, Name: ev.Name,
		ActorKind: string(ev.Actor.Kind), ActorID: ev.Actor.ID, At: normTime(ev.At),
		FromStatus: string(ev.From), ToStatus: string(ev.To), Reason: ev.Reason, Data: data,
	}, nil
}

func toEventDomain(r eventRow) workflow.EventRecord {
	ev := workflow.EventRecord{
		CaseID: r.CaseID, Seq: r.Seq, Name: r.Name,
		Actor: workflow.Actor{Kind: workflow.ActorKind(r.ActorKind), ID: r.ActorID},
		At:    r.At, From: workflow.Status(r.FromStatus), To: workflow.Status(r.ToStatus),
		Reason: r.Reason, PrevHash: r.PrevHash, Hash: r.Hash,
	}
	if r.Data != "" {
		ev.Data = json.RawMessage(r.Data)
	}
	return ev
}

// eventArgs returns r's values in eventColumns order as query parameters.
func (db *DB) eventArgs(r eventRow) []any {
	var data any
	if r.Data != "" {
		data = r.Data
	}
	return []any{r.CaseID, r.Seq, r.Name, r.ActorKind, r.ActorID, db.ts(r.At),
		r.FromStatus, r.ToStatus, r.Reason, data, r.PrevHash, r.Hash}
}

func scanEvent(s rowScanner, extra ...any) (eventRow, error) {
	var (
		r    eventRow
		at   sqlTime
		data sql.NullString
	)
	dest := append([]any{&r.CaseID, &r.Seq, &r.Name, &r.ActorKind, &r.ActorID, &at,
		&r.FromStatus, &r.ToStatus, &r.Reason, &data, &r.PrevHash, &r.Hash}, extra...)
	err := s.Scan(dest...)
	r.At, r.Data = at.T, data.String
	return r, err
}

// Events returns a case's history in order. A case without events (or an
// unknown case) has an empty history.
func (r *Repo) Events(ctx context.Context, caseID string) ([]workflow.EventRecord, error) {
	rows, err := r.db.gorm.WithContext(ctx).
		Raw(`SELECT `+eventColumns+` FROM case_events WHERE case_id = ? ORDER BY seq`, caseID).Rows()
	if err != nil {
		return nil, translate("events of case "+caseID, err)
	}
	defer rows.Close()
	var out []workflow.EventRecord
	for rows.Next() {
		row, err := scanEvent(rows)
		if err != nil {
			return nil, translate("events of case "+caseID, err)
		}
		out = append(out, toEventDomain(row))
	}
	return out, translate("events of case "+caseID, rows.Err())
}
