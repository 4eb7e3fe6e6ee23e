// Job success from the results kept on the status branch: the seeds' patch success ratio per patch, failure codes, hosts.
import type { JobResult } from "../model/job-result.js";
import { compareText } from "../order.js";

export interface JobMetrics {
  /** Distinct job results counted (the same result recorded twice counts once). */
  results: number;
  /** Per update: attempts on hosts, how many succeeded, and succeeded / attempts (the seeds' "patch success ratio"). */
  updates: { id: string; attempts: number; succeeded: number; failed: number; successRatio: number }[];
  /** Failed attempts per installer code (e.g. 0x80240022), most frequent first. */
  failuresByCode: { code: string; failures: number }[];
  /** The hosts with the most failed attempts (at most ten). */
  topFailingHosts: { host: string; failures: number; updates: string[] }[];
}

const round = (x: number) => Math.round(x * 1000) / 1000;

export function resultKey(r: JobResult): string {
  return `${r.host.toLowerCase()}|${r.jobId}|${Date.parse(r.finishedAt)}`;
}

/** Results of several sources without repeats, in a stable order. */
export function distinctResults(results: Iterable<JobResult>): JobResult[] {
  const seen = new Map<string, JobResult>();
  for (const r of results) if (!seen.has(resultKey(r))) seen.set(resultKey(r), r);
  return [...seen.entries()].sort(([a], [b]) => compareText(a, b)).map(([, r]) => r);
}

/**
 * `patchOf`: upper-case update id → its patch (Linux package versions of one advisory, or of one source package and
 * day). A result's package versions of one patch are one attempt at that patch: it succeeded when each of them did,
 * and a failure counts once, under the code of its first failed version.
 */
export function jobMetrics(all: Iterable<JobResult>, patchOf: ReadonlyMap<string, string> = new Map()): JobMetrics {
  const results = distinctResults(all);
  const perUpdate = new Map<string, { attempts: number; succeeded: number }>();
  const byCode = new Map<string, number>();
  const byHost = new Map<string, { failures: number; updates: Set<string> }>();
  for (const r of results) {
    if (r.type === "uninstall") continue;
    for (const [id, u] of attemptsOf(r, patchOf)) {
      const ok = u.status === "succeeded";
      const c = perUpdate.get(id) ?? { attempts: 0, succeeded: 0 };
      c.attempts++;
      if (ok) c.succeeded++;
      perUpdate.set(id, c);
      if (ok) continue;
      const code = u.code ?? "unknown";
      byCode.set(code, (byCode.get(code) ?? 0) + 1);
      const h = byHost.get(r.host) ?? { failures: 0, updates: new Set<string>() };
      h.failures++;
      h.updates.add(id);
      byHost.set(r.host, h);
    }
  }
  return {
    results: results.length,
    updates: [...perUpdate]
      .sort(([a], [b]) => compareText(a, b))
      .map(([id, c]) => ({
        id,
        attempts: c.attempts,
        succeeded: c.succeeded,
        failed: c.attempts - c.succeeded,
        successRatio: round(c.succeeded / c.attempts),
      })),
    failuresByCode: [...byCode]
      .sort(([a, x], [b, y]) => y - x || compareText(a, b))
      .map(([code, failures]) => ({ code, failures })),
    topFailingHosts: [...byHost]
      .sort(([a, x], [b, y]) => y.failures - x.failures || compareText(a, b))
      .slice(0, 10)
      .map(([host, h]) => ({ host, failures: h.failures, updates: [...h.updates].sort() })),
  };
}

/** A result's attempts per patch, in code-point order of the update ids: a patch succeeded when all of its versions did. */
function attemptsOf(
  r: JobResult,
  patchOf: ReadonlyMap<string, string>,
): Map<string, { status: string; code?: string | undefined }> {
  const out = new Map<string, { status: string; code?: string | undefined }>();
  for (const [raw, u] of Object.entries(r.updates).sort(([a], [b]) => compareText(a, b))) {
    const id = raw.toUpperCase();
    const key = patchOf.get(id) ?? id;
    const prev = out.get(key);
    if (!prev || (prev.status === "succeeded" && u.status !== "succeeded")) out.set(key, u);
  }
  return out;
}

/** The job-success section of the step summary (empty until results are recorded). */
export function jobSuccessMarkdown(m: JobMetrics): string {
  if (m.results === 0) return "";
  const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
  const worst = [...m.updates].sort((a, b) => a.successRatio - b.successRatio || compareText(a.id, b.id)).slice(0, 10);
  return [
    "",
    `### Job success (${m.results} job result${m.results === 1 ? "" : "s"})`,
    "",
    "| update | attempts | succeeded | failed | success ratio |",
    "|---|---|---|---|---|",
    ...worst.map((u) => `| ${u.id} | ${u.attempts} | ${u.succeeded} | ${u.failed} | ${pct(u.successRatio)} |`),
    "",
    m.failuresByCode.length
      ? `Failures by code: ${m.failuresByCode.map((f) => `\`${f.code}\` ${f.failures}`).join(" · ")}`
      : "No failures.",
    m.topFailingHosts.length
      ? `Top failing hosts: ${m.topFailingHosts.map((h) => `${h.host} (${h.failures})`).join(", ")}`
      : "",
    "",
  ]
    .filter((l, i, all) => l !== "" || all[i - 1] !== "")
    .join("\n");
}
