// calendar.js: the working-day calendar (supervisors read it,
// administrators load a newly announced year).
"use strict";
(function (ZV) {
  var h = ZV.h;
  var gapText = { missing: "未载入（期限按周一至周五计算）", provisional: "暂定安排" };

  // parseHolidays reads one holiday a line: 名称 开始日期 结束日期 [调休上班日,调休上班日]
  function parseHolidays(text) {
    return text.split("\n").map(function (l) { return l.trim(); }).filter(Boolean).map(function (l, i) {
      var f = l.split(/\s+/);
      if (f.length < 3 || f.length > 4) throw new Error("第 " + (i + 1) + " 行应为：名称 开始日期 结束日期 [调休上班日,…]");
      var out = { name: f[0], from: f[1], to: f[2] };
      if (f[3]) out.workdays = f[3].split(/[,，、]/).filter(Boolean);
      return out;
    });
  }

  function holidayLines(y) {
    return (y.holidays || []).map(function (d) { return [d.name, d.from, d.to].concat(d.workdays ? [d.workdays.join(",")] : []).join(" "); }).join("\n");
  }

  ZV.showCalendar = function () {
    ZV.get("/api/v1/staff/calendar").then(function (st) {
      var s = ZV.session(), admin = s && s.staff && s.staff.roles.indexOf("administrator") >= 0;
      var gaps = h("ul", { id: "calendar-gaps" }, st.gaps.length ? st.gaps.map(function (g) {
        return h("li", { dataset: { year: g.year } }, h("span", { class: g.state === "missing" ? "card-red" : "card-yellow" }, String(g.year)), " ", gapText[g.state] || g.state);
      }) : h("li", {}, "最长办理期限内的年份均已载入正式安排"));
      var years = h("table", { id: "calendar-years" }, h("thead", {}, h("tr", {}, ["年度", "依据", "节假日（放假 / 调休上班）", ""].map(function (t) { return h("th", {}, t); }))),
        h("tbody", {}, st.years.map(function (y) {
          return h("tr", { dataset: { year: y.year } }, h("td", {}, String(y.year)), h("td", {}, y.source, y.provisional ? h("span", { class: "tag" }, "暂定") : null),
            h("td", {}, (y.holidays || []).map(function (d) { return h("div", {}, d.name + "：" + d.from + " 至 " + d.to + (d.workdays ? "，调休上班 " + d.workdays.join("、") : "")); })),
            h("td", {}, admin ? h("button", { type: "button", onclick: function () { fill(y); } }, "修改") : null));
        })));
      var loads = h("table", { id: "calendar-loads" }, h("thead", {}, h("tr", {}, ["版本", "年度", "依据", "载入人", "载入时间"].map(function (t) { return h("th", {}, t); }))),
        h("tbody", {}, st.loads.map(function (l) {
          return h("tr", {}, h("td", {}, String(l.revision)), h("td", {}, String(l.year)), h("td", {}, l.source + (l.provisional ? "（暂定）" : "")),
            h("td", {}, l.loaded_by), h("td", {}, ZV.fmtTime(l.loaded_at)));
        })));
      var problems = h("ul", { id: "calendar-problems", role: "alert" });
      var form = admin ? h("form", { class: "panel", id: "calendar-form", onsubmit: function (ev) {
        ev.preventDefault();
        ZV.clear(problems);
        var fd = new FormData(form), body;
        try {
          body = { year: Number(fd.get("year")), source: fd.get("source"), provisional: fd.get("provisional") === "on", holidays: parseHolidays(fd.get("holidays")) };
        } catch (e) { ZV.flash(e.message, true); return; }
        ZV.call("PUT", "/api/v1/staff/calendar/years/" + encodeURIComponent(body.year), body).then(function (l) {
          ZV.flash("已载入 " + l.year + " 年节假日安排（版本 " + l.revision + "），各服务实例将自动采用"); ZV.showCalendar();
        }, function (e) {
          ZV.showError(e);
          ((e.detail && e.detail.problems) || []).forEach(function (p) { problems.appendChild(h("li", {}, p)); });
        });
      } }, h("h2", {}, "载入年度节假日安排"),
        h("p", { class: "muted" }, "按国务院办公厅通知逐日录入。每行一个节日：名称 开始日期 结束日期 调休上班日（多个用逗号分隔，可省略）。元旦可跨年，如 2027-12-31 至 2028-01-02。"),
        h("div", { class: "row" }, ZV.field("年度", h("input", { name: "year", id: "calendar-year", type: "number", min: 2000, max: 2200, required: true })),
          ZV.field("通知文号", h("input", { name: "source", id: "calendar-source", required: true, placeholder: "国办发明电〔2026〕1号" })),
          h("label", {}, "暂定安排", h("input", { type: "checkbox", name: "provisional", id: "calendar-provisional" }))),
        ZV.field("节假日", h("textarea", { name: "holidays", id: "calendar-holidays", rows: 8, required: true, placeholder: "元旦 2028-01-01 2028-01-01\n春节 2028-01-25 2028-02-01 2028-01-23,2028-02-05" })),
        problems, h("button", { type: "submit", class: "primary", id: "calendar-submit" }, "校验并载入")) : null;
      function fill(y) {
        form.elements.year.value = y.year; form.elements.source.value = y.source; form.elements.provisional.checked = !!y.provisional;
        form.elements.holidays.value = holidayLines(y); form.elements.year.focus();
      }
      ZV.render(h("h1", {}, "工作日历"),
        h("section", { class: "panel" }, h("h2", {}, "需要关注的年份"), st.warning ? h("p", {}, st.warning) : null, gaps,
          h("p", { class: "muted" }, "最长办理期限 " + st.horizon_days + " 个工作日，今天开始计算截至 " + st.horizon + "。")),
        form, h("section", { class: "panel" }, h("h2", {}, "已采用的安排"), years),
        h("section", { class: "panel" }, h("h2", {}, "载入记录"), loads));
    }, ZV.showError);
  };
})(window.ZV);
