// Package alipay is the client of the Alipay open platform for the mini
// program: login (alipay.system.oauth.token), trade creation for mini-program
// payment (alipay.trade.create), asynchronous payment notifications, refunds,
// mini-program messages, and identity certification by face
// (alipay.user.certify.open.initialize / certify / query), through
// github.com/smartwalle/alipay/v3.
//
// Requests are signed RSA2 with the app's private key; every answer is
// verified against Alipay's public key over the exact bytes of its
// <method>_response value; notifications are verified locally with
// DecodeNotification (never NotifyVerify, which calls a hard-coded host).
// The SDK's client is per instance: WithHTTPClient carries the transport and
// WithSandboxGateway (with isProduction=false) points it at the sandbox in
// package alipay/sandbox, which speaks the same protocol.
package alipay
