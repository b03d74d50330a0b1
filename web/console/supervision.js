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

  // rate shows a share; "—" when nothing was counted (not "0%").
  function rate(x) { return x == null ? "—" : ZV.pct(x); }
  function avg(x) { return x == null ? "—" : (Math.round(x * 10) / 10).toFixed(1); }
  // table always stands (other pages wait for it); empty, it says so in
  // one row.
  function table(id, heads, rows, empty) {
    if (!rows.length && empty) rows = [h("tr", { class: "empty" }, h("td", { colspan: heads.length, class: "muted" }, empty))];
    return h("table", { id: id }, h("thead", {}, h("tr", {}, heads.map(function (t) { return h("th", { scope: "col" }, t); }))), h("tbody", {}, rows));
  }
  function overdue(c) {
    if (c.overdue_days == null) return c.card === "red" ? "已超期" : "临近期限";
    return c.overdue_days === 0 ? "今日已超时" : "超期 " + c.overdue_days + " 个工作日";
  }
  function isoDay(d) { return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 10); }

  // download fetches an export with the session and saves it under the
  // server's file name.
  function download(format, period, btn) {
    btn.disabled = true;
    ZV.call("GET", "/api/v1/staff/stats/export" + ZV.qs(Object.assign({ format: format }, period)), undefined, { raw: true }).then(function (b) {
      var a = h("a", { href: URL.createObjectURL(b), download: "办件统计_" + (period.from || "") + "_" + (period.to || "") + "." + format });
      document.body.appendChild(a); a.click(); a.remove();
      setTimeout(function () { URL.revokeObjectURL(a.href); }, 10000);
      ZV.flash("已导出" + (format === "xlsx" ? " Excel 表格" : " CSV 文件"));
    }, ZV.showError).then(function () { btn.disabled = false; });
  }

  ZV.showSupervision = function (params) {
    var q = { department: params.department || "", cursor: params.cursor || "", limit: 20 };
    // The period: from and to, or a month; nothing asks for the last 30 days.
    var want = { department: q.department, from: params.from || "", to: params.to || "", month: params.month || "" };
    // While the page opens, the console's page state says it is loading
    // (app.js), and the page on screen stays until this one can be drawn.
    Promise.all([ZV.get("/api/v1/staff/supervision" + ZV.qs(q)), ZV.get("/api/v1/staff/stats" + ZV.qs(want))]).then(function (r) {
      var sv = r[0], st = r[1];
      var names = st.department_names || {};
      var period = { department: q.department, from: st.from, to: st.to };
      var work = table("workloads", ["部门", "承办人", "红牌（超期）", "黄牌（临期）"], sv.workloads.map(function (w) {
        return h("tr", {}, h("td", {}, deptName(w.department, names)), h("td", {}, w.staff_name || "（未领取）"), h("td", {}, String(w.red)), h("td", {}, String(w.yellow)));
      }), "没有超期或临期的办件。");
      var cases = table("carded", ["预警", "办件号", "事项", "状态", "期限", "超期", "承办人"], sv.cases.map(function (c) {
        return h("tr", { onclick: function () { ZV.go("#/case/" + encodeURIComponent(c.id)); } }, h("td", {}, ZV.card(c.card)),
          h("td", {}, h("a", { href: "#/case/" + encodeURIComponent(c.id) }, c.number)), h("td", {}, c.item_name), h("td", {}, c.status_name),
          h("td", {}, ZV.fmtTime(c.deadline)), h("td", { class: "overdue" }, overdue(c)), h("td", {}, c.claim ? c.claim.staff_name || "（已注销账号）" : "（未领取）"));
      }), "没有红黄牌办件。");
      var alerts = sv.alerts.length ? h("ul", { id: "alerts" }, sv.alerts.map(function (a) {
        return h("li", {}, ZV.card(a.card), " ", h("a", { href: "#/case/" + encodeURIComponent(a.case_id) }, a.number), " ",
          h("span", { class: "muted" }, ZV.fmtTime(a.created_at), " ", { approaching_deadline: "临近期限", overdue: "已超期", verification_overdue: "核验超期" }[a.reason] || "预警"));
      })) : h("p", { id: "alerts-empty", class: "muted" }, sv.total ?
        "暂无预警消息。当前仍有 " + sv.total + " 件红黄牌办件（见上表）：亮牌由系统按期限即时标出，预警消息随后送达本栏，可能稍有延迟，也可能是在本栏保留的最近 20 条之前发出的。请以上表为准督办。" :
        "暂无预警消息，也没有红黄牌办件。");
      var depts = st.departments.filter(function (d) { return d.received || d.decided; });
      var labels = depts.map(function (d) { return deptName(d.department, names).replace(/^杭州市?/, ""); });
      var charts = [
        ZV.barChart("各部门办件量（" + st.from + " 至 " + st.to + "）", { labels: labels, series: [
          { name: "收件", values: depts.map(function (d) { return d.received; }) },
          { name: "受理", values: depts.map(function (d) { return d.accepted; }) },
          { name: "办结", values: depts.map(function (d) { return d.decided; }) },
          { name: "按时办结", values: depts.map(function (d) { return d.on_time; }) }] }),
        ZV.lineChart("每日收件与办结（至今日）", { labels: st.daily.map(function (d) { return d.date; }), series: [
          { name: "收件", values: st.daily.map(function (d) { return d.received; }) },
          { name: "办结", values: st.daily.map(function (d) { return d.decided; }) }] })];
      var rows = st.departments.concat([Object.assign({}, st.total, { department: "合计" })]);
      var stats = table("stats", ["部门", "收件", "受理", "办结", "按时率", "平均用时（工作日）", "零上门", "告知承诺", "核验不通过", "评价"], rows.map(function (d) {
        return h("tr", { dataset: { department: d.department } }, h("td", {}, deptName(d.department, names)), h("td", { class: "received" }, String(d.received)),
          h("td", {}, String(d.accepted)), h("td", { class: "decided" }, String(d.decided)), h("td", { class: "on-time" }, rate(d.on_time_share)),
          h("td", {}, avg(d.avg_working_days)), h("td", {}, rate(d.zero_visit_share)),
          h("td", {}, rate(d.trust_first_share)), h("td", {}, String(d.verification_failures)), h("td", {}, String(d.evaluations)));
      }));
      var clerks = st.clerks.length ? table("clerk-stats", ["承办人", "部门", "办结", "准予", "不予", "按时办结", "按时率", "平均用时（工作日）"], st.clerks.map(function (c) {
        return h("tr", {}, h("td", {}, c.staff_name || "（已注销账号）"), h("td", {}, deptName(c.department, names)), h("td", {}, String(c.decided)),
          h("td", {}, String(c.approved)), h("td", {}, String(c.rejected)), h("td", {}, String(c.on_time)), h("td", {}, rate(c.on_time_share)), h("td", {}, avg(c.avg_working_days)));
      })) : h("p", { class: "muted" }, "本期间没有工作人员作出的准予或不予决定。");
      var items = st.items.length ? table("item-stats", ["事项", "部门", "收件", "办结", "按时办结", "按时率", "平均用时（工作日）"], st.items.map(function (it) {
        return h("tr", {}, h("td", {}, it.item_name || "（未命名事项）"), h("td", {}, deptName(it.department, names)), h("td", {}, String(it.received)),
          h("td", {}, String(it.decided)), h("td", {}, String(it.on_time)), h("td", {}, rate(it.on_time_share)), h("td", {}, avg(it.avg_working_days)));
      })) : h("p", { class: "muted" }, "本期间没有收件或办结。");
      var fromInput = h("input", { type: "date", value: st.from, id: "stats-from", max: st.to, required: true });
      var toInput = h("input", { type: "date", value: st.to, id: "stats-to", max: isoDay(new Date()), required: true });
      var go = function (from, to) { ZV.go("#/supervision" + ZV.qs({ department: q.department, from: from, to: to })); };
      var quick = function (label, days) {
        return h("button", { type: "button", onclick: function () {
          var end = new Date(), start = new Date(); start.setDate(start.getDate() - days + 1); go(isoDay(start), isoDay(end));
        } }, label);
      };
      var periodForm = h("form", { class: "row", onsubmit: function (ev) { ev.preventDefault(); go(fromInput.value, toInput.value); } },
        ZV.field("起始日期", fromInput), ZV.field("截止日期", toInput), h("button", { type: "submit" }, "统计"),
        quick("近 7 天", 7), quick("近 30 天", 30), quick("近 90 天", 90));
      var exports = h("p", { class: "row" }, "导出本期统计（最长 366 天）：",
        h("button", { type: "button", id: "export-xlsx", onclick: function (ev) { download("xlsx", period, ev.currentTarget); } }, "导出 Excel"),
        h("button", { type: "button", id: "export-csv", onclick: function (ev) { download("csv", period, ev.currentTarget); } }, "导出 CSV"));
      ZV.render(h("h1", {}, "督办与统计"),
        h("section", { class: "panel" }, h("h2", {}, "超期与临期办件（按部门和承办人）"), work),
        h("section", { class: "panel" }, h("h2", {}, "红黄牌办件（共 " + sv.total + " 件）"), cases,
          sv.next_cursor ? h("button", { type: "button", onclick: function () { ZV.go("#/supervision" + ZV.qs({ department: q.department, cursor: sv.next_cursor })); } }, "下一页") : null),
        h("section", { class: "panel" }, h("h2", {}, "最新预警"), alerts),
        calendarFlag(sv.calendar),
        h("section", { class: "panel" }, h("h2", {}, "统计（" + st.from + " 至 " + st.to + "）"), periodForm, exports,
          st.note ? h("p", { class: "muted" }, st.note) : null, stats),
        h("section", { class: "panel" }, h("h2", {}, "按承办人"), clerks),
        h("section", { class: "panel" }, h("h2", {}, "按事项"), items), charts);
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
          // Disabling takes a second click; one's own account has no toggle
          // (the server refuses it too: own_account).
          var me = ((ZV.session() || {}).staff || {}).id;
          var flip = function () {
            ZV.call("PATCH", "/api/v1/staff/accounts/" + encodeURIComponent(a.id), { disabled: !a.disabled, unlock: true }).then(function () { ZV.showAccounts(); }, ZV.showError);
          };
          var toggle = a.id === me ? h("span", { class: "muted" }, "本人账号")
            : a.disabled ? h("button", { type: "button", onclick: flip }, "启用")
            : ZV.armed("disable-" + a.username, "停用", "停用后 " + a.name + " 将立即退出登录", "", flip);
          return h("tr", {}, h("td", {}, a.username), h("td", {}, a.name), h("td", {}, a.department_name || "—"), h("td", {}, a.roles.map(ZV.roleName).join("、")),
            h("td", {}, a.disabled ? "已停用" : a.locked ? "已锁定" : "正常"), h("td", {}, toggle));
        })));
      ZV.render(h("h1", {}, "账号管理"), form, table);
    }, ZV.showError);
  };
})(window.ZV);
