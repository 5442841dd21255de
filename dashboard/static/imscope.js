// imscope's page script: draws every chart of the page from its JSON
// option block, applies the value formats the server names, follows the
// theme, and refreshes pages that ask for it. It is the only script the
// pages run besides ECharts itself and the Data page's uploader (data.js);
// all are served from /static/, and the Content-Security-Policy allows
// nothing else. Labels are data: they reach
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
    points: function (v) { return (v > 0 ? "+" : "") + v.toFixed(2) + (lang.indexOf("zh") === 0 ? " 个百分点" : " pp"); },
    count: function (v) { return Math.abs(v) < 1000 ? numberFormat.format(v) : compactFormat.format(v); },
    ratio: function (v) { return (v * 100).toFixed(2) + "%"; },
    us: function (v) { return v >= 1000 ? (v / 1000).toFixed(v >= 100000 ? 0 : 1) + " ms" : v.toFixed(0) + " µs"; },
    index: function (v) { return numberFormat.format(v); },
    rate: function (v) { return (v < 10 ? v.toFixed(2) : numberFormat.format(v)) + "/s"; }
  };

  // unitFormatter is a value axis' formatter for latency in µs: one unit
  // for the whole axis, the one that suits its largest value (0 ms … 12 ms,
  // not 0 µs … 12000 ms).
  var unitNumber = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
  function unitFormatter(max) {
    var div = 1, unit = " µs";
    if (max >= 1e6) { div = 1e6; unit = " s"; } else if (max >= 1000) { div = 1000; unit = " ms"; }
    return function (v) {
      if (typeof v !== "number" || !isFinite(v)) { return "–"; }
      return unitNumber.format(v / div) + unit;
    };
  }

  function seriesMax(series) {
    var max = 0;
    (series.data || []).forEach(function (d) {
      var v = d && typeof d === "object" && !Array.isArray(d) ? d.value : d;
      if (Array.isArray(v)) { v = v[v.length - 1]; }
      if (typeof v === "number" && isFinite(v)) { max = Math.max(max, Math.abs(v)); }
    });
    return max;
  }

  function formatter(name) {
    var f = formats[name] || function (v) { return String(v); };
    return function (v) {
      if (Array.isArray(v)) { v = v[v.length - 1]; }
      if (typeof v !== "number" || !isFinite(v)) { return "–"; }
      return f(v);
    };
  }

  // noteLine is a tooltip's extra line of text, escaped; "" for none.
  function noteLine(note) {
    return note ? '<br><span style="opacity:.75">' + esc(note) + "</span>" : "";
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
    var axisFormats = {}, axisNames = {}, axisMax = {};
    series.forEach(function (s) {
      var f = s.imFormat ? formatter(s.imFormat) : chartFormat;
      var ax = s.yAxisIndex || 0;
      if (axisNames[ax] === undefined) { axisNames[ax] = s.imFormat || format; }
      axisMax[ax] = Math.max(axisMax[ax] || 0, seriesMax(s));
      if (s.imFormat) {
        s.tooltip = s.tooltip || {};
        s.tooltip.valueFormatter = f;
      }
      if (axisFormats[s.yAxisIndex || 0] === undefined) { axisFormats[s.yAxisIndex || 0] = f; }
      var labels = s.imLabels;
      // Events drawn across a time chart (charts.MarkEvents): the line's
      // label is its title as text, the tooltip its date and title, escaped.
      if (s.markLine && s.markLine.imEvents) {
        s.markLine.label = s.markLine.label || {};
        s.markLine.label.formatter = function (p) { return String(p.name); };
        s.markLine.tooltip = {
          trigger: "item",
          formatter: function (p) { return esc((p.data && p.data.imDate) || "") + "<br>" + esc(p.name); }
        };
      }
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
        // An "Other" slice's note names the networks folded into it.
        s.tooltip = { formatter: function (p) { return esc(p.name) + ": " + esc(chartFormat(p.value)) + noteLine(p.data && p.data.imNote); } };
      }
    });
    // Series with notes (the networks an "Other" series holds in each
    // period) get them under their value in the axis tooltip; every text
    // in it goes through esc, the marker is ECharts' own.
    if (series.some(function (s) { return s.imNotes; })) {
      option.tooltip.formatter = function (ps) {
        ps = [].concat(ps);
        var out = ps.length ? esc(ps[0].axisValueLabel) : "";
        ps.forEach(function (p) {
          var s = series[p.seriesIndex] || {};
          if (s.imBand) { return; } // an interval band: its edges are the notes of its series
          var f = s.imFormat ? formatter(s.imFormat) : chartFormat;
          out += "<br>" + p.marker + esc(p.seriesName) + ": " + esc(f(p.value)) + noteLine(s.imNotes && s.imNotes[p.dataIndex]);
        });
        return out;
      };
    }
    // ECharts' default axis types: x category, y value.
    [].concat(option.yAxis || []).forEach(function (axis, i) {
      if ((axis.type || "value") === "value" && axisFormats[i]) {
        axis.axisLabel = axis.axisLabel || {};
        axis.axisLabel.formatter = axisNames[i] === "us" ? unitFormatter(axisMax[i] || 0) : axisFormats[i];
      }
    });
    [].concat(option.xAxis || []).forEach(function (axis) {
      if (axis.type === "value") {
        axis.axisLabel = axis.axisLabel || {};
        axis.axisLabel.formatter = format === "us" ? unitFormatter(Math.max.apply(null, [0].concat(series.map(seriesMax)))) : chartFormat;
      }
    });
    return option;
  }

  // The heat maps' colour scale in the dark theme: from the card's colour
  // (an empty cell is not a white square) to a bright blue.
  var darkScale = ["#1f2935", "#1f5f99", "#5aa9f5"];

  // themed adapts an option to the theme before it is drawn.
  function themed(option, isDark) {
    if (!isDark) { return option; }
    [].concat(option.visualMap || []).forEach(function (vm) {
      vm.inRange = vm.inRange || {};
      vm.inRange.color = darkScale;
    });
    (option.series || []).forEach(function (s) {
      if (s.type === "heatmap") {
        s.label = s.label || {};
        s.label.color = "#e3e7ec";
        s.label.textBorderWidth = 0;
      }
    });
    return option;
  }

  // fitWidth is what depends on the chart's width: titles wrap rather
  // than run under the save button, and labels that would not fit a
  // narrow chart hide or turn. It returns the option changes.
  function fitWidth(c) {
    var width = c.el.clientWidth, option = c.option, patch = {};
    if (option.title) {
      var titleRoom = Math.max(120, width - 56);
      patch.title = { textStyle: { width: titleRoom, overflow: "break", lineHeight: 20 }, subtextStyle: { width: titleRoom, overflow: "break" } };
    }
    (option.series || []).forEach(function (s, i) {
      var ps = patch.series = patch.series || option.series.map(function () { return {}; });
      if (s.type === "heatmap") {
        // Column names turn steeper as columns narrow, and the cells'
        // percentages show only where they fit.
        var cols = ((option.xAxis || [])[0] || {}).data || [];
        var cell = cols.length > 0 ? (width * 0.85) / cols.length : width;
        if (s.imShowLabels) { ps[i].label = { show: cell >= 38 }; }
        patch.xAxis = [{ axisLabel: { interval: 0, rotate: cell >= 90 ? 0 : cell >= 50 ? 30 : 60 } }];
      }
      if (s.type === "sankey") {
        // A phone gives the names more of its width (and a smaller font):
        // flows can be narrow, names cannot.
        var narrow = width < 600;
        var room = Math.max(56, Math.min(130, Math.round(width * (narrow ? 0.28 : 0.2))));
        ps[i].left = room; ps[i].right = room;
        ps[i].levels = (s.levels || []).map(function (l) {
          return { depth: l.depth, label: { position: l.label.position, width: room - 6, overflow: "truncate", fontSize: narrow ? 11 : 12 } };
        });
      }
    });
    return patch;
  }

  // componentBottom is where a component (title, legend) ends, in the
  // chart's pixels; 0 when it is absent or hidden.
  function componentBottom(chart, type) {
    var model = chart.getModel && chart.getModel();
    var m = model && model.getComponent(type);
    if (!m || m.get("show") === false) { return 0; }
    var view = chart.getViewOfComponentModel(m);
    if (!view || !view.group) { return 0; }
    var r = view.group.getBoundingRect();
    return r.height > 0 ? view.group.y + r.y + r.height : 0;
  }

  var boxedSeries = { pie: true, sankey: true, graph: true };

  // fitTop stacks title, legend and plot: the legend starts under the
  // title (which wraps on a phone), the plot under the legend (which wraps
  // onto as many lines as the series need), and the chart grows by what
  // the plot would otherwise lose.
  function fitTop(c) {
    var option = c.option, chart = c.chart;
    var titleBottom = componentBottom(chart, "title");
    if (componentBottom(chart, "legend") > 0) {
      var want = Math.max(c.baseLegendTop, Math.ceil(titleBottom + 6));
      if (want !== c.legendTop) { chart.setOption({ legend: { top: want } }); c.legendTop = want; }
    }
    var legendBottom = componentBottom(chart, "legend");
    var bottom = Math.max(titleBottom, legendBottom);
    if (!bottom) { return; }
    var named = legendBottom > 0 && [].concat(option.yAxis || []).some(function (a) { return !!a.name; });
    var top = Math.max(c.baseTop, Math.ceil(bottom + (named ? 28 : 12)));
    if (option.grid) { chart.setOption({ grid: { top: top } }); }
    if ((option.series || []).some(function (s) { return boxedSeries[s.type]; })) {
      chart.setOption({ series: option.series.map(function () { return { top: top }; }) });
    }
    var h = c.baseHeight + top - c.baseTop;
    if (c.el.clientHeight !== h) {
      c.el.style.height = h + "px";
      chart.resize();
    }
  }

  function fit(c) {
    c.chart.setOption(fitWidth(c));
    fitTop(c);
  }

  // merge copies a patch into an option as setOption would, so that the
  // first drawing already fits (no second render restarting animations).
  function merge(target, patch) {
    Object.keys(patch).forEach(function (k) {
      var v = patch[k], t = target[k];
      if (v && typeof v === "object" && t && typeof t === "object") { merge(t, v); } else { target[k] = v; }
    });
    return target;
  }

  function dark() {
    var t = root.getAttribute("data-theme");
    return t === "dark" || (t !== "light" && window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches);
  }

  // labelTables names each cell by its column, for the phone layout that
  // turns every row into a small card (imscope.css): a wide table would
  // otherwise hide its right-hand columns, the share among them, off-screen.
  function labelTables(scope) {
    scope.querySelectorAll(".table-wrap table").forEach(function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); });
      if (heads.length === 0) { return; }
      table.classList.add("cards-on-phone");
      table.querySelectorAll("tbody tr").forEach(function (tr) {
        var col = 0;
        Array.prototype.forEach.call(tr.children, function (td) {
          if (heads[col] && !td.hasAttribute("data-label")) { td.setAttribute("data-label", heads[col]); }
          col += td.colSpan || 1;
        });
      });
    });
  }

  function draw(scope) {
    labelTables(scope);
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
      var isDark = dark();
      option = themed(option, isDark);
      var chart = echarts.init(el, isDark ? "dark" : null, { renderer: renderer, locale: lang.indexOf("zh") === 0 ? "ZH" : "EN" });
      if (!el.hasAttribute("data-base-height")) { el.setAttribute("data-base-height", String(el.clientHeight)); }
      var grid = [].concat(option.grid || [])[0] || {};
      var boxed = (option.series || []).filter(function (s) { return boxedSeries[s.type]; })[0];
      var c = { el: el, chart: chart, option: option, baseHeight: parseInt(el.getAttribute("data-base-height"), 10) || el.clientHeight,
        baseTop: parseFloat((boxed || grid).top) || 0, baseLegendTop: parseFloat((option.legend || {}).top) || 48 };
      (option.series || []).forEach(function (s) { s.imShowLabels = !(s.label && s.label.show === false); });
      chart.setOption(merge(option, fitWidth(c)));
      fitTop(c);
      el.setAttribute("data-drawn", "true");
      charts.push(c);
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
    resizeTimer = setTimeout(function () { charts.forEach(function (c) { c.chart.resize(); fit(c); }); }, 100);
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
