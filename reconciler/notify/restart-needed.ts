// Hosts that wait for a restart the plan will not force (a no-force exemption, or a policy that never forces
// restarts) tell their owner: restart it to finish installing. Gathered from the plan's jobs, then its host lines.
import type { HostResult, Job } from "../model/plan.js";
import { compareText } from "../order.js";
import { escapeMarkdown as md } from "../report/markdown.js";

export interface RestartNeeded {
  host: string;
  /** The updates installed but waiting for the restart. */
  updates: string[];
}

/** Read the jobs first (which hosts the plan restarts), then the hosts. */
export class RestartsNeeded {
  /** Lower-case names of hosts a job restarts: a restart job, or an install job that forces its restart. */
  private readonly restarted = new Set<string>();
  private readonly byTeam = new Map<string, RestartNeeded[]>();

  addJob(j: Job): void {
    if (j.type === "restart" || (j.type === "install" && j.enforcement.forceRestart))
      this.restarted.add(j.host.toLowerCase());
  }

  addHost(h: HostResult): void {
    if (!h.owner || this.restarted.has(h.host.toLowerCase())) return;
    const pending = Object.entries(h.updates)
      .filter(([, s]) => s === "pending-reboot")
      .map(([id]) => id)
      .sort(compareText);
    if (pending.length === 0) return;
    const list = this.byTeam.get(h.owner) ?? [];
    list.push({ host: h.host, updates: pending });
    this.byTeam.set(h.owner, list);
  }

  /** Team → its hosts waiting for a restart nobody will force, by lower-case host name. */
  result(): Map<string, RestartNeeded[]> {
    const out = new Map<string, RestartNeeded[]>();
    for (const [team, list] of this.byTeam)
      out.set(
        team,
        [...list].sort((a, b) => compareText(a.host.toLowerCase(), b.host.toLowerCase())),
      );
    return out;
  }
}

/** One line per host; `name` escapes host and update names for the sink (Markdown). */
export function restartLine(r: RestartNeeded, name: (text: string) => string = (t) => t): string {
  return `${name(r.host)}: waits for a restart to finish installing ${name(r.updates.join(", "))}; nothing restarts it for you`;
}

export function restartSection(list: readonly RestartNeeded[]): string {
  if (list.length === 0) return "";
  return [
    "",
    "## Waiting for you to restart",
    "",
    "These hosts report updates installed but pending a restart, and no job restarts them (a `no-force` exemption, or `enforcement.forceRestart: false`). Restart them in your own time; the next scan reports the updates installed.",
    "",
    ...list.map((r) => `- ${restartLine(r, md)}`),
    "",
  ].join("\n");
}
