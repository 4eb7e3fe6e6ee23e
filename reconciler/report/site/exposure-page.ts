// The status site's exposure page: per exploited CVE, the hosts exposed now and the update that fixes it on each.
import type { Plan } from "../../model/plan.js";
import { escapeHtml as esc } from "../html.js";
import { exposureOfPlan, type PlanLines } from "../plan-exposure.js";
import type { UpdateInfo } from "../update-info.js";

/** Hosts listed per CVE; the rest are counted. */
const LISTED = 500;

/**
 * The page's body, from the plan's exposure.ndjson (judged by the plan run from every state it measured); a full plan
 * written before that file existed is judged from its host lines, which list every state. No inventory is read here.
 */
export function exposureBody(plan: Plan, hosts: PlanLines, info: ReadonlyMap<string, UpdateInfo>): string {
  const x = exposureOfPlan(plan, hosts, info, { cve: null, limit: LISTED });
  if (!x)
    return `<section><h2>Exposed now to exploited vulnerabilities</h2><p id=no-exposure>This plan has no exposure.ndjson (it was written before <code>patchops plan</code> wrote one): run <code>patchops plan</code> again, or use <code>patchops exposure</code>.</p></section>`;
  const sections = x.cves.map((c) => {
    const rows = c.hosts
      .map(
        (h) =>
          `<tr><td><a href="host.html#${encodeURIComponent(h.host)}">${esc(h.host)}</a></td><td>${esc(h.owner ?? "")}</td><td>${h.fixes.map((f) => `${esc(f.id)} ${esc(f.state)} (${esc(f.timeline)})`).join(", ")}</td><td>${h.estimated ? "estimated: no agent scan; matched from advisory text" : "agent scan"}</td></tr>`,
      )
      .join("");
    const more = c.count > c.hosts.length ? `<p class=muted>… and ${c.count - c.hosts.length} more</p>` : "";
    return `<section class=cve id="${esc(c.cve)}"><h2>${esc(c.cve)}: ${c.count} host${c.count === 1 ? "" : "s"} exposed</h2><p>exploited per ${c.sources.map(esc).join(", ")}${c.since ? ` since ${esc(c.since)}` : ""}; fixed by ${c.updates.map(esc).join(", ")}</p><table><tr><th>host</th><th>owner</th><th>fixed by (state, timeline)</th><th>evidence</th></tr>${rows}</table>${more}</section>`;
  });
  return `<section><h2>Exposed now to exploited vulnerabilities</h2><p id=exposed-hosts>${x.exposedHosts} host${x.exposedHosts === 1 ? "" : "s"} exposed as of ${esc(x.now)}. Approved updates as planned; <code>patchops exposure</code> also lists exploited updates not yet approved.</p></section>${sections.join("") || "<p>No exploited CVE in the policy.</p>"}`;
}
