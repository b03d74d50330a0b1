package workflow_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"zerovisit/workflow"
)

// TestCaseJSONRoundTrip checks what the stores rely on: a case in any
// state survives its JSON document unchanged, and the engine treats the
// decoded case exactly like the original.
func TestCaseJSONRoundTrip(t *testing.T) {
	e := newEngine(t)
	sameTime := cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })
	for st, c := range fixtures(t, e) {
		t.Run(string(st), func(t *testing.T) {
			b, err := json.Marshal(c)
			if err != nil {
				t.Fatal(err)
			}
			var back workflow.Case
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c, back, sameTime, cmpopts.EquateEmpty()); diff != "" {
				t.Fatalf("round trip (-want +got):\n%s", diff)
			}
			for _, name := range workflow.EventNames() {
				ev := sampleEvent(t, name, c)
				want, _, wantEffects, wantErr := e.Apply(c, ev)
				got, _, gotEffects, gotErr := e.Apply(back, ev)
				if (wantErr == nil) != (gotErr == nil) {
					t.Fatalf("%s: err = %v on the original, %v on the decoded case", name, wantErr, gotErr)
				}
				if diff := cmp.Diff(want, got, sameTime, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("%s: case (-original +decoded):\n%s", name, diff)
				}
				if diff := cmp.Diff(wantEffects, gotEffects, sameTime, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("%s: effects (-original +decoded):\n%s", name, diff)
				}
			}
		})
	}
}
