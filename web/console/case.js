// case.js: a case's detail page: summary, materials with previews, the
// timeline, and the actions the server says the caller may take now.
"use strict";
(function (ZV) {
  var h = ZV.h;
  var renewTimer = null;

  function base(id) { return "/api/v1/staff/cases/" + encodeURIComponent(id); }

  ZV.showCase = function (id) {
    if (renewTimer) { clearInterval(renewTimer); renewTimer = null; }
    Promise.all([ZV.get(base(id)), ZV.get(base(id) + "/timeline")]).then(function (r) {
      draw(r[0], r[1].items);
    }, ZV.showError);
  };

  function reload(c) {
    ZV.get(base(c.id) + "/timeline").then(function (t) { draw(c, t.items); }, ZV.showError);
  }

  // act posts an action and redraws the page with the case it answers.
  function act(c, path, body, okMsg) {
    return ZV.post(base(c.id) + path, body, { idempotencyKey: ZV.newKey() }).then(function (after) {
      ZV.flash(okMsg);
      if (after && after.id) reload(after); else ZV.showCase(c.id);
    }, ZV.showError);
  }

  function summary(c) {
    return h("section", { class: "panel", "aria-labelledby": "case-title" },
      h("h1", { id: "case-title" }, c.number, " ", ZV.card(c.card)),
      h("div", { class: "row" },
        h("div", {}, h("div", { class: "muted" }, "事项"), c.item_name),
        h("div", {}, h("div", { class: "muted" }, "状态"),
          h("span", { id: "case-status", class: "status", dataset: { status: c.status } }, c.status_name)),
        h("div", {}, h("div", { class: "muted" }, "办结期限"), ZV.fmtTime(c.deadline) || "未起算"),
        h("div", {}, h("div", { class: "muted" }, "剩余工作日"), c.deadline ? String(c.remaining_days) : "—"),
        h("div", {}, h("div", { class: "muted" }, "办理路径"), c.trust_first ? "告知承诺" : "一般程序"),
        h("div", {}, h("div", { class: "muted" }, "渠道"), c.channel === "counter" ? "窗口" : "网上"),
        h("div", {}, h("div", { class: "muted" }, "身份核验"), h("span", { id: "case-assurance" },
          c.assurance === "verified_person" ? "已核验本人" : c.assurance === "real_name" ? "仅实名" : c.assurance ? "未实名" : "—")),
        h("div", {}, h("div", { class: "muted" }, "领取"), h("span", { id: "case-claim" },
          c.claim ? (c.claim.mine ? "我（至 " + ZV.fmtTime(c.claim.expires_at) + "）" : c.claim.staff_name || "其他工作人员") : "未领取"))),
      c.path_note ? h("p", { class: "muted" }, c.path_note) : null,
      c.supplement && !c.supplement.supplied_at ? h("p", {}, "补正中：", c.supplement.items.map(function (i) { return materialName(c, i.material) + " " + i.reason; }).join("；")) : null,
      c.special && !c.special.ended_at ? h("p", {}, "特别程序：", c.special.kind, "，预计 ", String(c.special.days), " 个工作日") : null,
      c.ending ? h("p", {}, "结束：", c.ending.reason) : null);
  }

  function materials(c) {
    var view = h("div", { id: "preview" });
    var rows = c.materials.map(function (m) {
      var btn = m.preview ? h("button", { type: "button", onclick: function () { preview(c, m, view); } }, "预览") : null;
      return h("tr", {}, h("td", {}, m.name || m.code), h("td", {}, { elicense: "电子证照", basedata: "基础数据", upload: "上传" }[m.source] || "—"),
        h("td", {}, m.promised && !m.provided_at ? "容缺，承诺 " + ZV.fmtTime(m.due_at) + " 前补齐" : ZV.fmtTime(m.provided_at)),
        h("td", {}, m.verify_on_completion ? "办结核验" : ""), h("td", {}, btn));
    });
    return h("section", { class: "panel" }, h("h2", {}, "申请材料"),
      h("table", {}, h("thead", {}, h("tr", {}, ["材料", "来源", "提交", "核验", ""].map(function (t) { return h("th", {}, t); }))), h("tbody", {}, rows)), view);
  }

  // preview opens a material in the viewer: zoom, rotate, full screen,
  // and beside it what the library holds of the material, to compare.
  function preview(c, m, view) {
    ZV.call("GET", base(c.id) + "/materials/" + encodeURIComponent(m.code), undefined, { raw: true }).then(function (b) {
      var url = URL.createObjectURL(b);
      ZV.clear(view);
      var pane = h("div", { class: "viewer-pane", id: "viewer-pane" });
      var scale = 1, turn = 0, img = null;
      var apply = function () { if (img) img.style.transform = "scale(" + scale + ") rotate(" + turn + "deg)"; };
      if (b.type.indexOf("image/") === 0) {
        img = h("img", { class: "preview", id: "viewer-image", src: url, alt: m.name });
        pane.appendChild(img);
      } else if (b.type === "application/pdf") pane.appendChild(h("iframe", { class: "preview", src: url, title: m.name }));
      else pane.appendChild(h("a", { href: url, download: m.code }, "下载 " + m.name));
      var side = h("div", { class: "viewer-pane", id: "viewer-side", hidden: true });
      var tools = h("div", { class: "row", role: "toolbar", "aria-label": "材料查看工具" },
        h("button", { type: "button", id: "viewer-zoom-in", disabled: !img, onclick: function () { scale = Math.min(scale * 1.25, 5); apply(); } }, "放大"),
        h("button", { type: "button", id: "viewer-zoom-out", disabled: !img, onclick: function () { scale = Math.max(scale / 1.25, 0.25); apply(); } }, "缩小"),
        h("button", { type: "button", id: "viewer-rotate", disabled: !img, onclick: function () { turn = (turn + 90) % 360; apply(); } }, "旋转"),
        h("button", { type: "button", id: "viewer-full", onclick: function () { if (box.requestFullscreen) box.requestFullscreen(); } }, "全屏"),
        m.verify_on_completion ? h("button", { type: "button", id: "viewer-compare", onclick: function () {
          side.hidden = false; ZV.clear(side); side.appendChild(h("p", { class: "muted" }, "正在查询库中记录…"));
          ZV.get(base(c.id) + "/verification/checks" + ZV.qs({ material: m.code })).then(function (r) {
            ZV.clear(side);
            side.appendChild(h("h3", {}, "库中记录"));
            side.appendChild(h("p", {}, (r.found ? "可查：" : "未查到：") + (r.summary || "")));
          }, function (e) { ZV.clear(side); side.appendChild(h("p", {}, "库中记录暂不可查：" + (e.message || ""))); });
        } }, "与库中记录并排对照") : null);
      var box = h("div", { class: "viewer", id: "viewer" }, h("h3", {}, m.name), tools, h("div", { class: "viewer-panes" }, pane, side));
      view.appendChild(box);
    }, ZV.showError);
  }

  function timeline(items) {
    return h("section", { class: "panel" }, h("h2", {}, "办理记录"),
      h("ol", { class: "timeline", id: "timeline" }, items.map(function (e) {
        var who = e.actor_name || "";
        return h("li", { class: e.kind }, h("div", {}, h("strong", {}, e.label || "其他记录"), " ", h("span", { class: "muted" }, ZV.fmtTime(e.at), " · ", who)),
          e.reason ? h("div", {}, e.note || e.reason) : null,
          e.detail && e.detail.reason ? h("div", {}, e.detail.reason) : null);
      })));
  }

  // materialName is a material's name by its code, as the item lists it.
  function materialName(c, code) {
    if (!code) return "";
    var m = (c.materials || []).filter(function (x) { return x.code === code; })[0];
    return (m && m.name) || (c.material_names || {})[code] || "其他材料";
  }

  function textarea(id, label) { return ZV.field(label, h("textarea", { id: id, maxlength: 500 })); }
  function val(id) { var el = document.getElementById(id); return el ? el.value.trim() : ""; }

  function actions(c) {
    var has = function (a) { return c.actions.indexOf(a) >= 0; };
    var box = h("section", { class: "panel", id: "actions" }, h("h2", {}, "办理"));
    var add = function () { for (var i = 0; i < arguments.length; i++) ZV.append(box, arguments[i]); };
    if (!c.actions.length) add(h("p", { class: "muted" }, "当前无可办理的操作。"));
    if (has("claim")) add(h("button", { type: "button", class: "primary", id: "act-claim", autofocus: true, onclick: function () {
      ZV.post(base(c.id) + "/claim").then(function () { ZV.flash("已领取"); ZV.showCase(c.id); }, ZV.showError);
    } }, "领取办件"));
    if (has("renew")) {
      renewTimer = setInterval(function () { ZV.post(base(c.id) + "/claim").catch(function () {}); }, 5 * 60 * 1000);
      add(h("div", { class: "row" },
        h("button", { type: "button", id: "act-renew", onclick: function () {
          ZV.post(base(c.id) + "/claim").then(function () { ZV.flash("已续期"); ZV.showCase(c.id); }, ZV.showError);
        } }, "续期"),
        h("button", { type: "button", id: "act-release", onclick: function () {
          ZV.call("DELETE", base(c.id) + "/claim").then(function () { ZV.flash("已退回队列"); ZV.showCase(c.id); }, ZV.showError);
        } }, "退回队列")));
    }
    if (has("accept")) add(h("h2", {}, "受理"), h("div", { class: "row" }, textarea("accept-note", "受理意见"),
      h("button", { type: "button", class: "primary", id: "act-accept", onclick: function () { act(c, "/accept", { note: val("accept-note") }, "已受理"); } }, "受理")));
    if (has("supplement")) {
      var mats = [["", "（其他事项）"]].concat(c.materials.map(function (m) { return [m.code, m.name || m.code]; }));
      add(h("h2", {}, "一次性告知补正"), h("div", { class: "row" },
        ZV.field("补正材料", ZV.select({ id: "supp-material" }, mats, "")), textarea("supp-reason", "补正原因"),
        h("button", { type: "button", id: "act-supplement", onclick: function () {
          act(c, "/supplement", { items: [{ material: val("supp-material"), reason: val("supp-reason") }] }, "已发出补正告知");
        } }, "要求补正")));
    }
    if (has("approve")) add(h("h2", {}, "准予许可"), h("div", { class: "row" }, textarea("approve-opinion", "审查意见"),
      ZV.armed("act-approve", "准予许可", "准予许可决定作出后不能撤回", "primary", function () { act(c, "/approve", { opinion: val("approve-opinion") }, "已准予许可"); })));
    if (has("reject")) add(h("h2", {}, "不予许可"), h("div", { class: "row" }, textarea("reject-reason", "理由"), textarea("reject-basis", "法律依据"),
      ZV.armed("act-reject", c.status === "submitted" ? "不予受理" : "不予许可", "该决定作出后办件即告终结", "danger", function () {
        act(c, "/reject", { reason: val("reject-reason"), legal_basis: val("reject-basis") }, "已作出决定");
      })));
    if (has("special_procedure")) {
      var procs = ((ZV.reference || {}).procedures || []).map(function (p) { return [p.kind, p.name + "（≤" + p.max_days + "个工作日）"]; });
      add(h("h2", {}, "特别程序"), h("div", { class: "row" }, ZV.field("程序", ZV.select({ id: "special-kind" }, procs, "")),
        ZV.field("所需工作日", h("input", { id: "special-days", type: "number", min: 1, max: 30, value: 5 })), textarea("special-reason", "理由"),
        h("button", { type: "button", id: "act-special", onclick: function () {
          act(c, "/special-procedure", { kind: val("special-kind"), days: parseInt(val("special-days"), 10) || 0, reason: val("special-reason") }, "已启动特别程序");
        } }, "启动")));
    }
    if (has("end_special_procedure")) add(h("h2", {}, "结束特别程序"), h("div", { class: "row" }, textarea("special-outcome", "结论"),
      h("button", { type: "button", id: "act-special-end", onclick: function () { act(c, "/special-procedure/end", { outcome: val("special-outcome") }, "特别程序已结束"); } }, "结束")));
    if (has("dispatch")) add(h("h2", {}, "发放结果"), h("div", { class: "row" }, textarea("dispatch-note", "说明"),
      ZV.armed("act-dispatch", "发放", "结果发放后不能收回", "", function () { act(c, "/dispatch", { note: val("dispatch-note") }, "已发放结果"); })));
    if (has("verify")) add(verifyForm(c));
    if (c.breach) add(breachPanel(c, has));
    if (has("transfer")) {
      var depts = ((ZV.reference || {}).departments || []).filter(function (d) { return d.code !== c.department; }).map(function (d) { return [d.code, d.name]; });
      add(h("h2", {}, "转办"), h("div", { class: "row" }, ZV.field("转至部门", ZV.select({ id: "transfer-dept" }, depts, "")), textarea("transfer-reason", "转办理由"),
        h("button", { type: "button", id: "act-transfer", onclick: function () {
          act(c, "/transfer", { department: val("transfer-dept"), reason: val("transfer-reason") }, "已转办");
        } }, "转办")));
    }
    if (has("hand_over") || has("reassign")) add(colleagueForm(c, has("reassign")));
    var roles = ((ZV.session() || {}).staff || {}).roles || [];
    if (c.submitted_at && roles.some(function (r) { return r === "clerk" || r === "reviewer"; })) add(linkForm(c));
    return box;
  }

  // linkForm issues the one-time evaluation link printed on the acceptance
  // notice or the result (好差评): shown once, valid for one rating.
  function linkForm(c) {
    var out = h("output", { id: "evaluation-link" });
    return h("div", {}, h("h2", {}, "评价码（好差评）"), h("div", { class: "row" },
      ZV.field("环节", ZV.select({ id: "link-stage" }, [["accept", "受理"], ["result", "办结"]], c.status === "accepted" ? "accept" : "result")),
      ZV.field("方式", ZV.select({ id: "link-medium" }, [["counter_qr", "打印二维码"], ["sms", "短信链接"], ["pad", "窗口评价器"], ["h5", "网页链接"]], "counter_qr")),
      h("button", { type: "button", id: "act-evaluation-link", onclick: function () {
        ZV.post(base(c.id) + "/evaluation-links", { stage: val("link-stage"), medium: val("link-medium") }).then(function (r) {
          out.textContent = location.origin + r.path + "（" + ZV.fmtTime(r.expires_at) + " 前有效，仅可评价一次）";
        }, ZV.showError);
      } }, "生成评价码")), out);
  }

  function verifyForm(c) {
    var rows = c.verification.pending.map(function (code) {
      var evidence = h("input", { id: "ver-evidence-" + code, size: 28, placeholder: "比对依据" });
      return h("div", { class: "row" }, h("strong", {}, materialName(c, code)),
        ZV.field("结果", ZV.select({ id: "ver-result-" + code }, [["pass", "通过"], ["fail", "不通过"]], "pass")),
        ZV.field("依据", evidence), ZV.field("说明", h("input", { id: "ver-note-" + code, size: 28 })),
        h("button", { type: "button", onclick: function () {
          ZV.get(base(c.id) + "/verification/checks" + ZV.qs({ material: code })).then(function (r) {
            evidence.value = r.evidence || ""; ZV.flash((r.found ? "库中可查：" : "库中未查到：") + r.summary);
          }, ZV.showError);
        } }, "库内比对"));
    });
    return h("div", {}, h("h2", {}, "办结核验（期限 " + ZV.fmtTime(c.verification.due_at) + "）"), rows,
      h("button", { type: "button", class: "primary", id: "act-verify", onclick: function () {
        var results = c.verification.pending.map(function (code) {
          return { material: code, passed: val("ver-result-" + code) === "pass", evidence: val("ver-evidence-" + code), note: val("ver-note-" + code) };
        });
        act(c, "/verification", { results: results }, "已记录核验结果");
      } }, "提交核验结果"));
  }

  // breachPanel shows a commitment in doubt: the finding, the courier's
  // door checks with their photos, the rectification and statements, and
  // the due-process steps the caller may take now.
  function breachPanel(c, has) {
    var b = c.breach, r = b.rectification;
    var kinds = { check_failed: "核验不通过", promise_missing: "容缺材料催告期满未补齐" };
    var outcomes = { cleared: "核查无误", rectified: "整改到位", revoked: "已撤销" };
    var evidence = h("div", { id: "breach-evidence" }, h("p", { class: "muted" }, "正在读取上门核验记录…"));
    ZV.get(base(c.id) + "/breach/evidence").then(function (ev) {
      ZV.clear(evidence);
      if (!ev.door_checks.length) { evidence.appendChild(h("p", { class: "muted" }, "无上门核验记录。")); return; }
      ev.door_checks.forEach(function (d) {
        var photos = h("div", { class: "row" });
        d.results.forEach(function (x) {
          ZV.call("GET", base(c.id) + "/breach/evidence/photos/" + encodeURIComponent(x.photo_key), undefined, { raw: true }).then(function (blob) {
            photos.appendChild(h("figure", {}, h("img", { class: "preview", src: URL.createObjectURL(blob), alt: "上门核验照片：" + materialName(c, x.material) }),
              h("figcaption", {}, materialName(c, x.material), x.passed ? " 通过" : " 不通过：" + (x.note || ""))));
          }, ZV.showError);
        });
        evidence.appendChild(h("div", {}, h("p", {}, "快递员 ", d.courier_name || "", " · ", ZV.fmtTime(d.at) || d.at, " · ", d.place || "—",
          " · 收件人身份", d.identity_matched ? "一致" : "不一致", " · 运单 ", d.waybill), photos));
      });
    }, ZV.showError);
    var box = h("div", { id: "breach" }, h("h2", {}, "核验审查"),
      h("p", {}, kinds[b.kind] || "核验存疑", "：", materialName(c, b.material), b.note ? "（" + b.note + "）" : "", " · 发现于 ", ZV.fmtTime(b.found_at)),
      r ? h("p", {}, "责令限期整改：", r.reason, "（依据：", r.legal_basis, "），期限至 ", ZV.fmtTime(r.due_at)) : null,
      r && r.statements ? h("ul", { id: "breach-statements" }, r.statements.map(function (st) {
        return h("li", {}, ZV.fmtTime(st.at), " 陈述申辩：", st.text, st.final ? "（陈述申辩完毕）" : "",
          st.attachments && st.attachments.length ? "，附件 " + st.attachments.length + " 份" : "");
      })) : null,
      b.outcome ? h("p", {}, "结论：", outcomes[b.outcome] || "已结论", "，", b.finding || "") : null,
      evidence);
    if (has("clear_breach")) ZV.append(box, h("div", { class: "row" }, textarea("breach-finding", "核查结论"),
      h("button", { type: "button", id: "act-clear-breach", onclick: function () { act(c, "/breach/clear", { finding: val("breach-finding") }, "已确认核查无误"); } }, "核查无误")));
    if (has("rectify")) ZV.append(box, h("div", { class: "row" }, textarea("rectify-reason", "整改事由"), textarea("rectify-basis", "依据"),
      ZV.field("整改期限（工作日）", h("input", { id: "rectify-days", type: "number", min: 1, max: 30, value: 5 })),
      h("button", { type: "button", class: "primary", id: "act-rectify", onclick: function () {
        act(c, "/breach/rectification", { reason: val("rectify-reason"), legal_basis: val("rectify-basis"), days: parseInt(val("rectify-days"), 10) || 0 }, "已发出责令限期整改通知");
      } }, "责令限期整改")));
    if (has("record_statement")) ZV.append(box, h("div", { class: "row" }, textarea("statement-text", "当面陈述申辩内容"),
      ZV.field("陈述申辩完毕", h("input", { id: "statement-final", type: "checkbox" })),
      h("button", { type: "button", id: "act-statement", onclick: function () {
        act(c, "/breach/statement", { text: val("statement-text"), final: document.getElementById("statement-final").checked }, "已记录陈述申辩");
      } }, "记录陈述申辩")));
    if (has("decide_breach")) ZV.append(box, h("div", { class: "row" },
      ZV.field("结论", ZV.select({ id: "decide-outcome" }, [["rectified", "整改到位"], ["revoked", "撤销审批决定"]], "rectified")),
      textarea("decide-reason", "理由"), textarea("decide-basis", "撤销依据"),
      ZV.field("认定虚假承诺", h("input", { id: "decide-false", type: "checkbox" })),
      ZV.armed("act-decide-breach", "作出决定", "撤销审批决定或认定虚假承诺（记入信用记录）后不能撤回", "danger", function () {
        var outcome = val("decide-outcome"), falseCommitment = document.getElementById("decide-false").checked;
        act(c, "/breach/decision", { outcome: outcome, reason: val("decide-reason"), legal_basis: val("decide-basis"), false_commitment: falseCommitment }, "已作出决定");
      })));
    return box;
  }

  function colleagueForm(c, supervisor) {
    var sel = h("select", { id: "handover-to" });
    ZV.get("/api/v1/staff/colleagues" + ZV.qs({ department: c.department })).then(function (r) {
      if (supervisor) sel.appendChild(h("option", { value: "" }, "（退回队列）"));
      var me = (ZV.session().staff || {}).id;
      r.items.filter(function (s) { return s.id !== me && s.roles.some(function (x) { return x === "clerk" || x === "reviewer"; }); })
        .forEach(function (s) { sel.appendChild(h("option", { value: s.id }, s.name)); });
    }, ZV.showError);
    var path = supervisor ? "/reassign" : "/hand-over";
    return h("div", {}, h("h2", {}, supervisor ? "督办改派" : "移交同事"), h("div", { class: "row" }, ZV.field("接收人", sel), textarea("handover-reason", "理由"),
      h("button", { type: "button", id: supervisor ? "act-reassign" : "act-handover", onclick: function () {
        ZV.post(base(c.id) + path, { to_staff_id: sel.value, reason: val("handover-reason") }).then(function () {
          ZV.flash("已改派"); ZV.showCase(c.id);
        }, ZV.showError);
      } }, supervisor ? "改派" : "移交")));
  }

  // applicantBlock shows the applicant (申请人), masked; handling staff may
  // reveal the full ID number and phone, which the case's log records.
  function applicantBlock(c) {
    var box = h("section", { class: "panel", id: "applicant", "aria-labelledby": "applicant-title" }, h("h2", { id: "applicant-title" }, "申请人"));
    var body = h("div", { class: "row", id: "applicant-body" }, h("span", { class: "muted" }, "正在读取…"));
    ZV.append(box, body);
    var roles = ((ZV.session() || {}).staff || {}).roles || [];
    var handles = roles.indexOf("clerk") >= 0 || roles.indexOf("reviewer") >= 0;
    function show(a) {
      ZV.clear(body);
      [["类型", a.type === "business" ? "企业" : "个人"], ["姓名 / 名称", a.name], [a.type === "business" ? "统一社会信用代码" : "身份证号", a.id_number],
        ["联系电话", a.phone || "—"], ["来源", a.walkin ? "窗口收件" : "网上申报"]].forEach(function (f) {
        ZV.append(body, h("div", {}, h("div", { class: "muted" }, f[0]), f[1]));
      });
      if (handles && !a.revealed) ZV.append(body, h("button", { type: "button", id: "applicant-reveal", onclick: function () {
        ZV.get(base(c.id) + "/applicant?reveal=true").then(show, ZV.showError);
      } }, "查看完整信息（将记录）"));
    }
    ZV.get(base(c.id) + "/applicant").then(show, function (e) { ZV.clear(body); ZV.append(body, h("span", { class: "muted" }, "申请人信息暂不可用：" + (e.message || ""))); });
    return box;
  }

  // notices offers the written notices the case can be given now; each
  // opens as a print-ready page with a fresh evaluation QR code.
  function notices(c) {
    var titles = { accepted: "受理通知书", supplement: "一次性告知补正材料通知书", not_accepted: "不予受理通知书",
      approved: "准予行政许可决定书", refused: "不予行政许可决定书" };
    if (!c.notices || !c.notices.length) return null;
    return h("section", { class: "panel", id: "notices" }, h("h2", {}, "打印通知书"), h("div", { class: "row" }, c.notices.map(function (k) {
      return h("button", { type: "button", id: "notice-" + k, onclick: function () {
        var win = window.open("", "_blank");
        ZV.call("GET", base(c.id) + "/notices/" + k, undefined, { raw: true }).then(function (b) {
          var url = URL.createObjectURL(b);
          if (win) win.location = url; else window.location = url;
        }, function (e) { if (win) win.close(); ZV.showError(e); });
      } }, titles[k] || k);
    })));
  }

  function draw(c, items) {
    ZV.render(summary(c), applicantBlock(c), h("div", { class: "grid2" }, h("div", {}, actions(c), notices(c), materials(c)), timeline(items)));
  }
})(window.ZV);
