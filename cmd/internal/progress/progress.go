// Package progress draws how far a long command of the binary has got.
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// Bar shows how far a long operator command has got: a bar
// redrawn in place on a terminal, a plain line every tenth otherwise (a
// log file or a CI job gets no control characters).
type Bar struct {
	w        io.Writer
	total    int
	tty      bool
	now      func() time.Time
	start    time.Time
	lastDraw time.Time
	nextLine int
	drawn    bool
	// cmd and unit name the work ("seed", "cases").
	cmd, unit string
}

// New returns a bar of total units of a command's work, drawn on w.
func New(w io.Writer, total int, cmd, unit string, now func() time.Time) *Bar {
	return &Bar{w: w, total: total, tty: isTerminal(w), now: now, start: now(), nextLine: total / 10, cmd: cmd, unit: unit}
}

// isTerminal reports whether w is a character device, such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// Update reports that done of total are finished.
func (p *Bar) Update(done int) {
	now := p.now()
	rate := float64(done) / max(now.Sub(p.start).Seconds(), 1e-9)
	if !p.tty {
		if done >= p.nextLine || done == p.total {
			fmt.Fprintf(p.w, "%s: %d/%d %s (%.0f%%, %.0f %s/s)\n", p.cmd, done, p.total, p.unit, 100*float64(done)/float64(p.total), rate, p.unit)
			for p.nextLine <= done {
				p.nextLine += max(p.total/10, 1)
			}
		}
		return
	}
	if now.Sub(p.lastDraw) < 100*time.Millisecond && done < p.total {
		return
	}
	p.lastDraw, p.drawn = now, true
	const width = 40
	filled := width * done / max(p.total, 1)
	eta := "--"
	if rate > 0 && done < p.total {
		eta = (time.Duration(float64(p.total-done)/rate) * time.Second).Round(time.Second).String()
	}
	fmt.Fprintf(p.w, "\r[%s%s] %3d%% %d/%d %s %.0f/s ETA %s  ",
		strings.Repeat("#", filled), strings.Repeat(".", width-filled), 100*done/max(p.total, 1), done, p.total, p.unit, rate, eta)
}

// Finish ends the bar's line.
func (p *Bar) Finish() {
	if p.tty && p.drawn {
		fmt.Fprintln(p.w)
	}
}
