// imscope's page script: draws every chart of the page from its JSON
// option block, applies the value formats the server names, follows the
// theme, and refreshes pages that ask for it. It is the only script the
// pages run besides ECharts itself; both are served from /static/, and the
// Content-Security-Policy allows nothing else. Labels are data: they reach
// ECharts as JSON strings and, where this script builds tooltip text, go
// through echarts.format.encodeHTML first.
(function () {
  "use strict";

  var root = document.documentElement;
  var lang = root.getAttribute("lang") || "en";
  // A report is a file read offline and printed: charts are SVG (crisp in
  // a PDF) and drawn at once, without animation.
  var isReport = root.hasAttribute("data-report");
  var charts = [];

  function esc(s) {
    return echarts.format.encodeHTML(String(s));
  }

  var numberFormat = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 });
  var compactFormat = new Intl.NumberFormat(lang, { notation: "compact", maximumFractionDigits: 1 });

  // formats mirror dashboard/charts.Format.
  var formats = {
    percent: function (v) { return v.toFixed(1) + "%"; },
    points: function (v) { return (v > 0 ? "+" : "") + v.toFixed(2) + " pp"; },
    count: function (v) { return Math.abs(v) < 1000 ? numberFormat.format(v) : compactFormat.format(v); },
    ratio: function (v) { return (v * 100).toFixed(2) + "%"; },
    us: function (v) { return v >= 1000 ? (v / 1000).toFixed(v >= 100000 ? 0 : 1) + " ms" : v.toFixed(0) + " µs"; },
    index: function (v) { return numberFormat.format(v); },
    rate: function (v) { return (v < 10 ? v.toFixed(2) : numberFormat.format(v)) + "/s"; }
  };

  function formatter(name) {
    var f = formats[name] || function (v) { return String(v); };
    return function (v) {
      if (Array.isArray(v)) { v = v[v.length - 1]; }
      if (typeof v !== "number" || !isFinite(v)) { return "–"; }
      return f(v);
    };
  }

  function labelOf(labels, id) {
    return labels && Object.prototype.hasOwnProperty.call(labels, id) && labels[id] ? labels[id] : id;
  }

  // prepare turns the server's named formats into ECharts formatters.
  function prepare(option, format) {
    var series = option.series || [];
    var chartFormat = formatter(format);
    option.tooltip = option.tooltip || {};
    option.tooltip.confine = true;
    option.tooltip.valueFormatter = chartFormat;
    var axisFormats = {};
    series.forEach(function (s) {
      var f = s.imFormat ? formatter(s.imFormat) : chartFormat;
      if (s.imFormat) {
        s.tooltip = s.tooltip || {};
        s.tooltip.valueFormatter = f;
      }
      if (axisFormats[s.yAxisIndex || 0] === undefined) { axisFormats[s.yAxisIndex || 0] = f; }
      var labels = s.imLabels;
      if (s.type === "sankey" || s.type === "graph") {
        s.label = s.label || {};
        s.label.formatter = function (p) { return labelOf(labels, p.name); };
        s.tooltip = {
          formatter: function (p) {
            if (p.dataType === "edge") {
              var name = labelOf(labels, p.data.source + "\u0000" + p.data.target);
              var route = esc(labelOf(labels, p.data.source)) + " → " + esc(labelOf(labels, p.data.target));
              return (name !== p.data.source + "\u0000" + p.data.target ? esc(name) + "<br>" : "") + route + ": " + esc(chartFormat(p.data.value));
            }
            return esc(labelOf(labels, p.name)) + ": " + esc(chartFormat(p.value));
          }
        };
      }
      if (s.type === "heatmap") {
        s.label = s.label || {};
        s.label.formatter = function (p) { return chartFormat(p.value[2]); };
        s.tooltip = {
          formatter: function (p) {
            var x = option.xAxis[0].data[p.value[0]], y = option.yAxis[0].data[p.value[1]];
            var note = p.name ? "<br>" + esc(p.name) : "";
            return esc(y) + " → " + esc(x) + ": " + esc(chartFormat(p.value[2])) + note;
          }
        };
      }
      if (s.type === "pie") {
        s.tooltip = { formatter: function (p) { return esc(p.name) + ": " + esc(chartFormat(p.value)); } };
      }
    });
    // ECharts' default axis types: x category, y value.
    [].concat(option.yAxis || []).forEach(function (axis, i) {
      if ((axis.type || "value") === "value" && axisFormats[i]) {
        axis.axisLabel = axis.axisLabel || {};
        axis.axisLabel.formatter = axisFormats[i];
      }
    });
    [].concat(option.xAxis || []).forEach(function (axis) {
      if (axis.type === "value") {
        axis.axisLabel = axis.axisLabel || {};
        axis.axisLabel.formatter = chartFormat;
      }
    });
    return option;
  }

  function dark() {
    var t = root.getAttribute("data-theme");
    return t === "dark" || (t !== "light" && window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches);
  }

  function draw(scope) {
    if (typeof echarts === "undefined") { return; }
    scope.querySelectorAll("[data-chart]").forEach(function (el) {
      var src = document.getElementById(el.getAttribute("data-chart"));
      if (!src) { return; }
      var option = prepare(JSON.parse(src.textContent), el.getAttribute("data-format"));
      var renderer = isReport ? "svg" : "canvas";
      if (isReport) {
        option.animation = false;
        delete option.toolbox;
        if (option.legend && option.legend.type === "scroll") { option.legend.type = "plain"; } // paper cannot scroll
      }
      var chart = echarts.init(el, dark() ? "dark" : null, { renderer: renderer, locale: lang.indexOf("zh") === 0 ? "ZH" : "EN" });
      chart.setOption(option);
      el.setAttribute("data-drawn", "true");
      charts.push({ el: el, chart: chart, option: option });
    });
  }

  function redrawAll() {
    var old = charts;
    charts = [];
    old.forEach(function (c) { c.chart.dispose(); });
    draw(document);
  }

  function disposeIn(scope) {
    charts = charts.filter(function (c) {
      if (scope.contains(c.el)) { c.chart.dispose(); return false; }
      return true;
    });
  }

  // Theme: light, dark, or auto (the system's). The choice is a cookie so
  // the server renders the next page in it too.
  function setTheme(t) {
    root.setAttribute("data-theme", t);
    document.cookie = "imscope_theme=" + t + "; path=/; max-age=31536000; samesite=lax";
    redrawAll();
  }

  document.addEventListener("click", function (ev) {
    var b = ev.target.closest("[data-theme-set]");
    if (b) {
      ev.preventDefault();
      setTheme(b.getAttribute("data-theme-set"));
    }
  });

  if (window.matchMedia) {
    var mq = window.matchMedia("(prefers-color-scheme: dark)");
    if (mq.addEventListener) {
      mq.addEventListener("change", function () { if (root.getAttribute("data-theme") === "auto") { redrawAll(); } });
    }
  }

  var resizeTimer;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { charts.forEach(function (c) { c.chart.resize(); }); }, 100);
  });

  // Auto-refresh: a page whose <main> has data-refresh="SECONDS" reloads
  // its content in place (not the whole page, so the header and the
  // filter form keep their state), skipping while the tab is hidden.
  function refresh(main) {
    var seconds = parseInt(main.getAttribute("data-refresh"), 10);
    if (!(seconds > 0)) { return; }
    setInterval(function () {
      if (document.hidden) { return; }
      fetch(window.location.href, { credentials: "same-origin", headers: { "X-Imscope-Refresh": "1" } })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var fresh = doc.querySelector("main");
          if (!fresh) { return; }
          disposeIn(main);
          main.replaceChildren.apply(main, Array.prototype.slice.call(fresh.childNodes).map(function (n) { return document.importNode(n, true); }));
          draw(main);
          var stamp = document.querySelector("[data-refreshed]");
          if (stamp) { stamp.textContent = new Date().toLocaleTimeString(lang); }
        })
        .catch(function () { /* keep the last good content; the next tick retries */ });
    }, seconds * 1000);
  }

  function start() {
    draw(document);
    var main = document.querySelector("main[data-refresh]");
    if (main) { refresh(main); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
