package staff

import (
	"strings"
	"time"
	"unicode/utf8"

	"zerovisit/workflow"
)

// maxText bounds every free text a member of staff writes.
const maxText = 500

// fieldNames are the Chinese names of the texts staff write.
var fieldNames = map[string]string{"reason": "理由", "note": "说明", "opinion": "审查意见", "legal_basis": "法律依据",
	"outcome": "结论", "items": "补正内容", "finding": "核查结论", "statement": "陈述申辩内容"}

// checkText refuses a text over maxText characters, or an empty one when
// required.
func checkText(name, value string, required bool) error {
	label, ok := fieldNames[name]
	if !ok {
		label = name
	}
	n := utf8.RuneCountInString(strings.TrimSpace(value))
	switch {
	case required && n == 0:
		return refuse(workflow.ErrInvalidInput, "invalid_field", "请填写"+label, field(name))
	case utf8.RuneCountInString(value) > maxText:
		return refuse(workflow.ErrInvalidInput, "invalid_field", label+"不能超过500字", field(name))
	}
	return nil
}

// OverdueDays is how many working days a running (or paused) clock is past
// its deadline at `at`, counted as the queue shows it ("超期 N 个工作日");
// 0 when not overdue or stopped.
func OverdueDays(s workflow.SLA, cal *workflow.Calendar, at time.Time) int {
	if !s.Started() || s.Stopped() || s.Deadline.IsZero() {
		return 0
	}
	if s.Paused() {
		at = s.PausedAt
	}
	if !at.After(s.Deadline) {
		return 0
	}
	return max(1, cal.WorkingDaysBetween(s.Deadline, at))
}
