// Package sf is the client of an SF-style courier open platform (顺丰开放平台).
//
// Every call is one form POST to <base>/std/service with the fields
// partnerID, requestID (fresh per call), serviceCode, timestamp (Unix
// milliseconds), msgDigest and msgData (the JSON request), where
//
//	msgDigest = Base64(MD5(urlencode(msgData + timestamp + checkword)))
//
// and urlencode is Java's URLEncoder (UTF-8, space as '+'), which the
// platform's own side uses: the URL-encoding before MD5 is the step that is
// easy to miss. The answer is {"apiResultCode":"A1000", "apiResultData":
// "<JSON text>"}, whose data says success, errorCode and msgData.
//
// Services used: EXP_RECE_CREATE_ORDER (order a parcel; the platform refuses
// an order id it has seen with error 8016, after which the client looks the
// order up with EXP_RECE_SEARCH_ORDER_RESP, so ordering is idempotent),
// EXP_RECE_UPDATE_ORDER with dealType 2 (cancel) and EXP_RECE_SEARCH_ROUTES
// (the route).
//
// Route pushes come to our callback as the same six form fields with
// serviceCode RoutePushService, signed with the same digest and checkword;
// msgData is {"WaybillRoute":[{id, mailno, orderid, acceptTime,
// acceptAddress, remark, opCode}]}, and the platform expects
// {"return_code":"0000","return_msg":"成功"} back. The opCodes this adapter
// interprets are listed in protocol.go.
package sf
