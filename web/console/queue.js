// queue.js: the work queue and the verification queue, paged on the server
// (keyset cursors), with the keyboard: j/k move, Enter opens, c claims the
// most urgent free case.
"use strict";
(function (ZV) {
  var h = ZV.h;
  var list = { rows: [], sel: 0 };

  function filtersFrom(params) {
    return { item: params.item || "", state: params.state || "", trust_first: params.trust_first || "",
      applicant_type: params.applicant_type || "", claimed: params.claimed || "" };
  }

  function filterForm(kind, f, apply) {
    var ref = ZV.reference || { items: [], states: {}, queue_states: [] };
    var dept = (ZV.session().staff || {}).department;
    var items = [["", "全部事项"]].concat(ref.items.filter(function (it) { return !dept || it.department === dept; })
      .map(function (it) { return [it.code, it.name]; }));
    var states = [["", "全部状态"]].concat(ref.queue_states.map(function (s) { return [s, ref.states[s]]; }));
    var form = h("form", { class: "panel row", id: "filters", onsubmit: function (ev) {
      ev.preventDefault();
      var fd = new FormData(form), next = {};
      fd.forEach(function (v, k) { next[k] = v; });
      apply(next);
    } },
      ZV.field("事项", ZV.select({ name: "item", id: "f-item" }, items, f.item)),
      kind === "work" ? ZV.field("状态", ZV.select({ name: "state", id: "f-state" }, states, f.state)) : null,
      ZV.field("告知承诺", ZV.select({ name: "trust_first" }, [["", "不限"], ["true", "是"], ["false", "否"]], f.trust_first)),
      ZV.field("申请人", ZV.select({ name: "applicant_type" }, [["", "不限"], ["person", "个人"], ["business", "企业"]], f.applicant_type)),
      ZV.field("领取", ZV.select({ name: "claimed" }, [["", "不限"], ["free", "未领取"], ["mine", "我领取的"], ["others", "他人领取"]], f.claimed)),
      h("button", { type: "submit" }, "筛选"),
      h("button", { type: "button", class: "primary", id: "claim-next", accesskey: "c", onclick: function () { claimNext(kind, f); } }, "领取最紧急办件 (c)"));
    return form;
  }

  function claimNext(kind, f) {
    var body = { queue: kind, item: f.item, state: f.state, applicant_type: f.applicant_type };
    if (f.trust_first) body.trust_first = f.trust_first === "true";
    ZV.post("/api/v1/staff/queue/claim-next", body).then(function (r) {
      ZV.flash("已领取 " + r.case.number);
      ZV.go("#/case/" + encodeURIComponent(r.case.id));
    }, ZV.showError);
  }

  // days is what the deadline column beside it says in words: working days
  // left, or how many a case is overdue.
  function days(c) {
    if (c.overdue_days > 0) return h("span", { class: "overdue" }, "超期 " + c.overdue_days + " 个工作日");
    return c.deadline ? String(c.remaining_days) : "—";
  }

  function row(c, i) {
    var claim = c.claim ? (c.claim.mine ? "我" : c.claim.staff_name || "其他工作人员") : "—";
    var due = c.verify_due && c.status === "verifying" ? c.verify_due : c.deadline;
    return h("tr", { tabindex: "-1", dataset: { id: c.id, status: c.status }, class: i === list.sel ? "sel" : "",
      onclick: function () { ZV.go("#/case/" + encodeURIComponent(c.id)); } },
      // data-label names each cell where a phone shows a row as a card.
      h("td", { class: "warning", dataset: { label: "预警" } }, ZV.card(c.card)),
      h("td", { dataset: { label: "办件号" } }, h("a", { href: "#/case/" + encodeURIComponent(c.id) }, c.number)),
      h("td", { class: "applicant-name", dataset: { label: "申请人" } }, c.applicant_name || "—"),
      h("td", { dataset: { label: "事项" } }, c.item_name),
      h("td", { class: "status", dataset: { label: "状态" } }, c.status_name),
      h("td", { dataset: { label: "期限" } }, ZV.fmtTime(due) || "未起算"),
      h("td", { class: "days", dataset: { label: "剩余工作日" } }, days(c)),
      h("td", { dataset: { label: "告知承诺" } }, c.trust_first ? "是" : "否"),
      h("td", { class: "credit", dataset: { label: "信用" } }, c.priority ? h("span", { class: "tag" }, "红名单") : ""),
      h("td", { dataset: { label: "申请人类型" } }, c.applicant_type === "business" ? "企业" : "个人"),
      h("td", { dataset: { label: "领取人" } }, claim));
  }

  // table is a page of cases; dueTitle names the deadline column.
  function table(items, dueTitle) {
    return h("table", { id: "queue-table" },
      h("thead", {}, h("tr", {}, ["预警", "办件号", "申请人", "事项", "状态", dueTitle, "剩余工作日", "告知承诺", "信用", "申请人类型", "领取人"]
        .map(function (t) { return h("th", { scope: "col" }, t); }))),
      h("tbody", {}, items.map(row)));
  }

  // searchForm finds a case by 办件号, ID number or phone (names are not
  // searchable: they are sealed and have no exact index).
  function searchForm(key) {
    var input = h("input", { id: "search-q", name: "q", value: key || "", required: true, maxlength: 64,
      placeholder: "办件号 / 身份证号码 / 统一社会信用代码 / 手机号码", "aria-label": "检索办件" });
    return h("form", { class: "panel row", id: "search-form", role: "search", onsubmit: function (ev) {
      ev.preventDefault();
      ZV.go("#/search" + ZV.qs({ q: input.value.trim() }));
    } }, ZV.field("检索办件", input), h("button", { type: "submit", id: "search-submit" }, "检索"));
  }

  function select(i) {
    var trs = document.querySelectorAll("#queue-table tbody tr");
    if (!trs.length) return;
    list.sel = Math.max(0, Math.min(i, trs.length - 1));
    trs.forEach(function (tr, j) { tr.classList.toggle("sel", j === list.sel); });
    trs[list.sel].focus();
  }

  // show renders a queue page: kind is "work" or "verification".
  ZV.showQueue = function (kind, params) {
    var f = filtersFrom(params);
    var cursors = params.cursors ? params.cursors.split(",") : [];
    var path = kind === "work" ? "/api/v1/staff/queue" : "/api/v1/staff/verifications";
    var route = kind === "work" ? "#/queue" : "#/verifications";
    var q = Object.assign({}, f, { limit: 20, cursor: cursors[cursors.length - 1] || "" });
    ZV.get(path + ZV.qs(q)).then(function (page) {
      list.rows = page.items; list.sel = 0;
      var apply = function (next) { ZV.go(route + ZV.qs(next)); };
      var tbl = table(page.items, kind === "work" ? "办结期限" : "核验期限");
      var pager = h("div", { class: "pager" },
        h("button", { type: "button", id: "prev-page", disabled: cursors.length === 0, onclick: function () {
          ZV.go(route + ZV.qs(Object.assign({}, f, { cursors: cursors.slice(0, -1).join(",") })));
        } }, "上一页"),
        h("span", { id: "queue-total" }, "共 " + page.total + " 件"),
        h("button", { type: "button", id: "next-page", disabled: !page.next_cursor, onclick: function () {
          ZV.go(route + ZV.qs(Object.assign({}, f, { cursors: cursors.concat([page.next_cursor]).join(",") })));
        } }, "下一页"));
      ZV.render(h("h1", {}, kind === "work" ? "待办队列" : "办结核验队列"), searchForm(""), filterForm(kind, f, apply),
        page.items.length ? tbl : h("p", { class: "panel", id: "queue-empty" }, "队列中暂无办件。"), pager);
      select(0);
    }, ZV.showError);
  };

  // showSearch renders the cases a search key finds, in any state.
  ZV.showSearch = function (params) {
    var key = params.q || "", cursors = params.cursors ? params.cursors.split(",") : [];
    if (!key) { ZV.render(h("h1", {}, "检索办件"), searchForm("")); return; }
    ZV.get("/api/v1/staff/search" + ZV.qs({ q: key, limit: 20, cursor: cursors[cursors.length - 1] || "" })).then(function (page) {
      list.rows = page.items; list.sel = 0;
      var more = h("div", { class: "pager" }, h("span", { id: "search-total" }, "找到 " + page.total + " 件"),
        h("button", { type: "button", id: "next-page", disabled: !page.next_cursor, onclick: function () {
          ZV.go("#/search" + ZV.qs({ q: key, cursors: cursors.concat([page.next_cursor]).join(",") }));
        } }, "下一页"));
      ZV.render(h("h1", {}, "检索办件"), searchForm(key),
        page.items.length ? table(page.items, "办结期限") : h("p", { class: "panel", id: "search-empty" }, "本部门没有与之相符的办件。请核对号码后重试。"), more);
      select(0);
    }, ZV.showError);
  };

  // keys of the queue pages.
  ZV.queueKeys = function (ev) {
    if (!document.getElementById("queue-table") && ev.key !== "c") return false;
    switch (ev.key) {
      case "j": select(list.sel + 1); return true;
      case "k": select(list.sel - 1); return true;
      case "Enter":
        var c = list.rows[list.sel];
        if (c) ZV.go("#/case/" + encodeURIComponent(c.id));
        return true;
      case "c":
        var b = document.getElementById("claim-next");
        if (b) { b.click(); return true; }
    }
    return false;
  };
})(window.ZV);
