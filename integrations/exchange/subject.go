package exchange

import (
	"strings"
	"time"

	"zerovisit/workflow/ident"
)

// Subject is whom a look-up is about: a natural person by resident ID
// number or an organisation by unified social credit code.
type Subject struct {
	// ID is the normalised number.
	ID string
	// Person is true for a resident ID number, false for a USCC.
	Person bool
}

// ParseSubject validates s as a resident ID number or a USCC (now is the
// clock for the birth-date check). Its error is the *ident.Error of the kind
// s most looks like: a resident ID if its first 17 characters are digits.
func ParseSubject(s string, now time.Time) (Subject, error) {
	s = strings.TrimSpace(s)
	id, err := ident.ParseResidentID(s, now)
	if err == nil {
		return Subject{ID: id.Number, Person: true}, nil
	}
	org, uerr := ident.ParseUSCC(s)
	if uerr == nil {
		return Subject{ID: org.Code}, nil
	}
	if len(s) >= 17 && strings.Trim(s[:17], "0123456789") == "" {
		return Subject{}, err
	}
	return Subject{}, uerr
}
