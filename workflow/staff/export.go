package staff

import (
	"context"
	"fmt"
	"time"

	"zerovisit/workflow"
)

// ExportFormat is the file format of an exported report.
type ExportFormat string

const (
	// ExportCSV is UTF-8 CSV with a byte order mark (so Excel reads the
	// Chinese text), the tables one after another, a blank line apart.
	ExportCSV ExportFormat = "csv"
	// ExportXLSX is an Excel workbook, one sheet per table.
	ExportXLSX ExportFormat = "xlsx"
)

// Table is one table of an exported report: a sheet name, a header row and
// the rows (int64, float64 or string cells).
type Table struct {
	Name   string
	Header []string
	Rows   [][]any
}

// Export is a report ready to be written as a file.
type Export struct {
	Format   ExportFormat
	From, To workflow.Date // To inclusive
	Tables   []Table
}

// FileName names the exported file by its period.
func (e Export) FileName() string {
	return fmt.Sprintf("办件统计_%s_%s.%s", e.From, e.To, e.Format)
}

// ExportStats returns the statistics of a period as tables to download (a
// supervisor's or an administrator's; the period bounded as in Stats), and
// logs who exported what.
func (s *Service) ExportStats(ctx context.Context, who Caller, department string, p Period, format string) (Export, error) {
	f := ExportFormat(format)
	if f != ExportCSV && f != ExportXLSX {
		return Export{}, badQuery("format", "导出格式应为 csv 或 xlsx")
	}
	st, err := s.Stats(ctx, who, department, p)
	if err != nil {
		return Export{}, err
	}
	e := Export{Format: f, From: workflow.DateOf(st.From), To: workflow.DateOf(st.To.Add(-time.Second)), Tables: s.tables(st)}
	s.cfg.Log.InfoContext(ctx, "statistics exported", "staff_id", who.ID, "department", department,
		"from", e.From.String(), "to", e.To.String(), "format", string(f))
	return e, nil
}

// rate shows a share as a percentage, "—" when there is none.
func rate(r *float64) string {
	if r == nil {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", *r*100)
}

// avg shows an average of working days, "—" when there is none.
func avg(r *float64) any {
	if r == nil {
		return "—"
	}
	return float64(int(*r*10+0.5)) / 10
}

// tables lays the statistics out as the tables of an export.
func (s *Service) tables(st Stats) []Table {
	names := map[string]string{}
	for _, d := range s.cfg.Departments {
		names[d.Code] = d.Name
	}
	name := func(code string) string {
		if n := names[code]; n != "" {
			return n
		}
		return code
	}
	dept := Table{Name: "部门", Header: []string{"部门", "收件", "受理", "办结", "准予", "不予", "按时办结", "按时率",
		"平均用时（工作日）", "零上门", "零上门率", "告知承诺", "核验不通过", "评价"}}
	row := func(label string, d DepartmentStats) []any {
		return []any{label, d.Received, d.Accepted, d.Decided, d.Approved, d.Rejected, d.OnTime, rate(d.OnTimeShare),
			avg(d.AvgWorkingDays), d.ZeroVisit, rate(d.ZeroVisitShare), d.TrustFirst, d.VerificationFailures, d.Evaluations}
	}
	for _, d := range st.Departments {
		dept.Rows = append(dept.Rows, row(name(d.Department), d))
	}
	dept.Rows = append(dept.Rows, row("合计", st.Total))
	clerks := Table{Name: "承办人", Header: []string{"承办人", "办结", "准予", "不予", "按时办结", "按时率", "平均用时（工作日）", "部门"}}
	for _, c := range st.Clerks {
		who := c.StaffName
		if who == "" {
			who = "（已注销账号）"
		}
		clerks.Rows = append(clerks.Rows, []any{who, c.Decided, c.Approved, c.Rejected, c.OnTime, rate(c.OnTimeShare),
			avg(c.AvgWorkingDays), name(c.Department)})
	}
	items := Table{Name: "事项", Header: []string{"事项", "部门", "收件", "办结", "准予", "不予", "按时办结", "按时率", "平均用时（工作日）"}}
	for _, it := range st.Items {
		label := it.ItemName
		if label == "" {
			label = it.ItemCode
		}
		items.Rows = append(items.Rows, []any{label, name(it.Department), it.Received, it.Decided, it.Approved, it.Rejected,
			it.OnTime, rate(it.OnTimeShare), avg(it.AvgWorkingDays)})
	}
	daily := Table{Name: "每日", Header: []string{"日期", "收件", "办结"}}
	for _, d := range st.Daily {
		daily.Rows = append(daily.Rows, []any{d.Date, d.Received, d.Decided})
	}
	return []Table{dept, clerks, items, daily}
}
