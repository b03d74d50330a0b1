// Package province reports cases (办件信息上报) to the provincial
// government-service platform (省政务服务网 / 行政权力运行平台) and
// reconciles what the platform holds with what we hold.
//
// The protocol, spoken by Client and by the sandbox in province/sandbox:
//
//	POST /api/v1/auth/token    {"app_id","app_secret"} → {"code":"0","access_token","expires_in"}
//	POST /api/v1/cases/report  a case's number, item, department, status, data version and times
//	GET  /api/v1/cases/{number} what the platform holds of one case
//	POST /api/v1/cases/query   {"case_numbers":[…]} (at most 500) → {"cases":[…],"missing":[…]}
//
// Every call but the token request carries "Authorization: Bearer <token>";
// a token past its expiry is answered with 401 and code "token_expired",
// and the client fetches a new one and tries once more. Answers are JSON
// with "code" ("0" for success) and "msg".
//
// Reports are idempotent by (case number, data version) and carry that pair
// in X-Idempotency-Key: the same version again is acknowledged as a
// duplicate and changes nothing, an older version than the one held is
// acknowledged and ignored, a newer one replaces it (the latest version
// wins). So a report may be sent any number of times, in any order, by any
// replica; the outbox and the Reconciler rely on that.
package province
