// app.js: sign-in, navigation (hash routes) and keyboard shortcuts.
"use strict";
(function (ZV) {
  var h = ZV.h;

  ZV.go = function (hash) {
    if (location.hash === hash) route(); else location.hash = hash;
  };

  function has(role) { var s = ZV.session(); return !!(s && s.staff && s.staff.roles.indexOf(role) >= 0); }

  function showLogin() {
    document.getElementById("top").hidden = true;
    var form = h("form", { class: "panel login", id: "login-form", onsubmit: function (ev) {
      ev.preventDefault();
      var btn = document.getElementById("login-submit");
      btn.disabled = true;
      fetch("/api/v1/staff/login", { method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ username: document.getElementById("login-username").value, password: document.getElementById("login-password").value }) })
        .then(function (r) { return r.json().catch(function () { return null; }).then(function (b) { if (!r.ok) throw new ZV.APIError(r.status, b); return b; }); })
        .then(function (b) { ZV.setSession({ tokens: b.tokens, staff: b.staff }); ZV.go(has("clerk") || has("reviewer") ? "#/queue" : "#/supervision"); },
          function (e) { btn.disabled = false; btn.textContent = "登录"; document.getElementById("login-error").textContent = ZV.asAPIError(e).message; });
      btn.textContent = "正在登录…";
    } },
      h("h1", {}, "工作人员登录"),
      ZV.field("用户名", h("input", { id: "login-username", autocomplete: "username", required: true, autofocus: true })),
      ZV.field("密码", h("input", { id: "login-password", type: "password", autocomplete: "current-password", required: true })),
      h("p", { id: "login-error", role: "alert", class: "error-text" }),
      h("button", { type: "submit", class: "primary", id: "login-submit" }, "登录"));
    ZV.render(form);
  }

  function nav(active) {
    var links = [];
    if (has("clerk") || has("reviewer")) links.push(["#/queue", "待办队列 (g q)"], ["#/verifications", "办结核验 (g v)"]);
    if (has("clerk")) links.push(["#/intake", "窗口收件 (g i)"]);
    if (has("supervisor") || has("administrator")) links.push(["#/supervision", "督办统计 (g s)"], ["#/evaluations", "好差评"], ["#/calendar", "工作日历"]);
    if (has("administrator")) links.push(["#/accounts", "账号管理"]);
    var n = ZV.clear(document.getElementById("nav"));
    links.forEach(function (l) { n.appendChild(h("a", { href: l[0], class: active.indexOf(l[0]) === 0 ? "active" : "" }, l[1])); });
    var s = ZV.session();
    document.getElementById("whoami").textContent = s.staff.name + " · " + (s.staff.department_name || "全部部门");
    document.getElementById("top").hidden = false;
  }

  function params(q) {
    var out = {};
    (q || "").split("&").forEach(function (kv) {
      if (!kv) return;
      var i = kv.indexOf("=");
      out[decodeURIComponent(i < 0 ? kv : kv.slice(0, i))] = i < 0 ? "" : decodeURIComponent(kv.slice(i + 1));
    });
    return out;
  }

  // A page opens in two steps: route() marks it loading (the previous
  // page and its navigation stay), and the page's first ZV.render shows it
  // and moves the navigation. A failed load leaves the previous page, puts
  // the address back and says what to do (ZV.pageFailed).
  var shown = null, pending = null, gen = 0;
  ZV.pageGen = function () { return pending !== null ? gen : 0; };
  ZV.pageGen.stale = function (g) { return g !== gen; };
  function loading(hash) {
    pending = hash;
    gen++;
    var st = document.getElementById("page-state");
    ZV.clear(st).className = "loading";
    st.appendChild(document.createTextNode("正在加载…"));
    st.hidden = false;
    ZV.main().setAttribute("aria-busy", "true");
  }
  ZV.pageShown = function () {
    if (pending === null) return;
    shown = pending; pending = null;
    document.getElementById("page-state").hidden = true;
    ZV.main().removeAttribute("aria-busy");
    nav(shown);
  };
  ZV.pageFailed = function (e) {
    if (pending === null) return false;
    var failed = pending;
    pending = null;
    ZV.main().removeAttribute("aria-busy");
    if (shown !== null && location.hash !== shown) history.replaceState(null, "", shown);
    var st = ZV.clear(document.getElementById("page-state"));
    st.className = "error";
    st.appendChild(document.createTextNode("页面未能打开：" + e.message + " "));
    st.appendChild(h("button", { type: "button", id: "page-retry", onclick: function () { ZV.go(failed); } }, "重试"));
    st.hidden = false;
    document.getElementById("page-retry").focus();
    return true;
  };

  function route() {
    var hash = location.hash || "#/";
    if (!ZV.session()) { shown = pending = null; document.getElementById("page-state").hidden = true; showLogin(); return; }
    var parts = hash.slice(1).split("?"), path = parts[0], p = params(parts[1]);
    if (shown === null) nav(hash);
    loading(hash);
    var load = ZV.reference ? Promise.resolve() : ZV.get("/api/v1/staff/reference").then(function (r) { ZV.reference = r; });
    load.then(function () {
      if (path.indexOf("/case/") === 0) ZV.showCase(decodeURIComponent(path.slice(6)));
      else if (path === "/queue") ZV.showQueue("work", p);
      else if (path === "/verifications") ZV.showQueue("verification", p);
      else if (path === "/search") ZV.showSearch(p);
      else if (path === "/intake") ZV.showIntake();
      else if (path === "/supervision") ZV.showSupervision(p);
      else if (path === "/evaluations") ZV.showEvaluations(p);
      else if (path === "/accounts") ZV.showAccounts();
      else if (path === "/calendar") ZV.showCalendar();
      else ZV.go(has("clerk") || has("reviewer") ? "#/queue" : "#/supervision");
    }, ZV.showError);
  }

  var pendingG = false;
  document.addEventListener("keydown", function (ev) {
    var t = ev.target.tagName;
    if (t === "INPUT" || t === "TEXTAREA" || t === "SELECT" || ev.ctrlKey || ev.metaKey || ev.altKey || !ZV.session()) return;
    if (pendingG) {
      pendingG = false;
      var to = { q: "#/queue", v: "#/verifications", i: "#/intake", s: "#/supervision" }[ev.key];
      if (to) { ev.preventDefault(); ZV.go(to); }
      return;
    }
    if (ev.key === "g") { pendingG = true; return; }
    if (ev.key === "?") { ZV.flash("快捷键：g q 待办 · g v 核验 · g i 收件 · g s 督办 · j/k 上下 · Enter 打开 · c 领取最紧急办件 · / 筛选"); return; }
    if (ev.key === "/") { var f = document.getElementById("f-item"); if (f) { ev.preventDefault(); f.focus(); } return; }
    if (ZV.queueKeys && ZV.queueKeys(ev)) ev.preventDefault();
  });

  document.getElementById("logout").addEventListener("click", function () {
    var s = ZV.session();
    ZV.call("POST", "/api/v1/staff/logout", { refresh_token: s && s.tokens ? s.tokens.refresh_token : "" }).catch(function () {}).then(function () {
      ZV.setSession(null); ZV.reference = null; ZV.go("#/login");
    });
  });

  window.addEventListener("hashchange", route);
  route();
})(window.ZV);
