
// aspm findings table: sorts, filters and searches the findings of the
// data block, and draws only the rows in view. Text goes into the page
// with textContent only.
(function () {
  "use strict";
  var src = document.getElementById("aspm-data");
  if (!src) { return; }
  var D = JSON.parse(src.textContent);
  var rows = D.rows;
  var C = {};
  D.cols.forEach(function (name, i) { C[name] = i; });
  var $ = function (id) { return document.getElementById(id); };
  var wrap = $("table-wrap"), tbody = document.querySelector("#findings tbody");
  var count = $("count"), search = $("q"), detail = $("detail");
  var RH = 30, OVERSCAN = 12;
  var sevOn = D.sev.map(function () { return true; });
  var filters = { kind: -1, status: -1, state: -1, tool: -1 };
  var sortKey = "", sortDir = 1, terms = [], view = [], hay = null, selected = -1;

  function fill(id, names, col) {
    var sel = $(id);
    var used = {};
    rows.forEach(function (r) { used[r[col]] = true; });
    names.forEach(function (name, i) {
      if (!used[i]) { return; }
      var o = document.createElement("option");
      o.value = String(i);
      o.textContent = name === "" ? "(none)" : name;
      sel.appendChild(o);
    });
    sel.addEventListener("change", function () {
      filters[id.slice(2)] = sel.value === "" ? -1 : Number(sel.value);
      update();
    });
  }
  fill("f-kind", D.kinds, C.kind);
  fill("f-status", D.statuses, C.status);
  fill("f-state", D.states, C.state);
  fill("f-tool", D.tools, C.tool);

  document.querySelectorAll(".chip[data-sev]").forEach(function (b) {
    var i = D.sev.indexOf(b.getAttribute("data-sev"));
    b.addEventListener("click", function () {
      var on = b.getAttribute("aria-pressed") !== "true";
      b.setAttribute("aria-pressed", on ? "true" : "false");
      if (i >= 0) { sevOn[i] = on; }
      update();
    });
  });

  var timer = 0;
  search.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      terms = search.value.toLowerCase().split(/\s+/).filter(Boolean);
      update();
    }, 120);
  });

  function haystack(i) {
    if (!hay) { hay = new Array(rows.length); }
    var h = hay[i];
    if (h === undefined) {
      var r = rows[i];
      h = [r[C.id], r[C.title], r[C.rule], r[C.location], r[C.assets], D.tools[r[C.tool]], D.kinds[r[C.kind]],
        r[C.package], r[C.vulnerability_ids], r[C.cwes], r[C.priority]].join("\n").toLowerCase();
      hay[i] = h;
    }
    return h;
  }

  function keep(i) {
    var r = rows[i];
    if (!sevOn[r[C.severity]]) { return false; }
    if (filters.kind >= 0 && r[C.kind] !== filters.kind) { return false; }
    if (filters.status >= 0 && r[C.status] !== filters.status) { return false; }
    if (filters.state >= 0 && r[C.state] !== filters.state) { return false; }
    if (filters.tool >= 0 && r[C.tool] !== filters.tool) { return false; }
    if (terms.length) {
      var h = haystack(i);
      for (var t = 0; t < terms.length; t++) {
        if (h.indexOf(terms[t]) < 0) { return false; }
      }
    }
    return true;
  }

  function text(v) { return v === null || v === undefined ? "" : String(v); }
  function cmpNum(a, b) { return a < b ? -1 : a > b ? 1 : 0; }
  var collator = new Intl.Collator("en", { sensitivity: "base", numeric: true });
  // Sort keys: [value of a row, numeric?]. Missing numbers sort last.
  var keys = {
    severity: function (r) { return r[C.severity]; },
    score: function (r) { return r[C.score] === null ? -1 : -r[C.score]; },
    priority: function (r) { return r[C.priority] === "" ? "~" : r[C.priority]; },
    title: function (r) { return r[C.title]; },
    kind: function (r) { return D.kinds[r[C.kind]]; },
    tool: function (r) { return D.tools[r[C.tool]]; },
    status: function (r) { return r[C.status]; },
    age: function (r) { return -r[C.age_days]; },
    location: function (r) { return r[C.location]; },
    assets: function (r) { return r[C.assets]; }
  };

  function sortView() {
    if (!sortKey) { return; }
    var key = keys[sortKey], dir = sortDir;
    var vals = new Array(rows.length);
    view.forEach(function (i) { vals[i] = key(rows[i]); });
    var numeric = typeof vals[view[0]] === "number";
    view.sort(function (a, b) {
      var c = numeric ? cmpNum(vals[a], vals[b]) : collator.compare(vals[a], vals[b]);
      return c !== 0 ? c * dir : a - b;
    });
  }

  function update() {
    view = [];
    for (var i = 0; i < rows.length; i++) {
      if (keep(i)) { view.push(i); }
    }
    sortView();
    count.textContent = view.length === rows.length ? rows.length + " findings" : view.length + " of " + rows.length + " findings";
    wrap.scrollTop = 0;
    draw();
  }

  function cell(tr, value, title) {
    var td = document.createElement("td");
    td.textContent = value;
    if (title) { td.title = title; }
    tr.appendChild(td);
    return td;
  }

  function pad(h) {
    var tr = document.createElement("tr");
    tr.className = "pad";
    var td = document.createElement("td");
    td.colSpan = 10;
    td.style.height = h + "px";
    tr.appendChild(td);
    return tr;
  }

  function age(d) { return d < 0 ? "" : d + " d"; }

  function rowEl(i) {
    var r = rows[i];
    var tr = document.createElement("tr");
    tr.className = "r" + (r[C.status] !== 0 ? " closed" : "") + (i === selected ? " sel" : "");
    tr.tabIndex = 0;
    tr.dataset.row = String(i);
    var sev = D.sev[r[C.severity]];
    var td = document.createElement("td");
    var badge = document.createElement("span");
    badge.className = "sev sev-" + (r[C.severity] < 6 ? sev : "unknown");
    badge.textContent = sev;
    td.appendChild(badge);
    tr.appendChild(td);
    cell(tr, text(r[C.score]) + (r[C.kev] ? " KEV" : ""));
    cell(tr, r[C.priority]);
    cell(tr, r[C.title], r[C.title]);
    cell(tr, D.kinds[r[C.kind]]);
    cell(tr, D.tools[r[C.tool]], D.tools[r[C.tool]]);
    var st = D.statuses[r[C.status]];
    if (D.states[r[C.state]]) { st += " · " + D.states[r[C.state]]; }
    if (r[C.sla] === 3) { st += " · SLA!"; }
    cell(tr, st, D.sla[r[C.sla]] ? "SLA " + D.sla[r[C.sla]] + " (" + r[C.sla_due] + ")" : "");
    cell(tr, age(r[C.age_days]));
    cell(tr, r[C.location], r[C.location]);
    cell(tr, r[C.assets], r[C.assets]);
    return tr;
  }

  var drawn = "";
  function draw() {
    var top = wrap.scrollTop, h = Math.max(wrap.clientHeight, window.innerHeight || 0, 600);
    var first = Math.max(0, Math.floor(top / RH) - OVERSCAN);
    var last = Math.min(view.length, Math.ceil((top + h) / RH) + OVERSCAN);
    var sig = first + ":" + last + ":" + view.length + ":" + selected;
    if (sig === drawn && tbody.firstChild) { return; }
    drawn = sig;
    var frag = document.createDocumentFragment();
    frag.appendChild(pad(first * RH));
    for (var k = first; k < last; k++) { frag.appendChild(rowEl(view[k])); }
    frag.appendChild(pad((view.length - last) * RH));
    if (!view.length) {
      var tr = document.createElement("tr");
      tr.className = "none";
      cell(tr, rows.length ? "No finding matches the filters." : "No findings.").colSpan = 10;
      frag.appendChild(tr);
    }
    tbody.replaceChildren(frag);
  }

  var pending = false;
  wrap.addEventListener("scroll", function () {
    if (pending) { return; }
    pending = true;
    requestAnimationFrame(function () { pending = false; draw(); });
  });

  document.querySelectorAll("#findings thead button[data-sort]").forEach(function (b) {
    b.addEventListener("click", function () {
      var k = b.getAttribute("data-sort");
      sortDir = sortKey === k ? -sortDir : 1;
      sortKey = k;
      document.querySelectorAll("#findings thead th").forEach(function (th) { th.setAttribute("aria-sort", "none"); });
      b.parentNode.setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending");
      if (!view.length) { return; }
      sortView();
      drawn = "";
      draw();
    });
  });

  function showDetail(i) {
    var r = rows[i];
    selected = i;
    drawn = "";
    draw();
    detail.replaceChildren();
    var h = document.createElement("h3");
    h.textContent = r[C.title];
    detail.appendChild(h);
    var dl = document.createElement("dl");
    var sla = D.sla[r[C.sla]] ? D.sla[r[C.sla]] + " (due " + r[C.sla_due] + ")" : "";
    [["ID", r[C.id]], ["Rule", r[C.rule]], ["Severity", D.sev[r[C.severity]]],
      ["Risk score", text(r[C.score])], ["Priority", r[C.priority]], ["Known exploited", r[C.kev] ? "yes (KEV)" : ""],
      ["Why", r[C.explanation]], ["Status", D.statuses[r[C.status]]], ["Lifecycle", D.states[r[C.state]]],
      ["Age", age(r[C.age_days])], ["SLA", sla], ["Kind", D.kinds[r[C.kind]]], ["Tool", D.tools[r[C.tool]]],
      ["Location", r[C.location]], ["Assets", r[C.assets]], ["Package", r[C.package]],
      ["Vulnerabilities", r[C.vulnerability_ids]], ["CWEs", r[C.cwes]], ["Triage", r[C.triage]],
      ["Description", r[C.description]], ["References", r[C.references]]
    ].forEach(function (p) {
      if (!p[1]) { return; }
      var dt = document.createElement("dt"), dd = document.createElement("dd");
      dt.textContent = p[0];
      dd.textContent = p[1];
      dl.appendChild(dt);
      dl.appendChild(dd);
    });
    detail.appendChild(dl);
    detail.hidden = false;
  }

  tbody.addEventListener("click", function (e) {
    var tr = e.target.closest("tr.r");
    if (tr) { showDetail(Number(tr.dataset.row)); }
  });
  tbody.addEventListener("keydown", function (e) {
    var tr = e.target.closest("tr.r");
    if (tr && e.key === "Enter") { showDetail(Number(tr.dataset.row)); }
  });

  update();
  document.documentElement.setAttribute("data-ready", "1");
})();
