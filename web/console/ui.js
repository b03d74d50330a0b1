// ui.js: small DOM helpers. Text always goes in as text nodes, never as
// HTML, so nothing a case carries can inject markup.
"use strict";
var ZV = window.ZV || {};
window.ZV = ZV;

// h builds an element: h("button", {class: "primary", onclick: fn}, "领取").
ZV.h = function (tag, attrs) {
  var el = document.createElement(tag);
  var a = attrs || {};
  Object.keys(a).forEach(function (k) {
    var v = a[k];
    if (v === undefined || v === null || v === false) return;
    if (k.indexOf("on") === 0 && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.keys(v).forEach(function (d) { el.dataset[d] = v[d]; });
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, String(v));
  });
  for (var i = 2; i < arguments.length; i++) ZV.append(el, arguments[i]);
  return el;
};

ZV.append = function (el, child) {
  if (child === undefined || child === null || child === false) return;
  if (Array.isArray(child)) { child.forEach(function (c) { ZV.append(el, c); }); return; }
  el.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
};

ZV.clear = function (el) { while (el.firstChild) el.removeChild(el.firstChild); return el; };

ZV.main = function () { return document.getElementById("main"); };

// render replaces the main area and moves focus there (for screen readers
// and the keyboard).
ZV.render = function () {
  if (ZV.pageShown) ZV.pageShown();
  var m = ZV.clear(ZV.main());
  for (var i = 0; i < arguments.length; i++) ZV.append(m, arguments[i]);
  var first = m.querySelector("[autofocus]");
  (first || m).focus();
};

// armed makes an irreversible step take a second, deliberate click: the
// first one asks (the button says what it will do and a note is read
// out), the second within 8 seconds acts.
ZV.armed = function (id, label, question, cls, fn) {
  var h = ZV.h;
  var note = h("span", { class: "confirm-note", role: "status", "aria-live": "polite" });
  var timer = null;
  var btn = h("button", { type: "button", class: cls, id: id, onclick: function () {
    if (btn.dataset.armed !== "1") {
      btn.dataset.armed = "1"; btn.textContent = "确认" + label; note.textContent = question + "（再次点击确认）";
      timer = setTimeout(function () { btn.dataset.armed = ""; btn.textContent = label; note.textContent = ""; }, 8000);
      return;
    }
    clearTimeout(timer); btn.dataset.armed = ""; btn.textContent = label; note.textContent = "";
    fn();
  } }, label);
  return h("span", {}, btn, note);
};

ZV.flash = function (msg, isError) {
  var box = document.getElementById("flash");
  var d = ZV.h("div", { class: isError ? "error" : "" }, msg);
  box.appendChild(d);
  setTimeout(function () { if (d.parentNode) d.parentNode.removeChild(d); }, isError ? 8000 : 4000);
};

ZV.fmtTime = function (s) {
  if (!s) return "";
  var d = new Date(s);
  if (isNaN(d) || d.getFullYear() < 1971) return "";
  var p = function (n) { return (n < 10 ? "0" : "") + n; };
  return d.getFullYear() + "-" + p(d.getMonth() + 1) + "-" + p(d.getDate()) + " " + p(d.getHours()) + ":" + p(d.getMinutes());
};

ZV.card = function (card) {
  if (card === "red") return ZV.h("span", { class: "card-red", title: "已超期" }, "红牌");
  if (card === "yellow") return ZV.h("span", { class: "card-yellow", title: "临近期限" }, "黄牌");
  return "";
};

// roleName is a staff role in the words of the console.
ZV.roleName = function (r) {
  return { clerk: "窗口受理", reviewer: "审核", supervisor: "督办", administrator: "系统管理员" }[r] || "其他角色";
};

ZV.field = function (label, input) { return ZV.h("label", {}, label, input); };

ZV.select = function (attrs, options, value) {
  var s = ZV.h("select", attrs);
  options.forEach(function (o) {
    s.appendChild(ZV.h("option", { value: o[0], selected: String(o[0]) === String(value) }, o[1]));
  });
  return s;
};

ZV.pct = function (x) { return (Math.round((x || 0) * 1000) / 10) + "%"; };
