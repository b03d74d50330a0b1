// evaluate.js: the page a one-time evaluation code (QR code on the notice,
// SMS link, window pad) opens: no sign-in; the code travels in the
// fragment, so it never reaches a server log.
"use strict";
(function (ZV) {
  var h = ZV.h;
  var token = location.hash.slice(1);
  var api = "/api/v1/evaluation-links/" + encodeURIComponent(token);

  function fail(r) {
    var msg = (r && r.error && r.error.message) || "评价码无效、已使用或已过期";
    ZV.render(h("h1", {}, "无法评价"), h("p", { id: "evaluate-error" }, msg));
  }

  function send(body) {
    return fetch(api, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
      .then(function (res) { return res.json().then(function (b) { return res.ok ? b : Promise.reject(b); }); });
  }

  fetch(api).then(function (res) { return res.json().then(function (b) { return res.ok ? b : Promise.reject(b); }); }).then(function (v) {
    if (!v.open) { ZV.render(h("h1", {}, v.item_name), h("p", { id: "evaluate-error" }, "办件" + v.stage_name + "后即可评价，请稍后再扫码。")); return; }
    var stars = h("fieldset", {}, h("legend", {}, v.overall), v.levels.map(function (name, i) {
      return h("label", {}, h("input", { type: "radio", name: "stars", value: i + 1, required: true }), name);
    }).reverse());
    var inds = v.indicators.map(function (ind) {
      return ZV.field(ind.name, ZV.select({ name: ind.code }, [["", "（不评）"]].concat(v.levels.map(function (n, i) { return [i + 1, n]; }).reverse()), ""));
    });
    var comment = h("textarea", { name: "comment", maxlength: 500 });
    var form = h("form", { id: "evaluate-form", onsubmit: function (ev) {
      ev.preventDefault();
      var fd = new FormData(form), indicators = {};
      v.indicators.forEach(function (ind) { if (fd.get(ind.code)) indicators[ind.code] = parseInt(fd.get(ind.code), 10); });
      send({ stars: parseInt(fd.get("stars"), 10), indicators: indicators, comment: fd.get("comment") || "" }).then(function () {
        ZV.render(h("h1", { id: "evaluate-done" }, "感谢您的评价"), h("p", {}, "您的意见将用于改进政务服务。"));
      }, fail);
    } }, stars, inds, ZV.field("意见建议（选填）", comment), h("button", { type: "submit", class: "primary" }, "提交评价"));
    ZV.render(h("h1", {}, v.item_name), h("p", {}, v.department_name + " · " + v.stage_name + "环节 · 办件号 " + v.number), form);
  }, fail);
})(window.ZV);
