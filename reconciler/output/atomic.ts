// Writes output files so a failed or killed run leaves the previous ones intact: temp files, fsync, then rename.
import { mkdir, open, readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";

export async function writeFilesAtomically(dir: string, files: ReadonlyMap<string, string>): Promise<void> {
  await mkdir(dir, { recursive: true });
  // A run killed mid-write leaves its temp files behind; they are never read, and the next run clears them.
  const names = new Set(files.keys());
  for (const entry of await readdir(dir)) {
    const m = /^\.(.+)\.tmp-\d+$/.exec(entry);
    if (m && names.has(m[1]!)) await rm(join(dir, entry), { force: true });
  }
  const temps: [string, string][] = [];
  try {
    for (const [name, text] of files) {
      const tmp = join(dir, `.${name}.tmp-${process.pid}`);
      const fh = await open(tmp, "w");
      try {
        await fh.writeFile(text);
        await fh.sync();
      } finally {
        await fh.close();
      }
      temps.push([tmp, join(dir, name)]);
    }
    for (const [tmp, final] of temps) await rename(tmp, final);
  } catch (err) {
    await Promise.all(temps.map(([tmp]) => rm(tmp, { force: true })));
    throw err;
  }
}
