package app

import (
	"testing"

	"zerovisit/cmd/internal/cmdtest"
)

// Replicas are servers sharing one sandbox process, for the tests of the
// commands that play against them (package app_test).
type Replicas struct {
	// SandboxURL is the shared sandbox process; Targets are the replicas'
	// URLs; Env the settings an operator gives the demo or the load
	// generator to play against them.
	SandboxURL string
	Targets    []string
	Env        map[string]string
	sb         *sharedSandboxes
}

// StartReplicas is startReplicas for the tests outside the package.
func StartReplicas(t *testing.T, n int) *Replicas {
	sb, targets, env := startReplicas(t, n)
	return &Replicas{SandboxURL: sb.base, Targets: targets, Env: env, sb: sb}
}

// Effects counts what the shared sandboxes received, per case.
func (r *Replicas) Effects() map[string]*CaseEffects { return r.sb.effects() }

// PaymentNotifications counts the notifications the WeChat sandbox sent.
func (r *Replicas) PaymentNotifications() int {
	return len(r.sb.parties.channels.wechat.Notifications())
}

// demoTestEnv is the environment the demo's own server gets in tests.
var demoTestEnv = cmdtest.DemoEnv

// RoundTripBudget is TestRoundTripBudget's body, given the stories' player.
var RoundTripBudget = roundTripBudget
