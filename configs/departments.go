package configs

import (
	_ "embed"
	"fmt"
)

//go:embed departments.yaml
var defaultDepartments []byte

// Department is an approving department: the code the catalogue uses, its
// full name, and the unified social credit code it signs licences with.
type Department struct {
	Code string `yaml:"code"`
	Name string `yaml:"name"`
	USCC string `yaml:"uscc"`
}

// LoadDepartments reads the departments: the embedded departments.yaml
// when path is empty, else the YAML file at path.
func LoadDepartments(path string) ([]Department, error) {
	data, name, err := readData(path, defaultDepartments, "departments.yaml")
	if err != nil {
		return nil, fmt.Errorf("load departments: %w", err)
	}
	var doc struct {
		Departments []Department `yaml:"departments"`
	}
	if err := decodeStrict(data, &doc); err != nil {
		return nil, fmt.Errorf("load departments %s: %w", name, err)
	}
	seen := map[string]bool{}
	for i, d := range doc.Departments {
		switch {
		case d.Code == "" || d.Name == "" || d.USCC == "":
			return nil, fmt.Errorf("load departments %s: entry %d: code, name and uscc are required", name, i+1)
		case seen[d.Code]:
			return nil, fmt.Errorf("load departments %s: code %q is listed twice", name, d.Code)
		}
		seen[d.Code] = true
	}
	return doc.Departments, nil
}
