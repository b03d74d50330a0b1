package sf

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"zerovisit/workflow/parcel"
)

// CreateOrder orders the parcel. An order id the platform has seen (a retry
// after a lost answer, or the effect delivered twice) is looked up instead,
// so one order id always has one waybill.
func (c *Client) CreateOrder(ctx context.Context, o parcel.Order) (parcel.Shipment, error) {
	if o.ID == "" {
		return parcel.Shipment{}, fmt.Errorf("sf: create order: %w: order id is empty", parcel.ErrRefused)
	}
	req := CreateOrderRequest{
		Language: "zh-CN", OrderID: o.ID, ExpressTypeID: 1, Remark: o.Remark,
		CargoDetails: []CargoDetail{{Name: o.Cargo, Count: 1}},
		ContactInfoList: []ContactInfo{
			{ContactType: 1, Contact: o.Sender.Name, Tel: o.Sender.Phone, Company: o.Sender.Company, Address: o.Sender.Address},
			{ContactType: 2, Contact: o.Recipient.Name, Tel: o.Recipient.Phone, Company: o.Recipient.Company, Address: o.Recipient.Address},
		},
	}
	switch o.Payer {
	case parcel.PayerRecipient:
		req.PayMethod = PayRecipient
	default:
		// The government's account pays whichever end it is (寄付 or 第三方付).
		req.PayMethod, req.MonthlyCard = PayThirdParty, c.creds.MonthlyCard
	}
	var resp OrderResponse
	err := c.call(ctx, ServiceCreateOrder, req, &resp)
	var refused *Error
	if errors.As(err, &refused) && refused.Code == BizDuplicateOrder {
		err = c.call(ctx, ServiceSearchOrder, SearchOrderRequest{OrderID: o.ID, SearchType: "1", Language: "zh-CN"}, &resp)
	}
	if err != nil {
		return parcel.Shipment{}, err
	}
	for _, w := range resp.WaybillNoInfoList {
		if w.WaybillType == 1 && w.WaybillNo != "" {
			return parcel.Shipment{Provider: Name, OrderID: o.ID, Waybill: w.WaybillNo}, nil
		}
	}
	return parcel.Shipment{}, fmt.Errorf("sf: create order %s: the answer has no waybill number", o.ID)
}

// CancelOrder cancels an order not yet picked up.
func (c *Client) CancelOrder(ctx context.Context, s parcel.Shipment) error {
	return c.call(ctx, ServiceUpdateOrder, UpdateOrderRequest{OrderID: s.OrderID, DealType: 2}, nil)
}

// Track returns the waybill's route, oldest first.
func (c *Client) Track(ctx context.Context, s parcel.Shipment) ([]parcel.Event, error) {
	var resp SearchRoutesResponse
	req := SearchRoutesRequest{Language: "zh-CN", TrackingType: 1, TrackingNumber: []string{s.Waybill}, MethodType: 1}
	if err := c.call(ctx, ServiceSearchRoutes, req, &resp); err != nil {
		return nil, err
	}
	var out []parcel.Event
	for _, rr := range resp.RouteResps {
		if rr.MailNo != s.Waybill {
			continue
		}
		for _, r := range rr.Routes {
			at, err := time.ParseInLocation(TimeLayout, r.AcceptTime, CST)
			if err != nil {
				return nil, fmt.Errorf("sf: route of %s: bad time %q", s.Waybill, r.AcceptTime)
			}
			out = append(out, parcel.Event{
				Waybill: s.Waybill, OrderID: s.OrderID, State: StateOf(r.OpCode), Code: r.OpCode, At: at,
				Place: r.AcceptAddress, Note: r.Remark, Key: eventKey(s.Waybill, r.OpCode, r.AcceptTime),
			})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, nil
}

// eventKey identifies a route point that carries no id of its own.
func eventKey(waybill, opCode, acceptTime string) string {
	return waybill + "|" + opCode + "|" + acceptTime
}
