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
//	POST /api/v1/records/report the 办件 data rows of one case at one data version (signed)
//	POST /api/v1/records/query  {"project_nos":[…]} → the version of every row held of each
//
// The record channel carries the rows of the provincial 办件 data-collection
// standards: up_pro_accept (受理: 办件编号, 实施编码, 基本编码, item name and
// version, the accepting department's credit code and name, application
// and acceptance times, application and handling types, the applicant's
// name, type, ID type and number), up_pro_process (one row per step:
// 环节, 业务动作, times, opinion, handler), up_pro_special_procedure,
// up_pro_material and up_pro_result (time, result type, licence name and
// number, courier delivery), each with the sync fields (row id, version,
// data source, cd_operation, cd_batch, cd_time). Build makes them from a
// case and its history, from the submission (网上申报) on. Only the
// acceptance row carries the applicant's ID number, and a batch is signed
// (X-Timestamp, X-Signature: HMAC-SHA256 with the app secret over the
// timestamp, a newline and the body). The platform keeps each row's
// highest version, and refuses a batch with any incomplete row
// (HTTP 400, code record_invalid, the table and field named) keeping
// nothing of it.
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
