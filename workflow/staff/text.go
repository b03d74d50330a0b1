package staff

import (
	"strings"
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
