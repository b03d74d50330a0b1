// Package httpx is the resilient HTTP plumbing every party client
// (integrations/<party>) is built on: per-call and per-attempt timeouts,
// retries with jittered exponential backoff for requests that are safe to
// repeat, a circuit breaker per party, typed errors, and a metrics hook.
//
// It also holds the transport guards used against the local sandboxes:
// LoopbackOnly refuses to send anywhere but this machine, and Rewrite
// redirects SDKs with hard-coded hosts to a local sandbox.
package httpx
