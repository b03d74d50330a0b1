// charts.js: the console's own small SVG charts (no external library).
"use strict";
(function (ZV) {
  var NS = "http://www.w3.org/2000/svg";
  var COLORS = ["#0b5cad", "#2e7d32", "#f0a202", "#c62828", "#6a1b9a"];

  function s(tag, attrs, text) {
    var el = document.createElementNS(NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function legend(series) {
    return ZV.h("div", { class: "legend" }, series.map(function (name, i) {
      var swatch = ZV.h("i");
      swatch.style.background = COLORS[i % COLORS.length];
      return ZV.h("span", {}, swatch, name);
    }));
  }

  // niceMax rounds a maximum up to a multiple of 4 (at least 4), so the
  // four grid lines fall on whole numbers.
  function niceMax(max) { return Math.max(4, Math.ceil(max / 4) * 4); }

  function svgOf(title, W, H) {
    var svg = s("svg", { class: "chart", viewBox: "0 0 " + W + " " + H, width: W, height: H, role: "img", "aria-label": title });
    svg.appendChild(s("title", {}, title));
    return svg;
  }

  // bars draws grouped bars: labels along x, one bar per series.
  // data: {labels: [...], series: [{name, values: [...]}]}.
  ZV.barChart = function (title, data) {
    var W = 640, H = 240, pad = { l: 40, r: 8, t: 12, b: 40 };
    var max = 1;
    data.series.forEach(function (se) { se.values.forEach(function (v) { if (v > max) max = v; }); });
    max = niceMax(max);
    var svg = svgOf(title, W, H);
    var iw = W - pad.l - pad.r, ih = H - pad.t - pad.b;
    for (var g = 0; g <= 4; g++) {
      var y = pad.t + ih - ih * g / 4;
      svg.appendChild(s("line", { x1: pad.l, x2: W - pad.r, y1: y, y2: y, stroke: "#e4e9ee" }));
      svg.appendChild(s("text", { x: pad.l - 4, y: y + 4, "text-anchor": "end" }, String(Math.round(max * g / 4))));
    }
    var n = Math.max(data.labels.length, 1), gw = iw / n, bw = Math.max(Math.min(gw * 0.8 / data.series.length, 40), 1);
    data.labels.forEach(function (label, i) {
      var x0 = pad.l + gw * i + (gw - bw * data.series.length) / 2;
      data.series.forEach(function (se, j) {
        var v = se.values[i] || 0, bh = ih * v / max;
        var r = s("rect", { x: x0 + bw * j, y: pad.t + ih - bh, width: bw - 1, height: bh, fill: COLORS[j % COLORS.length] });
        r.appendChild(s("title", {}, label + " " + se.name + "：" + v));
        svg.appendChild(r);
      });
      svg.appendChild(s("text", { x: pad.l + gw * i + gw / 2, y: H - pad.b + 14, "text-anchor": "middle" }, label));
    });
    return ZV.h("figure", { class: "panel" }, ZV.h("figcaption", {}, title), svg, legend(data.series.map(function (x) { return x.name; })));
  };

  // lineChart draws one line per series over the labels (days).
  ZV.lineChart = function (title, data) {
    var W = 640, H = 200, pad = { l: 40, r: 8, t: 12, b: 28 };
    var max = 1;
    data.series.forEach(function (se) { se.values.forEach(function (v) { if (v > max) max = v; }); });
    max = niceMax(max);
    var svg = svgOf(title, W, H);
    var iw = W - pad.l - pad.r, ih = H - pad.t - pad.b, n = Math.max(data.labels.length - 1, 1);
    svg.appendChild(s("line", { x1: pad.l, x2: W - pad.r, y1: pad.t + ih, y2: pad.t + ih, stroke: "#b8c4ce" }));
    svg.appendChild(s("text", { x: pad.l - 4, y: pad.t + 8, "text-anchor": "end" }, String(max)));
    data.series.forEach(function (se, j) {
      var pts = se.values.map(function (v, i) { return (pad.l + iw * i / n) + "," + (pad.t + ih - ih * v / max); });
      svg.appendChild(s("polyline", { points: pts.join(" "), fill: "none", stroke: COLORS[j % COLORS.length], "stroke-width": 2 }));
    });
    data.labels.forEach(function (label, i) {
      if (data.labels.length > 10 && i % Math.ceil(data.labels.length / 8) !== 0) return;
      svg.appendChild(s("text", { x: pad.l + iw * i / n, y: H - 8, "text-anchor": "middle" }, label.slice(5)));
    });
    return ZV.h("figure", { class: "panel" }, ZV.h("figcaption", {}, title), svg, legend(data.series.map(function (x) { return x.name; })));
  };
})(window.ZV);
