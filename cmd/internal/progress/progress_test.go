package progress

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestProgressBarOnATerminal(t *testing.T) {
	var buf bytes.Buffer
	now := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	bar := New(&buf, 1000, "seed", "cases", func() time.Time { return now })
	bar.tty = true
	now = now.Add(time.Second)
	bar.Update(250)
	now = now.Add(10 * time.Millisecond)
	bar.Update(260) // too soon after the last draw: not redrawn
	now = now.Add(3 * time.Second)
	bar.Update(1000)
	bar.Finish()
	got := buf.String()
	if n := strings.Count(got, "\r"); n != 2 {
		t.Errorf("redraws = %d, want 2: %q", n, got)
	}
	for _, want := range []string{"]  25% 250/1000 cases 250/s ETA 3s", "[" + strings.Repeat("#", 40) + "] 100% 1000/1000", "\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("bar output %q lacks %q", got, want)
		}
	}
}
