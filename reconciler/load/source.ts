// Where policy files come from: a working tree on disk (and, through git/, any commit).
import { lstat, readdir, readFile, realpath } from "node:fs/promises";
import { join, relative, sep } from "node:path";

/** The folders that hold policy documents, relative to the repository root. */
export const POLICY_ROOTS = ["policies", "baselines", "windows"] as const;

export type SourceEntry =
  | { path: string; type: "file"; size: number; read: () => Promise<Buffer> }
  | { path: string; type: "symlink-outside"; target: string }
  /**
   * A symbolic link patchops does not follow (every link: a link's history is not its target's, so what it reads would
   * not be what was reviewed). From git, `previous` is the path's last version as a regular file, if it had one: a
   * verified plan may fall back to it, judged by the path's own history.
   */
  | {
      path: string;
      type: "symlink-refused";
      reason: string;
      previous?: { commit: string; size: number; read: () => Promise<Buffer> };
    }
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

/** Why a link inside the policy folders is refused all the same (the same words for the working tree and git). */
export function linkReason(target: string): string {
  return `it points to ${target || "the repository root"}; links are never followed, because a review of the link is not a review of what it points to (replace it with the file)`;
}

function toPosix(p: string): string {
  return sep === "/" ? p : p.split(sep).join("/");
}

/**
 * Reads the policy folders of a directory. A symbolic link is never followed, as the git-ref source never follows
 * one: approval is judged on a path's own history, and a link's history says nothing about its target's. Its target is
 * resolved only to say where it points (into .git, out of the repository, a loop), never read.
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
            const where = toPosix(relative(realRoot, target));
            const inGit = relative(realRoot, target).split(sep).includes(".git");
            entries.push({
              path,
              type: "symlink-refused",
              reason: inGit
                ? `it points into git's own files (${where}), which are never policy`
                : !realRoots.some((r) => under(target, r))
                  ? `it points to ${where || "the repository root"}, outside the policy folders (${POLICY_ROOTS.join(", ")})`
                  : linkReason(where),
            });
            continue;
          }
          if (st.isDirectory()) await walk(full);
          else if (st.isFile()) entries.push({ path, type: "file", size: st.size, read: () => readFile(full) });
        }
      }
      for (const top of POLICY_ROOTS) {
        const st = await lstat(join(root, top)).catch(() => null);
        if (st?.isSymbolicLink()) {
          const target = await realpath(join(root, top)).catch(() => null);
          entries.push({
            path: top,
            type: "symlink-refused",
            reason:
              target === null ? "a dangling symbolic link or a loop" : linkReason(toPosix(relative(realRoot, target))),
          });
        } else await walk(join(root, top));
      }
      return entries;
    },
  };
}

/**
 * The source with extra files laid over it (restored files): an extra path replaces an entry of the same path, and a
 * null drops it (an unverified copy that would collide with a restored file).
 */
export function overlaySource(base: PolicySource, extra: ReadonlyMap<string, string | null>): PolicySource {
  return {
    label: base.label,
    revision: base.revision,
    readExtra: (path) => base.readExtra(path),
    async list() {
      const entries = (await base.list()).filter((e) => !extra.has(e.path));
      for (const [path, text] of [...extra].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        if (text === null) continue;
        const bytes = Buffer.from(text, "utf8");
        entries.push({ path, type: "file", size: bytes.length, read: async () => bytes });
      }
      return entries;
    },
  };
}
