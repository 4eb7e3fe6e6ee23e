// Writes output files so a failed or killed run leaves the previous ones intact: temp files, fsync, then rename.
import { randomBytes } from "node:crypto";
import { mkdir, open, readdir, rename, rm } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** A file's content: text, or chunks of it (large outputs never become one string: V8 caps strings near 512 MiB). */
export type FileContent = string | Iterable<string>;

export async function writeContent(fh: FileHandle, content: FileContent): Promise<void> {
  if (typeof content === "string") {
    await fh.writeFile(content);
    return;
  }
  let buffer: string[] = [];
  let size = 0;
  for (const chunk of content) {
    buffer.push(chunk);
    size += chunk.length;
    if (size >= 1 << 20) {
      await fh.write(buffer.join(""));
      buffer = [];
      size = 0;
    }
  }
  if (buffer.length) await fh.write(buffer.join(""));
}

/** Whether a process with this id is running (a temp file or lock of a live run is never taken away). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export async function writeFilesAtomically(dir: string, files: ReadonlyMap<string, FileContent>): Promise<void> {
  await writeTreeAtomically(dir, files);
}

/** Clears temp files a dead run left in `dir` for these names; a concurrent run's temp files are its own. */
async function clearDeadTemps(dir: string, names: ReadonlySet<string>): Promise<void> {
  for (const entry of await readdir(dir)) {
    const m = /^\.(.+)\.tmp-(\d+)(?:-[0-9a-f]+)?$/.exec(entry);
    if (m && names.has(m[1]!) && !processAlive(Number(m[2]))) await rm(join(dir, entry), { force: true });
  }
}

/**
 * Writes files under a root (paths may hold sub-directories): every file goes to a temp file beside its final name
 * and is synced first, and only when all are written are they renamed into place. A failure while any content is
 * made or written (a full disk, a plan file that turns out broken) leaves every old file as it was.
 */
export async function writeTreeAtomically(root: string, files: ReadonlyMap<string, FileContent>): Promise<void> {
  const byDir = new Map<string, Set<string>>();
  for (const path of files.keys()) {
    const dir = join(root, dirname(path));
    byDir.set(dir, (byDir.get(dir) ?? new Set()).add(basename(path)));
  }
  for (const [dir, names] of byDir) {
    await mkdir(dir, { recursive: true });
    await clearDeadTemps(dir, names);
  }
  const run = `${process.pid}-${randomBytes(4).toString("hex")}`;
  const temps: [string, string][] = [];
  try {
    for (const [path, text] of files) {
      const final = join(root, path);
      const tmp = join(dirname(final), `.${basename(final)}.tmp-${run}`);
      // Registered before writing, so a failed write (a full disk) removes its partial file too.
      temps.push([tmp, final]);
      const fh = await open(tmp, "w");
      try {
        await writeContent(fh, text);
        await fh.sync();
      } finally {
        await fh.close();
      }
    }
    for (const [tmp, final] of temps) await rename(tmp, final);
  } catch (err) {
    await Promise.all(temps.map(([tmp]) => rm(tmp, { force: true })));
    throw err;
  }
}

/** Writes one file atomically: a temp file beside it, fsync, then rename over it (readers see old or new, never half). */
export async function writeFileAtomically(path: string, content: FileContent): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const fh = await open(tmp, "wx", 0o644);
  try {
    await writeContent(fh, content);
    await fh.sync();
  } catch (err) {
    await fh.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
