package workflow

// InputError is a validation failure of an event or draft. It unwraps to
// ErrInvalidInput, so errors.Is works; handlers that want more use
// errors.As to show Message (Chinese, for the user) and Field.
type InputError struct {
	// Field names the offending part of the request, e.g. "promised[0]".
	Field string
	// Reason is the lower-case English explanation for logs.
	Reason string
	// Message is the explanation shown to the user, in Chinese.
	Message string
}

// Error returns "invalid input: <field>: <reason>".
func (e *InputError) Error() string {
	if e.Field == "" {
		return ErrInvalidInput.Error() + ": " + e.Reason
	}
	return ErrInvalidInput.Error() + ": " + e.Field + ": " + e.Reason
}

// Unwrap returns ErrInvalidInput.
func (e *InputError) Unwrap() error { return ErrInvalidInput }

func invalid(field, reason, message string) error {
	return &InputError{Field: field, Reason: reason, Message: message}
}
