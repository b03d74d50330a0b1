package parcel

import (
	"fmt"
	"log/slog"

	"zerovisit/workflow/ident"
)

// String prints c masked.
func (c Contact) String() string {
	return fmt.Sprintf("%s %s %s", ident.MaskName(c.Name), ident.MaskPhone(c.Phone), MaskAddress(c.Address))
}

// GoString prints c masked, also under %#v.
func (c Contact) GoString() string { return "parcel.Contact{" + c.String() + "}" }

// LogValue logs c masked.
func (c Contact) LogValue() slog.Value { return slog.StringValue(c.String()) }

// Masked returns c with name, phone and address masked, for responses.
func (c Contact) Masked() Contact {
	return Contact{Name: ident.MaskName(c.Name), Phone: ident.MaskPhone(c.Phone), Company: c.Company, Address: MaskAddress(c.Address)}
}

// MaskAddress keeps the start of an address (province, city, district: the
// first six characters) and hides the rest: "浙江省杭州市****".
func MaskAddress(s string) string {
	r := []rune(s)
	const keep = 6
	if len(r) == 0 {
		return ""
	}
	if len(r) <= keep {
		return string(r[:min(len(r), 2)]) + "****"
	}
	return string(r[:keep]) + "****"
}
