// Package credit is the client of the public credit library (公共信用信息
// 平台): it reads a subject's standing (red list, joint-punishment target,
// normal) before an application is trusted first, and writes back a false
// commitment when verification on completion fails.
//
// Cached is a decorator that keeps standings in a kv.Cache for a short time
// and forgets a subject's standing when a false commitment is recorded for
// it. The sandbox, in package credit/sandbox, speaks the same protocol.
package credit
