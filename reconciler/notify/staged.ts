// No-force jobs tell their owner: the update is (or will be) staged, downloaded but not installed, and the owner installs
// it before the deadline. Gathered from the plan's jobs and the executor's results, per owner team.
import type { JobResult } from "../model/job-result.js";
import type { Job } from "../model/plan.js";
import { compareText } from "../order.js";
import { escapeMarkdown as md } from "../report/markdown.js";

export interface StagedJob {
  host: string;
  jobId: string;
  updates: string[];
  window: { start: string; end: string };
  deadline: string;
  /** When the executor staged it (a `not-run` result with reason `staged`), or null while it is still to be staged. */
  stagedAt: string | null;
}

/** Job id + lower-case host → when a result says the job was staged (the latest such result). */
function stagedResults(results: readonly JobResult[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of results) {
    if (r.status !== "not-run" || r.reason !== "staged") continue;
    const key = `${r.jobId}|${r.host.toLowerCase()}`;
    const at = new Date(Date.parse(r.finishedAt)).toISOString().replace(/\.000Z$/, "Z");
    const prev = out.get(key);
    if (prev === undefined || compareText(at, prev) > 0) out.set(key, at);
  }
  return out;
}

/**
 * The no-force install jobs of a plan (`forceInstall: false`: staged by the playbook, never installed by it), by owner
 * team, each with when it was staged when a result says so. A job without an owner is in no team's notice.
 */
export class StagedJobs {
  private readonly byTeam = new Map<string, StagedJob[]>();
  private readonly staged: Map<string, string>;

  constructor(results: readonly JobResult[]) {
    this.staged = stagedResults(results);
  }

  addJob(j: Job): void {
    if (j.type !== "install" || j.enforcement.forceInstall || !j.owner) return;
    const list = this.byTeam.get(j.owner) ?? [];
    list.push({
      host: j.host,
      jobId: j.id,
      updates: [...j.updates],
      window: j.window,
      deadline: j.deadline,
      stagedAt: this.staged.get(`${j.id}|${j.host.toLowerCase()}`) ?? null,
    });
    this.byTeam.set(j.owner, list);
  }

  /** Team → its staged jobs, by host (lower-case), then window. */
  result(): Map<string, StagedJob[]> {
    const out = new Map<string, StagedJob[]>();
    for (const [team, list] of this.byTeam)
      out.set(
        team,
        [...list].sort(
          (a, b) =>
            compareText(a.host.toLowerCase(), b.host.toLowerCase()) ||
            compareText(a.window.start, b.window.start) ||
            compareText(a.jobId, b.jobId),
        ),
      );
    return out;
  }
}

/**
 * One line per job: what was staged, and by when the owner installs it. `name` escapes the host and update names for
 * the sink (Markdown); instants come from the plan's schema and are written as they are.
 */
export function stagedLine(s: StagedJob, name: (text: string) => string = (t) => t): string {
  const what = `${name(s.host)}: ${name(s.updates.join(", "))}`;
  return s.stagedAt
    ? `${what} staged at ${s.stagedAt}, waiting for you to install before ${s.deadline}`
    : `${what} will be staged in its window ${s.window.start} – ${s.window.end}, waiting for you to install before ${s.deadline}`;
}

/** The digest's section, Markdown (every name escaped). */
export function stagedSection(list: readonly StagedJob[]): string {
  if (list.length === 0) return "";
  return [
    "",
    "## Staged, waiting for you to install",
    "",
    "These hosts are never forced (`forceInstall: false`): in the window the update is downloaded, not installed, and the host is not restarted. Install it (and restart) yourself before the deadline; the next scan reports it installed.",
    "",
    ...list.map((s) => `- ${stagedLine(s, md)}`),
    "",
  ].join("\n");
}
