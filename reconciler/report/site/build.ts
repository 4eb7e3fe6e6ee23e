// The self-serve status site: static files, an index with search and paging, a page per host and per update.
import { pushTo } from "../../multimap.js";
import type { HostResult, Job, Plan } from "../../model/plan.js";
import type { Compliance } from "../compliance.js";
import type { Metrics } from "../metrics.js";
import { lineChart } from "../svg.js";
import { SCRIPT, STYLE } from "./assets.js";
import { compareText } from "../../order.js";

const BUCKET = 500;
const OPEN: ReadonlySet<string> = new Set(["missing", "overdue", "blocked", "pending-reboot", "exempt"]);

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Data as a script assigning a global: loadable from file:// where fetch() is refused. */
function dataScript(assign: string, value: unknown): string {
  return `${assign} = ${JSON.stringify(value).replace(/</g, "\\u003c")};\n`;
}

function page(title: string, body: string, scripts: string[], onload: string, plan: Plan): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><link rel="stylesheet" href="style.css"></head>
<body><header><h1><a href="index.html">patchops status</a></h1><span class="muted">plan of ${esc(plan.now)}${plan.approvalVerification === "off" ? " · CAB verification OFF" : ""} · refreshed by every reconcile</span></header>
${body}
${scripts.map((s) => `<script src="${s}"></script>`).join("\n")}
<script>${onload}</script></body></html>
`;
}

function groupTable(title: string, rows: Compliance["byOwner"]): string {
  return `<h2>${esc(title)}</h2><table><tr><th>${esc(title.replace(/^By /, ""))}</th><th class=num>hosts</th><th class=num>compliant</th><th class=num>noncompliant</th><th class=num>stale</th><th class=num>unscanned</th><th class=num>unmanaged</th><th class=num>%</th></tr>${rows
    .map(
      (g) =>
        `<tr><td>${esc(g.name)}</td><td class=num>${g.hosts}</td><td class=num>${g.compliant}</td><td class=num>${g.noncompliant}</td><td class=num>${g.stale}</td><td class=num>${g.unscanned}</td><td class=num>${g.unmanaged}</td><td class=num>${g.percent ?? "—"}</td></tr>`,
    )
    .join("")}</table>`;
}

export function buildSite(
  plan: Plan,
  hosts: readonly HostResult[],
  jobs: readonly Job[],
  c: Compliance,
  m: Metrics,
  titles: ReadonlyMap<string, string>,
): Map<string, string> {
  const files = new Map<string, string>();
  const sorted = [...hosts].sort((a, b) => compareText(a.host, b.host));
  const jobsByHost = new Map<string, Job[]>();
  for (const j of jobs) pushTo(jobsByHost, j.host, j);
  const index = sorted.map((h, i) => [
    h.host,
    h.owner ?? "",
    h.status,
    h.period ?? "",
    Object.values(h.updates).filter((s) => OPEN.has(s)).length,
    Math.floor(i / BUCKET),
  ]);
  files.set("data/index.js", dataScript("window.patchopsIndex", index));
  for (let b = 0; b * BUCKET < sorted.length; b++) {
    const chunk = sorted.slice(b * BUCKET, (b + 1) * BUCKET);
    files.set(
      `data/hosts-${b}.js`,
      dataScript("window.patchopsHosts", Object.fromEntries(chunk.map((h) => [h.host, h]))) +
        dataScript("window.patchopsJobs", Object.fromEntries(chunk.map((h) => [h.host, jobsByHost.get(h.host) ?? []]))),
    );
  }
  const openHosts = new Map<string, string[]>();
  for (const h of sorted)
    for (const [id, s] of Object.entries(h.updates)) if (OPEN.has(s)) pushTo(openHosts, id, h.host);
  const updates = Object.fromEntries(
    Object.entries(plan.summary.updates).map(([id, u]) => {
      const open = openHosts.get(id) ?? [];
      return [
        id,
        { ...u, title: titles.get(id) ?? "", open: open.slice(0, 200), moreOpen: Math.max(0, open.length - 200) },
      ];
    }),
  );
  files.set("data/updates.js", dataScript("window.patchopsUpdates", updates));
  files.set("style.css", STYLE);
  files.set("app.js", SCRIPT);

  const f = c.fleet;
  const cards = `<div class=cards>${[
    ["hosts", f.hosts],
    ["compliant", f.compliant],
    ["noncompliant", f.noncompliant],
    ["stale", f.stale],
    ["unscanned", f.unscanned],
    ["unmanaged", f.unmanaged],
    ["below-baseline", f.belowBaseline],
    ["above-baseline", f.aboveBaseline],
  ]
    .map(([k, v]) => `<div class="card ${k}" id="card-${k}"><b>${v}</b>${k}</div>`)
    .join("")}<div class=card id=card-percent><b>${f.percent ?? "—"}%</b>compliant</div></div>`;
  const byUpdate = `<h2>Compliance by update</h2><table><tr><th>update</th><th>timeline</th><th class=num>installed</th><th class=num>missing</th><th class=num>not applicable</th><th class=num>exempt</th><th class=num>%</th></tr>${c.byUpdate
    .map(
      (u) =>
        `<tr><td><a href="update.html?u=${encodeURIComponent(u.id)}">${esc(u.id)}</a></td><td>${u.timeline}</td><td class=num>${u.installed}</td><td class=num>${u.missing}</td><td class=num>${u.notApplicable}</td><td class=num>${u.exempt}</td><td class=num>${u.percent ?? "—"}</td></tr>`,
    )
    .join("")}</table>`;
  const windows = `<h2>Next windows</h2><table><tr><th>window (UTC)</th><th>timeline</th><th class=num>hosts</th><th>updates</th></tr>${c.byWindow
    .slice(0, 30)
    .map(
      (w) =>
        `<tr><td>${esc(w.window)}</td><td>${w.timeline}</td><td class=num>${w.hosts}</td><td>${w.updates.map(esc).join(", ")}</td></tr>`,
    )
    .join("")}</table>`;
  const metricsRows = m.updates
    .map(
      (u) =>
        `<tr><td>${esc(u.id)}</td><td>${u.timeline}</td><td class=num>${u.hoursTo60 ?? "—"}</td><td class=num>${u.hoursTo80 ?? "—"}</td><td class=num>${u.hoursTo90 ?? "—"}</td><td class=num>${u.successRatio === null ? "—" : Math.round(u.successRatio * 1000) / 10}</td></tr>`,
    )
    .join("");
  const trend = lineChart(
    "Compliance trend (compliant hosts / all hosts)",
    m.trend.map((t) => ({ at: t.at, ratio: t.hosts ? t.compliant / t.hosts : 0 })),
  );
  const saturation = m.updates
    .filter((u) => u.saturation.length > 1)
    .slice(0, 6)
    .map((u) => lineChart(`Saturation of ${u.id}`, u.saturation, [0.6, 0.8, 0.9]))
    .join("");
  const metricsHtml = `<h2>Metrics <span class=muted>(${m.snapshots} snapshots)</span></h2><div class=cards><div class=card><b>${m.emergencyRatio === null ? "—" : Math.round(m.emergencyRatio * 100) + "%"}</b>emergency updates</div><div class=card><b>${m.rejectedRatio === null ? "—" : Math.round(m.rejectedRatio * 100) + "%"}</b>rejected RFCs</div><div class=card><b>${Object.entries(m.approvedPerMonth).slice(-1)[0]?.[1] ?? 0}</b>approved in ${esc(Object.keys(m.approvedPerMonth).slice(-1)[0] ?? "—")}</div></div>${trend}${saturation}<table><tr><th>update</th><th>timeline</th><th class=num>hours to 60%</th><th class=num>to 80%</th><th class=num>to 90%</th><th class=num>success %</th></tr>${metricsRows}</table>`;
  const body = `<section><h2>Find a server</h2><input type=search id=q placeholder="host or owner team" autofocus><div id=results></div><div id=pager class=pager></div></section>
<section>${cards}</section>${groupTable("By owner", c.byOwner)}${byUpdate}${windows}${groupTable("By baseline", c.byBaseline)}${metricsHtml}`;
  files.set("index.html", page("Patch status", body, ["app.js", "data/index.js"], "search();", plan));
  files.set(
    "host.html",
    page("Host status", `<div id=host>Loading…</div>`, ["app.js", "data/index.js"], "hostPage();", plan),
  );
  files.set(
    "update.html",
    page("Update status", `<div id=update>Loading…</div>`, ["app.js", "data/updates.js"], "updatePage();", plan),
  );
  return files;
}
