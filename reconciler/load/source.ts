// Where policy files come from: a working tree on disk (and, through git/, any commit).
import { lstat, readdir, readFile, realpath } from "node:fs/promises";
import { join, relative, sep } from "node:path";

/** The folders that hold policy documents, relative to the repository root. */
export const POLICY_ROOTS = ["policies", "baselines", "windows"] as const;

export type SourceEntry =
  | { path: string; type: "file"; size: number; read: () => Promise<Buffer> }
  | { path: string; type: "symlink-outside"; target: string }
  /** A link inside the repository that patchops will not follow: into .git, out of the policy folders, a loop. */
  | { path: string; type: "symlink-refused"; reason: string }
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

/**
 * Reads the policy folders of a directory. A symbolic link is followed only to a file or folder inside the policy
 * folders, as the git-ref source does: never into .git (its config can hold a credential), never elsewhere in the
 * checkout (.env files, node_modules), and each real folder is walked once, so a loop is reported, not followed.
 */
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
      const under = (target: string, dir: string) => target === dir || target.startsWith(dir + sep);
      const realRoots: string[] = [];
      for (const top of POLICY_ROOTS) {
        try {
          realRoots.push(await realpath(join(root, top)));
        } catch {
          // An absent policy folder holds nothing to link to.
        }
      }
      const walked = new Set<string>();
      const entries: SourceEntry[] = [];
      async function walk(dir: string): Promise<void> {
        let real: string;
        try {
          real = await realpath(dir);
        } catch {
          return;
        }
        if (walked.has(real)) {
          entries.push({
            path: toPosix(relative(root, dir)),
            type: "symlink-refused",
            reason: `a symbolic link to a folder already read (${toPosix(relative(realRoot, real)) || "."}): a loop or a copy`,
          });
          return;
        }
        walked.add(real);
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
          let st;
          try {
            st = await lstat(full);
          } catch (err) {
            // Deleted while listing: reported, never a crash.
            entries.push({ path, type: "unreadable", reason: (err as NodeJS.ErrnoException).code ?? String(err) });
            continue;
          }
          if (st.isSymbolicLink()) {
            let target: string;
            try {
              target = await realpath(full);
            } catch (err) {
              const loop = (err as NodeJS.ErrnoException).code === "ELOOP";
              if (loop) entries.push({ path, type: "symlink-refused", reason: "a symbolic link loop" });
              else entries.push({ path, type: "unreadable", reason: "dangling symbolic link" });
              continue;
            }
            if (!under(target, realRoot)) {
              entries.push({ path, type: "symlink-outside", target });
              continue;
            }
            const inGit = relative(realRoot, target).split(sep).includes(".git");
            if (inGit || !realRoots.some((r) => under(target, r))) {
              const where = toPosix(relative(realRoot, target));
              entries.push({
                path,
                type: "symlink-refused",
                reason: inGit
                  ? `it points into git's own files (${where}), which are never policy`
                  : `it points to ${where || "the repository root"}, outside the policy folders (${POLICY_ROOTS.join(", ")})`,
              });
              continue;
            }
            let tst;
            try {
              tst = await lstat(target);
            } catch (err) {
              entries.push({ path, type: "unreadable", reason: (err as NodeJS.ErrnoException).code ?? String(err) });
              continue;
            }
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

/** The source with extra files laid over it (restored files): an extra path replaces an entry of the same path. */
export function overlaySource(base: PolicySource, extra: ReadonlyMap<string, string>): PolicySource {
  return {
    label: base.label,
    revision: base.revision,
    readExtra: (path) => base.readExtra(path),
    async list() {
      const entries = (await base.list()).filter((e) => !extra.has(e.path));
      for (const [path, text] of [...extra].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        const bytes = Buffer.from(text, "utf8");
        entries.push({ path, type: "file", size: bytes.length, read: async () => bytes });
      }
      return entries;
    },
  };
}
