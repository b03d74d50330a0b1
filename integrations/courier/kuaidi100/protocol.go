package kuaidi100

import (
	"time"

	"zerovisit/workflow/parcel"
)

// Paths of the service.
const (
	PathOrderCreate = "/order/create"
	PathOrderCancel = "/order/cancel"
	PathSubscribe   = "/poll"
	PathQuery       = "/poll/query.do"
)

// Return codes.
const (
	CodeOK             = "200"
	CodeBadRequest     = "400"
	CodeBadSign        = "601"
	CodeNotFound       = "404"
	CodeDuplicateSub   = "501" // already subscribed: the subscription stands
	CodePickedUp       = "30002"
	CodeDuplicateOrder = "30001"
)

// States of lastResult.state.
const (
	StateInTransit      = "0"
	StatePickedUp       = "1"
	StateProblem        = "2"
	StateSigned         = "3"
	StateRefused        = "4"
	StateOutForDelivery = "5"
	StateReturned       = "6"
	StateForwarded      = "7"
	StateRefusedAtDoor  = "14"
)

// StateOf maps a lastResult.state to the common state.
func StateOf(state string) parcel.State {
	switch state {
	case StateInTransit, StateForwarded:
		return parcel.StateInTransit
	case StatePickedUp:
		return parcel.StatePickedUp
	case StateProblem:
		return parcel.StateFailedAttempt
	case StateSigned:
		return parcel.StateSigned
	case StateRefused, StateRefusedAtDoor:
		return parcel.StateRefused
	case StateOutForDelivery:
		return parcel.StateOutForDelivery
	case StateReturned:
		return parcel.StateReturned
	}
	return parcel.StateUnknown
}

// TimeLayout is how the service writes times, in China Standard Time.
const TimeLayout = "2006-01-02 15:04:05"

// CST is China Standard Time.
var CST = time.FixedZone("CST", 8*3600)

// Answer is the common part of every answer.
type Answer struct {
	Result     bool   `json:"result"`
	ReturnCode string `json:"returnCode"`
	Message    string `json:"message"`
}

// Payments of an order: the sender's monthly account, or the recipient on delivery.
const (
	PaymentMonthly   = "MONTHLY"
	PaymentConsignee = "CONSIGNEE"
)

// OrderParam is the param of an order.
type OrderParam struct {
	Kuaidicom        string `json:"kuaidicom"`
	OrderID          string `json:"orderId"`
	RecManName       string `json:"recManName"`
	RecManMobile     string `json:"recManMobile"`
	RecManPrintAddr  string `json:"recManPrintAddr"`
	SendManName      string `json:"sendManName"`
	SendManMobile    string `json:"sendManMobile"`
	SendManPrintAddr string `json:"sendManPrintAddr"`
	Cargo            string `json:"cargo"`
	Payment          string `json:"payment"`
	Remark           string `json:"remark,omitempty"`
}

// OrderData is the data of an order's answer.
type OrderData struct {
	TaskID    string `json:"taskId"`
	OrderID   string `json:"orderId"`
	Kuaidinum string `json:"kuaidinum"`
	Kuaidicom string `json:"kuaidicom"`
}

// OrderAnswer answers an order.
type OrderAnswer struct {
	Answer
	Data OrderData `json:"data"`
}

// CancelParam is the param of a cancellation.
type CancelParam struct {
	OrderID   string `json:"orderId"`
	CancelMsg string `json:"cancelMsg"`
}

// SubscribeParam is the param of a subscription.
type SubscribeParam struct {
	Company    string              `json:"company"`
	Number     string              `json:"number"`
	Key        string              `json:"key"`
	Parameters SubscribeParameters `json:"parameters"`
}

// SubscribeParameters are where pushes go and the salt they are signed with.
type SubscribeParameters struct {
	CallbackURL string `json:"callbackurl"`
	Salt        string `json:"salt"`
	ResultV2    string `json:"resultv2"`
}

// QueryParam is the param of a route query.
type QueryParam struct {
	Com string `json:"com"`
	Num string `json:"num"`
}

// Point is one point of a route; routes list the newest first.
type Point struct {
	Time    string `json:"time"`
	Ftime   string `json:"ftime"`
	Context string `json:"context"`
	Status  string `json:"status"`
	State   string `json:"statusCode,omitempty"`
}

// Track is a route with its current state, as a query answers it and as
// pushes carry it in lastResult.
type Track struct {
	Message   string  `json:"message"`
	State     string  `json:"state"`
	Status    string  `json:"status"`
	Condition string  `json:"condition"`
	IsCheck   string  `json:"ischeck"`
	Com       string  `json:"com"`
	Nu        string  `json:"nu"`
	Data      []Point `json:"data"`
}

// PushParam is the param of a push.
type PushParam struct {
	Status     string `json:"status"`
	BillStatus string `json:"billstatus"`
	Message    string `json:"message"`
	LastResult Track  `json:"lastResult"`
}
