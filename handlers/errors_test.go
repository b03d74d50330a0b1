package handlers

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"zerovisit/workflow"
)

func TestStatusForInputErrorsShowsOnlyTheUserMessage(t *testing.T) {
	inner := &workflow.InputError{Field: "signature.text_hash", Reason: "does not match template v3", Message: "所签承诺书内容与现行版本不一致"}
	api, known := statusFor(fmt.Errorf("alipay: trade create for case c-1: %w", inner))
	if !known || api.Status != http.StatusUnprocessableEntity || api.Code != "invalid_input" || api.Message != inner.Message {
		t.Fatalf("statusFor(InputError) = %+v", api)
	}
	if d, _ := api.Detail.(map[string]string); d["field"] != "signature.text_hash" {
		t.Errorf("detail = %v, want the field", api.Detail)
	}
	api, _ = statusFor(fmt.Errorf("alipay: trade create: biz_content.subject required: %w", workflow.ErrInvalidInput))
	if api.Detail != nil || strings.Contains(api.Message, "alipay") || api.Code != "invalid_input" {
		t.Errorf("a plain invalid-input error leaks: %+v", api)
	}
}
