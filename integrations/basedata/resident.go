package basedata

import (
	"fmt"
	"slices"

	"zerovisit/workflow"
)

// Fields of a resident that Resident may ask for.
const (
	FieldName      = "name"      // 姓名
	FieldAddress   = "address"   // 现住址
	FieldHousehold = "household" // 户籍登记
)

// Fields lists every field Resident may ask for.
func Fields() []string { return []string{FieldName, FieldAddress, FieldHousehold} }

// Resident is what the population library disclosed about a resident:
// the fields asked for and nothing else (the rest are empty).
type Resident struct {
	IDNumber  string     `json:"id_number"`
	Name      string     `json:"name,omitempty"`
	Address   string     `json:"address,omitempty"`
	Household *Household `json:"household,omitempty"`
}

// Household is a resident's household registration (户籍).
type Household struct {
	// Address is the registered address (户籍地址).
	Address string `json:"address"`
	// Kind is 家庭户 or 集体户.
	Kind string `json:"kind"`
	// Authority is the registering police station (登记机关).
	Authority string `json:"authority"`
}

// checkFields validates fields and returns them sorted without duplicates.
func checkFields(fields []string) ([]string, error) {
	if len(fields) == 0 {
		return nil, fmt.Errorf("no field asked for: %w", workflow.ErrInvalidInput)
	}
	out := make([]string, 0, len(fields))
	for _, f := range fields {
		if !slices.Contains(Fields(), f) {
			return nil, fmt.Errorf("unknown field %q: %w", f, workflow.ErrInvalidInput)
		}
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	slices.Sort(out)
	return out, nil
}

// keepOnly clears every field of r that was not asked for.
func (r Resident) keepOnly(fields []string) Resident {
	out := Resident{IDNumber: r.IDNumber}
	if slices.Contains(fields, FieldName) {
		out.Name = r.Name
	}
	if slices.Contains(fields, FieldAddress) {
		out.Address = r.Address
	}
	if slices.Contains(fields, FieldHousehold) {
		out.Household = r.Household
	}
	return out
}
