// Package kuaidi100 is the client of a Kuaidi100-style service, which
// places orders with a carrier (EMS by default, the government's usual
// carrier for 政务寄递) and tracks parcels by subscription.
//
// Every call is a form POST with the fields customer (our account),
// param (the JSON request) and
//
//	sign = UPPER(hex(MD5(param + key + customer)))
//
// to <base>/order/create, /order/cancel, /poll (subscribe to a waybill's
// route, giving the callback URL and a salt) and /poll/query.do (the route
// now). Answers carry result, returnCode ("200" is success) and message.
//
// The service pushes each change of a subscribed parcel to the callback as
// a form with param (JSON: status and lastResult, the whole route with its
// current state) and sign = UPPER(hex(MD5(param + salt))), and expects
// {"result":true,"returnCode":"200","message":"成功"} back. lastResult.state
// is 0 in transit, 1 picked up, 2 a problem (a failed attempt), 3 signed, 4
// refused, 5 out for delivery, 6 returned, 14 refused at the door.
package kuaidi100
