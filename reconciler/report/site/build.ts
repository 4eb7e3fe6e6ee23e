// The self-serve status site: static files, an index with search and paging, a page per host and per update.
import type { ExposureLine, HostResult, Job, Plan } from "../../model/plan.js";
import type { Compliance, UpdateCompliance } from "../compliance.js";
import { hostsCsv, updatesCsv } from "../csv.js";
import { escapeHtml as esc } from "../html.js";
import type { Metrics, UpdateMetrics } from "../metrics.js";
import { isOpenState, OPEN_STATES } from "../states.js";
import { lineChart } from "../svg.js";
import { bySeverity, type UpdateInfo } from "../update-info.js";
import { SCRIPT, STYLE } from "./assets.js";
import { exposureBody } from "./exposure-page.js";
import { NO_FACTS, type SiteFacts } from "./policy-facts.js";
import { patchPageData } from "./patch-pages.js";
import { pilotOverrideText } from "./pilot-override.js";
import { compareText } from "../../order.js";
import type { FileContent } from "../../output/atomic.js";

const BUCKET = 500;
const CHARTS = 6;

/** JSON that is safe inside a script element: `<`, U+2028 and U+2029 escaped. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Data as a script assigning a global: loadable from file:// where fetch() is refused. */
function dataScript(assign: string, value: unknown): string {
  return `${assign} = ${scriptJson(value)};\n`;
}

/** The same for an array, an element at a time. */
function* dataScriptRows(assign: string, rows: Iterable<unknown>): Generator<string> {
  yield `${assign} = [`;
  let first = true;
  for (const r of rows) {
    yield (first ? "" : ",") + scriptJson(r);
    first = false;
  }
  yield "];\n";
}

function page(title: string, body: string, scripts: string[], onload: string, plan: Plan): string {
  const banner =
    plan.approvalVerification === "verified"
      ? ""
      : `<p class=banner id=verification-banner>CAB approval verification was ${plan.approvalVerification === "off" ? "OFF" : "trusted-local (commit trailers, not GitHub reviews)"} for this plan: approvals shown here are not verified.</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${esc(title)}</title><link rel="stylesheet" href="style.css"></head>
<body data-now="${esc(plan.now)}"><header><h1><a href="index.html">patchops status</a></h1><span class="muted">plan of ${esc(plan.now)} · refreshed by every reconcile</span></header>
${banner}${body}
${scripts.map((s) => `<script src="${s}"></script>`).join("\n")}
<script>${onload}</script></body></html>
`;
}

function groupTable(title: string, id: string, rows: Compliance["byOwner"]): string {
  return `<h2>${esc(title)}</h2><table id=${id}><tr><th>${esc(title.replace(/^By /, ""))}</th><th class=num>hosts</th><th class=num>compliant</th><th class=num>noncompliant</th><th class=num>stale</th><th class=num>unscanned</th><th class=num>unmanaged</th><th class=num>%</th></tr>${rows
    .map(
      (g) =>
        `<tr><td>${esc(g.name)}</td><td class=num>${g.hosts}</td><td class=num>${g.compliant}</td><td class=num>${g.noncompliant}</td><td class=num>${g.stale}</td><td class=num>${g.unscanned}</td><td class=num>${g.unmanaged}</td><td class=num>${esc(g.percent ?? "—")}</td></tr>`,
    )
    .join("")}</table>`;
}

/** Under the title: a pilot a person overrode, and who, where and why. */
function overrideNote(pilot: Plan["summary"]["updates"][string]["pilot"]): string {
  const text = pilotOverrideText(pilot);
  return text === null ? "" : `<br><span class=override>${esc(text)}</span>`;
}

/** A deferred update is risk accepted, not 0 % done. */
function percentCell(u: UpdateCompliance): string {
  return u.fullyDeferred ? "<span class=deferred>deferred</span>" : esc(u.percent ?? "—");
}

