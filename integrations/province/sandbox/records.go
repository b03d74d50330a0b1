package sandbox

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The tables of the 办件 data-collection standards the platform takes.
const (
	tableAccept   = "up_pro_accept"
	tableProcess  = "up_pro_process"
	tableResult   = "up_pro_result"
	tableSpecial  = "up_pro_special_procedure"
	tableMaterial = "up_pro_material"
)

// Answer codes of a refused record batch.
const (
	// CodeRecordInvalid refuses a batch with a row that lacks a required
	// field, has a code of the wrong length or a value outside its set.
	CodeRecordInvalid = "record_invalid"
	// CodeSignatureInvalid refuses a batch whose signature does not match.
	CodeSignatureInvalid = "signature_invalid"
)

// Signature headers of the record channel: the batch carrying the
// applicant's ID number is signed with the app secret.
const (
	headerTimestamp = "X-Timestamp"
	headerSignature = "X-Signature"
	maxClockSkew    = 5 * time.Minute
)

// field is one field of a row as the platform defines it: whether it is
// required, its exact length (0 for any) or maximum, and its value set.
type field struct {
	name     string
	label    string
	required bool
	exact    int
	max      int
	values   []string
	time     bool
}

var syncFields = []field{
	{name: "row_guid", label: "记录唯一标识", required: true, max: 100},
	{name: "project_no", label: "办件编号", required: true, max: 50},
	{name: "data_source", label: "数据来源", required: true, max: 3},
	{name: "cd_operation", label: "同步类型", required: true, values: []string{"I", "U", "D"}},
	{name: "cd_batch", label: "批次号", required: true, max: 64},
	{name: "cd_time", label: "同步时间", required: true, time: true},
}

