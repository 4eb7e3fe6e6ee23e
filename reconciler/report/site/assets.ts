// The status site's static assets: one stylesheet and one script, no build step, works from file:// and GitHub Pages.

export const STYLE = `
:root { --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --muted: #57606a; --line: #d0d7de; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
body { margin: 0 auto; max-width: 1100px; padding: 1rem 1.5rem 3rem; color: #1f2328; }
header { display: flex; align-items: baseline; gap: 1rem; border-bottom: 1px solid var(--line); margin-bottom: 1rem; }
header h1 { font-size: 1.4rem; margin: .5rem 0; } header a { color: inherit; text-decoration: none; }
.muted { color: var(--muted); } table { border-collapse: collapse; width: 100%; margin: .5rem 0 1.5rem; font-size: .92rem; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); } th { background: #f6f8fa; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.status { font-weight: 600; } .compliant { color: var(--ok); } .noncompliant { color: var(--bad); } .stale, .unscanned, .unmanaged { color: var(--warn); }
.cards { display: flex; gap: 1rem; flex-wrap: wrap; margin: 1rem 0; } .card { border: 1px solid var(--line); border-radius: 6px; padding: .6rem 1rem; min-width: 8rem; }
.card b { display: block; font-size: 1.6rem; } input[type=search] { font-size: 1rem; padding: .4rem .6rem; width: 22rem; max-width: 100%; }
.pager button { margin-right: .5rem; } figure.chart { display: inline-block; margin: 0 1rem 1rem 0; } figure.chart svg { width: 480px; height: 160px; border: 1px solid var(--line); border-radius: 6px; }
svg .line { fill: none; stroke: #0969da; stroke-width: 2; } svg .axis { stroke: #8c959f; } svg .mark { stroke: #8c959f; stroke-dasharray: 4 3; } svg text { font-size: 10px; fill: var(--muted); } svg circle { fill: #0969da; }
`;

