package workflow_test

import (
	"errors"
	"testing"
	"time"

	"zerovisit/workflow"
)

func TestTimeKey(t *testing.T) {
	at := time.Date(2025, 9, 1, 18, 30, 0, 123456789, time.FixedZone("CST", 8*3600))
	key := workflow.TimeKey(at, "c|1")
	got, id, err := workflow.ParseTimeKey(key)
	if err != nil || !got.Equal(at) || id != "c|1" {
		t.Errorf("ParseTimeKey(%q) = %v %q %v, want %v c|1", key, got, id, err, at)
	}
	for _, bad := range []string{"", "c1", "2025-09-01T10:00:00Z|", "yesterday|c1", "2025-09-01|c1"} {
		if _, _, err := workflow.ParseTimeKey(bad); !errors.Is(err, workflow.ErrBadCursor) {
			t.Errorf("ParseTimeKey(%q) = %v, want ErrBadCursor", bad, err)
		}
	}
	if r, ok := workflow.AsRefusal(workflow.ErrBadCursor); !ok || !errors.Is(r, workflow.ErrMalformed) || r.Code != "invalid_page" {
		t.Errorf("ErrBadCursor = %+v, want a malformed-request refusal invalid_page", r)
	}
}
