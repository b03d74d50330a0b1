package app

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	basedatasb "zerovisit/integrations/basedata/sandbox"
	elicensesb "zerovisit/integrations/elicense/sandbox"
	provincesb "zerovisit/integrations/province/sandbox"
	"zerovisit/workflow"
)

// TestProvinceRecordsFromOnlineSubmission applies through the citizen API
// and reads what the provincial sandbox holds: the 网上申报 step from the
// submission on, then the acceptance row with every required field — the
// 办件编号 built on the item's 实施编码, the 基本编码, item name and
// version, the department's credit code and name, the applicant's name,
// type, ID type and number — and the ID number in that row only.
func TestProvinceRecordsFromOnlineSubmission(t *testing.T) {
	app, _ := czApp(t, nil)
	sb := app.parties.sandboxes.channels
	prov := app.parties.sandboxes.province
	wx := newCZClient(t, app)
	wx.login("wechat", sb.wechat.LoginCode("o-zhangsan", ""))
	wx.must(http.StatusOK, http.MethodPost, "/api/v1/citizen/me/identity",
		map[string]string{"name": "张三", "id_number": basedatasb.ZhangSanID})
	wx.faceCheck(app, "o-zhangsan", "张三", basedatasb.ZhangSanID, "passed")
	cs, _ := czApply(t, wx, map[string]any{"method": "electronic"}, "province-records-1")
	const impl = "11330100002502345X3000116030000"
	day := time.Now().In(workflow.CST()).Format("20060102")
	if !strings.HasPrefix(cs.Number, impl+day) || len(cs.Number) != 45 {
		t.Fatalf("case number %s is not 实施编码 %s + %s + a six-digit sequence", cs.Number, impl, day)
	}
	row := func(table, suffix string) provincesb.Row {
		return prov.Rows(cs.Number)[provincesb.RowKey{Table: table, RowGUID: cs.Number + ":" + suffix}]
	}
	eventually(t, 15*time.Second, "the 网上申报 step on the platform", func() bool {
		for k, r := range prov.Rows(cs.Number) {
			if k.Table == "up_pro_process" && r.Fields["event_name"] == "01" && r.Fields["process_name"] == "网上申报" {
				return true
			}
		}
		return false
	})

	// Trust first: accepted on submission (先行受理), so the case has its
	// acceptance row at once.
	if cs.Status != "accepted" {
		t.Fatalf("case is %s after submission, want accepted", cs.Status)
	}
	eventually(t, 15*time.Second, "the acceptance row", func() bool { return row("up_pro_accept", "A").Version > 0 })
	acc := row("up_pro_accept", "A").Fields
	want := map[string]any{
		"project_no": cs.Number, "task_code": impl, "catalog_code": "000116030000", "task_name": "机动车驾驶证换证（测试）",
		"org_code": "11330100002502345X", "org_name": "杭州市公安局", "apply_type": "3", "applyer_name": "张三",
		"applyer_type": "1", "applyer_page_type": "111", "applyer_page_code": basedatasb.ZhangSanID, "data_source": provinceDataSource,
	}
	for k, v := range want {
		if acc[k] != v {
			t.Errorf("acceptance %s = %v, want %v", k, acc[k], v)
		}
	}
	if fmt.Sprint(acc["task_version"]) != "1" {
		t.Errorf("acceptance task_version = %v, want 1", acc["task_version"])
	}
	for k, r := range prov.Rows(cs.Number) {
		if k.Table != "up_pro_accept" && strings.Contains(fmt.Sprint(r.Fields), basedatasb.ZhangSanID) {
			t.Errorf("%s row %s carries the ID number", k.Table, k.RowGUID)
		}
	}
}

// TestProvinceRefusesAnIncompleteRecord: an applicant the directory knows
// without a name makes an acceptance row without 申请人名称; the platform
// refuses the whole batch with its error, which parks the effect with the
// platform's code and message for an administrator, and holds nothing.
func TestProvinceRefusesAnIncompleteRecord(t *testing.T) {
	app := openTestApp(t, mapHolders{testCitizen.ID: {ID: elicensesb.ZhangSanID, Name: ""}}, nil)
	prov := app.parties.sandboxes.province
	c := submitCase(t, app, "incomplete-1", "scjgj-spjyxk", true)
	var lastErr string
	eventually(t, 15*time.Second, "the refused report parked", func() bool {
		_ = app.db.Gorm().Raw(`SELECT coalesce(max(last_error), '') FROM outbox WHERE case_id = ? AND kind = ? AND state = 'dead'`,
			c.ID, "report_province").Row().Scan(&lastErr)
		return lastErr != ""
	})
	if !strings.Contains(lastErr, "record_invalid") || !strings.Contains(lastErr, "applyer_name") || !strings.Contains(lastErr, "申请人名称不能为空") {
		t.Errorf("parked with %q, want the platform's record_invalid naming applyer_name", lastErr)
	}
	if n := len(prov.Rows(c.Number)); n != 0 {
		t.Errorf("the platform holds %d rows of a refused batch", n)
	}
}
