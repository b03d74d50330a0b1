package citizen

import (
	"strings"

	"zerovisit/workflow/ident"
)

// Masked is the address as its owner is shown it: the recipient, phone
// number and street address masked, the region and label as they are.
func (a Address) Masked() Address {
	detail := []rune(a.Detail)
	a.Detail = "****"
	if len(detail) > 4 {
		a.Detail = string(detail[:2]) + strings.Repeat("*", len(detail)-2)
	}
	a.Recipient, a.Phone = ident.MaskName(a.Recipient), ident.MaskPhone(a.Phone)
	return a
}

// Masked is the principal as a citizen is shown it, themselves included:
// the name and ID number of a person only once verified, masked, and the
// phone number masked.
func (c Citizen) Masked() Citizen {
	if c.Verified() {
		c.Name, c.IDNumber = ident.MaskName(c.Name), ident.MaskResidentID(c.IDNumber)
	} else {
		c.Name, c.IDNumber = "", ""
	}
	if c.Phone != "" {
		c.Phone = ident.MaskPhone(c.Phone)
	}
	return c
}
