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
.card b { display: block; font-size: 1.6rem; }
.banner { background: #ffebe9; border: 1px solid var(--bad); color: var(--bad); font-weight: 600; padding: .6rem 1rem; border-radius: 6px; }
.bad { color: var(--bad); font-size: .9rem; } .deferred { color: var(--warn); font-weight: 600; } .sev.critical { color: var(--bad); font-weight: 600; } .sev.important { color: var(--warn); } .risk { color: var(--warn); } .local { color: var(--muted, #666); }
.job.isolate, .job.notify { color: var(--bad); font-weight: 600; } pre { background: #f6f8fa; padding: .6rem; overflow-x: auto; }
@media (max-width: 600px) { table { display: block; overflow-x: auto; } } input[type=search] { font-size: 1rem; padding: .4rem .6rem; width: 22rem; max-width: 100%; }
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
    out.innerHTML = q ? "<p class=muted id=count>" + rows.length + (rows.length === 1 ? " host matches" : " hosts match") + "</p><table><tr><th>host</th><th>owner</th><th>status</th><th>period</th><th class=num>open updates</th></tr>" +
      rows.slice(page * PAGE, page * PAGE + PAGE).map(function (r) { return "<tr><td><a href='host.html?h=" + encodeURIComponent(r[0]) + "'>" + esc(r[0]) + "</a></td><td>" + esc(r[1]) + "</td><td class='status " + esc(r[2]) + "'>" + esc(r[2]) + "</td><td>" + esc(r[3]) + "</td><td class=num>" + esc(r[4]) + "</td></tr>"; }).join("") + "</table>" : "";
    pager.innerHTML = rows.length > PAGE ? "<button id=prev>previous</button><button id=next>next</button> page " + (page + 1) + " of " + pages : "";
    if (rows.length > PAGE) { document.getElementById("prev").onclick = function () { if (page > 0) { page--; render(); } }; document.getElementById("next").onclick = function () { if (page < pages - 1) { page++; render(); } }; }
  }
  box.addEventListener("input", function () { page = 0; render(); });
  if (param("q")) { box.value = param("q"); }
  render();
}
// What a job does, in words an owner reads: an isolate job is no "immediate install".
var JOB_LABEL = { install: "install", synthetic: "synthetic test (inert)", healthcheck: "agent health check", isolate: "isolate: network port disabled until patched", notify: "notify the owner (past the deadline)" };
function jobWhat(j) { return j.type === "install" || j.type === "synthetic" ? j.updates.map(esc).join(", ") : esc(j.updates.length ? j.updates.join(", ") : ""); }
function jobEnforcement(j) { return j.type === "install" || j.type === "synthetic" ? (j.enforcement.forceInstall ? "forced at the deadline" : "not forced (owner restarts)") : "—"; }
// A time in UTC and, when the host's timetable zone is known, in that zone as its owner reads it.
function localTime(iso, zone) {
  try {
    return new Date(iso).toLocaleString("en-GB", { timeZone: zone, weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
  } catch (e) { return ""; }
}
function when(iso, zone) {
  var local = zone ? localTime(iso, zone) : "";
  return esc(iso) + (local ? " <span class=local>(" + esc(local) + ")</span>" : "");
}
// An exempt or deferred update names the exemption that accepted its risk, until when, under which ticket.
function acceptedBy(h, u) {
  var all = window.patchopsExemptions || {}, names = h.exemptions || [], U = u.toUpperCase();
  for (var i = 0; i < names.length; i++) {
    var e = Object.prototype.hasOwnProperty.call(all, names[i]) ? all[names[i]] : null;
    if (e && (e.updates.indexOf("*") >= 0 || e.updates.indexOf(U) >= 0)) return e;
  }
  return null;
}
function stateText(h, u) {
  var s = h.updates[u], e = (s === "exempt" || s === "deferred") ? acceptedBy(h, u) : null;
  return esc(s) + (e ? " <span class=risk>risk accepted until " + esc(e.expires) + " (" + esc(e.ticket) + ")</span>" : "");
}
function exemptionText(name) {
  var all = window.patchopsExemptions || {}, e = Object.prototype.hasOwnProperty.call(all, name) ? all[name] : null;
  if (!e) return esc(name);
  return esc(name) + ": " + (e.type === "defer" ? "deferred, not deployed" : "never forced, still due by the deadline") + "; risk accepted until " + esc(e.expires) + " (" + esc(e.ticket) + ")";
}
// The host line's counts per state; a compact plan's line lists only the ids not installed, superseded or not-applicable.
function stateCounts(h) {
  var c = h.counts || {}, states = Object.keys(c), total = 0;
  states.forEach(function (s) { total += c[s]; });
  if (!states.length) return "";
  var left = total - Object.keys(h.updates).length;
  return "<p id=state-counts>" + states.map(function (s) { return esc(s) + " <b>" + esc(c[s]) + "</b>"; }).join(" · ") + "</p>" +
    (left > 0 ? "<p class=muted id=compact-note>" + esc(left) + " installed, superseded or not-applicable update" + (left === 1 ? " is" : "s are") + " counted, not listed (a compact plan; <code>plan --detail full</code> lists them)</p>" : "");
}
// A full plan's line lists the installed ids nobody approved; a compact one counts them, and explain lists them.
function aboveBaseline(h, name) {
  var head = "<p id=above-baseline><b>Above baseline</b> (nobody approved these): ";
  if (h.aboveBaseline && h.aboveBaseline.length) return head + h.aboveBaseline.map(esc).join(", ") + "</p>";
  var n = h.aboveBaselineCount || 0;
  if (!n) return "";
  return head + "<span id=above-count>" + esc(n) + "</span> installed update" + (n === 1 ? "" : "s") + " (a compact plan counts them; <code>patchops explain --host " + esc(name) + " --inventory &lt;the scanned inventory&gt;</code> lists them)</p>";
}
function hostPage() {
  var name = param("h"), entry = window.patchopsIndex.find(function (r) { return r[0] === name; }), el = document.getElementById("host");
  if (!entry) { el.innerHTML = "<p>No host named " + esc(name) + " in this plan.</p>"; return; }
  load("data/hosts-" + Number(entry[5]) + ".js").then(function () {
    var h = window.patchopsHosts[name], jobs = (window.patchopsJobs[name] || []), openStates = window.patchopsOpenStates;
    var open = Object.keys(h.updates).filter(function (u) { return openStates.indexOf(h.updates[u]) >= 0; });
    document.title = name + " — patch status";
    var deadlines = jobs.map(function (j) { return j.deadline; }).sort();
    var zone = (window.patchopsZones && window.patchopsZones[name]) || null;
    var os = h.os ? esc(h.os.name || h.os.family) + " <span class=muted>build</span> <b id=os-build>" + esc(h.os.version) + "</b>" : "<span class=muted>not scanned</span>";
    el.innerHTML = "<h2>" + esc(name) + " <span class='status " + esc(h.status) + "'>" + esc(h.status) + "</span></h2>" +
      "<p>owner <b>" + esc(h.owner || "none") + "</b> · period <b>" + esc(h.period || "none") + "</b>" + (h.cluster ? " · cluster <b>" + esc(h.cluster) + "</b>" : "") + (h.role ? " · role <b>" + esc(h.role) + "</b>" : "") + " · last scan <b>" + esc(h.scannedAt || "never") + "</b>" + (h.estimated ? " · <b>estimated</b>: no agent scan; matched from advisory text" : "") + "</p>" +
      "<p id=os>OS " + os + "</p>" +
      "<p id=next-deadline>next deadline <b>" + (deadlines.length ? when(deadlines[0], zone) : "none: nothing planned") + "</b>" + (zone ? " <span class=muted>· time zone " + esc(zone) + "</span>" : " <span class=muted>· times in UTC</span>") + "</p>" +
      (h.notes ? "<p class=muted>" + h.notes.map(esc).join("<br>") + "</p>" : "") +
      (h.belowBaseline ? "<p id=below-baseline><b>Below baseline</b>: " + h.belowBaseline.map(function (b) { return esc(b.reason) + " (" + esc(b.file) + (b.line ? ":" + esc(b.line) : "") + ")"; }).join("; ") + "</p>" : "") +
      (h.failures ? "<p id=failures><b>Last job failed</b>: " + Object.keys(h.failures).map(function (u) { var f = h.failures[u]; return esc(u) + " (" + esc(f.code || "no code") + " at " + esc(f.at) + ", " + esc(f.attempts) + " attempt" + (f.attempts === 1 ? "" : "s") + ")"; }).join("; ") + "</p>" : "") +
      aboveBaseline(h, name) +
      "<h3>Open updates (<span id=open-count>" + open.length + "</span>)</h3>" + (open.length ? "<table><tr><th>update</th><th>state</th></tr>" + open.map(function (u) { return "<tr><td><a href='update.html?u=" + encodeURIComponent(u) + "'>" + esc(u) + "</a></td><td>" + stateText(h, u) + (h.blockedBy && h.blockedBy[u] ? " (needs " + h.blockedBy[u].map(esc).join(", ") + ")" : "") + "</td></tr>"; }).join("") + "</table>" : "<p>Nothing to install.</p>") +
      "<h3>Next windows</h3>" + (jobs.length ? "<table id=jobs><tr><th>window</th><th>deadline</th><th>job</th><th>timeline</th><th>updates</th><th>enforcement</th></tr>" + jobs.map(function (j) { return "<tr><td>" + when(j.window.start, zone) + " – " + when(j.window.end, zone) + "</td><td>" + when(j.deadline, zone) + "</td><td class='job " + esc(j.type) + "'>" + esc(JOB_LABEL[j.type] || j.type) + "</td><td>" + esc(j.timeline) + "</td><td>" + jobWhat(j) + "</td><td>" + jobEnforcement(j) + "</td></tr>"; }).join("") + "</table><p class=muted>You may install early: anything installed before the window is simply reported done.</p>" : "<p>No job planned.</p>") +
      "<h3>Exemptions</h3>" + (h.exemptions ? "<ul id=exemptions>" + h.exemptions.map(function (n) { return "<li>" + exemptionText(n) + "</li>"; }).join("") + "</ul>" : "<p>none</p>") +
      "<h3>Why</h3><p>The decision trail for this host, with the file and line of every rule that decided it:</p><pre id=explain><code>patchops explain --host " + esc(name) + " --inventory &lt;the scanned inventory&gt; --now " + esc(document.body.dataset.now || "") + "</code></pre>" +
      "<h3>All updates</h3>" + stateCounts(h) + "<table><tr><th>update</th><th>state</th></tr>" + Object.keys(h.updates).map(function (u) { return "<tr><td>" + esc(u) + "</td><td>" + stateText(h, u) + "</td></tr>"; }).join("") + "</table>";
  }).catch(function (e) { el.textContent = e.message; });
}
function updatePage() {
  var id = param("u"), u = Object.prototype.hasOwnProperty.call(window.patchopsUpdates, id) ? window.patchopsUpdates[id] : null, el = document.getElementById("update");
  if (!u) { el.innerHTML = "<p>No update " + esc(id) + " in this plan.</p>"; return; }
  el.innerHTML = "<h2>" + esc(id) + "</h2><p id=title>" + esc(u.title) + "</p>" +
    "<table id=facts><tr><th>severity</th><td>" + esc(u.severity || "—") + "</td></tr><tr><th>classification</th><td>" + esc(u.classification || "—") + "</td></tr><tr><th>released</th><td>" + esc(u.released || "—") + "</td></tr>" +
    "<tr><th>decision</th><td>" + esc(u.decision) + (u.decidedBy ? " by " + esc(u.decidedBy) : "") + "</td></tr><tr><th>timeline</th><td>" + esc(u.timeline) + "</td></tr><tr><th>approved</th><td>" + esc(u.approvedAt || "—") + "</td></tr>" +
    (u.cves && u.cves.length ? "<tr><th>CVEs</th><td>" + u.cves.map(esc).join(", ") + "</td></tr>" : "") + "</table>" +
    (u.pilotOverride ? "<p class=override id=pilot-override>" + esc(u.pilotOverride) + "</p>" : "") +
    (u.fullyDeferred ? "<p class=deferred id=deferred>Deferred on every host it applies to (risk accepted by exemption): not deployed, not counted as 0 %.</p>" : "") +
    "<table><tr><th>state</th><th class=num>hosts</th></tr>" + Object.keys(u.states).map(function (s) { return "<tr><td>" + esc(s) + "</td><td class=num>" + esc(u.states[s]) + "</td></tr>"; }).join("") + "</table>" +
    (u.open.length ? "<h3>Hosts still open</h3><p>" + u.open.map(function (n) { return "<a href='host.html?h=" + encodeURIComponent(n) + "'>" + esc(n) + "</a>"; }).join(", ") + (u.moreOpen ? " …and " + esc(u.moreOpen) + " more" : "") + "</p>" : "");
}
`;