export const SCRIPT = `
"use strict";
// Data files are scripts (not fetched JSON) so the site also works when opened from disk.
function esc(s) { return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]; }); }
function load(src) { return new Promise(function (ok, fail) { var s = document.createElement("script"); s.src = src; s.onload = ok; s.onerror = function () { fail(new Error("cannot load " + src)); }; document.head.appendChild(s); }); }
function param(name) { return new URLSearchParams(location.search).get(name) || ""; }
var PAGE = 50;
function search() {
  var box = document.getElementById("q"), out = document.getElementById("results"), pager = document.getElementById("pager");
  var page = 0;
  function render() {
    var q = box.value.trim().toLowerCase();
    var rows = q ? window.patchopsIndex.filter(function (r) { return r[0].toLowerCase().indexOf(q) >= 0 || String(r[1]).toLowerCase().indexOf(q) >= 0; }) : [];
    var pages = Math.max(1, Math.ceil(rows.length / PAGE)); if (page >= pages) page = pages - 1;
    out.innerHTML = q ? "<p class=muted id=count>" + rows.length + " hosts match</p><table><tr><th>host</th><th>owner</th><th>status</th><th>period</th><th class=num>open updates</th></tr>" +
      rows.slice(page * PAGE, page * PAGE + PAGE).map(function (r) { return "<tr><td><a href='host.html?h=" + encodeURIComponent(r[0]) + "'>" + esc(r[0]) + "</a></td><td>" + esc(r[1]) + "</td><td class='status " + r[2] + "'>" + r[2] + "</td><td>" + esc(r[3]) + "</td><td class=num>" + r[4] + "</td></tr>"; }).join("") + "</table>" : "";
    pager.innerHTML = rows.length > PAGE ? "<button id=prev>previous</button><button id=next>next</button> page " + (page + 1) + " of " + pages : "";
    if (rows.length > PAGE) { document.getElementById("prev").onclick = function () { if (page > 0) { page--; render(); } }; document.getElementById("next").onclick = function () { if (page < pages - 1) { page++; render(); } }; }
  }
  box.addEventListener("input", function () { page = 0; render(); });
  if (param("q")) { box.value = param("q"); }
  render();
}
function hostPage() {
  var name = param("h"), entry = window.patchopsIndex.find(function (r) { return r[0] === name; }), el = document.getElementById("host");
  if (!entry) { el.innerHTML = "<p>No host named " + esc(name) + " in this plan.</p>"; return; }
  load("data/hosts-" + entry[5] + ".js").then(function () {
    var h = window.patchopsHosts[name], jobs = (window.patchopsJobs[name] || []);
    var open = Object.keys(h.updates).filter(function (u) { return ["missing", "overdue", "blocked", "pending-reboot", "exempt"].indexOf(h.updates[u]) >= 0; });
    document.title = name + " — patch status";
    el.innerHTML = "<h2>" + esc(name) + " <span class='status " + h.status + "'>" + h.status + "</span></h2>" +
      "<p>owner <b>" + esc(h.owner || "none") + "</b> · period <b>" + esc(h.period || "none") + "</b>" + (h.cluster ? " · cluster <b>" + esc(h.cluster) + "</b>" : "") + " · last scan <b>" + esc(h.scannedAt || "never") + "</b></p>" +
      (h.notes ? "<p class=muted>" + h.notes.map(esc).join("<br>") + "</p>" : "") +
      (h.belowBaseline ? "<p id=below-baseline><b>Below baseline</b>: " + h.belowBaseline.map(function (b) { return esc(b.reason) + " (" + esc(b.file) + (b.line ? ":" + b.line : "") + ")"; }).join("; ") + "</p>" : "") +
      (h.aboveBaseline.length ? "<p id=above-baseline><b>Above baseline</b> (nobody approved these): " + h.aboveBaseline.map(esc).join(", ") + "</p>" : "") +
      "<h3>Open updates (<span id=open-count>" + open.length + "</span>)</h3>" + (open.length ? "<table><tr><th>update</th><th>state</th></tr>" + open.map(function (u) { return "<tr><td><a href='update.html?u=" + encodeURIComponent(u) + "'>" + esc(u) + "</a></td><td>" + h.updates[u] + (h.blockedBy && h.blockedBy[u] ? " (needs " + h.blockedBy[u].map(esc).join(", ") + ")" : "") + "</td></tr>"; }).join("") + "</table>" : "<p>Nothing to install.</p>") +
      "<h3>Next windows</h3>" + (jobs.length ? "<table><tr><th>window (UTC)</th><th>timeline</th><th>updates</th><th>enforcement</th></tr>" + jobs.map(function (j) { return "<tr><td>" + esc(j.window.start) + " – " + esc(j.window.end) + "</td><td>" + esc(j.timeline) + "</td><td>" + j.updates.map(esc).join(", ") + "</td><td>" + (j.enforcement.forceInstall ? "forced at the deadline" : "not forced") + "</td></tr>"; }).join("") + "</table><p class=muted>You may install early: anything installed before the window is simply reported done.</p>" : "<p>No job planned.</p>") +
      "<h3>Exemptions</h3><p>" + (h.exemptions ? h.exemptions.map(esc).join(", ") : "none") + "</p>" +
      "<h3>All updates</h3><table><tr><th>update</th><th>state</th></tr>" + Object.keys(h.updates).map(function (u) { return "<tr><td>" + esc(u) + "</td><td>" + h.updates[u] + "</td></tr>"; }).join("") + "</table>";
  }).catch(function (e) { el.textContent = e.message; });
}
function updatePage() {
  var id = param("u"), u = window.patchopsUpdates[id], el = document.getElementById("update");
  if (!u) { el.innerHTML = "<p>No update " + esc(id) + " in this plan.</p>"; return; }
  el.innerHTML = "<h2>" + esc(id) + "</h2><p>" + esc(u.title) + "</p><p>decision <b>" + esc(u.decision) + "</b>" + (u.decidedBy ? " by " + esc(u.decidedBy) : "") + " · timeline <b>" + esc(u.timeline) + "</b> · approved " + esc(u.approvedAt || "—") + "</p>" +
    "<table><tr><th>state</th><th class=num>hosts</th></tr>" + Object.keys(u.states).map(function (s) { return "<tr><td>" + s + "</td><td class=num>" + u.states[s] + "</td></tr>"; }).join("") + "</table>" +
    (u.open.length ? "<h3>Hosts still open</h3><p>" + u.open.map(function (n) { return "<a href='host.html?h=" + encodeURIComponent(n) + "'>" + esc(n) + "</a>"; }).join(", ") + (u.moreOpen ? " …and " + u.moreOpen + " more" : "") + "</p>" : "");
}
`;
