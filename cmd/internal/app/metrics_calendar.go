package app

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"zerovisit/handlers/telemetry"
	"zerovisit/workflow"
)

// watchCalendar exports on m, at every scrape, the years within the longest
// configured deadline that the calendar lacks or knows only provisionally:
// zerovisit_calendar_gap_years counts them (alert when above 0) and
// zerovisit_calendar_gap names each with its state.
func watchCalendar(m *telemetry.Metrics, gaps func() []workflow.CalendarGap) {
	m.Registry.MustRegister(&calendarCollector{gaps: gaps,
		count: prometheus.NewDesc("zerovisit_calendar_gap_years",
			"Years within the longest configured deadline that the working-day calendar lacks or knows only provisionally.", nil, nil),
		each: prometheus.NewDesc("zerovisit_calendar_gap",
			"A year within the longest configured deadline the calendar lacks (state missing: counted Monday to Friday) or has only provisionally.",
			[]string{"year", "state"}, nil)})
}

type calendarCollector struct {
	gaps        func() []workflow.CalendarGap
	count, each *prometheus.Desc
}

func (c *calendarCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.count; ch <- c.each }

func (c *calendarCollector) Collect(ch chan<- prometheus.Metric) {
	gaps := c.gaps()
	ch <- prometheus.MustNewConstMetric(c.count, prometheus.GaugeValue, float64(len(gaps)))
	for _, g := range gaps {
		ch <- prometheus.MustNewConstMetric(c.each, prometheus.GaugeValue, 1, strconv.Itoa(g.Year), g.State)
	}
}
