// The status site's exposure page: per exploited CVE, the hosts exposed now and the update that fixes it on each.
import type { HostResult, Plan } from "../../model/plan.js";
import { ExposureTally, type ExploitedUpdate } from "../../plan/exposure.js";
import { escapeHtml as esc } from "../html.js";
import type { UpdateInfo } from "../update-info.js";

/** Hosts listed per CVE; the rest are counted. */
const LISTED = 500;

/** The exploited updates of a plan, as its Update files describe them. */
function exploitedOf(plan: Plan, info: ReadonlyMap<string, UpdateInfo>): ExploitedUpdate[] {
  const out: ExploitedUpdate[] = [];
  for (const [id, u] of Object.entries(plan.summary.updates)) {
    const i = info.get(id);
    if (!i?.exploited) continue;
    out.push({
      id,
      cves: i.cves,
      sources: i.exploited.sources,
      since: i.exploited.since,
      timeline: u.timeline,
      decision: u.decision,
    });
  }
  return out;
}

/**
 * A compact plan's updates that some host has installed or superseded: its host lines leave those ids out, so a host
 * that does not list one may have it (null for a full plan, whose lines list every state).
 */
function maybeInstalled(plan: Plan): ReadonlySet<string> | null {
  // A plan written before the detail field lists every update (full).
  if ((plan.detail ?? "full") !== "compact") return null;
  const ids = new Set<string>();
  for (const [id, u] of Object.entries(plan.summary.updates))
    if ((u.states.installed ?? 0) + (u.states.superseded ?? 0) > 0) ids.add(id);
  return ids;
}

/** The page's body, from one pass over the plan's host lines (the plan's states only: no inventory is read here). */
export function exposureBody(plan: Plan, hosts: Iterable<HostResult>, info: ReadonlyMap<string, UpdateInfo>): string {
  const tally = new ExposureTally(exploitedOf(plan, info), null, plan.now, LISTED, maybeInstalled(plan));
  for (const h of hosts) tally.add(h, h.estimated === true, null);
  const x = tally.result();
  const sections = x.cves.map((c) => {
    const rows = c.hosts
      .map(
        (h) =>
          `<tr><td><a href="host.html#${encodeURIComponent(h.host)}">${esc(h.host)}</a></td><td>${esc(h.owner ?? "")}</td><td>${h.fixes.map((f) => `${esc(f.id)} ${esc(f.state)} (${esc(f.timeline)})`).join(", ")}</td><td>${h.estimated ? "estimated: no agent scan; matched from advisory text" : "agent scan"}${h.unlisted ? `; unless ${h.unlisted.map(esc).join(" or ")} is installed (not listed in a compact plan)` : ""}</td></tr>`,
      )
      .join("");
    const more = c.count > c.hosts.length ? `<p class=muted>… and ${c.count - c.hosts.length} more</p>` : "";
    const undetermined = c.undetermined
      ? `<p class=undetermined>${c.undetermined} of ${c.count} may have another update that fixes it installed: a compact plan does not list installed updates (<code>patchops exposure</code> or <code>plan --detail full</code> decides them)</p>`
      : "";
    return `<section class=cve id="${esc(c.cve)}"><h2>${esc(c.cve)}: ${c.count} host${c.count === 1 ? "" : "s"} exposed</h2><p>exploited per ${c.sources.map(esc).join(", ")}${c.since ? ` since ${esc(c.since)}` : ""}; fixed by ${c.updates.map(esc).join(", ")}</p><table><tr><th>host</th><th>owner</th><th>fixed by (state, timeline)</th><th>evidence</th></tr>${rows}</table>${more}${undetermined}</section>`;
  });
  return `<section><h2>Exposed now to exploited vulnerabilities</h2><p id=exposed-hosts>${x.exposedHosts} host${x.exposedHosts === 1 ? "" : "s"} exposed as of ${esc(x.now)}. Approved updates as planned; <code>patchops exposure</code> also lists exploited updates not yet approved.</p></section>${sections.join("") || "<p>No exploited CVE in the policy.</p>"}`;
}
