// supervision.js: the supervisor's dashboard (overdue and nearly overdue
// cases by department and clerk, alerts, statistics with charts) and the
// administrators' account list.
"use strict";
(function (ZV) {
  var h = ZV.h;

  // calendarFlag lists the cases due in a year the working-day calendar
  // lacks or has only provisionally: their deadlines need checking by hand.
  function calendarFlag(cal) {
    if (!cal || !cal.total) return null;
    var years = cal.years.map(function (g) { return g.year + "年" + (g.state === "missing" ? "未载入" : "仅为暂定"); }).join("、");
    return h("section", { class: "panel", id: "calendar-flag" }, h("h2", {}, "期限落在未确定工作日历年份的办件（共 " + cal.total + " 件）"),
      h("p", { class: "muted" }, years + "：这些办件的期限按周一至周五或暂定安排计算，请人工核对；管理员可在“工作日历”载入正式安排。"),
      h("ul", {}, cal.cases.map(function (c) {
        return h("li", {}, h("a", { href: "#/case/" + encodeURIComponent(c.id) }, c.number), " ", c.item_name, " ", h("span", { class: "muted" }, "期限 " + ZV.fmtTime(c.deadline)));
      })));
  }

  function deptName(code, names) { return (names && names[code]) || code; }

  ZV.showSupervision = function (params) {
    var q = { department: params.department || "", cursor: params.cursor || "", limit: 20 };
    var month = params.month || new Date().toISOString().slice(0, 7);
    Promise.all([ZV.get("/api/v1/staff/supervision" + ZV.qs(q)), ZV.get("/api/v1/staff/stats" + ZV.qs({ department: q.department, month: month }))]).then(function (r) {
      var sv = r[0], st = r[1];
      var names = st.department_names || {};
      var work = h("table", { id: "workloads" }, h("thead", {}, h("tr", {}, ["部门", "承办人", "红牌（超期）", "黄牌（临期）"].map(function (t) { return h("th", {}, t); }))),
        h("tbody", {}, sv.workloads.map(function (w) {
          return h("tr", {}, h("td", {}, deptName(w.department, names)), h("td", {}, w.staff_name || w.staff_id || "（未领取）"), h("td", {}, String(w.red)), h("td", {}, String(w.yellow)));
        })));
      var cases = h("table", { id: "carded" }, h("thead", {}, h("tr", {}, ["监察", "办件号", "事项", "状态", "期限", "承办人"].map(function (t) { return h("th", {}, t); }))),
        h("tbody", {}, sv.cases.map(function (c) {
          return h("tr", { onclick: function () { ZV.go("#/case/" + encodeURIComponent(c.id)); } }, h("td", {}, ZV.card(c.card)),
            h("td", {}, h("a", { href: "#/case/" + encodeURIComponent(c.id) }, c.number)), h("td", {}, c.item_name), h("td", {}, c.status_name),
            h("td", {}, ZV.fmtTime(c.deadline)), h("td", {}, c.claim ? c.claim.staff_name || c.claim.staff_id : "（未领取）"));
        })));
      var alerts = h("ul", { id: "alerts" }, sv.alerts.map(function (a) {
        return h("li", {}, ZV.card(a.card), " ", h("a", { href: "#/case/" + encodeURIComponent(a.case_id) }, a.number), " ",
          h("span", { class: "muted" }, ZV.fmtTime(a.created_at), " ", { approaching_deadline: "临近期限", overdue: "已超期", verification_overdue: "核验超期" }[a.reason] || a.reason));
      }));
      var depts = st.departments.filter(function (d) { return d.received || d.decided; });
      var labels = depts.map(function (d) { return deptName(d.department, names).replace(/^杭州市?/, ""); });
      var charts = [
        ZV.barChart("各部门办件量（" + st.from + " 至 " + st.to + "）", { labels: labels, series: [
          { name: "收件", values: depts.map(function (d) { return d.received; }) },
          { name: "受理", values: depts.map(function (d) { return d.accepted; }) },
          { name: "办结", values: depts.map(function (d) { return d.decided; }) },
          { name: "按时办结", values: depts.map(function (d) { return d.on_time; }) }] }),
        ZV.lineChart("每日收件与办结", { labels: st.daily.map(function (d) { return d.date; }), series: [
          { name: "收件", values: st.daily.map(function (d) { return d.received; }) },
          { name: "办结", values: st.daily.map(function (d) { return d.decided; }) }] })];
      var rows = st.departments.concat([Object.assign({}, st.total, { department: "合计" })]);
      var table = h("table", { id: "stats" }, h("thead", {}, h("tr", {}, ["部门", "收件", "受理", "办结", "按时率", "平均用时（工作日）", "零上门", "告知承诺", "核验不通过", "评价"].map(function (t) { return h("th", {}, t); }))),
        h("tbody", {}, rows.map(function (d) {
          return h("tr", { dataset: { department: d.department } }, h("td", {}, deptName(d.department, names)), h("td", { class: "received" }, String(d.received)),
            h("td", {}, String(d.accepted)), h("td", { class: "decided" }, String(d.decided)), h("td", {}, ZV.pct(d.on_time_share)),
            h("td", {}, (Math.round(d.avg_working_days * 10) / 10).toFixed(1)), h("td", {}, ZV.pct(d.zero_visit_share)),
            h("td", {}, ZV.pct(d.trust_first_share)), h("td", {}, String(d.verification_failures)), h("td", {}, String(d.evaluations)));
        })));
      var monthInput = h("input", { type: "month", value: month, id: "stats-month" });
      var period = h("form", { class: "row", onsubmit: function (ev) { ev.preventDefault(); ZV.go("#/supervision" + ZV.qs({ department: q.department, month: monthInput.value })); } },
        ZV.field("统计月份", monthInput), h("button", { type: "submit" }, "统计"));
      ZV.render(h("h1", {}, "督办与统计"),
        h("section", { class: "panel" }, h("h2", {}, "超期与临期办件（按部门和承办人）"), work),
        h("section", { class: "panel" }, h("h2", {}, "红黄牌办件（共 " + sv.total + " 件）"), cases,
          sv.next_cursor ? h("button", { type: "button", onclick: function () { ZV.go("#/supervision" + ZV.qs({ department: q.department, cursor: sv.next_cursor })); } }, "下一页") : null),
        h("section", { class: "panel" }, h("h2", {}, "最新预警"), alerts),
        calendarFlag(sv.calendar),
        h("section", { class: "panel" }, h("h2", {}, "统计"), period, st.note ? h("p", { class: "muted" }, st.note) : null, table), charts);
    }, ZV.showError);
  };

  ZV.showAccounts = function () {
    ZV.getAll("/api/v1/staff/accounts?limit=200").then(function (items) {
      var roles = [["clerk", "窗口"], ["reviewer", "审核"], ["supervisor", "督办"], ["administrator", "管理员"]];
      var depts = ((ZV.reference || {}).departments || []).map(function (d) { return [d.code, d.name]; });
      var form = h("form", { class: "panel row", onsubmit: function (ev) {
        ev.preventDefault();
        var fd = new FormData(form);
        ZV.call("POST", "/api/v1/staff/accounts", { username: fd.get("username"), name: fd.get("name"), department: fd.get("department"),
          roles: fd.getAll("roles"), password: fd.get("password") }).then(function () { ZV.flash("已开通账号"); ZV.showAccounts(); }, ZV.showError);
      } }, ZV.field("用户名", h("input", { name: "username", required: true })), ZV.field("姓名", h("input", { name: "name", required: true })),
        ZV.field("部门", ZV.select({ name: "department" }, [["", "（不限，管理员）"]].concat(depts), "")),
        roles.map(function (x) { return h("label", {}, x[1], h("input", { type: "checkbox", name: "roles", value: x[0] })); }),
        ZV.field("初始密码", h("input", { name: "password", type: "password", minlength: 10, required: true })), h("button", { type: "submit", class: "primary" }, "开通"));
      var table = h("table", {}, h("thead", {}, h("tr", {}, ["用户名", "姓名", "部门", "岗位", "状态", ""].map(function (t) { return h("th", {}, t); }))),
        h("tbody", {}, items.map(function (a) {
          var toggle = h("button", { type: "button", onclick: function () {
            ZV.call("PATCH", "/api/v1/staff/accounts/" + encodeURIComponent(a.id), { disabled: !a.disabled, unlock: true }).then(function () { ZV.showAccounts(); }, ZV.showError);
          } }, a.disabled ? "启用" : "停用");
          return h("tr", {}, h("td", {}, a.username), h("td", {}, a.name), h("td", {}, a.department_name || "—"), h("td", {}, a.roles.map(ZV.roleName).join("、")),
            h("td", {}, a.disabled ? "已停用" : a.locked ? "已锁定" : "正常"), h("td", {}, toggle));
        })));
      ZV.render(h("h1", {}, "账号管理"), form, table);
    }, ZV.showError);
  };
})(window.ZV);
