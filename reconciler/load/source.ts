// Where policy files come from: a working tree on disk (and, through git/, any commit).
import { lstat, readdir, readFile, realpath } from "node:fs/promises";
import { join, relative, sep } from "node:path";

/** The folders that hold policy documents, relative to the repository root. */
export const POLICY_ROOTS = ["policies", "baselines", "windows"] as const;

export type SourceEntry =
  | { path: string; type: "file"; size: number; read: () => Promise<Buffer> }
  | { path: string; type: "symlink-outside"; target: string }
  | { path: string; type: "unreadable"; reason: string };

export interface PolicySource {
  /** Shown to people: a directory or "git:<ref>". */
  label: string;
  /** The commit the files come from, or null for a working tree. */
  revision: string | null;
  list(): Promise<SourceEntry[]>;
  /** A file outside the policy folders (e.g. .github/CODEOWNERS), or null when absent. */
  readExtra(path: string): Promise<string | null>;
}

function toPosix(p: string): string {
  return sep === "/" ? p : p.split(sep).join("/");
}

/** Reads the policy folders of a directory, refusing symlinks that leave it. */
export function workingTreeSource(root: string, revision: string | null = null): PolicySource {
  return {
    label: root,
    revision,
    async readExtra(path: string) {
      try {
        return await readFile(join(root, path), "utf8");
      } catch {
        return null;
      }
    },
    async list() {
      const realRoot = await realpath(root);
      const entries: SourceEntry[] = [];
      async function walk(dir: string): Promise<void> {
        let names: string[];
        try {
          names = (await readdir(dir)).sort();
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
          entries.push({ path: toPosix(relative(root, dir)), type: "unreadable", reason: (err as Error).message });
          return;
        }
        for (const name of names) {
          const full = join(dir, name);
          const path = toPosix(relative(root, full));
          const st = await lstat(full);
          if (st.isSymbolicLink()) {
            let target: string;
            try {
              target = await realpath(full);
            } catch {
              entries.push({ path, type: "unreadable", reason: "dangling symbolic link" });
              continue;
            }
            const inside = target === realRoot || target.startsWith(realRoot + sep);
            if (!inside) {
              entries.push({ path, type: "symlink-outside", target });
              continue;
            }
            const tst = await lstat(target);
            if (tst.isDirectory()) await walk(full);
            else if (tst.isFile()) entries.push({ path, type: "file", size: tst.size, read: () => readFile(target) });
            continue;
          }
          if (st.isDirectory()) await walk(full);
          else if (st.isFile()) entries.push({ path, type: "file", size: st.size, read: () => readFile(full) });
        }
      }
      for (const top of POLICY_ROOTS) await walk(join(root, top));
      return entries;
    },
  };
}
