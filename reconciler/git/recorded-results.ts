// Which job results the status branch already keeps, from its recent snapshots, so a run records each result once.
import { gitAt } from "./git.js";
import type { JobResult } from "../model/job-result.js";

/** Snapshot names are `<now without colons>.json`; the cut-off compares as text in the same form. */
function nameOf(instant: string): string {
  return `${instant.replace(/:/g, "")}.json`;
}

/**
 * The results recorded in snapshots named at or after `since` on `ref` (an empty list when the branch does not
 * exist). Older snapshots are not read: results are kept about a month, and metrics count a repeat once anyway.
 */
export async function recordedResults(
  repo: string,
  ref: string,
  since: string,
  /** The snapshot this run writes (re-recording a plan replaces it, so what it kept does not count). */
  replacing: string,
): Promise<JobResult[]> {
  const git = gitAt(repo);
  let names: string[];
  try {
    names = (await git.raw(["ls-tree", "--name-only", `${ref}:snapshots`]))
      .split("\n")
      .filter((n) => n.endsWith(".json"));
  } catch {
    return [];
  }
  const cutoff = nameOf(since);
  const out: JobResult[] = [];
  for (const name of names.filter((n) => n >= cutoff && n !== replacing).sort()) {
    try {
      const snap = JSON.parse(await git.show([`${ref}:snapshots/${name}`])) as { jobResults?: JobResult[] };
      if (Array.isArray(snap.jobResults)) out.push(...snap.jobResults);
    } catch {
      // A damaged snapshot records nothing; its results are recorded again, and metrics count them once.
    }
  }
  return out;
}
