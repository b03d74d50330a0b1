// care.js: 关怀模式 (large text, high contrast). Loaded in <head> so the
// page is drawn in the chosen mode from the start; the choice is kept in
// localStorage and shared by the console and the couriers' page.
"use strict";
(function () {
  var KEY = "zv.care";
  var root = document.documentElement;
  function on() { try { return localStorage.getItem(KEY) === "1"; } catch (e) { return false; } }
  function apply(v) {
    root.classList.toggle("care", v);
    var b = document.getElementById("care-toggle");
    if (b) { b.setAttribute("aria-pressed", v ? "true" : "false"); b.textContent = v ? "关怀模式：开" : "关怀模式：关"; }
  }
  apply(on());
  document.addEventListener("DOMContentLoaded", function () {
    var b = document.getElementById("care-toggle");
    if (!b) return;
    apply(on());
    b.addEventListener("click", function () {
      var v = !root.classList.contains("care");
      try { if (v) localStorage.setItem(KEY, "1"); else localStorage.removeItem(KEY); } catch (e) { /* private mode: this page only */ }
      apply(v);
    });
  });
})();
