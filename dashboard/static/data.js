// The Data page's script: uploads a CSV file to the import API with
// XMLHttpRequest (fetch cannot report an upload's progress), follows the
// import job until it ends, and shows its outcome and problems; copies the
// catalog's YAML. Everything the server or the file sends back — file
// names, problem messages, fields — is data: it reaches the page through
// textContent and attributes, never as markup. The texts are the page's
// own, in its language, from the hidden #data-texts list.
(function () {
  "use strict";

  var lang = document.documentElement.getAttribute("lang") || "en";
  var numberFormat = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 });
  var pollEvery = 700; // ms: the import's progress, often enough to watch, rarely enough not to load the server

  function $(id) { return document.getElementById(id); }

  var texts = {};
  function loadTexts() {
    var box = $("data-texts");
    if (!box) { return; }
    box.querySelectorAll("[data-text]").forEach(function (el) { texts[el.getAttribute("data-text")] = el.textContent; });
  }

  // t is the text of key with each %s replaced by the next argument.
  function t(key) {
    var args = Array.prototype.slice.call(arguments, 1), i = 0;
    return String(texts[key] || key).replace(/%s/g, function () { return i < args.length ? String(args[i++]) : ""; });
  }

  function num(v) { return typeof v === "number" && isFinite(v) ? numberFormat.format(v) : "–"; }

  function show(el, on) { if (el) { el.hidden = !on; } }

  function setText(el, s) { if (el) { el.textContent = s; } }

  // localURL is u when it is a path on this server, else "": a link the
  // answer carries must not lead elsewhere or run script.
  function localURL(u) {
    return typeof u === "string" && u.charAt(0) === "/" && u.charAt(1) !== "/" && u.charAt(1) !== "\\" ? u : "";
  }

  var form, fileInput, chosen, drop, file = null, busy = false;

  function choose(f) {
    file = f || null;
    setText(chosen, file ? t("data.js.chosen", file.name, num(file.size)) : t("data.js.choose_first"));
    show($("import-error"), false);
  }

  function fail(message) {
    var box = $("import-error");
    setText(box, message);
    show(box, true);
    finish();
  }

  function finish() {
    busy = false;
    $("import-start").disabled = false;
  }

  // errorMessage reads the API's error body ({"error": {"message"}}), or
  // the answer's first line when it is not one (a proxy's page).
  function errorMessage(xhr) {
    try {
      var body = JSON.parse(xhr.responseText);
      if (body && body.error && body.error.message) { return String(body.error.message); }
    } catch (e) { /* not the API's JSON */ }
    return String(xhr.statusText || "").slice(0, 200);
  }

  function uploadFailed(xhr) {
    var status = xhr.status, msg = errorMessage(xhr);
    if (status === 0) { return fail(t("data.js.err_network")); }
    if (status === 413) { return fail(t("data.js.err_413") + (msg ? " " + msg : "")); }
    if (status === 401 || status === 403) { return fail(t("data.js.err_auth", status) + (msg ? " " + msg : "")); }
    if (status === 400 || status === 415) { return fail(t("data.js.err_400", msg)); }
    fail(t("data.js.err_other", status, msg));
  }

  function start(ev) {
    ev.preventDefault();
    if (busy) { return; }
    if (!file) { fail(t("data.js.choose_first")); return; }
    var max = parseInt(form.getAttribute("data-max-bytes"), 10);
    if (max > 0 && file.size > max) { fail(t("data.js.too_large", file.name, form.getAttribute("data-max-text"))); return; }
    busy = true;
    $("import-start").disabled = true;
    show($("import-error"), false);
    show($("import-outcome"), false);
    show($("import-progress"), true);
    var q = new URLSearchParams();
    q.set("kind", $("import-kind").value);
    q.set("encoding", $("import-encoding").value);
    q.set("strict", $("import-strict").checked ? "true" : "false");
    q.set("file", file.name);
    var bar = $("upload-bar"), jobBar = $("job-bar");
    bar.max = Math.max(file.size, 1); bar.value = 0;
    jobBar.max = 1; jobBar.removeAttribute("value"); // indeterminate until the job reports
    setText($("upload-text"), t("data.js.sending", num(0), num(file.size)));
    setText($("job-text"), "");
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.getAttribute("action") + "?" + q.toString());
    xhr.setRequestHeader("X-CSRF-Token", form.getAttribute("data-csrf") || "");
    xhr.setRequestHeader("Content-Type", /\.gz$/i.test(file.name) ? "application/gzip" : "text/csv");
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (e) {
      var total = e.lengthComputable ? e.total : file.size;
      bar.max = Math.max(total, 1); bar.value = e.loaded;
      setText($("upload-text"), t("data.js.sending", num(e.loaded), num(total)));
    });
    xhr.addEventListener("load", function () {
      if (xhr.status !== 202 && xhr.status !== 200) { return uploadFailed(xhr); }
      bar.value = bar.max;
      setText($("upload-text"), t("data.js.sending", num(file.size), num(file.size)));
      var url = "";
      try { url = localURL(JSON.parse(xhr.responseText).data.url); } catch (e) { url = ""; }
      url = url || localURL(xhr.getResponseHeader("Location"));
      if (!url) { return fail(t("data.js.err_other", xhr.status, "")); }
      setText($("job-text"), t("data.js.queued"));
      poll(url, 0);
    });
    xhr.addEventListener("error", function () { uploadFailed(xhr); });
    xhr.send(file);
  }

  // poll asks for the job until it has ended; a few failed polls in a row
  // (a restart, a dropped connection) give up with a message, not silence.
  function poll(url, failures) {
    var xhr = new XMLHttpRequest();
    xhr.open("GET", url);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.addEventListener("load", function () {
      var job = null;
      if (xhr.status === 200) {
        try { job = JSON.parse(xhr.responseText).data; } catch (e) { job = null; }
      }
      if (!job) { return retry(url, failures, xhr.status + (errorMessage(xhr) ? ": " + errorMessage(xhr) : "")); }
      progress(job);
      if (job.state === "done" || job.state === "failed") {
        outcome(job);
        finish();
        refreshLists();
        return;
      }
      setTimeout(function () { poll(url, 0); }, pollEvery);
    });
    xhr.addEventListener("error", function () { retry(url, failures, t("data.js.err_network")); });
    xhr.send();
  }

  function retry(url, failures, why) {
    if (failures >= 4) { return fail(t("data.js.err_poll", why)); }
    setTimeout(function () { poll(url, failures + 1); }, pollEvery * (failures + 2));
  }

  function progress(job) {
    var bar = $("job-bar");
    if (job.state === "queued") { setText($("job-text"), t("data.js.queued")); return; }
    var total = job.bytes || 0, read = Math.min(job.bytes_read || 0, total);
    if (total > 0) { bar.max = total; bar.value = job.state === "done" ? total : read; }
    var reading = job.checking ? "data.js.checking" : "data.js.reading";
    setText($("job-text"), job.state === "running" ? t(reading, num(read), num(total), num(job.rows_read || 0)) : t(job.state === "failed" ? "data.js.failed" : "data.js.done"));
  }

  // outcome shows how the import went: status, rows, problems, the link
  // to the rejected rows.
  function outcome(job) {
    var status = job.status || (job.state === "failed" ? "error" : "ok");
    var badge = $("outcome-status");
    badge.className = "badge " + (status === "ok" ? "good" : status === "partial" ? "warn" : "bad");
    setText(badge, t("status." + status));
    badge.setAttribute("data-status", status);
    setText($("outcome-counts"), t("data.js.counts", num(job.stored || 0), num(job.existing || 0), num(job.conflicts || 0), num(job.rejected || 0), num(job.rows_read || 0)));
    var err = $("outcome-error");
    setText(err, job.error || "");
    show(err, !!job.error);
    var problems = Array.isArray(job.problems) ? job.problems : [];
    var table = $("problems-table"), body = table.tBodies[0];
    var heads = Array.prototype.map.call(table.tHead.rows[0].cells, function (th) { return th.textContent; });
    body.replaceChildren();
    problems.forEach(function (p) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-line", String(p.line || ""));
      [[p.line ? num(p.line) : "–", "num"], [p.column ? num(p.column) : "–", "num"], [p.field || "–", ""], [p.message || "", "wrap"]].forEach(function (c, i) {
        var td = document.createElement("td");
        td.textContent = c[0];
        if (c[1]) { td.className = c[1]; }
        td.setAttribute("data-label", heads[i] || "");
        tr.appendChild(td);
      });
      if (p.warning) {
        var badge = document.createElement("span");
        badge.className = "badge warn";
        badge.textContent = t("data.js.warning");
        tr.lastChild.prepend(badge, " ");
        tr.setAttribute("data-warning", "true");
      }
      body.appendChild(tr);
    });
    table.classList.add("cards-on-phone");
    show($("problems-wrap"), problems.length > 0);
    var total = job.problems_total || problems.length, more = $("problems-more");
    setText(more, total > problems.length ? t("data.js.more", num(total - problems.length)) : problems.length === 0 ? t("data.js.no_problems") : "");
    show(more, total > problems.length || problems.length === 0);
    var link = $("rejected-link"), href = localURL(job.rejected_csv);
    if (href) { link.setAttribute("href", href); setText(link, t("data.js.rejected")); }
    show(link, !!href);
    show($("import-outcome"), true);
  }

  // refreshLists redraws the past imports (the new one among them) and the
  // collector runs from the page itself, as the server draws them.
  function refreshLists() {
    var x = new XMLHttpRequest();
    x.open("GET", window.location.pathname + window.location.search);
    x.addEventListener("load", function () {
      if (x.status !== 200) { return; }
      var doc = new DOMParser().parseFromString(x.responseText, "text/html");
      ["imports", "runs", "catalog"].forEach(function (id) {
        var fresh = doc.getElementById(id), old = $(id);
        if (fresh && old) { old.replaceWith(document.importNode(fresh, true)); }
      });
      labelTables();
      setupCopy();
    });
    x.send();
  }

  // labelTables names each cell by its column for the phone layout, as
  // imscope.js does for the tables the server draws.
  function labelTables() {
    document.querySelectorAll("#imports table, #runs table, #catalog table").forEach(function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); });
      table.classList.add("cards-on-phone");
      table.querySelectorAll("tbody tr").forEach(function (tr) {
        Array.prototype.forEach.call(tr.children, function (td, i) { if (heads[i] && !td.hasAttribute("data-label")) { td.setAttribute("data-label", heads[i]); } });
      });
    });
  }

  // setupCopy offers the copy button of the catalog's YAML: the clipboard
  // API where the page may use it (HTTPS, localhost), else the selection
  // and the older copy command.
  function setupCopy() {
    var b = $("copy-yaml");
    if (!b) { return; }
    var label = b.textContent;
    show(b, true);
    b.addEventListener("click", function () {
      var pre = $(b.getAttribute("data-copy"));
      if (!pre) { return; }
      var done = function () {
        b.textContent = b.getAttribute("data-copied") || label;
        setTimeout(function () { b.textContent = label; }, 1500);
      };
      var fallback = function () {
        var range = document.createRange();
        range.selectNodeContents(pre);
        var sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
        try { if (document.execCommand("copy")) { done(); } } catch (e) { /* the text stays selected to copy by hand */ }
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(pre.textContent).then(done, fallback);
      } else {
        fallback();
      }
    });
  }

  function setupUpload() {
    form = $("import-form");
    if (!form) { return; }
    fileInput = $("import-file");
    chosen = $("import-chosen");
    drop = $("import-drop");
    show(form, true);
    var kind = $("import-kind"), hint = $("import-hint");
    var showHint = function () {
      var opt = kind.options[kind.selectedIndex];
      setText(hint, opt ? opt.getAttribute("data-hint") : "");
    };
    kind.addEventListener("change", showHint);
    showHint();
    fileInput.addEventListener("change", function () { choose(fileInput.files && fileInput.files[0]); });
    ["dragenter", "dragover"].forEach(function (type) {
      drop.addEventListener(type, function (e) {
        e.preventDefault();
        if (e.dataTransfer) { e.dataTransfer.dropEffect = "copy"; }
        drop.classList.add("over");
      });
    });
    ["dragleave", "dragend"].forEach(function (type) {
      drop.addEventListener(type, function () { drop.classList.remove("over"); });
    });
    drop.addEventListener("drop", function (e) {
      e.preventDefault();
      drop.classList.remove("over");
      var files = e.dataTransfer && e.dataTransfer.files;
      if (files && files.length > 0) { choose(files[0]); }
    });
    // A file dropped beside the zone would replace the page with the file.
    window.addEventListener("dragover", function (e) { e.preventDefault(); });
    window.addEventListener("drop", function (e) { e.preventDefault(); });
    form.addEventListener("submit", start);
  }

  function init() {
    loadTexts();
    setupUpload();
    setupCopy();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