// schema lists the fields of each table beyond the sync fields and version.
var schema = map[string][]field{
	tableAccept: {
		{name: "task_code", label: "实施编码", required: true, exact: 31},
		{name: "catalog_code", label: "基本编码", required: true, exact: 12},
		{name: "task_name", label: "事项名称", required: true, max: 1000},
		{name: "org_code", label: "受理部门编码", required: true, exact: 18},
		{name: "org_name", label: "受理部门", required: true, max: 100},
		{name: "apply_date", label: "申请时间", required: true, time: true},
		{name: "accept_date", label: "受理时间", required: true, time: true},
		{name: "promise_date", label: "承诺办结时间", time: true},
		{name: "apply_type", label: "申请类型", required: true, values: []string{"1", "2", "3"}},
		{name: "project_type", label: "办理类型", required: true, values: []string{"1", "2"}},
		{name: "applyer_name", label: "申请人名称", required: true, max: 100},
		{name: "applyer_type", label: "申请人类型", required: true, values: []string{"1", "2"}},
		{name: "applyer_page_type", label: "申请人证件类型", required: true, values: []string{"111", "553", "001"}},
		{name: "applyer_page_code", label: "申请人证件号码", required: true, exact: 18},
		{name: "handle_user_name", label: "受理人员", max: 100},
	},
	tableProcess: {
		{name: "process_name", label: "办理环节名称", required: true, max: 1000},
		{name: "event_name", label: "业务动作", required: true,
			values: []string{"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "99"}},
		{name: "event_start_time", label: "环节开始时间", required: true, time: true},
		{name: "event_end_time", label: "环节结束时间", required: true, time: true},
		{name: "handle_explain", label: "办理意见", required: true, max: 2000},
		{name: "handle_user_name", label: "办理人员", required: true, max: 100},
	},
	tableResult: {
		{name: "result_date", label: "办结时间", required: true, time: true},
		{name: "result_type", label: "办结结果", required: true, values: []string{"1", "2", "3", "4"}},
		{name: "result_explain", label: "办件结果描述", max: 2000},
		{name: "result_cetr_name", label: "结果证照名称", max: 256},
		{name: "result_cetr_no", label: "结果证照编号", max: 2000},
		{name: "is_delivery_results", label: "是否快递递送结果", required: true, values: []string{"0", "1"}},
		{name: "handle_user_name", label: "办理人员", max: 100},
	},
	tableSpecial: {
		{name: "special_type", label: "特别程序种类", required: true, values: []string{"1", "2", "3"}},
		{name: "special_name", label: "特别程序种类名称", required: true, max: 1000},
		{name: "special_reason", label: "特别程序启动理由或依据", required: true, max: 2000},
		{name: "special_time", label: "特别程序开始时间", required: true, time: true},
		{name: "end_time", label: "特别程序结束时间", required: true, time: true},
		{name: "result", label: "特别程序结果", max: 2000},
		{name: "handle_user", label: "办理人", max: 100},
	},
	tableMaterial: {
		{name: "material_name", label: "材料名称", required: true, max: 200},
		{name: "get_type", label: "收取方式", required: true, values: []string{"1", "2", "3", "4", "5"}},
		{name: "remark", label: "备注", max: 1000},
	},
}

// the order tables are checked and stored in.
var tableOrder = []string{tableAccept, tableProcess, tableSpecial, tableMaterial, tableResult}

// Row is one row the platform holds: its version and fields as received.
type Row struct {
	Table      string
	RowGUID    string
	ProjectNo  string
	Version    int64
	Fields     map[string]any
	ReceivedAt time.Time
}

// RowKey names one row of one table.
type RowKey struct {
	Table   string
	RowGUID string
}

type recordBatch struct {
	ProjectNo   string `json:"project_no"`
	DataVersion int64  `json:"data_version"`
	// Case is the case's status report at this version, if the batch
	// carries it: applied as POST /api/v1/cases/report would.
	Case   *reportIn
	tables map[string][]map[string]any
}

func (b *recordBatch) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	if v, ok := raw["project_no"]; ok {
		if err := json.Unmarshal(v, &b.ProjectNo); err != nil {
			return err
		}
	}
	if v, ok := raw["data_version"]; ok {
		if err := json.Unmarshal(v, &b.DataVersion); err != nil {
			return err
		}
	}
	if v, ok := raw["case"]; ok {
		b.Case = &reportIn{}
		if err := json.Unmarshal(v, b.Case); err != nil {
			return err
		}
	}
	b.tables = map[string][]map[string]any{}
	for k, v := range raw {
		if k == "project_no" || k == "data_version" || k == "case" {
			continue
		}
		if _, known := schema[k]; !known {
			return fmt.Errorf("unknown table %q", k)
		}
		var rows []map[string]any
		dec := json.NewDecoder(strings.NewReader(string(v)))
		dec.UseNumber()
		if err := dec.Decode(&rows); err != nil {
			return err
		}
		b.tables[k] = rows
	}
	return nil
}

// refusal is a row the platform refuses, with the field at fault.
type refusal struct {
	table, field, msg string
	index             int
}

func (r *refusal) Error() string {
	return fmt.Sprintf("%s[%d].%s：%s", r.table, r.index, r.field, r.msg)
}

// check validates every row of the batch; the first fault refuses it all.
func (b *recordBatch) check() *refusal {
	if b.ProjectNo == "" || utf8.RuneCountInString(b.ProjectNo) > 50 {
		return &refusal{table: "batch", field: "project_no", msg: "办件编号不能为空且不超过50位"}
	}
	if b.DataVersion <= 0 {
		return &refusal{table: "batch", field: "data_version", msg: "数据版本必须为正整数"}
	}
	if b.Case != nil {
		if err := b.Case.check(); err != nil {
			return &refusal{table: "case", field: "case", msg: err.Error()}
		}
		if b.Case.CaseNumber != b.ProjectNo || b.Case.DataVersion != b.DataVersion {
			return &refusal{table: "case", field: "data_version", msg: "办件状态与批次的办件编号、数据版本不一致"}
		}
	}
	for _, table := range tableOrder {
		for i, row := range b.tables[table] {
			fields := append(slices.Clone(syncFields), schema[table]...)
			for _, f := range fields {
				if msg := f.check(row[f.name]); msg != "" {
					return &refusal{table: table, index: i, field: f.name, msg: msg}
				}
			}
			if v, ok := versionOf(row); !ok || v <= 0 {
				return &refusal{table: table, index: i, field: "version", msg: "版本号必须为正整数"}
			}
			if row["project_no"] != b.ProjectNo {
				return &refusal{table: table, index: i, field: "project_no", msg: "办件编号与批次不一致"}
			}
			if table == tableAccept {
				if tc, _ := row["task_code"].(string); !strings.HasSuffix(tc, fmt.Sprint(row["catalog_code"])) ||
					!strings.HasPrefix(tc, fmt.Sprint(row["org_code"])) {
					return &refusal{table: table, index: i, field: "task_code", msg: "实施编码应由受理部门编码、行使层级和基本编码组成"}
				}
			}
		}
	}
	if tv, ok := b.tables[tableAccept]; ok && len(tv) > 0 {
		if v, ok := tv[0]["task_version"].(json.Number); !ok || v.String() == "0" {
			return &refusal{table: tableAccept, field: "task_version", msg: "事项版本不能为空"}
		}
	}
	return nil
}

func (f field) check(v any) string {
	s, isString := v.(string)
	if v == nil || (isString && s == "") {
		if f.required {
			return f.label + "不能为空"
		}
		return ""
	}
	if !isString {
		return f.label + "应为字符串"
	}
	n := utf8.RuneCountInString(s)
	switch {
	case f.exact > 0 && n != f.exact:
		return fmt.Sprintf("%s长度应为%d位", f.label, f.exact)
	case f.max > 0 && n > f.max:
		return fmt.Sprintf("%s长度不能超过%d位", f.label, f.max)
	case f.values != nil && !slices.Contains(f.values, s):
		return fmt.Sprintf("%s取值%q不在代码表中", f.label, s)
	}
	if f.time {
		if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
			return f.label + "应为 RFC 3339 时间"
		}
	}
	return ""
}

func versionOf(row map[string]any) (int64, bool) {
	n, ok := row["version"].(json.Number)
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseInt(n.String(), 10, 64)
	return v, err == nil
}

