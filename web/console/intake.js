// intake.js: counter intake (窗口收件): a walk-in application registered by
// the clerk, each material scanned at the counter or named in a library.
"use strict";
(function (ZV) {
  var h = ZV.h;

  function val(id) { var el = document.getElementById(id); return el ? el.value.trim() : ""; }

  function materialRow(m, scans) {
    var kind = m.source.split(":")[0];
    var status = h("span", { class: "muted" }, m.core ? "核心材料" : m.optional ? "视情形提交" : "");
    var input;
    if (kind === "upload") {
      input = h("input", { type: "file", accept: "image/jpeg,image/png,application/pdf", id: "scan-" + m.code });
      input.addEventListener("change", function () {
        var f = input.files[0];
        if (!f) return;
        status.textContent = "上传中…";
        ZV.call("POST", "/api/v1/staff/scans", f).then(function (o) {
          scans[m.code] = o.key; status.textContent = "已扫描（SM3 " + o.sm3.slice(0, 8) + "…）";
        }, function (e) { status.textContent = ""; ZV.showError(e); });
      });
    } else if (kind === "basedata") {
      // Read from the base-data library by the applicant's ID number: the
      // clerk has nothing to type (the field the library answers with is
      // the catalogue's, sent as it is).
      input = h("input", { id: "ref-" + m.code, type: "hidden", value: m.source.split(":")[1] || "" });
      return h("div", { class: "row" }, h("strong", {}, m.name), input, h("span", { class: "muted" }, "由基础数据库按身份证号核验提供，无需提交"), status);
    } else {
      input = h("input", { id: "ref-" + m.code, size: 32, placeholder: "电子证照标识" });
    }
    return h("div", { class: "row" }, h("strong", {}, m.name), ZV.field(kind === "upload" ? "扫描件" : "电子证照标识", input), status);
  }

  // intakeFields maps the fields the server names in a refusal to the
  // form's inputs, so the message shows next to the field.
  var intakeFields = {
    item_code: "intake-item", applicant_type: "intake-type", company_uscc: "intake-uscc",
    applicant: "intake-name", "applicant.name": "intake-name", "applicant.id_number": "intake-id",
    "applicant.phone": "intake-phone", "delivery.method": "intake-delivery", commitment_letter: "intake-letter"
  };

  ZV.showIntake = function () {
    var ref = ZV.reference || { items: [] };
    var dept = (ZV.session().staff || {}).department;
    var items = ref.items.filter(function (it) { return it.department === dept; });
    var matBox = h("div", { id: "intake-materials" });
    var itemSel = ZV.select({ id: "intake-item", autofocus: true }, [["", "请选择事项"]].concat(items.map(function (it) { return [it.code, it.name]; })), "");
    var delivery = ZV.select({ id: "intake-delivery" }, [], "");
    // The commitment is the paper letter the applicant signs at the
    // counter, scanned: its key goes with the intake (no scan, no trust
    // first).
    var letterStatus = h("span", { class: "muted" }, "");
    var letter = h("input", { id: "intake-letter", type: "file", accept: "image/jpeg,image/png,application/pdf" });
    var letterKey = "";
    letter.addEventListener("change", function () {
      var f = letter.files[0];
      letterKey = "";
      if (!f) { letterStatus.textContent = ""; return; }
      letterStatus.textContent = "上传中…";
      ZV.call("POST", "/api/v1/staff/scans", f).then(function (o) {
        letterKey = o.key; letterStatus.textContent = "已扫描（SM3 " + o.sm3.slice(0, 8) + "…）";
      }, function (e) { letterStatus.textContent = ""; ZV.showError(e); });
    });
    var letterRow = h("div", { class: "row", hidden: true },
      ZV.field("申请人签字的告知承诺书（扫描件；不签署的留空，按一般程序办理）", letter), letterStatus);
    var scans = {};
    var current = null;
    // A courier delivery goes to the applicant at the address they give.
    var postRow = h("div", { class: "row", hidden: true, id: "intake-post" },
      ZV.field("收件手机号码（默认同联系电话）", h("input", { id: "intake-post-phone", maxlength: 20, autocomplete: "off" })),
      ZV.field("收件详细地址", h("input", { id: "intake-post-address", size: 48, maxlength: 200 })));
    delivery.addEventListener("change", function () { postRow.hidden = delivery.value !== "courier"; });

    itemSel.addEventListener("change", function () {
      ZV.clear(matBox); ZV.clear(delivery); scans = {};
      letter.value = ""; letterKey = ""; letterStatus.textContent = "";
      current = items.filter(function (x) { return x.code === itemSel.value; })[0] || null;
      letterRow.hidden = !(current && current.trust_first);
      if (!current) return;
      matBox.appendChild(h("p", { class: "muted" }, current.trust_first ? "本事项实行告知承诺制：申请人当场签署承诺书并扫描后可先行受理。" : "本事项按一般程序办理。"));
      current.materials.forEach(function (m) { matBox.appendChild(materialRow(m, scans)); });
      current.delivery.forEach(function (d) {
        delivery.appendChild(h("option", { value: d }, { pickup: "窗口领取", electronic: "电子送达", courier: "邮寄送达（申请人本人凭身份证签收）" }[d]));
      });
      postRow.hidden = delivery.value !== "courier";
    });

    var lastBody = null, lastKey = null;
    var submit = function (ev) {
      ev.preventDefault();
      // Checked here rather than by the browser's bubbles, so each message
      // stays next to its field until it is filled in.
      var missing = [[!current, "intake-item", "请选择办理事项"], [!val("intake-name"), "intake-name", "请填写申请人姓名"],
        [!val("intake-id"), "intake-id", "请填写申请人身份证号"]].filter(function (m) { return m[0]; });
      missing.slice().reverse().forEach(function (m) { ZV.markField(document.getElementById(m[1]), m[2]); });
      if (missing.length) return;
      var mats = [];
      current.materials.forEach(function (m) {
        var kind = m.source.split(":")[0];
        var r = kind === "upload" ? scans[m.code] : val("ref-" + m.code);
        if (r) mats.push({ code: m.code, source: kind, ref: r });
      });
      var body = { item_code: current.code, applicant_type: val("intake-type"), company_uscc: val("intake-uscc"),
        applicant: { name: val("intake-name"), id_number: val("intake-id"), phone: val("intake-phone") },
        materials: mats, delivery: { method: delivery.value } };
      if (current.trust_first && letterKey) { body.commitment_letter = letterKey; }
      if (delivery.value === "courier") {
        body.delivery_contact = { name: val("intake-name"), phone: val("intake-post-phone") || val("intake-phone"), address: val("intake-post-address") };
      }
      // One key per application: sending the same form again (a lost
      // answer, a double click) reuses it and opens no second case; a
      // corrected form is a new application with a key of its own.
      var sent = JSON.stringify(body);
      if (sent !== lastBody) { lastBody = sent; lastKey = ZV.newKey(); }
      var typed = val("intake-name");
      var btn = document.getElementById("intake-submit");
      btn.disabled = true; btn.textContent = "正在提交…";
      var done = function () { btn.disabled = false; btn.textContent = "收件并提交"; };
      ZV.call("POST", "/api/v1/staff/intake", body, { idempotencyKey: lastKey }).then(function (r) {
        done();
        // The answer masks the applicant; the clerk sees the name they typed.
        ZV.flash("已收件：" + r.case.number + "（申请人 " + typed + "）");
        ZV.go("#/case/" + encodeURIComponent(r.case.id));
      }, function (e) {
        done();
        if (!ZV.fieldError(e, intakeFields)) ZV.showError(e);
      });
    };

    ZV.render(h("h1", {}, "窗口收件"), h("form", { class: "panel", id: "intake-form", novalidate: true, onsubmit: submit },
      h("div", { class: "row" }, ZV.field("办理事项", itemSel),
        ZV.field("申请人类型", ZV.select({ id: "intake-type" }, [["person", "个人"], ["business", "企业"]], "person")),
        ZV.field("统一社会信用代码（企业）", h("input", { id: "intake-uscc", size: 20 }))),
      h("div", { class: "row" }, ZV.field("姓名", h("input", { id: "intake-name", required: true, maxlength: 64 })),
        ZV.field("身份证号", h("input", { id: "intake-id", required: true, maxlength: 18, autocomplete: "off" })),
        ZV.field("联系电话", h("input", { id: "intake-phone", maxlength: 20, autocomplete: "off" }))),
      matBox,
      letterRow,
      h("div", { class: "row" }, ZV.field("结果领取", delivery)),
      postRow,
      h("button", { type: "submit", class: "primary", id: "intake-submit" }, "收件并提交")));
  };
})(window.ZV);
