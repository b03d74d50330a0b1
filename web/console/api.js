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

  // APIError carries the server's error shape.
  function APIError(status, body) {
    var e = (body && body.error) || {};
    this.status = status;
    this.code = e.code || "http_" + status;
    this.message = e.message || "请求失败（" + status + "）";
    this.detail = e.detail;
  }
  ZV.APIError = APIError;

  function send(method, path, body, opts) {
    var s = ZV.session();
    var headers = {};
    if (s && s.tokens) headers.Authorization = "Bearer " + s.tokens.access_token;
    var init = { method: method, headers: headers };
    if (body instanceof Blob) { init.body = body; headers["Content-Type"] = body.type; }
    else if (body !== undefined) { init.body = JSON.stringify(body); headers["Content-Type"] = "application/json"; }
    if (opts && opts.idempotencyKey) headers["Idempotency-Key"] = opts.idempotencyKey;
    return fetch(path, init);
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
      return (ct.indexOf("json") >= 0 ? r.json() : Promise.resolve(null)).then(function (b) {
        if (!r.ok) throw new APIError(r.status, b);
        return b;
      });
    });
  };
  ZV.get = function (p) { return ZV.call("GET", p); };
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

  ZV.showError = function (e) {
    if (e && e.status === 401) return;
    ZV.flash((e && e.message) || "操作失败", true);
  };
})(window.ZV);
