// Writes the plan as a set: the three files go into a new directory beside --out, which is then swapped in,
// under a lock on --out. A reader sees the old set or the new one, never plan.json of one run with the ndjson of
// another; a crash at worst leaves no directory (readers refuse it clearly), and concurrent runs take turns.
import { randomBytes } from "node:crypto";
import { link, lstat, mkdir, open, readdir, readFile, realpath, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { OperationalError } from "../errors.js";
import { processAlive, writeContent, type FileContent } from "./atomic.js";

/** How long a run waits for another run writing the same --out before giving up. */
export const LOCK_WAIT_MS = 120_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Takes `<parent>/.<name>.lock`. The lock is a hard link to a file this run wrote whole first ("<pid> <random>"), so it
 * never exists empty (review L9: an empty lock read as pid 0, "dead", and two runs wrote at once). A lock whose
 * process is gone is moved aside and checked to be the one judged dead before it is dropped; a run releases only its
 * own lock. Not proper-lockfile: its staleness is an mtime that must be refreshed, and a run whose event loop is busy
 * writing a large plan longer than that would lose its lock while alive; a pid on one machine is exact.
 */
export async function lock(path: string, out: string, waitMs: number): Promise<() => Promise<void>> {
  const started = Date.now();
  const token = `${process.pid} ${randomBytes(6).toString("hex")}\n`;
  const mine = `${path}.${process.pid}-${randomBytes(4).toString("hex")}`;
  await writeFile(mine, token);
  const release = async () => {
    // Only our own lock: a run that took over a lock judged dead holds its own token.
    if ((await readFile(path, "utf8").catch(() => null)) === token) await rm(path, { force: true });
  };
  try {
    for (;;) {
      try {
        await link(mine, path);
        return release;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
      const text = await readFile(path, "utf8").catch(() => null);
      if (text === null) continue; // released meanwhile: try again at once
      const holder = Number(text.split(" ")[0]);
      if (!processAlive(holder)) {
        await takeOver(path, text);
        continue;
      }
      if (Date.now() - started > waitMs)
        throw new OperationalError(
          `another patchops run (pid ${holder}) is still writing ${out}; waited ${Math.round(waitMs / 1000)} s (lock ${path})`,
        );
      await sleep(100);
    }
  } finally {
    await rm(mine, { force: true });
  }
}

/** Drops a lock left by a dead run: moved aside first, and put back if what was moved is not the lock judged dead. */
async function takeOver(path: string, judged: string): Promise<void> {
  const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    await rename(path, aside);
  } catch {
    return; // someone else moved it
  }
  const moved = await readFile(aside, "utf8").catch(() => null);
  // Another run took the lock between our read and the move: give it back (a link never replaces a newer lock).
  if (moved !== judged) await link(aside, path).catch(() => undefined);
  await rm(aside, { force: true });
}

/** Refuses an --out that is a file, or a directory holding anything but a plan (it is replaced whole). */
async function checkTarget(target: string, out: string, names: ReadonlySet<string>): Promise<boolean> {
  let st;
  try {
    st = await lstat(target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw err;
  }
  if (!st.isDirectory()) throw new OperationalError(`--out ${out} is not a directory (a file is in the way)`);
  const others = (await readdir(target)).filter((e) => !names.has(e) && !/^\.(.+)\.tmp-\d+(-[0-9a-f]+)?$/.test(e));
  if (others.length)
    throw new OperationalError(
      `--out ${out} holds other files (${others.slice(0, 3).join(", ")}${others.length > 3 ? ", …" : ""}); ` +
        "the plan directory is replaced as a whole, so give the plan a directory of its own",
    );
  return true;
}

/**
 * Sets a killed run left beside the plan. A run that died between its two renames left no plan directory, its old set
 * in `.<name>.old-<run>` and its complete new set in `.<name>.new-<run>` (a new set is renamed only once written and
 * synced): the new set is put in place (or, without it, the old one), so the plan is never lost with the leftovers.
 * A `.new-` set without its `.old-` may be half-written and is dropped.
 */
async function recoverInterrupted(parent: string, name: string, target: string): Promise<string | null> {
  const entries = (await readdir(parent)).sort();
  const newPrefix = `.${name}.new-`;
  const oldPrefix = `.${name}.old-`;
  let recovered: string | null = null;
  if (!(await lstat(target).catch(() => null)))
    for (const e of entries.filter((x) => x.startsWith(oldPrefix))) {
      const run = e.slice(oldPrefix.length);
      const fresh = `${newPrefix}${run}`;
      const pick = entries.includes(fresh) ? fresh : e;
      await rename(join(parent, pick), target);
      recovered = pick;
      break;
    }
  for (const e of entries)
    if (e !== recovered && (e.startsWith(newPrefix) || e.startsWith(oldPrefix)))
      await rm(join(parent, e), { recursive: true, force: true });
  return recovered;
}

/** Writes `files` as the directory `out`, replacing a previous plan there as one set. */
export async function writePlanDir(
  out: string,
  files: ReadonlyMap<string, FileContent>,
  options: { lockWaitMs?: number } = {},
): Promise<void> {
  // An --out that is a symbolic link to a directory: the directory it names is replaced, the link stays.
  const target = await realpath(resolve(out)).catch(() => resolve(out));
  const parent = dirname(target);
  const name = basename(target);
  await mkdir(parent, { recursive: true });
  const release = await lock(join(parent, `.${name}.lock`), out, options.lockWaitMs ?? LOCK_WAIT_MS);
  const run = `${process.pid}-${randomBytes(4).toString("hex")}`;
  const fresh = join(parent, `.${name}.new-${run}`);
  const old = join(parent, `.${name}.old-${run}`);
  let moved = false;
  try {
    // Under the lock only this run creates .new-/.old- directories: any left are from runs that died.
    await recoverInterrupted(parent, name, target);
    const exists = await checkTarget(target, out, new Set(files.keys()));
    await mkdir(fresh);
    for (const [file, content] of files) {
      const fh = await open(join(fresh, file), "w");
      try {
        await writeContent(fh, content);
        await fh.sync();
      } finally {
        await fh.close();
      }
    }
    if (exists) {
      await rename(target, old);
      moved = true;
    }
    await rename(fresh, target);
    moved = false;
    if (exists) await rm(old, { recursive: true, force: true });
  } catch (err) {
    if (moved) await rename(old, target).catch(() => undefined);
    await rm(fresh, { recursive: true, force: true });
    throw err;
  } finally {
    await release();
  }
}
