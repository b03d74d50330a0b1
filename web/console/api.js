// api.js: the console's calls to /api/v1/staff. Tokens live in
// sessionStorage (gone when the tab closes); a 401 refreshes once.
"use strict";
(function (ZV) {
  var store = window.sessionStorage;
  ZV.session = function () {
    try { return JSON.parse(store.getItem("zv.staff") || "null"); } catch (e) { return null; }
  };
  ZV.setSession = function (s) {
    if (s) store.setItem("zv.staff", JSON.stringify(s)); else store.removeItem("zv.staff");
  };

  // fallback says, in a clerk's words, what went wrong and what to do
  // next when the server gave no message of its own (status 0: no answer).
  function fallback(status) {
    if (status === 0) return "无法连接服务器：请检查本机网络后点“重试”；仍无法连接请联系本单位信息化管理员。";
    if (status === 429) return "操作过于频繁：请稍等一分钟再试。";
    if (status === 401) return "登录已失效：请重新登录。";
    if (status === 403) return "没有此项操作的权限：如需办理请联系本部门负责人。";
    if (status === 404) return "要查看的内容不存在或已被删除：请返回列表刷新后再试。";
    if (status >= 500) return "服务器暂时无法处理（" + status + "）：请稍后点“重试”；多次失败请联系本单位信息化管理员。";
    return "请求未能完成（" + status + "）：请检查填写的内容后重试。";
  }

  // APIError carries the server's error shape.
  function APIError(status, body) {
    var e = (body && body.error) || {};
    this.status = status;
    this.code = e.code || (status === 0 ? "network_unreachable" : "http_" + status);
    this.message = e.message || fallback(status);
    this.detail = e.detail;
  }
  ZV.APIError = APIError;
  // asAPIError turns a failed fetch (the browser's "Failed to fetch") or
  // an unreadable answer into an APIError with a Chinese message.
  ZV.asAPIError = function (e) { return e instanceof APIError ? e : new APIError(0, null); };

  function send(method, path, body, opts) {
    var s = ZV.session();
    var headers = {};
    if (s && s.tokens) headers.Authorization = "Bearer " + s.tokens.access_token;
    var init = { method: method, headers: headers };
    if (body instanceof Blob) { init.body = body; headers["Content-Type"] = body.type; }
    else if (body !== undefined) { init.body = JSON.stringify(body); headers["Content-Type"] = "application/json"; }
    if (opts && opts.idempotencyKey) headers["Idempotency-Key"] = opts.idempotencyKey;
    return fetch(path, init).catch(function () { throw new APIError(0, null); });
  }

  // refresh renews the session once however many calls found it expired
  // at the same time: a refresh token is good for one use, and the server
  // takes a second use as a stolen token and ends every session.
  var refreshing = null;
  function refresh() {
    if (!refreshing) {
      refreshing = renew().then(function () { refreshing = null; }, function (e) { refreshing = null; throw e; });
    }
    return refreshing;
  }

  function renew() {
    var s = ZV.session();
    if (!s || !s.tokens) return Promise.reject(new APIError(401, null));
    return fetch("/api/v1/staff/refresh", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refresh_token: s.tokens.refresh_token })
    }).then(function (r) {
      return r.json().then(function (b) {
        if (!r.ok) throw new APIError(r.status, b);
        s.tokens = b.tokens; s.staff = b.staff; ZV.setSession(s);
      });
    });
  }

  // call answers the decoded JSON, or throws an APIError.
  ZV.call = function (method, path, body, opts) {
    return send(method, path, body, opts).then(function (r) {
      if (r.status === 401 && !(opts && opts.noRetry) && ZV.session()) {
        return refresh().then(function () {
          return ZV.call(method, path, body, Object.assign({}, opts, { noRetry: true }));
        }, function () { ZV.setSession(null); ZV.go("#/login"); throw new APIError(401, null); });
      }
      if (r.status === 204) return null;
      var ct = r.headers.get("Content-Type") || "";
      if (opts && opts.raw && r.ok) return r.blob();
      return (ct.indexOf("json") >= 0 ? r.json().catch(function () { return null; }) : Promise.resolve(null)).then(function (b) {
        if (!r.ok) throw new APIError(r.status, b);
        return b;
      });
    });
  };
  // get reads path. A read made while a page opens belongs to that page:
  // when another page has been asked for by the time it answers, the
  // answer is dropped, so a slow page is never drawn over a newer one.
  ZV.get = function (p) {
    var g = ZV.pageGen ? ZV.pageGen() : 0;
    var r = ZV.call("GET", p);
    if (!g) return r;
    var never = function () { return new Promise(function () {}); };
    return r.then(function (v) { return ZV.pageGen.stale(g) ? never() : v; },
      function (e) { if (ZV.pageGen.stale(g)) return never(); throw e; });
  };
  // getAll reads every page of a list (path has a query string), following
  // next_cursor, and answers all of its items.
  ZV.getAll = function (path, items) {
    items = items || [];
    return ZV.get(path).then(function (r) {
      items = items.concat(r.items || []);
      if (!r.next_cursor) return items;
      var base = path.replace(/&cursor=[^&]*/, "");
      return ZV.getAll(base + "&cursor=" + encodeURIComponent(r.next_cursor), items);
    });
  };
  ZV.post = function (p, b, o) { return ZV.call("POST", p, b === undefined ? {} : b, o); };

  ZV.qs = function (params) {
    var parts = [];
    Object.keys(params).forEach(function (k) {
      var v = params[k];
      if (v !== undefined && v !== null && v !== "") parts.push(encodeURIComponent(k) + "=" + encodeURIComponent(v));
    });
    return parts.length ? "?" + parts.join("&") : "";
  };

  ZV.newKey = function () {
    var a = new Uint8Array(16);
    window.crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (x) { return (x < 16 ? "0" : "") + x.toString(16); }).join("");
  };

  // showError reports a failed call. While a page is opening, the
  // failure is the page's: the previous page and its navigation stay, and
  // the message says why with a button to try again.
  ZV.showError = function (e) {
    e = ZV.asAPIError(e);
    if (e.status === 401) return;
    if (ZV.pageFailed && ZV.pageFailed(e)) return;
    ZV.flash(e.message, true);
  };

  // fieldError puts a refused field's message next to its input (the
  // server names the field in detail.field); fields maps those names to
  // input ids. It answers false when no input of the form matches.
  ZV.fieldError = function (e, fields) {
    var name = e && e.detail && e.detail.field;
    var id = name && fields[name];
    var input = id && document.getElementById(id);
    if (!input) return false;
    ZV.markField(input, e.message);
    return true;
  };
  ZV.markField = function (input, message) {
    var id = input.id + "-error";
    var msg = document.getElementById(id);
    if (!msg) {
      msg = ZV.h("span", { id: id, class: "field-error" });
      input.insertAdjacentElement("afterend", msg);
    }
    msg.textContent = message;
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", id);
    input.focus();
    var clear = function () {
      input.removeAttribute("aria-invalid"); input.removeAttribute("aria-describedby");
      if (msg.parentNode) msg.parentNode.removeChild(msg);
      input.removeEventListener("input", clear); input.removeEventListener("change", clear);
    };
    input.addEventListener("input", clear); input.addEventListener("change", clear);
  };
})(window.ZV);