// reportRecords applies a batch of rows: each row by (row id, version),
// the latest version wins; a batch with any faulty row is refused whole.
func (s *Sandbox) reportRecords(w http.ResponseWriter, r *http.Request) {
	body, signed := s.readSigned(w, r)
	if !signed {
		return
	}
	var in recordBatch
	if err := json.Unmarshal(body, &in); err != nil {
		refuse(w, http.StatusBadRequest, "invalid_request", "请求格式不正确")
		return
	}
	if bad := in.check(); bad != nil {
		answer(w, http.StatusBadRequest, map[string]any{"code": CodeRecordInvalid, "msg": bad.Error(), "table": bad.table, "field": bad.field})
		return
	}
	want := in.ProjectNo + ":" + strconv.FormatInt(in.DataVersion, 10)
	if got := r.Header.Get(headerIdempotencyKey); got != want {
		refuse(w, http.StatusBadRequest, "idempotency_key_mismatch", fmt.Sprintf("幂等键应为办件编号:数据版本（%s）", want))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]any{}
	if in.Case != nil {
		out["case"] = s.applyReport(*in.Case)
	}
	accepted, duplicate, stale := 0, 0, 0
	for _, table := range tableOrder {
		for _, row := range in.tables[table] {
			v, _ := versionOf(row)
			key := RowKey{Table: table, RowGUID: row["row_guid"].(string)}
			held, found := s.rows[key]
			switch {
			case found && held.Version == v:
				duplicate++
			case found && held.Version > v:
				stale++
			default:
				accepted++
				s.rows[key] = Row{Table: table, RowGUID: key.RowGUID, ProjectNo: in.ProjectNo, Version: v, Fields: row, ReceivedAt: s.cfg.Now()}
				if !found {
					s.byProject[in.ProjectNo] = append(s.byProject[in.ProjectNo], key)
				}
			}
		}
	}
	out["accepted"], out["duplicate"], out["stale"] = accepted, duplicate, stale
	ok(w, out)
}

// readSigned reads the body and checks its signature: hex HMAC-SHA256 with
// the app secret over "<X-Timestamp>\n<body>", the timestamp within five
// minutes of the platform's clock.
func (s *Sandbox) readSigned(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := readBody(w, r)
	if err != nil {
		refuse(w, http.StatusBadRequest, "invalid_request", "请求格式不正确")
		return nil, false
	}
	ts := r.Header.Get(headerTimestamp)
	sec, err := strconv.ParseInt(ts, 10, 64)
	skew := s.cfg.Now().Sub(time.Unix(sec, 0))
	if err != nil || skew > maxClockSkew || skew < -maxClockSkew || !validSignature(s.cfg.Secret, ts, body, r.Header.Get(headerSignature)) {
		refuse(w, http.StatusUnauthorized, CodeSignatureInvalid, "签名无效或已过期")
		return nil, false
	}
	return body, true
}

type projectsIn struct {
	ProjectNos []string `json:"project_nos"`
}

// queryRecords answers the versions of the rows held of each project.
func (s *Sandbox) queryRecords(w http.ResponseWriter, r *http.Request) {
	var in projectsIn
	if !readJSON(w, r, &in) {
		return
	}
	if len(in.ProjectNos) > maxQuery {
		refuse(w, http.StatusBadRequest, "too_many_numbers", fmt.Sprintf("单次最多查询%d个办件", maxQuery))
		return
	}
	type rowOut struct {
		Table   string `json:"table"`
		RowGUID string `json:"row_guid"`
		Version int64  `json:"version"`
	}
	type projectOut struct {
		ProjectNo string   `json:"project_no"`
		Rows      []rowOut `json:"rows"`
	}
	out := []projectOut{}
	s.mu.Lock()
	for _, n := range in.ProjectNos {
		p := projectOut{ProjectNo: n, Rows: []rowOut{}}
		for _, k := range s.byProject[n] {
			if row, ok := s.rows[k]; ok {
				p.Rows = append(p.Rows, rowOut{Table: k.Table, RowGUID: k.RowGUID, Version: row.Version})
			}
		}
		out = append(out, p)
	}
	s.mu.Unlock()
	ok(w, map[string]any{"projects": out})
}

func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	return io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
}

func validSignature(secret, ts string, body []byte, got string) bool {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "\n"))
	mac.Write(body)
	want := hex.EncodeToString(mac.Sum(nil))
	return secret != "" && subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}

// Rows returns a copy of the rows held of a project, by table and row id.
func (s *Sandbox) Rows(projectNo string) map[RowKey]Row {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[RowKey]Row{}
	for _, k := range s.byProject[projectNo] {
		if row, ok := s.rows[k]; ok {
			out[k] = row
		}
	}
	return out
}

// DeleteRows forgets the rows of a project of one table ("" for all), as if
// the platform had lost them, and returns how many there were.
func (s *Sandbox) DeleteRows(projectNo, table string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, k := range s.byProject[projectNo] {
		if _, ok := s.rows[k]; ok && (table == "" || k.Table == table) {
			delete(s.rows, k)
			n++
		}
	}
	return n
}
