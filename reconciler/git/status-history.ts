// Reads the compliance snapshots on the status branch, oldest first (for audit and metrics); each is checked by schema.
import { simpleGit } from "simple-git";
import { StatusSnapshot } from "../model/snapshot.js";
import { compareText } from "../order.js";

export interface SnapshotHistory {
  snapshots: StatusSnapshot[];
  /** Files on the branch that are not valid snapshots: reported, never rendered. */
  rejected: { file: string; reason: string }[];
}

/** Every valid snapshot on the branch in time order, and the files refused; empty when the branch does not exist. */
export async function readSnapshotHistory(repo: string, branch: string): Promise<SnapshotHistory> {
  const git = simpleGit(repo);
  let names: string[];
  try {
    names = (await git.raw(["ls-tree", "--name-only", `${branch}:snapshots`]))
      .split("\n")
      .filter((n) => n.endsWith(".json"));
  } catch {
    return { snapshots: [], rejected: [] };
  }
  const snapshots: StatusSnapshot[] = [];
  const rejected: SnapshotHistory["rejected"] = [];
  for (const name of names.sort(compareText)) {
    const file = `snapshots/${name}`;
    let value: unknown;
    try {
      value = JSON.parse(await git.show([`${branch}:${file}`]));
    } catch (err) {
      rejected.push({ file, reason: `not JSON (${(err as Error).message.split("\n")[0]})` });
      continue;
    }
    // The branch is writable by anyone with push access: its strings reach HTML, so only the known shape passes.
    const parsed = StatusSnapshot.safeParse(value);
    if (parsed.success) snapshots.push(parsed.data);
    else {
      const issue = parsed.error.issues[0]!;
      rejected.push({ file, reason: `not a StatusSnapshot: ${issue.path.join(".") || "(root)"}: ${issue.message}` });
    }
  }
  return { snapshots: snapshots.sort((a, b) => compareText(a.now, b.now)), rejected };
}

/** Every valid snapshot on the branch, in time order; an empty list when the branch does not exist. */
export async function readSnapshots(repo: string, branch: string): Promise<StatusSnapshot[]> {
  return (await readSnapshotHistory(repo, branch)).snapshots;
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

/**
 * When patchops first recorded each scanned package upgrade (`name=version`, upper-case) in a snapshot taken at or
 * before `now`: the bake time of an approval rule counts from there, never from a scan's own claim.
 */
export function offersSeen(snapshots: readonly StatusSnapshot[], now: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of snapshots) {
    const at = Date.parse(s.now);
    if (Number.isNaN(at) || at > now) continue;
    for (const id of Object.keys(s.updates)) {
      if (!id.includes("=")) continue;
      const key = id.toUpperCase();
      const known = out.get(key);
      if (known === undefined || at < known) out.set(key, at);
    }
  }
  return out;
}
