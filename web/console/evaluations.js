// evaluations.js: 好差评 for supervisors: the published figures by
// department and item, and the follow-ups of bad ratings with the steps of
// the cycle (回访, 核实, 整改, 反馈) and the appeal (申诉, 复核).
"use strict";
(function (ZV) {
  var h = ZV.h;
  var statusNames = { open: "待回访", contacted: "待核实", verified: "待整改", rectified: "待反馈", closed: "已办结", appealed: "申诉待复核", excluded: "已剔除" };
  var next = { open: ["contact", "回访评价人"], contacted: ["verify", "核实情况"], verified: ["rectify", "整改"], rectified: ["feedback", "反馈评价人"] };

  function step(f, name, extra) {
    var note = window.prompt("情况说明（" + name[1] + "）");
    if (!note) return;
    var body = Object.assign({ step: name[0], note: note }, extra || {});
    ZV.call("POST", "/api/v1/staff/followups/" + encodeURIComponent(f.id) + "/steps", body)
      .then(function () { ZV.flash("已记录：" + name[1]); ZV.showEvaluations({ status: f.status }); }, ZV.showError);
  }

  function actions(f) {
    var out = [];
    if (f.status === "contacted") {
      out.push(h("button", { type: "button", onclick: function () { step(f, next.contacted, { finding: "founded" }); } }, "核实：属实"),
        h("button", { type: "button", onclick: function () { step(f, next.contacted, { finding: "unfounded" }); } }, "核实：不属实"));
    } else if (f.status === "verified" && f.finding === "unfounded") {
      out.push(h("button", { type: "button", onclick: function () { step(f, next.rectified); } }, "反馈评价人"));
    } else if (next[f.status]) {
      out.push(h("button", { type: "button", onclick: function () { step(f, next[f.status]); } }, next[f.status][1]));
    }
    if (next[f.status]) {
      out.push(h("button", { type: "button", onclick: function () {
        var reason = window.prompt("申诉理由（恶意差评）");
        if (reason) ZV.call("POST", "/api/v1/staff/followups/" + encodeURIComponent(f.id) + "/appeal", { reason: reason })
          .then(function () { ZV.flash("已提交申诉"); ZV.showEvaluations({ status: f.status }); }, ZV.showError);
      } }, "申诉"));
    }
    if (f.status === "appealed") {
      [[true, "复核：剔除"], [false, "复核：维持"]].forEach(function (d) {
        out.push(h("button", { type: "button", onclick: function () {
          var note = window.prompt("复核意见");
          if (note) ZV.call("POST", "/api/v1/staff/followups/" + encodeURIComponent(f.id) + "/review", { exclude: d[0], note: note })
            .then(function () { ZV.flash("已复核"); ZV.showEvaluations({ status: "appealed" }); }, ZV.showError);
        } }, d[1]));
      });
    }
    return out;
  }

  ZV.showEvaluations = function (params) {
    var status = params.status || "open";
    Promise.all([ZV.get("/api/v1/staff/followups" + ZV.qs({ status: status, cursor: params.cursor || "", limit: 50 })),
      ZV.get("/api/v1/evaluation-stats?limit=200")]).then(function (r) {
      var fu = r[0], st = r[1];
      var pick = ZV.select({ id: "followup-status", onchange: function (ev) { ZV.go("#/evaluations" + ZV.qs({ status: ev.target.value })); } },
        Object.keys(statusNames).map(function (k) { return [k, statusNames[k]]; }), status);
      var list = h("table", { id: "followups" }, h("thead", {}, h("tr", {}, ["评价", "环节", "状态", "本环节期限", "整改期限", "办理"].map(function (t) { return h("th", {}, t); }))),
        h("tbody", {}, fu.items.map(function (f) {
          return h("tr", { dataset: { id: f.id } }, h("td", {}, h("a", { href: "#/case/" + encodeURIComponent(f.case_id) }, ["非常不满意", "不满意"][f.stars - 1] || String(f.stars))),
            h("td", {}, f.stage === "accept" ? "受理" : "办结"), h("td", {}, statusNames[f.status] || f.status, f.step_overdue ? h("span", { class: "card-red" }, " 超期") : null),
            h("td", {}, ZV.fmtTime(f.step_due_at)), h("td", {}, ZV.fmtTime(f.due_at), f.overdue ? h("span", { class: "card-red" }, " 超期") : null), h("td", {}, actions(f)));
        })));
      var table = h("table", { id: "evaluation-stats" }, h("thead", {}, h("tr", {}, ["部门", "事项", "评价数", "差评数", "差评率", "平均等级", "差评整改", "按时整改率"].map(function (t) { return h("th", {}, t); }))),
        h("tbody", {}, st.items.map(function (s) {
          return h("tr", {}, h("td", {}, s.department_name || s.department), h("td", {}, s.item_name || s.item_code), h("td", {}, String(s.ratings)),
            h("td", {}, String(s.bad)), h("td", {}, ZV.pct(s.bad_share)), h("td", {}, s.average_stars.toFixed(2)), h("td", {}, String(s.rectified)), h("td", {}, ZV.pct(s.on_time_share)));
        })));
      ZV.render(h("h1", {}, "好差评"),
        h("section", { class: "panel" }, h("h2", {}, "差评整改"), ZV.field("状态", pick), list,
          fu.next_cursor ? h("button", { type: "button", onclick: function () { ZV.go("#/evaluations" + ZV.qs({ status: status, cursor: fu.next_cursor })); } }, "下一页") : null),
        h("section", { class: "panel" }, h("h2", {}, "评价统计（对外公开）"), h("p", { class: "muted" }, "按部门和事项；申诉复核剔除的评价不计入。"), table));
    }, ZV.showError);
  };
})(window.ZV);
