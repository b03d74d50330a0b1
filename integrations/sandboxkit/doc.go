// Package sandboxkit holds what every party's sandbox (integrations/<party>/sandbox)
// embeds: injectable faults, so tests can exercise the clients' retries,
// timeouts and circuit breakers over real HTTP, and a recorder of the
// requests the sandbox received.
package sandboxkit
