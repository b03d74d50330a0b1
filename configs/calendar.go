package configs

import (
	_ "embed"
	"fmt"

	"zerovisit/workflow"
)

//go:embed calendar.yaml
var defaultCalendar []byte

// LoadCalendar reads the working-day calendar: the embedded calendar.yaml
// (the State Council's holiday arrangements for 2025 and 2026 and a
// provisional 2027) when path is empty, else the YAML file at path, so a
// newly announced year needs no rebuild.
func LoadCalendar(path string) (*workflow.Calendar, error) {
	data, name, err := readData(path, defaultCalendar, "calendar.yaml")
	if err != nil {
		return nil, fmt.Errorf("load calendar: %w", err)
	}
	var doc struct {
		Years []workflow.CalendarYear `yaml:"years"`
	}
	if err := decodeStrict(data, &doc); err != nil {
		return nil, fmt.Errorf("load calendar %s: %w", name, err)
	}
	if len(doc.Years) == 0 {
		return nil, fmt.Errorf("load calendar %s: no years", name)
	}
	cal, err := workflow.NewCalendar(doc.Years)
	if err != nil {
		return nil, fmt.Errorf("load calendar %s: %w", name, err)
	}
	return cal, nil
}
