package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"zerovisit/integrations/courier/kuaidi100"
)

const maxRequest = 64 << 10

// signed checks the customer and sign of a request before its param is
// handed to h.
func (s *Sandbox) signed(h func(param []byte) any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, maxRequest+1))
		if err != nil || len(body) > maxRequest {
			writeJSON(w, refuse(kuaidi100.CodeBadRequest, "请求过大或无法读取"))
			return
		}
		form, err := url.ParseQuery(string(body))
		if err != nil || form.Get("param") == "" {
			writeJSON(w, refuse(kuaidi100.CodeBadRequest, "参数 param 不能为空"))
			return
		}
		if form.Get("customer") != s.cfg.Customer || !kuaidi100.VerifySign(form.Get("sign"), form.Get("param"), s.cfg.Key, s.cfg.Customer) {
			writeJSON(w, refuse(kuaidi100.CodeBadSign, "签名错误或授权码无效"))
			return
		}
		writeJSON(w, h([]byte(form.Get("param"))))
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	_ = json.NewEncoder(w).Encode(v)
}

func refuse(code, msg string) kuaidi100.Answer {
	return kuaidi100.Answer{Result: false, ReturnCode: code, Message: msg}
}

func okAnswer(msg string) kuaidi100.Answer {
	return kuaidi100.Answer{Result: true, ReturnCode: kuaidi100.CodeOK, Message: msg}
}

func (s *Sandbox) createOrder(param []byte) any {
	var p kuaidi100.OrderParam
	if err := json.Unmarshal(param, &p); err != nil || p.OrderID == "" {
		return refuse(kuaidi100.CodeBadRequest, "订单号不能为空")
	}
	if p.RecManMobile == "" || p.RecManPrintAddr == "" || p.SendManMobile == "" || p.SendManPrintAddr == "" {
		return refuse(kuaidi100.CodeBadRequest, "收寄件人电话、地址不能为空")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	parcel, found := s.byOrder[p.OrderID]
	if !found {
		w := s.newWaybill()
		parcel = &Parcel{Order: p, TaskID: fmt.Sprintf("T%s", w), Waybill: w, CreatedAt: s.cfg.Now()}
		s.byOrder[p.OrderID], s.byWaybill[w] = parcel, parcel
	}
	return kuaidi100.OrderAnswer{Answer: okAnswer("下单成功"), Data: kuaidi100.OrderData{
		TaskID: parcel.TaskID, OrderID: p.OrderID, Kuaidinum: parcel.Waybill, Kuaidicom: p.Kuaidicom,
	}}
}

func (s *Sandbox) cancelOrder(param []byte) any {
	var p kuaidi100.CancelParam
	if err := json.Unmarshal(param, &p); err != nil || p.OrderID == "" {
		return refuse(kuaidi100.CodeBadRequest, "订单号不能为空")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	parcel, found := s.byOrder[p.OrderID]
	switch {
	case !found:
		return refuse(kuaidi100.CodeNotFound, "订单不存在")
	case len(parcel.Route) > 0:
		return refuse(kuaidi100.CodePickedUp, "快递员已揽件，无法取消")
	}
	parcel.Cancelled = true
	return okAnswer("取消成功")
}

func (s *Sandbox) subscribe(param []byte) any {
	var p kuaidi100.SubscribeParam
	if err := json.Unmarshal(param, &p); err != nil || p.Number == "" || p.Parameters.CallbackURL == "" {
		return refuse(kuaidi100.CodeBadRequest, "单号和回调地址不能为空")
	}
	if p.Key != s.cfg.Key {
		return refuse(kuaidi100.CodeBadSign, "授权码无效")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	parcel, found := s.byWaybill[p.Number]
	if !found {
		return refuse(kuaidi100.CodeNotFound, "单号不存在")
	}
	if parcel.CallbackURL == p.Parameters.CallbackURL && parcel.Salt == p.Parameters.Salt {
		return refuse(kuaidi100.CodeDuplicateSub, "重复订阅")
	}
	parcel.CallbackURL, parcel.Salt = p.Parameters.CallbackURL, p.Parameters.Salt
	return okAnswer("提交成功")
}

func (s *Sandbox) query(param []byte) any {
	var p kuaidi100.QueryParam
	if err := json.Unmarshal(param, &p); err != nil || p.Num == "" {
		return refuse(kuaidi100.CodeBadRequest, "单号不能为空")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	parcel, found := s.byWaybill[p.Num]
	if !found || len(parcel.Route) == 0 {
		return refuse(kuaidi100.CodeNotFound, "查询无结果，请隔段时间再查")
	}
	t := s.track(parcel)
	return struct {
		Result     bool   `json:"result"`
		ReturnCode string `json:"returnCode"`
		kuaidi100.Track
	}{true, kuaidi100.CodeOK, t}
}

// track is the parcel's route as queries and pushes carry it. The caller holds s.mu.
func (s *Sandbox) track(p *Parcel) kuaidi100.Track {
	check := "0"
	if p.State == kuaidi100.StateSigned {
		check = "1"
	}
	return kuaidi100.Track{Message: "ok", State: p.State, Status: "200", Condition: "F00", IsCheck: check,
		Com: p.Order.Kuaidicom, Nu: p.Waybill, Data: append([]kuaidi100.Point(nil), p.Route...)}
}
