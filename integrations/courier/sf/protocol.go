package sf

import (
	"encoding/json"
	"time"

	"zerovisit/workflow/parcel"
)

// ServicePath is where the platform takes every call.
const ServicePath = "/std/service"

// Service codes.
const (
	ServiceCreateOrder  = "EXP_RECE_CREATE_ORDER"
	ServiceSearchOrder  = "EXP_RECE_SEARCH_ORDER_RESP"
	ServiceUpdateOrder  = "EXP_RECE_UPDATE_ORDER"
	ServiceSearchRoutes = "EXP_RECE_SEARCH_ROUTES"
	ServiceRoutePush    = "RoutePushService"
)

// Result codes of the platform.
const (
	// APIOK is the apiResultCode of a call the gateway accepted.
	APIOK = "A1000"
	// APIBadDigest is the apiResultCode of a call whose digest or partner is wrong.
	APIBadDigest = "A1004"
	// BizOK is the errorCode of a successful business answer.
	BizOK = "S0000"
	// BizDuplicateOrder refuses an order id already used (重复下单).
	BizDuplicateOrder = "8016"
	// BizOrderNotFound answers a search or cancel of an unknown order.
	BizOrderNotFound = "8018"
	// BizAlreadyPickedUp refuses to cancel a parcel already collected.
	BizAlreadyPickedUp = "8037"
	// BizBadRequest refuses a request missing what it needs.
	BizBadRequest = "1010"
)

// Route opCodes this adapter interprets. Others are kept as
// parcel.StateUnknown and move nothing.
const (
	OpPickedUp       = "50" // 顺丰已收取快件
	OpInTransit      = "30" // 快件已发车
	OpArrived        = "31" // 快件到达中转场
	OpOutForDelivery = "44" // 正在派送途中
	OpFailedAttempt  = "70" // 派送不成功（联系不上收件人等）
	OpRefused        = "33" // 收件人拒收
	OpReturned       = "99" // 快件退回寄件人
	OpSigned         = "80" // 已签收
)

// StateOf maps an opCode to the common state.
func StateOf(opCode string) parcel.State {
	switch opCode {
	case OpPickedUp:
		return parcel.StatePickedUp
	case OpInTransit, OpArrived:
		return parcel.StateInTransit
	case OpOutForDelivery:
		return parcel.StateOutForDelivery
	case OpFailedAttempt:
		return parcel.StateFailedAttempt
	case OpRefused:
		return parcel.StateRefused
	case OpReturned:
		return parcel.StateReturned
	case OpSigned:
		return parcel.StateSigned
	}
	return parcel.StateUnknown
}

// TimeLayout is how the platform writes times, in China Standard Time.
const TimeLayout = "2006-01-02 15:04:05"

// CST is China Standard Time, the zone of every time the platform writes.
var CST = time.FixedZone("CST", 8*3600)

// Envelope is the gateway's answer to every call.
type Envelope struct {
	APIResultCode string `json:"apiResultCode"`
	APIErrorMsg   string `json:"apiErrorMsg"`
	APIResponseID string `json:"apiResponseID"`
	// APIResultData is the business answer as JSON text (a Result).
	APIResultData string `json:"apiResultData"`
}

// Result is the business answer inside the envelope.
type Result struct {
	Success   bool            `json:"success"`
	ErrorCode string          `json:"errorCode"`
	ErrorMsg  string          `json:"errorMsg,omitempty"`
	MsgData   json.RawMessage `json:"msgData,omitempty"`
}

// ContactInfo is a sender (ContactType 1) or recipient (2).
type ContactInfo struct {
	ContactType int    `json:"contactType"`
	Contact     string `json:"contact"`
	Tel         string `json:"tel"`
	Company     string `json:"company,omitempty"`
	Address     string `json:"address"`
}

// CargoDetail is one thing in the parcel.
type CargoDetail struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// Pay methods: 1 the sender pays, 2 the recipient pays (到付), 3 a third
// party's monthly account pays.
const (
	PaySender     = 1
	PayRecipient  = 2
	PayThirdParty = 3
)

// CreateOrderRequest is the msgData of EXP_RECE_CREATE_ORDER.
type CreateOrderRequest struct {
	Language        string        `json:"language"`
	OrderID         string        `json:"orderId"`
	MonthlyCard     string        `json:"monthlyCard,omitempty"`
	PayMethod       int           `json:"payMethod"`
	ExpressTypeID   int           `json:"expressTypeId"`
	CargoDetails    []CargoDetail `json:"cargoDetails"`
	ContactInfoList []ContactInfo `json:"contactInfoList"`
	Remark          string        `json:"remark,omitempty"`
}

// WaybillNoInfo is a waybill number of an order (WaybillType 1 is the main one).
type WaybillNoInfo struct {
	WaybillType int    `json:"waybillType"`
	WaybillNo   string `json:"waybillNo"`
}

// OrderResponse is the msgData answering an order create or search.
type OrderResponse struct {
	OrderID           string          `json:"orderId"`
	WaybillNoInfoList []WaybillNoInfo `json:"waybillNoInfoList"`
}

// SearchOrderRequest is the msgData of EXP_RECE_SEARCH_ORDER_RESP.
type SearchOrderRequest struct {
	OrderID    string `json:"orderId"`
	SearchType string `json:"searchType"`
	Language   string `json:"language"`
}

// UpdateOrderRequest is the msgData of EXP_RECE_UPDATE_ORDER; DealType 2 cancels.
type UpdateOrderRequest struct {
	OrderID  string `json:"orderId"`
	DealType int    `json:"dealType"`
}

// SearchRoutesRequest is the msgData of EXP_RECE_SEARCH_ROUTES.
type SearchRoutesRequest struct {
	Language       string   `json:"language"`
	TrackingType   int      `json:"trackingType"`
	TrackingNumber []string `json:"trackingNumber"`
	MethodType     int      `json:"methodType"`
}

// Route is one point of a waybill's route.
type Route struct {
	AcceptTime    string `json:"acceptTime"`
	AcceptAddress string `json:"acceptAddress"`
	Remark        string `json:"remark"`
	OpCode        string `json:"opCode"`
}

// RouteResp is the route of one waybill.
type RouteResp struct {
	MailNo string  `json:"mailNo"`
	Routes []Route `json:"routes"`
}

// SearchRoutesResponse is the msgData answering EXP_RECE_SEARCH_ROUTES.
type SearchRoutesResponse struct {
	RouteResps []RouteResp `json:"routeResps"`
}

// PushRoute is one route point of a push.
type PushRoute struct {
	ID            string `json:"id"`
	MailNo        string `json:"mailno"`
	OrderID       string `json:"orderid,omitempty"`
	AcceptTime    string `json:"acceptTime"`
	AcceptAddress string `json:"acceptAddress"`
	Remark        string `json:"remark"`
	OpCode        string `json:"opCode"`
}

// PushMessage is the msgData of a route push.
type PushMessage struct {
	WaybillRoute []PushRoute `json:"WaybillRoute"`
}

// PushAck is our answer to a route push.
type PushAck struct {
	ReturnCode string `json:"return_code"`
	ReturnMsg  string `json:"return_msg"`
}
