package models

import (
	"context"
	"errors"
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/feedback"
)

// InboxMessage is a message in a citizen's in-app inbox (the domain's).
type InboxMessage = feedback.InboxMessage

// Inbox keeps in-app messages, the subscribe-message consents accounts gave
// and the pushes made. It is safe for concurrent use.
type Inbox struct {
	db  *DB
	now func() time.Time
}

// NewInbox returns the inbox store.
func NewInbox(db *DB) *Inbox { return &Inbox{db: db, now: time.Now} }

const inboxColumns = `id, principal_id, case_id, template, title, body, created_at, read_at`

func scanInbox(row rowScanner) (InboxMessage, error) {
	var (
		m             InboxMessage
		created, read sqlTime
	)
	err := row.Scan(&m.ID, &m.PrincipalID, &m.CaseID, &m.Template, &m.Title, &m.Body, &created, &read)
	m.CreatedAt, m.ReadAt = created.T, read.T
	return m, err
}

// Put stores a message. With a non-zero outboxID it is idempotent: the
// message of an outbox entry is stored once, and a retry returns it with
// created false.
func (i *Inbox) Put(ctx context.Context, m InboxMessage, outboxID int64) (InboxMessage, bool, error) {
	op := "put inbox message"
	m.CreatedAt = normTime(i.now())
	var key any
	if outboxID != 0 {
		key = outboxID
		existing, err := scanInbox(i.db.gorm.WithContext(ctx).Raw(`SELECT `+inboxColumns+` FROM inbox_messages WHERE outbox_id = ?`, outboxID).Row())
		if err == nil {
			return existing, false, nil
		}
		if err := translate(op, err); !errors.Is(err, workflow.ErrNotFound) {
			return InboxMessage{}, false, err
		}
	}
	err := i.db.gorm.WithContext(ctx).Raw(`INSERT INTO inbox_messages (principal_id, outbox_id, case_id, template, title, body, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, m.PrincipalID, key, m.CaseID, m.Template, m.Title, m.Body, i.db.ts(m.CreatedAt)).
		Row().Scan(&m.ID)
	if err != nil {
		err = translate(op, err)
		if outboxID != 0 && errors.Is(err, workflow.ErrDuplicate) {
			existing, err := scanInbox(i.db.gorm.WithContext(ctx).Raw(`SELECT `+inboxColumns+` FROM inbox_messages WHERE outbox_id = ?`, outboxID).Row())
			return existing, false, translate(op, err)
		}
		return InboxMessage{}, false, err
	}
	return m, true, nil
}

// List pages through the messages of the principals, newest first, from
// before the given id (0: from the newest).
func (i *Inbox) List(ctx context.Context, principals []string, beforeID int64, limit int, unreadOnly bool) ([]InboxMessage, error) {
	if len(principals) == 0 {
		return nil, nil
	}
	q, args := `SELECT `+inboxColumns+` FROM inbox_messages WHERE principal_id IN (`+placeholders(len(principals))+`)`, citizenArgs(principals)
	if beforeID > 0 {
		q += ` AND id < ?`
		args = append(args, beforeID)
	}
	if unreadOnly {
		q += ` AND read_at IS NULL`
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, limit)
	rows, err := i.db.gorm.WithContext(ctx).Raw(q, args...).Rows()
	if err != nil {
		return nil, translate("list inbox", err)
	}
	defer rows.Close()
	var out []InboxMessage
	for rows.Next() {
		m, err := scanInbox(rows)
		if err != nil {
			return nil, translate("list inbox", err)
		}
		out = append(out, m)
	}
	return out, translate("list inbox", rows.Err())
}

// Unread counts the principals' unread messages.
func (i *Inbox) Unread(ctx context.Context, principals []string) (int64, error) {
	if len(principals) == 0 {
		return 0, nil
	}
	var n int64
	err := i.db.gorm.WithContext(ctx).Raw(`SELECT count(*) FROM inbox_messages WHERE read_at IS NULL AND principal_id IN (`+
		placeholders(len(principals))+`)`, citizenArgs(principals)...).Row().Scan(&n)
	return n, translate("count unread", err)
}

// MarkRead marks the given messages of the principals read (all of them
// when ids is empty) and returns how many changed. Others' messages are
// left alone.
func (i *Inbox) MarkRead(ctx context.Context, principals []string, ids []int64) (int64, error) {
	if len(principals) == 0 {
		return 0, nil
	}
	q := `UPDATE inbox_messages SET read_at = ? WHERE read_at IS NULL AND principal_id IN (` + placeholders(len(principals)) + `)`
	args := append([]any{i.db.ts(i.now())}, citizenArgs(principals)...)
	if len(ids) > 0 {
		q += ` AND id IN (` + placeholders(len(ids)) + `)`
		for _, id := range ids {
			args = append(args, id)
		}
	}
	res := i.db.gorm.WithContext(ctx).Exec(q, args...)
	return res.RowsAffected, translate("mark read", res.Error)
}

// GrantConsents adds one one-time consent per template to an account
// (wx.requestSubscribeMessage / my.requestSubscribeMessage accepted).
func (i *Inbox) GrantConsents(ctx context.Context, accountID string, templateIDs []string) error {
	now := i.db.ts(i.now())
	for _, t := range templateIDs {
		err := i.db.gorm.WithContext(ctx).Exec(`INSERT INTO inbox_consents (account_id, template_id, remaining, updated_at) VALUES (?, ?, 1, ?)
			ON CONFLICT (account_id, template_id) DO UPDATE SET remaining = inbox_consents.remaining + 1, updated_at = excluded.updated_at`,
			accountID, t, now).Error
		if err != nil {
			return translate("grant consent", err)
		}
	}
	return nil
}

// Consents returns an account's remaining consents by template.
func (i *Inbox) Consents(ctx context.Context, accountID string) (map[string]int, error) {
	rows, err := i.db.gorm.WithContext(ctx).Raw(`SELECT template_id, remaining FROM inbox_consents WHERE account_id = ?`, accountID).Rows()
	if err != nil {
		return nil, translate("consents", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var (
			t string
			n int
		)
		if err := rows.Scan(&t, &n); err != nil {
			return nil, translate("consents", err)
		}
		out[t] = n
	}
	return out, translate("consents", rows.Err())
}

// UseConsent spends one consent and reports whether there was one.
func (i *Inbox) UseConsent(ctx context.Context, accountID, templateID string) (bool, error) {
	res := i.db.gorm.WithContext(ctx).Exec(`UPDATE inbox_consents SET remaining = remaining - 1, updated_at = ?
		WHERE account_id = ? AND template_id = ? AND remaining > 0`, i.db.ts(i.now()), accountID, templateID)
	return res.RowsAffected == 1, translate("use consent", res.Error)
}

// ReturnConsent gives back a consent spent on a push that did not go out.
func (i *Inbox) ReturnConsent(ctx context.Context, accountID, templateID string) error {
	return i.GrantConsents(ctx, accountID, []string{templateID})
}

// ClearConsent records that the channel says the account has no consent
// left for the template (WeChat errcode 43101).
func (i *Inbox) ClearConsent(ctx context.Context, accountID, templateID string) error {
	err := i.db.gorm.WithContext(ctx).Exec(`UPDATE inbox_consents SET remaining = 0, updated_at = ? WHERE account_id = ? AND template_id = ?`,
		i.db.ts(i.now()), accountID, templateID).Error
	return translate("clear consent", err)
}

// Delivery states of a push.
const (
	DeliverySending   = feedback.DeliverySending
	DeliverySent      = feedback.DeliverySent
	DeliveryNoConsent = feedback.DeliveryNoConsent
)

// ClaimDelivery claims the push of a message to an account and reports
// whether this call was first: a retried effect skips what was claimed.
func (i *Inbox) ClaimDelivery(ctx context.Context, messageID int64, accountID string) (bool, error) {
	res := i.db.gorm.WithContext(ctx).Exec(`INSERT INTO inbox_deliveries (message_id, account_id, status, at) VALUES (?, ?, ?, ?)
		ON CONFLICT (message_id, account_id) DO NOTHING`, messageID, accountID, DeliverySending, i.db.ts(i.now()))
	return res.RowsAffected == 1, translate("claim delivery", res.Error)
}

// FinishDelivery records how a claimed push ended.
func (i *Inbox) FinishDelivery(ctx context.Context, messageID int64, accountID, status string) error {
	err := i.db.gorm.WithContext(ctx).Exec(`UPDATE inbox_deliveries SET status = ?, at = ? WHERE message_id = ? AND account_id = ?`,
		status, i.db.ts(i.now()), messageID, accountID).Error
	return translate("finish delivery", err)
}

// ReleaseDelivery forgets a claim whose push failed in a way a retry can
// fix, so the retry pushes again.
func (i *Inbox) ReleaseDelivery(ctx context.Context, messageID int64, accountID string) error {
	err := i.db.gorm.WithContext(ctx).Exec(`DELETE FROM inbox_deliveries WHERE message_id = ? AND account_id = ? AND status = ?`,
		messageID, accountID, DeliverySending).Error
	return translate("release delivery", err)
}

// Deliveries returns the pushes of a message by account.
func (i *Inbox) Deliveries(ctx context.Context, messageID int64) (map[string]string, error) {
	rows, err := i.db.gorm.WithContext(ctx).Raw(`SELECT account_id, status FROM inbox_deliveries WHERE message_id = ?`, messageID).Rows()
	if err != nil {
		return nil, translate("deliveries", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var a, st string
		if err := rows.Scan(&a, &st); err != nil {
			return nil, translate("deliveries", err)
		}
		out[a] = st
	}
	return out, translate("deliveries", rows.Err())
}

// citizenArgs turns strings into query arguments.
func citizenArgs(xs []string) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}