function updateTable(c: Compliance, info: ReadonlyMap<string, UpdateInfo>, plan: Plan): string {
  return `<h2>Compliance by update</h2><table id=by-update><tr><th>update</th><th>title</th><th>severity</th><th>classification</th><th>released</th><th>timeline</th><th class=num>installed</th><th class=num>missing</th><th class=num>exempt</th><th class=num>deferred</th><th class=num>%</th></tr>${c.byUpdate
    .map((u) => {
      const i = info.get(u.id);
      return `<tr><td><a href="update.html?u=${encodeURIComponent(u.id)}">${esc(u.id)}</a></td><td>${esc(i?.title ?? (u.updates ? `${u.updates.length} package versions` : ""))}${overrideNote(plan.summary.updates[u.id]?.pilot)}</td><td class="sev ${esc(i?.severity ?? "")}">${esc(i?.severity ?? "—")}</td><td>${esc(i?.classification ?? "—")}</td><td>${esc(i?.released ?? "—")}</td><td>${esc(u.timeline)}</td><td class=num>${u.installed}</td><td class=num>${u.missing}</td><td class=num>${u.exempt}</td><td class=num>${u.deferred}</td><td class=num>${percentCell(u)}</td></tr>`;
    })
    .join("")}</table>`;
}

function severityTable(c: Compliance, info: ReadonlyMap<string, UpdateInfo>): string {
  return `<h2>By severity</h2><table id=by-severity><tr><th>severity</th><th class=num>approved updates</th><th class=num>installed</th><th class=num>open (host × update)</th><th class=num>deferred</th><th class=num>%</th></tr>${bySeverity(
    c.byUpdate,
    info,
  )
    .map(
      (g) =>
        `<tr><td class="sev ${esc(g.severity)}">${esc(g.severity)}</td><td class=num>${g.updates}</td><td class=num>${g.installed}</td><td class=num>${g.open}</td><td class=num>${g.deferred}</td><td class=num>${esc(g.percent ?? "—")}</td></tr>`,
    )
    .join("")}</table>`;
}

/** Charts for what matters: open emergency updates first, then the lowest saturation; never the alphabet's first few. */
export function chartedUpdates(updates: readonly UpdateMetrics[], limit = CHARTS): UpdateMetrics[] {
  const open = (u: UpdateMetrics) => (u.successRatio ?? 1) < 1;
  return updates
    .filter((u) => u.saturation.length > 1)
    .sort(
      (a, b) =>
        Number(b.timeline === "emergency" && open(b)) - Number(a.timeline === "emergency" && open(a)) ||
        (a.successRatio ?? 1) - (b.successRatio ?? 1) ||
        compareText(a.id, b.id),
    )
    .slice(0, limit);
}

function metricsSection(m: Metrics, refusedSnapshots: number): string {
  const metricsRows = m.updates
    .map(
      (u) =>
        `<tr><td>${esc(u.id)}</td><td>${esc(u.timeline)}</td><td class=num>${esc(u.hoursTo60 ?? "—")}</td><td class=num>${esc(u.hoursTo80 ?? "—")}</td><td class=num>${esc(u.hoursTo90 ?? "—")}</td><td class=num>${u.successRatio === null ? "—" : Math.round(u.successRatio * 1000) / 10}</td></tr>`,
    )
    .join("");
  const trend = lineChart(
    "Compliance trend (compliant hosts / all hosts)",
    m.trend.map((t) => ({ at: t.at, ratio: t.hosts ? t.compliant / t.hosts : 0 })),
  );
  const saturation = chartedUpdates(m.updates)
    .map((u) =>
      lineChart(
        `Saturation of ${u.id}${u.timeline === "emergency" ? " (emergency)" : ""}`,
        u.saturation,
        [0.6, 0.8, 0.9],
      ),
    )
    .join("");
  const lastMonth = Object.entries(m.approvedPerMonth).slice(-1)[0];
  const refused = refusedSnapshots
    ? ` <span class=bad id=refused-snapshots>${refusedSnapshots} refused: not valid snapshots</span>`
    : "";
  return `<h2>Metrics <span class=muted>(${m.snapshots} snapshots)</span>${refused}</h2><div class=cards><div class=card><b>${m.emergencyRatio === null ? "—" : Math.round(m.emergencyRatio * 100) + "%"}</b>emergency updates</div><div class=card><b>${m.rejectedRatio === null ? "—" : Math.round(m.rejectedRatio * 100) + "%"}</b>rejected RFCs</div><div class=card><b>${lastMonth?.[1] ?? 0}</b>approved in ${esc(lastMonth?.[0] ?? "—")}</div></div>${trend}${saturation}<table><tr><th>update</th><th>timeline</th><th class=num>hours to 60%</th><th class=num>to 80%</th><th class=num>to 90%</th><th class=num>success %</th></tr>${metricsRows}</table>`;
}

