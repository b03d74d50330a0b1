package models

import (
	"context"
	"fmt"
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/payment"
)

// Payment orders and their states are the domain's (package payment);
// Payments stores them.
type (
	PaymentStatus = payment.Status
	PaymentOrder  = payment.Order
)

// Payment order states.
const (
	PaymentCreated    = payment.Created
	PaymentPaid       = payment.Paid
	PaymentSuperseded = payment.Superseded
	PaymentRefunded   = payment.Refunded
)

// Payments keeps payment orders. It is safe for concurrent use.
type Payments struct {
	db  *DB
	now func() time.Time
}

// NewPayments returns the payment order store.
func NewPayments(db *DB) *Payments { return &Payments{db: db, now: time.Now} }

const paymentColumns = `out_trade_no, case_id, principal_id, channel, amount_fen, payer, status, trade_no, prepay, refund_no, created_at, paid_at, refunded_at`

func scanPayment(row rowScanner) (PaymentOrder, error) {
	var (
		o                     PaymentOrder
		ch, st                string
		created, paid, refund sqlTime
	)
	err := row.Scan(&o.OutTradeNo, &o.CaseID, &o.PrincipalID, &ch, &o.AmountFen, &o.Payer, &st, &o.TradeNo, &o.Prepay,
		&o.RefundNo, &created, &paid, &refund)
	o.Channel, o.Status, o.CreatedAt, o.PaidAt, o.RefundedAt = workflow.Channel(ch), PaymentStatus(st), created.T, paid.T, refund.T
	return o, err
}

// Create stores a new order.
func (p *Payments) Create(ctx context.Context, o PaymentOrder) (PaymentOrder, error) {
	o.Status, o.CreatedAt = PaymentCreated, normTime(p.now())
	err := p.db.gorm.WithContext(ctx).Exec(`INSERT INTO payment_orders (out_trade_no, case_id, principal_id, channel, amount_fen, payer, status, prepay, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, o.OutTradeNo, o.CaseID, o.PrincipalID, string(o.Channel), o.AmountFen, o.Payer,
		string(o.Status), o.Prepay, p.db.ts(o.CreatedAt)).Error
	if err != nil {
		return PaymentOrder{}, translate("create payment order", err)
	}
	return o, nil
}

// Get returns an order, or workflow.ErrNotFound.
func (p *Payments) Get(ctx context.Context, outTradeNo string) (PaymentOrder, error) {
	o, err := scanPayment(p.db.gorm.WithContext(ctx).Raw(`SELECT `+paymentColumns+` FROM payment_orders WHERE out_trade_no = ?`, outTradeNo).Row())
	return o, translate("payment order "+outTradeNo, err)
}

// ByTradeNo returns the order a channel transaction paid, or workflow.ErrNotFound.
func (p *Payments) ByTradeNo(ctx context.Context, channel workflow.Channel, tradeNo string) (PaymentOrder, error) {
	if tradeNo == "" {
		return PaymentOrder{}, fmt.Errorf("payment order by trade: %w", workflow.ErrNotFound)
	}
	o, err := scanPayment(p.db.gorm.WithContext(ctx).Raw(`SELECT `+paymentColumns+` FROM payment_orders
		WHERE channel = ? AND trade_no = ?`, string(channel), tradeNo).Row())
	return o, translate("payment order by trade", err)
}

// OfCase returns a case's orders, oldest first.
func (p *Payments) OfCase(ctx context.Context, caseID string) ([]PaymentOrder, error) {
	rows, err := p.db.gorm.WithContext(ctx).Raw(`SELECT `+paymentColumns+` FROM payment_orders
		WHERE case_id = ? ORDER BY created_at, out_trade_no`, caseID).Rows()
	if err != nil {
		return nil, translate("payment orders of case", err)
	}
	defer rows.Close()
	var out []PaymentOrder
	for rows.Next() {
		o, err := scanPayment(rows)
		if err != nil {
			return nil, translate("payment orders of case", err)
		}
		out = append(out, o)
	}
	return out, translate("payment orders of case", rows.Err())
}

// SetPrepay records what the mini program pays an order with.
func (p *Payments) SetPrepay(ctx context.Context, outTradeNo, prepay, tradeNo string) error {
	err := p.db.gorm.WithContext(ctx).Exec(`UPDATE payment_orders SET prepay = ?,
		trade_no = CASE WHEN ? <> '' THEN ? ELSE trade_no END WHERE out_trade_no = ? AND status = 'created'`,
		prepay, tradeNo, tradeNo, outTradeNo).Error
	return translate("set prepay", err)
}

// Settle records the channel's proof of payment on a created order: paid,
// or superseded when the case turned out to be paid already (or past
// paying). It reports whether this call changed the order; a repeated
// notification changes nothing.
func (p *Payments) Settle(ctx context.Context, outTradeNo, tradeNo string, status PaymentStatus, at time.Time) (bool, error) {
	if status != PaymentPaid && status != PaymentSuperseded {
		return false, fmt.Errorf("settle payment: %w: status %q", workflow.ErrInvalidInput, status)
	}
	res := p.db.gorm.WithContext(ctx).Exec(`UPDATE payment_orders SET status = ?, trade_no = ?, paid_at = ?
		WHERE out_trade_no = ? AND status = 'created'`, string(status), tradeNo, p.db.ts(at), outTradeNo)
	if res.Error != nil {
		return false, translate("settle payment", res.Error)
	}
	return res.RowsAffected == 1, nil
}

// MarkRefunded records a refund of a paid or superseded order.
func (p *Payments) MarkRefunded(ctx context.Context, outTradeNo, refundNo string, at time.Time) error {
	res := p.db.gorm.WithContext(ctx).Exec(`UPDATE payment_orders SET status = 'refunded', refund_no = ?, refunded_at = ?
		WHERE out_trade_no = ? AND status IN ('paid', 'superseded')`, refundNo, p.db.ts(at), outTradeNo)
	return translate("mark refunded", res.Error)
}
