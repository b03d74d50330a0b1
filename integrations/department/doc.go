// Package department connects the workflow with the departments' own
// approval systems through signed webhooks, both ways.
//
// Outbound, the Pusher sends a case to its department's system:
//
//	POST <Endpoint.URL>
//	Content-Type: application/json
//	X-ZV-Department: <department code>
//	X-ZV-Timestamp:  <unix seconds>
//	X-ZV-Nonce:      <random, 8 to 64 of [A-Za-z0-9_-]>
//	X-ZV-Signature:  v1=<hex(HMAC-SHA256(secret, timestamp + "." + nonce + "." + body))>
//	Idempotency-Key: <case number>:<case version>
//
// The department's system checks the signature, and dedupes by the
// idempotency key: a repeat is answered 200 like the first delivery.
//
// Inbound, the department returns its decision (approve, reject, or ask
// for a correction) to our callback with the same four X-ZV headers,
// signed with the same department's secret. The Verifier checks, in this
// order and before the body is read as a decision: the headers are well
// formed, the department is known, the signature is good, the timestamp
// is within ±5 minutes of our clock, and the nonce was never seen (it is
// remembered only once the signature has proved good). Each refusal is a
// *VerifyError with a stable code. Handle then turns the decision into a
// workflow event by the department, applied at most once per decision id.
//
// Sign is the one implementation of the signature, used by both
// directions and by the sandbox in department/sandbox.
package department
