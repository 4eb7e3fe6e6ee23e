// Writes output files so a failed or killed run leaves the previous ones intact: temp files, fsync, then rename.
import { mkdir, open, rename, rm } from "node:fs/promises";
import { join } from "node:path";

export async function writeFilesAtomically(dir: string, files: ReadonlyMap<string, string>): Promise<void> {
  await mkdir(dir, { recursive: true });
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
