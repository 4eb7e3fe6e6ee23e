// Reads the compliance snapshots on the status branch, oldest first (for audit and, later, metrics).
import { simpleGit } from "simple-git";
import type { StatusSnapshot } from "../report/snapshot.js";
import { compareText } from "../order.js";

/** Every snapshot on the branch, in time order; an empty list when the branch does not exist. */
export async function readSnapshots(repo: string, branch: string): Promise<StatusSnapshot[]> {
  const git = simpleGit(repo);
  let names: string[];
  try {
    names = (await git.raw(["ls-tree", "--name-only", `${branch}:snapshots`]))
      .split("\n")
      .filter((n) => n.endsWith(".json"));
  } catch {
    return [];
  }
  const out: StatusSnapshot[] = [];
  for (const name of names.sort()) {
    try {
      out.push(JSON.parse(await git.show([`${branch}:snapshots/${name}`])) as StatusSnapshot);
    } catch {
      // A damaged snapshot is skipped; the others still tell the story.
    }
  }
  return out.sort((a, b) => compareText(a.now, b.now));
}

/** The first snapshot in which an update is reported installed on at least one host. */
export function firstDeployed(snapshots: readonly StatusSnapshot[], id: string): { at: string; hosts: number } | null {
  for (const s of snapshots) {
    const n = s.updates[id]?.states.installed ?? 0;
    if (n > 0) return { at: s.now, hosts: n };
  }
  return null;
}

/** When each update's pilot first passed, as recorded in snapshots taken at or before `now` (id → instant). */
export function pilotPasses(snapshots: readonly StatusSnapshot[], now: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of snapshots) {
    if (Date.parse(s.now) > now) continue;
    for (const [id, u] of Object.entries(s.updates)) {
      if (u.pilot?.state !== "passed") continue;
      const at = Date.parse(u.pilot.passedAt ?? s.now);
      const known = out.get(id);
      if (!Number.isNaN(at) && at <= now && (known === undefined || at < known)) out.set(id, at);
    }
  }
  return out;
}
