package kuaidi100

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"zerovisit/workflow/parcel"
)

// CreateOrder places the order with the carrier and subscribes to the
// waybill's route with our callback and salt. Ordering the same id again
// answers with the same waybill; subscribing again is accepted.
func (c *Client) CreateOrder(ctx context.Context, o parcel.Order) (parcel.Shipment, error) {
	if o.ID == "" || o.CallbackURL == "" {
		return parcel.Shipment{}, fmt.Errorf("kuaidi100: create order: %w: order id and callback url are required", parcel.ErrRefused)
	}
	payment := PaymentMonthly
	if o.Payer == parcel.PayerRecipient {
		payment = PaymentConsignee
	}
	param := OrderParam{
		Kuaidicom: c.creds.Company, OrderID: o.ID,
		RecManName: o.Recipient.Name, RecManMobile: o.Recipient.Phone, RecManPrintAddr: o.Recipient.Address,
		SendManName: o.Sender.Name, SendManMobile: o.Sender.Phone, SendManPrintAddr: o.Sender.Address,
		Cargo: o.Cargo, Payment: payment, Remark: o.Remark,
	}
	var ans OrderAnswer
	if err := c.call(ctx, PathOrderCreate, param, &ans); err != nil {
		return parcel.Shipment{}, err
	}
	if ans.Data.Kuaidinum == "" {
		return parcel.Shipment{}, fmt.Errorf("kuaidi100: create order %s: the answer has no waybill number", o.ID)
	}
	s := parcel.Shipment{Provider: Name, OrderID: o.ID, Waybill: ans.Data.Kuaidinum}
	sub := SubscribeParam{Company: c.creds.Company, Number: s.Waybill, Key: c.creds.Key,
		Parameters: SubscribeParameters{CallbackURL: o.CallbackURL, Salt: c.creds.Salt, ResultV2: "1"}}
	err := c.call(ctx, PathSubscribe, sub, nil)
	var refused *Error
	if err != nil && !(errors.As(err, &refused) && refused.Code == CodeDuplicateSub) {
		return parcel.Shipment{}, fmt.Errorf("kuaidi100: subscribe to %s: %w", s.Waybill, err)
	}
	return s, nil
}

// CancelOrder cancels an order not yet picked up.
func (c *Client) CancelOrder(ctx context.Context, s parcel.Shipment) error {
	return c.call(ctx, PathOrderCancel, CancelParam{OrderID: s.OrderID, CancelMsg: "办件终止，取消寄件"}, nil)
}

// Track returns the waybill's route, oldest first.
func (c *Client) Track(ctx context.Context, s parcel.Shipment) ([]parcel.Event, error) {
	var t Track
	if err := c.call(ctx, PathQuery, QueryParam{Com: c.creds.Company, Num: s.Waybill}, &t); err != nil {
		return nil, err
	}
	evs, err := routeEvents(t)
	if err != nil {
		return nil, err
	}
	for i := range evs {
		evs[i].OrderID = s.OrderID
	}
	return evs, nil
}

// routeEvents turns a route (newest first) into events, oldest first.
func routeEvents(t Track) ([]parcel.Event, error) {
	var out []parcel.Event
	for _, p := range slices.Backward(t.Data) {
		at, err := time.ParseInLocation(TimeLayout, p.Time, CST)
		if err != nil {
			return nil, fmt.Errorf("kuaidi100: route of %s: bad time %q", t.Nu, p.Time)
		}
		out = append(out, parcel.Event{
			Waybill: t.Nu, State: StateOf(p.State), Code: p.State, At: at, Note: p.Context,
			Key: t.Nu + "|" + p.State + "|" + p.Time,
		})
	}
	return out, nil
}