/** A host line with its jobs (in the order of jobs.ndjson). */
export type HostJobs = [host: HostResult, jobs: Job[]];

/** The hosts in the site's order, which is hosts.ndjson's (by lower-case name): each call is a new pass over them. */
export interface SiteHosts {
  count: number;
  hosts(): Iterable<HostResult>;
  withJobs(): Iterable<HostJobs>;
  /** exposure.ndjson's lines, where the plan has that file. */
  exposure?(): Iterable<ExposureLine>;
}

const OPEN_LISTED = 200;

/** The site's order of host names: hosts.ndjson's, by lower-case name. */
function byName(a: string, b: string): number {
  return compareText(a.toLowerCase(), b.toLowerCase());
}

/** Per update, how many hosts have it open and the first of them in the site's order, from hosts in any order. */
export class OpenHosts {
  private readonly byUpdate = new Map<string, { first: string[]; count: number }>();

  add(h: HostResult): void {
    for (const [id, s] of Object.entries(h.updates)) {
      if (!isOpenState(s)) continue;
      let o = this.byUpdate.get(id);
      if (!o) this.byUpdate.set(id, (o = { first: [], count: 0 }));
      o.count++;
      const { first } = o;
      if (first.length === OPEN_LISTED && byName(h.host, first[first.length - 1]!) >= 0) continue;
      let at = first.length;
      while (at > 0 && byName(h.host, first[at - 1]!) < 0) at--;
      first.splice(at, 0, h.host);
      if (first.length > OPEN_LISTED) first.pop();
    }
  }

  of(id: string): { first: readonly string[]; count: number } {
    return this.byUpdate.get(id) ?? { first: [], count: 0 };
  }
}

export interface SiteInput {
  plan: Plan;
  hosts: SiteHosts;
  open: OpenHosts;
  compliance: Compliance;
  metrics: Metrics;
  info: ReadonlyMap<string, UpdateInfo>;
  /** Files on the status branch that failed the snapshot schema (shown as a count, never rendered). */
  refusedSnapshots?: number;
  /** Exemption details and host time zones from the policy (absent: names only, times in UTC only). */
  facts?: SiteFacts;
}

/** A file per 500 hosts, each with those hosts' lines and jobs: one pass over the hosts, a file at a time, in order. */
function bucketFiles(hosts: SiteHosts, facts: SiteFacts): [string, Iterable<string>][] {
  let rows: Iterator<HostJobs> | undefined;
  let next = 0;
  const files: [string, Iterable<string>][] = [];
  const last = Math.ceil(hosts.count / BUCKET) - 1;
  for (let b = 0; b <= last; b++)
    files.push([
      `data/hosts-${b}.js`,
      {
        *[Symbol.iterator]() {
          if (b !== next) throw new Error(`data/hosts-${b}.js was read out of order (expected ${next})`);
          next++;
          rows ??= hosts.withJobs()[Symbol.iterator]();
          const chunk: HostJobs[] = [];
          while (chunk.length < BUCKET) {
            const r = rows.next();
            if (r.done) break;
            chunk.push(r.value);
          }
          if (b === last) rows.return?.();
          yield (
            dataScript("window.patchopsHosts", Object.fromEntries(chunk.map(([h]) => [h.host, h]))) +
            dataScript("window.patchopsJobs", Object.fromEntries(chunk.map(([h, jobs]) => [h.host, jobs]))) +
            // Beside the lines, not inside them: each host's line stays exactly its line of hosts.ndjson.
            dataScript("window.patchopsZones", Object.fromEntries(chunk.map(([h]) => [h.host, facts.zoneOf(h)])))
          );
        },
      },
    ]);
  return files;
}

