package workflow_test

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"zerovisit/workflow"
)

// sampleEffects has one fully populated value of every effect type.
func sampleEffects() []workflow.Effect {
	when := time.Date(2025, 9, 1, 9, 0, 0, 0, workflow.CST())
	return []workflow.Effect{
		workflow.NotifyApplicant{CaseID: "c1", Number: "N1", ApplicantID: "u1", Template: workflow.TplAccepted, Params: map[string]string{"deadline": "2025-09-08"}},
		workflow.OrderCourierPickup{CaseID: "c1", Number: "N1", ApplicantID: "u1", Department: "scjgj", AddressRef: "addr-1", Materials: []string{"b"}},
		workflow.OrderCourierDelivery{CaseID: "c1", Number: "N1", ApplicantID: "u1", Department: "scjgj", AddressRef: "addr-1", Checklist: []string{"c"}},
		workflow.ReportProvince{CaseID: "c1", Number: "N1", ItemCode: "tf", Department: "scjgj", DataVersion: 3, Status: workflow.StatusAccepted, At: when},
		workflow.PushDepartment{CaseID: "c1", Number: "N1", ItemCode: "tf", Department: "scjgj", Version: 3, Status: workflow.StatusAccepted},
		workflow.IssueLicence{CaseID: "c1", Number: "N1", ItemCode: "tf", LicenceType: "spjyxkz", HolderID: "u1"},
		workflow.RevokeLicence{CaseID: "c1", Number: "N1", ItemCode: "tf", LicenceType: "spjyxkz", HolderID: "u1", Reason: "承诺不实"},
		workflow.RecordFalseCommitment{CaseID: "c1", Number: "N1", ApplicantID: "u1", ItemCode: "tf", Department: "scjgj", Code: "verification_failed", Reason: "承诺不实", At: when},
		workflow.RefundFee{CaseID: "c1", Number: "N1", Channel: workflow.ChannelAlipay, TradeNo: "2025090122001", AmountFen: 1500},
		workflow.WarnSupervisor{CaseID: "c1", Number: "N1", Department: "scjgj", Card: workflow.CardYellow, Deadline: when, Reason: "approaching_deadline"},
		workflow.ReportEvaluation{CaseID: "c1", EvaluationID: "c1:result", Stage: "result"},
	}
}

func TestDecodeEffectRoundTrip(t *testing.T) {
	samples := sampleEffects()
	var covered []workflow.EffectKind
	for _, ef := range samples {
		covered = append(covered, ef.EffectKind())
		t.Run(string(ef.EffectKind()), func(t *testing.T) {
			payload, err := json.Marshal(ef)
			if err != nil {
				t.Fatal(err)
			}
			got, err := workflow.DecodeEffect(ef.EffectKind(), payload)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(ef, got, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
	slices.Sort(covered)
	all := workflow.EffectKinds()
	slices.Sort(all)
	if diff := cmp.Diff(all, slices.Compact(covered)); diff != "" {
		t.Errorf("samples do not cover every kind (-all +covered):\n%s", diff)
	}
}

func TestDecodeEffectErrors(t *testing.T) {
	t.Run("UnknownKind", func(t *testing.T) {
		if _, err := workflow.DecodeEffect("teleport", []byte(`{}`)); !errors.Is(err, workflow.ErrInvalidInput) {
			t.Errorf("err = %v, want ErrInvalidInput", err)
		}
	})
	t.Run("BadPayload", func(t *testing.T) {
		if _, err := workflow.DecodeEffect(workflow.KindRefundFee, []byte(`{"amount_fen":"lots"}`)); !errors.Is(err, workflow.ErrInvalidInput) {
			t.Errorf("err = %v, want ErrInvalidInput", err)
		}
	})
}
