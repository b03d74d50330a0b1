package kuaidi100_test

import (
	"testing"

	"zerovisit/integrations/courier/kuaidi100"
)

// TestSigns checks both signs against values worked out independently.
func TestSigns(t *testing.T) {
	param := `{"com":"ems","num":"1100000000001"}`
	if got, want := kuaidi100.Sign(param, "key-abc", "CUST01"), "A211B2B682AC137BA39CEEEA65B496AC"; got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
	if got, want := kuaidi100.PushSign(param, "salt-1234"), "E335CD0883F357402329A2FB9A6215EE"; got != want {
		t.Errorf("PushSign = %s, want %s", got, want)
	}
	if kuaidi100.VerifySign("A211B2B682AC137BA39CEEEA65B496AC", param, "key-abd", "CUST01") {
		t.Error("a sign verifies under another key")
	}
	if kuaidi100.VerifyPushSign("E335CD0883F357402329A2FB9A6215EE", param+" ", "salt-1234") {
		t.Error("a push sign verifies for another param")
	}
}
