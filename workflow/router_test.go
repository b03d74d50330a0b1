package workflow_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"zerovisit/workflow"
)

func TestEffectRouter(t *testing.T) {
	r := workflow.NewEffectRouter()
	var got workflow.ReportProvince
	r.Handle(workflow.KindReportProvince, func(_ context.Context, _ workflow.OutboxEntry, eff workflow.Effect) error {
		got = eff.(workflow.ReportProvince)
		return nil
	})
	payload, err := json.Marshal(workflow.ReportProvince{CaseID: "c1", Number: "N1", DataVersion: 3, Status: workflow.StatusAccepted})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("OK", func(t *testing.T) {
		err := r.Run(context.Background(), workflow.OutboxEntry{ID: 1, Kind: workflow.KindReportProvince, Payload: payload})
		if err != nil {
			t.Fatal(err)
		}
		if got.Number != "N1" || got.DataVersion != 3 {
			t.Errorf("handler got %+v", got)
		}
	})
	t.Run("ErrNoIntegration", func(t *testing.T) {
		err := r.Run(context.Background(), workflow.OutboxEntry{ID: 2, Kind: workflow.KindIssueLicence, Payload: []byte(`{"case_id":"c1"}`)})
		if !errors.Is(err, workflow.ErrNoIntegration) || errors.Is(err, workflow.ErrPermanent) {
			t.Errorf("err = %v, want ErrNoIntegration (retryable)", err)
		}
	})
	t.Run("ErrPermanent", func(t *testing.T) {
		err := r.Run(context.Background(), workflow.OutboxEntry{ID: 3, Kind: workflow.KindReportProvince, Payload: []byte(`{not json`)})
		if !errors.Is(err, workflow.ErrPermanent) {
			t.Errorf("err = %v, want ErrPermanent", err)
		}
	})
}
