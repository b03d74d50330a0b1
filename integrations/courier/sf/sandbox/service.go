package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"

	"zerovisit/integrations/courier/sf"
)

// maxRequest bounds one request body.
const maxRequest = 64 << 10

// service is the one endpoint of the platform: check the partner and the
// digest, then run the service the form names.
func (s *Sandbox) service(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequest+1))
	if err != nil || len(body) > maxRequest {
		writeEnvelope(w, sf.Envelope{APIResultCode: "A1001", APIErrorMsg: "请求报文过大或无法读取"})
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		writeEnvelope(w, sf.Envelope{APIResultCode: "A1001", APIErrorMsg: "请求报文格式错误"})
		return
	}
	msg, ts := form.Get("msgData"), form.Get("timestamp")
	switch {
	case form.Get("partnerID") != s.cfg.PartnerID:
		writeEnvelope(w, sf.Envelope{APIResultCode: sf.APIBadDigest, APIErrorMsg: "合作伙伴编码不存在"})
		return
	case msg == "" || ts == "" || form.Get("requestID") == "":
		writeEnvelope(w, sf.Envelope{APIResultCode: "A1001", APIErrorMsg: "必传参数不可为空"})
		return
	case !sf.VerifyDigest(form.Get("msgDigest"), msg, ts, s.cfg.Checkword):
		writeEnvelope(w, sf.Envelope{APIResultCode: sf.APIBadDigest, APIErrorMsg: "数字签名无效"})
		return
	}
	var res sf.Result
	switch form.Get("serviceCode") {
	case sf.ServiceCreateOrder:
		res = s.createOrder([]byte(msg))
	case sf.ServiceSearchOrder:
		res = s.searchOrder([]byte(msg))
	case sf.ServiceUpdateOrder:
		res = s.updateOrder([]byte(msg))
	case sf.ServiceSearchRoutes:
		res = s.searchRoutes([]byte(msg))
	default:
		writeEnvelope(w, sf.Envelope{APIResultCode: "A1001", APIErrorMsg: "服务代码不存在"})
		return
	}
	data, _ := json.Marshal(res)
	writeEnvelope(w, sf.Envelope{APIResultCode: sf.APIOK, APIResponseID: newID(), APIResultData: string(data)})
}

func writeEnvelope(w http.ResponseWriter, env sf.Envelope) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	_ = json.NewEncoder(w).Encode(env)
}

func ok(v any) sf.Result {
	b, _ := json.Marshal(v)
	return sf.Result{Success: true, ErrorCode: sf.BizOK, MsgData: b}
}

func refuse(code, msg string) sf.Result {
	return sf.Result{Success: false, ErrorCode: code, ErrorMsg: msg}
}

func (s *Sandbox) createOrder(msg []byte) sf.Result {
	var req sf.CreateOrderRequest
	if err := json.Unmarshal(msg, &req); err != nil || req.OrderID == "" {
		return refuse(sf.BizBadRequest, "订单号不能为空")
	}
	var sender, recipient *sf.ContactInfo
	for i := range req.ContactInfoList {
		c := &req.ContactInfoList[i]
		switch c.ContactType {
		case 1:
			sender = c
		case 2:
			recipient = c
		}
	}
	switch {
	case sender == nil || recipient == nil:
		return refuse(sf.BizBadRequest, "寄件人和收件人信息不能为空")
	case sender.Address == "" || recipient.Address == "" || sender.Tel == "" || recipient.Tel == "":
		return refuse(sf.BizBadRequest, "寄件人或收件人地址、电话不能为空")
	case req.PayMethod != sf.PayRecipient && req.MonthlyCard == "":
		return refuse(sf.BizBadRequest, "寄付或第三方付须填写月结卡号")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.byOrder[req.OrderID]; dup {
		return refuse(sf.BizDuplicateOrder, "重复下单")
	}
	p := &Parcel{
		OrderID: req.OrderID, Waybill: s.newWaybill(), PayMethod: req.PayMethod, MonthlyCard: req.MonthlyCard,
		Sender: *sender, Recipient: *recipient, Remark: req.Remark, CreatedAt: s.cfg.Now(),
	}
	if len(req.CargoDetails) > 0 {
		p.Cargo = req.CargoDetails[0].Name
	}
	s.byOrder[p.OrderID], s.byWaybill[p.Waybill] = p, p
	return ok(orderResponse(p))
}

func orderResponse(p *Parcel) sf.OrderResponse {
	return sf.OrderResponse{OrderID: p.OrderID, WaybillNoInfoList: []sf.WaybillNoInfo{{WaybillType: 1, WaybillNo: p.Waybill}}}
}

func (s *Sandbox) searchOrder(msg []byte) sf.Result {
	var req sf.SearchOrderRequest
	if err := json.Unmarshal(msg, &req); err != nil || req.OrderID == "" {
		return refuse(sf.BizBadRequest, "订单号不能为空")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, found := s.byOrder[req.OrderID]
	if !found {
		return refuse(sf.BizOrderNotFound, "订单不存在")
	}
	return ok(orderResponse(p))
}

func (s *Sandbox) updateOrder(msg []byte) sf.Result {
	var req sf.UpdateOrderRequest
	if err := json.Unmarshal(msg, &req); err != nil || req.OrderID == "" || req.DealType != 2 {
		return refuse(sf.BizBadRequest, "仅支持取消订单")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, found := s.byOrder[req.OrderID]
	switch {
	case !found:
		return refuse(sf.BizOrderNotFound, "订单不存在")
	case len(p.Routes) > 0:
		return refuse(sf.BizAlreadyPickedUp, "快件已揽收，不能取消")
	}
	p.Cancelled = true
	return ok(map[string]any{"orderId": p.OrderID, "resStatus": 2})
}

func (s *Sandbox) searchRoutes(msg []byte) sf.Result {
	var req sf.SearchRoutesRequest
	if err := json.Unmarshal(msg, &req); err != nil || len(req.TrackingNumber) == 0 {
		return refuse(sf.BizBadRequest, "运单号不能为空")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var resp sf.SearchRoutesResponse
	for _, no := range req.TrackingNumber {
		p, found := s.byWaybill[no]
		if !found {
			continue
		}
		rr := sf.RouteResp{MailNo: no}
		for _, r := range p.Routes {
			rr.Routes = append(rr.Routes, sf.Route{AcceptTime: r.AcceptTime, AcceptAddress: r.AcceptAddress, Remark: r.Remark, OpCode: r.OpCode})
		}
		resp.RouteResps = append(resp.RouteResps, rr)
	}
	return ok(resp)
}
