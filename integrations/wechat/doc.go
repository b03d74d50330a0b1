// Package wechat is the client of the WeChat mini program and WeChat Pay:
// login (jscode2session), the phone number a user chose to share,
// one-time subscribe messages, the result of a facial recognition check
// (人脸核身, FaceResult), and mini-program payment (JSAPI), its signed
// and encrypted notifications and refunds.
//
// The mini-program calls go through github.com/silenceper/wechat/v2, whose
// hosts are hard-coded and whose HTTP client is one process-wide global.
// This package installs that global once, as a router that sends each call
// to the transport registered for its mini program (the real hosts in
// production, a loopback sandbox through httpx.Rewrite otherwise), so
// several clients, and several test apps, can live in one process.
//
// Payment uses WeChat Pay API v3 through github.com/wechatpay-apiv3/wechatpay-go:
// v3 is the current API (JSON, RSA-SHA256 signatures both ways, AES-GCM
// encrypted notifications) and its client takes its own *http.Client, so no
// global is involved. The silenceper pay package speaks only the legacy v2
// (XML, MD5/HMAC signatures) and checks only the notification fields it knows.
//
// The sandbox, in package wechat/sandbox, speaks the same protocols.
package wechat
