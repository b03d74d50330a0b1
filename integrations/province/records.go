package province

import (
	"time"
)

// Tables of the provincial 办件 data-collection standards (办事过程数据采集):
// a case's acceptance, process steps, result, special procedures and
// materials. Each is sent as rows of the table of that name.
const (
	TableAccept   = "up_pro_accept"            // 办件受理信息
	TableProcess  = "up_pro_process"           // 办件过程信息
	TableResult   = "up_pro_result"            // 办件结果信息
	TableSpecial  = "up_pro_special_procedure" // 特别程序信息
	TableMaterial = "up_pro_material"          // 材料目录信息
)

// Tables lists every table, in the order a case fills them.
var Tables = []string{TableAccept, TableProcess, TableSpecial, TableMaterial, TableResult}

// Sync operations (同步类型, cd_operation): the first version of a row is
// an insert, a later one an update.
const (
	OpInsert = "I"
	OpUpdate = "U"
)

// Sync carries the fields every row shares: its identity (记录唯一标识)
// and version, and the synchronisation fields of the standard. A row is
// idempotent by (RowGUID, Version): the platform keeps the highest
// version of each row.
type Sync struct {
	RowGUID    string    `json:"row_guid"`
	Version    int64     `json:"version"`
	ProjectNo  string    `json:"project_no"`  // 办件编号
	DataSource string    `json:"data_source"` // 数据来源
	Operation  string    `json:"cd_operation"`
	Batch      string    `json:"cd_batch"`
	Time       time.Time `json:"cd_time"`
}

// Accept is the acceptance row (up_pro_accept). ApplicantIDNumber is the
// one personal identifier the standard requires, and only this row carries
// it.
type Accept struct {
	Sync
	TaskCode          string    `json:"task_code"`    // 实施编码
	CatalogCode       string    `json:"catalog_code"` // 基本编码
	TaskName          string    `json:"task_name"`
	TaskVersion       int       `json:"task_version"`
	OrgCode           string    `json:"org_code"` // 受理部门统一社会信用代码
	OrgName           string    `json:"org_name"`
	ApplyDate         time.Time `json:"apply_date"`
	AcceptDate        time.Time `json:"accept_date"`
	PromiseDate       time.Time `json:"promise_date,omitzero"`
	ApplyType         string    `json:"apply_type"`   // 申请类型
	ProjectType       string    `json:"project_type"` // 办理类型
	ApplicantName     string    `json:"applyer_name"`
	ApplicantType     string    `json:"applyer_type"`
	ApplicantIDType   string    `json:"applyer_page_type"`
	ApplicantIDNumber string    `json:"applyer_page_code"`
	HandlerName       string    `json:"handle_user_name,omitempty"`
}

// Process is one step of a case (up_pro_process): 环节 and 业务动作.
type Process struct {
	Sync
	ProcessName string    `json:"process_name"` // 办理环节名称
	EventName   string    `json:"event_name"`   // 业务动作 (code)
	StartTime   time.Time `json:"event_start_time"`
	EndTime     time.Time `json:"event_end_time"`
	Opinion     string    `json:"handle_explain"`
	HandlerName string    `json:"handle_user_name"`
}

// Result is the result of a case (up_pro_result).
type Result struct {
	Sync
	ResultDate     time.Time `json:"result_date"`
	ResultType     string    `json:"result_type"`
	Explain        string    `json:"result_explain,omitempty"`
	LicenceName    string    `json:"result_cetr_name,omitempty"`
	LicenceNumber  string    `json:"result_cetr_no,omitempty"`
	DeliveryByPost string    `json:"is_delivery_results"`
	HandlerName    string    `json:"handle_user_name,omitempty"`
}

// Special is one special procedure of a case (up_pro_special_procedure).
type Special struct {
	Sync
	SpecialType string    `json:"special_type"`
	SpecialName string    `json:"special_name"`
	Reason      string    `json:"special_reason"`
	StartTime   time.Time `json:"special_time"`
	EndTime     time.Time `json:"end_time"`
	Outcome     string    `json:"result,omitempty"`
	HandlerName string    `json:"handle_user,omitempty"`
}

// Material is one material of a case (up_pro_material).
type Material struct {
	Sync
	MaterialName string `json:"material_name"`
	GetType      string `json:"get_type"` // 收取方式
	Remark       string `json:"remark,omitempty"`
}

// Batch is every row of one case at one data version, sent in one request
// and refused as a whole if any row lacks what the platform requires.
type Batch struct {
	ProjectNo   string `json:"project_no"`
	DataVersion int64  `json:"data_version"`
	// Case, when set, is the case's status report at this version, applied
	// with the rows in the same request (WithStatus).
	Case     *reportRequest `json:"case,omitempty"`
	Accept   []Accept       `json:"up_pro_accept,omitempty"`
	Process  []Process      `json:"up_pro_process,omitempty"`
	Result   []Result       `json:"up_pro_result,omitempty"`
	Special  []Special      `json:"up_pro_special_procedure,omitempty"`
	Material []Material     `json:"up_pro_material,omitempty"`
}

// Rows returns the (table, row id) → version of every row of the batch.
func (b Batch) Rows() map[RowKey]int64 {
	out := make(map[RowKey]int64)
	add := func(table string, s Sync) { out[RowKey{Table: table, RowGUID: s.RowGUID}] = s.Version }
	for _, r := range b.Accept {
		add(TableAccept, r.Sync)
	}
	for _, r := range b.Process {
		add(TableProcess, r.Sync)
	}
	for _, r := range b.Result {
		add(TableResult, r.Sync)
	}
	for _, r := range b.Special {
		add(TableSpecial, r.Sync)
	}
	for _, r := range b.Material {
		add(TableMaterial, r.Sync)
	}
	return out
}

// RowKey names one row of one table.
type RowKey struct {
	Table   string
	RowGUID string
}
