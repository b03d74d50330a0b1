package models

import (
	"context"
	"fmt"
	"strings"
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

// paymentColumnsOf is paymentColumns of the table alias, for a LEFT JOIN:
// a missing order scans as empty text and zero amounts.
func paymentColumnsOf(alias string) string {
	cols := strings.Split(paymentColumns, ",")
	for i, c := range cols {
		c = alias + "." + strings.TrimSpace(c)
		switch {
		case strings.HasSuffix(c, "_at"):
		case strings.HasSuffix(c, "amount_fen"):
			c = "COALESCE(" + c + ", 0)"
		default:
			c = "COALESCE(" + c + ", '')"
		}
		cols[i] = c
	}
	return strings.Join(cols, ", ")
}

// paymentScan holds what a row of paymentColumns scans into.
type paymentScan struct {
	PaymentOrder
	ch, st                string
	created, paid, refund sqlTime
}

func (o *paymentScan) dest() []any {
	return []any{&o.OutTradeNo, &o.CaseID, &o.PrincipalID, &o.ch, &o.AmountFen, &o.Payer, &o.st, &o.TradeNo, &o.Prepay,
		&o.RefundNo, &o.created, &o.paid, &o.refund}
}

func (o *paymentScan) decoded() PaymentOrder {
	out := o.PaymentOrder
	out.Channel, out.Status, out.CreatedAt, out.PaidAt, out.RefundedAt = workflow.Channel(o.ch), PaymentStatus(o.st), o.created.T, o.paid.T, o.refund.T
	return out
}

func scanPayment(row rowScanner) (PaymentOrder, error) {
	var o paymentScan
	err := row.Scan(o.dest()...)
	return o.decoded(), err
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

// CaseAndOrders reads a case with its orders, oldest first, in one
// statement; workflow.ErrNotFound when there is no such case.
func (p *Payments) CaseAndOrders(ctx context.Context, caseID string) (workflow.Case, []PaymentOrder, error) {
	op := "get case " + caseID + " with its payment orders"
	rows, err := p.db.gorm.WithContext(ctx).Raw(`SELECT `+prefixColumns(caseColumns, "c.")+`, `+paymentColumnsOf("o")+`
		FROM cases c LEFT JOIN payment_orders o ON o.case_id = c.id
		WHERE c.id = ? ORDER BY o.created_at, o.out_trade_no`, caseID).Rows()
	if err != nil {
		return workflow.Case{}, nil, translate(op, err)
	}
	defer rows.Close()
	var (
		cs     workflow.Case
		found  bool
		orders []PaymentOrder
	)
	for rows.Next() {
		var o paymentScan
		cr, err := scanCase(rowWith{row: rows, last: o.dest()})
		if err != nil {
			return workflow.Case{}, nil, translate(op, err)
		}
		if !found {
			if cs, err = toCaseDomain(cr); err != nil {
				return workflow.Case{}, nil, fmt.Errorf("%s: %w", op, err)
			}
			found = true
		}
		if o.OutTradeNo != "" {
			orders = append(orders, o.decoded())
		}
	}
	if err := rows.Err(); err != nil {
		return workflow.Case{}, nil, translate(op, err)
	}
	if !found {
		return workflow.Case{}, nil, fmt.Errorf("%s: %w", op, workflow.ErrNotFound)
	}
	return cs, orders, nil
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