/** The site's files; those per host are chunks made as they are written (one pass over the hosts each). */
export function buildSite(input: SiteInput): Map<string, FileContent> {
  const { plan, hosts, open, compliance: c, metrics: m, info } = input;
  const files = new Map<string, FileContent>();
  files.set("data/index.js", {
    [Symbol.iterator]: () =>
      dataScriptRows(
        "window.patchopsIndex",
        (function* () {
          let i = 0;
          for (const h of hosts.hosts())
            yield [
              h.host,
              h.owner ?? "",
              h.status,
              h.period ?? "",
              Object.values(h.updates).filter(isOpenState).length,
              Math.floor(i++ / BUCKET),
            ];
        })(),
      ),
  });
  const facts = input.facts ?? NO_FACTS;
  for (const [name, content] of bucketFiles(hosts, facts)) files.set(name, content);
  files.set("data/exemptions.js", dataScript("window.patchopsExemptions", facts.exemptions));
  const byId = new Map(c.byUpdate.map((u) => [u.id, u]));
  const updates: Record<string, object> = Object.fromEntries(
    Object.entries(plan.summary.updates).map(([id, u]) => {
      const o = open.of(id);
      const i = info.get(id);
      return [
        id,
        {
          ...u,
          title: i?.title ?? "",
          severity: i?.severity ?? null,
          classification: i?.classification ?? null,
          released: i?.released ?? null,
          cves: i?.cves ?? [],
          fullyDeferred: byId.get(id)?.fullyDeferred ?? false,
          pilotOverride: pilotOverrideText(u.pilot),
          open: o.first,
          moreOpen: Math.max(0, o.count - OPEN_LISTED),
        },
      ];
    }),
  );
  // Patches of Linux package versions (an advisory, or SOURCE@DAY) have a page of their own.
  for (const [id, p] of Object.entries(patchPageData(plan, c.byUpdate, open, OPEN_LISTED, byName)))
    updates[id] = { ...updates[id], ...p };
  files.set("data/updates.js", dataScript("window.patchopsUpdates", updates));
  files.set("data/states.js", dataScript("window.patchopsOpenStates", OPEN_STATES));
  // The site maps every host, owner and missing fix: no search engine may keep it, even if it is published by mistake.
  files.set("robots.txt", "User-agent: *\nDisallow: /\n");
  files.set("style.css", STYLE);
  files.set("app.js", SCRIPT);
  files.set("hosts.csv", { [Symbol.iterator]: () => hostsCsv(hosts.hosts()) });
  files.set("updates.csv", updatesCsv(c.byUpdate, info));

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
    ["estimated", f.estimated],
  ]
    .map(([k, v]) => `<div class="card ${k}" id="card-${k}"><b>${v}</b>${k}</div>`)
    .join("")}<div class=card id=card-percent><b>${esc(f.percent ?? "—")}%</b>compliant</div></div>`;
  const downloads = `<p class=downloads>Download: <a href="hosts.csv" download id=csv-hosts>compliance by host (CSV)</a> · <a href="updates.csv" download id=csv-updates>compliance by update (CSV)</a> · <a href="compliance.json">compliance.json</a> · <a href="exposure.html" id=exposure-link>exposed to exploited CVEs</a></p>`;
  const windows = `<h2>Next windows</h2><table><tr><th>window (UTC)</th><th>timeline</th><th class=num>hosts</th><th>updates</th></tr>${c.byWindow
    .slice(0, 30)
    .map(
      (w) =>
        `<tr><td>${esc(w.window)}</td><td>${esc(w.timeline)}</td><td class=num>${w.hosts}</td><td>${w.updates.map(esc).join(", ")}</td></tr>`,
    )
    .join("")}</table>`;
  const body = `<section><h2>Find a server</h2><input type=search id=q placeholder="host or owner team" autofocus><div id=results></div><div id=pager class=pager></div></section>
<section>${cards}${downloads}</section>${groupTable("By owner", "by-owner", c.byOwner)}${severityTable(c, info)}${updateTable(c, info, plan)}${groupTable("By OS", "by-os", c.byOs)}${windows}${groupTable("By baseline", "by-baseline", c.byBaseline)}${metricsSection(m, input.refusedSnapshots ?? 0)}`;
  files.set("index.html", page("Patch status", body, ["app.js", "data/index.js"], "search();", plan));
  files.set("exposure.html", page("Exposure", exposureBody(plan, hosts, info), [], "", plan));
  files.set(
    "host.html",
    page(
      "Host status",
      `<div id=host>Loading…</div>`,
      ["app.js", "data/index.js", "data/states.js", "data/exemptions.js"],
      "hostPage();",
      plan,
    ),
  );
  files.set(
    "update.html",
    page("Update status", `<div id=update>Loading…</div>`, ["app.js", "data/updates.js"], "updatePage();", plan),
  );
  return files;
}
