// Reads the compliance snapshots on the status branch, oldest first (for audit and metrics); each is checked by schema.
import { timingSafeEqual } from "node:crypto";
import type { SimpleGit } from "simple-git";
import { gitAt } from "./git.js";
import { StatusSnapshot } from "../model/snapshot.js";
import { compareText } from "../order.js";
import { SEAL_TRAILER, snapshotSeal } from "./status-branch.js";

export interface SnapshotHistory {
  snapshots: StatusSnapshot[];
  /** Files on the branch that are not valid snapshots: reported, never rendered. */
  rejected: { file: string; reason: string }[];
}

/**
 * The ref to read a status branch from: the local branch, or in a fresh clone (CI) the remote-tracking
 * `origin/<branch>` that `git clone` and `actions/checkout` leave; null when neither exists.
 */
export async function statusRef(git: SimpleGit, branch: string): Promise<string | null> {
  const candidates = branch.includes("/") ? [branch] : [`refs/heads/${branch}`, `refs/remotes/origin/${branch}`];
  for (const ref of candidates) {
    try {
      const sha = (await git.raw(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`])).trim();
      if (sha) return ref;
    } catch {
      // not this one
    }
  }
  // Any other revision git resolves (a tag, a commit, refs/remotes/upstream/…).
  try {
    return (await git.raw(["rev-parse", "--verify", "--quiet", `${branch}^{commit}`])).trim() ? branch : null;
  } catch {
    return null;
  }
}

/** Every valid snapshot on the branch in time order, and the files refused; empty when the branch does not exist. */
export async function readSnapshotHistory(repo: string, branch: string): Promise<SnapshotHistory> {
  return (await readHistory(repo, branch)).history;
}

async function readHistory(
  repo: string,
  branch: string,
): Promise<{
  history: SnapshotHistory;
  ref: string | null;
  texts: Map<StatusSnapshot, { file: string; text: string }>;
}> {
  const git = gitAt(repo);
  const texts = new Map<StatusSnapshot, { file: string; text: string }>();
  const ref = await statusRef(git, branch);
  let names: string[];
  try {
    if (!ref) throw new Error("no branch");
    names = (await git.raw(["ls-tree", "--name-only", `${ref}:snapshots`]))
      .split("\n")
      .filter((n) => n.endsWith(".json"));
  } catch {
    return { history: { snapshots: [], rejected: [] }, ref, texts };
  }
  const snapshots: StatusSnapshot[] = [];
  const rejected: SnapshotHistory["rejected"] = [];
  for (const name of names.sort(compareText)) {
    const file = `snapshots/${name}`;
    let value: unknown;
    let text: string;
    try {
      text = await git.show([`${ref}:${file}`]);
      value = JSON.parse(text);
    } catch (err) {
      rejected.push({ file, reason: `not JSON (${(err as Error).message.split("\n")[0]})` });
      continue;
    }
    // The branch is writable by anyone with push access: its strings reach HTML, so only the known shape passes.
    const parsed = StatusSnapshot.safeParse(value);
    if (parsed.success) {
      snapshots.push(parsed.data);
      texts.set(parsed.data, { file, text });
    } else {
      const issue = parsed.error.issues[0]!;
      rejected.push({ file, reason: `not a StatusSnapshot: ${issue.path.join(".") || "(root)"}: ${issue.message}` });
    }
  }
  return { history: { snapshots: snapshots.sort((a, b) => compareText(a.now, b.now)), rejected }, ref, texts };
}

/** What a plan may take from the status branch as evidence, and the snapshots it would not take, with why. */
export interface TrustedHistory {
  /** Snapshots whose seal verifies with the key: pilot successes and first sightings of scanned upgrades. */
  trusted: StatusSnapshot[];
  /** Valid snapshots that are not evidence (no key, no seal, a seal that does not match), by file. */
  ignored: { file: string; reason: string; snapshot: StatusSnapshot }[];
  /** The ref read (refs/heads/…, or refs/remotes/origin/… in a fresh clone); null when there is none. */
  ref: string | null;
}

/**
 * The snapshots that count as evidence: each sealed by `status record` with the key (status-branch.ts). The branch is
 * writable by anyone with push access and reviewed by no one, so an unsealed snapshot, or one whose bytes no longer
 * match its seal, is ignored (and reported by the caller); without a key nothing on the branch is evidence.
 */
export async function readTrustedSnapshots(repo: string, branch: string, key: string | null): Promise<TrustedHistory> {
  const { history, ref, texts } = await readHistory(repo, branch);
  const ignored: TrustedHistory["ignored"] = [];
  const trusted: StatusSnapshot[] = [];
  if (!ref || history.snapshots.length === 0) return { trusted, ignored, ref };
  const seals = key ? await lastSeals(repo, ref) : new Map<string, string | null>();
  for (const snapshot of history.snapshots) {
    const { file, text } = texts.get(snapshot)!;
    if (!key) {
      ignored.push({ file, snapshot, reason: "no key to check its seal (PATCHOPS_STATUS_KEY is not set)" });
      continue;
    }
    const seal = seals.get(file);
    if (!seal) {
      ignored.push({ file, snapshot, reason: "the commit that last wrote it carries no seal of it" });
      continue;
    }
    const want = Buffer.from(snapshotSeal(key, file, text), "utf8");
    const have = Buffer.from(seal, "utf8");
    if (want.length !== have.length || !timingSafeEqual(want, have))
      ignored.push({ file, snapshot, reason: "its seal does not match its bytes" });
    else trusted.push(snapshot);
  }
  return { trusted, ignored, ref };
}

/**
 * For each snapshot file, the seal in the message of the commit that last changed it (null: no seal for that file).
 * One `git log` over the branch, newest first: the first commit naming a file is its last writer.
 */
async function lastSeals(repo: string, ref: string): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  const log = await gitAt(repo).raw([
    "log",
    "--no-renames",
    "--format=%x1e%B%x1f",
    "--name-only",
    ref,
    "--",
    "snapshots/",
  ]);
  for (const entry of log.split("\x1e")) {
    const cut = entry.indexOf("\x1f");
    if (cut < 0) continue;
    const message = entry.slice(0, cut);
    const files = entry
      .slice(cut + 1)
      .split("\n")
      .map((f) => f.trim())
      .filter(Boolean);
    const sealed = new Map<string, string>();
    for (const m of message.matchAll(new RegExp(`^${SEAL_TRAILER}: (snapshots/[^\\s]+) ([0-9a-f]{64})$`, "gm")))
      sealed.set(m[1]!, m[2]!);
    for (const f of files) if (!out.has(f)) out.set(f, sealed.get(f) ?? null);
  }
  return out;
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
