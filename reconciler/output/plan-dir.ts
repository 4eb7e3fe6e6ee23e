// Writes the plan as a set: the three files go into a new directory beside --out, which is then swapped in,
// under a lock on --out. A reader sees the old set or the new one, never plan.json of one run with the ndjson of
// another; a crash at worst leaves no directory (readers refuse it clearly), and concurrent runs take turns.
import { randomBytes } from "node:crypto";
import { lstat, mkdir, open, readdir, readFile, realpath, rename, rm } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { OperationalError } from "../errors.js";
import { processAlive, writeContent, type FileContent } from "./atomic.js";

/** How long a run waits for another run writing the same --out before giving up. */
export const LOCK_WAIT_MS = 120_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Takes `<parent>/.<name>.lock` (the pid inside); a lock whose process is gone is taken over. */
async function lock(path: string, out: string, waitMs: number): Promise<() => Promise<void>> {
  const started = Date.now();
  for (;;) {
    try {
      const fh = await open(path, "wx");
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      return () => rm(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const holder = Number((await readFile(path, "utf8").catch(() => "")).trim());
    if (!processAlive(holder)) {
      // Left by a run that died; anyone may clear it, then the exclusive create decides who goes next.
      await rm(path, { force: true });
      continue;
    }
    if (Date.now() - started > waitMs)
      throw new OperationalError(
        `another patchops run (pid ${holder}) is still writing ${out}; waited ${Math.round(waitMs / 1000)} s (lock ${path})`,
      );
    await sleep(100);
  }
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
    for (const e of await readdir(parent))
      if (e.startsWith(`.${name}.new-`) || e.startsWith(`.${name}.old-`))
        await rm(join(parent, e), { recursive: true, force: true });
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
