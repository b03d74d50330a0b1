// Package exchange speaks the common protocol of the government
// data-sharing exchange (数据共享交换平台) that the e-license library, the
// base-data libraries and the credit library sit behind.
//
// Every request carries four headers: X-App-Id, X-Timestamp (Unix seconds),
// X-Nonce (random, never reused) and X-Signature, the lower-case hex of
//
//	HMAC-SM3(appSecret, method + "\n" + path?query + "\n" + timestamp + "\n" + nonce + "\n" + hex(SM3(body)))
//
// The party refuses a bad signature, a timestamp more than five minutes
// away from its clock and a nonce it has seen, with 401 and a JSON body
// {"code":"bad_signature","message":"…"}. Answers are JSON envelopes
// {"code":"0","message":"成功","data":…}; a failure has a non-zero code and
// a matching HTTP status.
//
// The client side is Sign and Transport (which signs every attempt afresh,
// so a retry never reuses a nonce) and Client, the envelope-aware caller
// built on httpx that each party client uses. The server side, for the
// sandboxes, is Verify, Guard, NonceCache, WriteData and WriteError.
package exchange
