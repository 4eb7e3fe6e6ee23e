// A cache of GitHub facts about merged pull requests, by commit and keyed by repository: scheduled runs do not ask GitHub again.
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { PullCommit, PullSummary, Review } from "../github/client.js";
import { writeFilesAtomically } from "../output/atomic.js";
import { compareText } from "../order.js";
import type { TeamRead } from "./judge.js";

export interface CachedPull extends PullSummary {
  reviews: Review[];
  /** Authors and committers of the pull request's commits; fetched only for intake-identity pull requests. */
  commits?: PullCommit[];
  /**
   * Team memberships of its reviewers, keyed `@org/team-slug login` (lower case), as first read from GitHub after the
   * merge: GitHub keeps no membership history, so the first reading stands for the review, not later ones.
   */
  teams?: Record<string, TeamRead>;
}

/** Only well-formed membership readings are kept from a cache file; the rest are read again. */
function teamReads(value: unknown): Record<string, TeamRead> | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const out: Record<string, TeamRead> = {};
  for (const [key, r] of Object.entries(value as Record<string, unknown>)) {
    const read = r as Partial<TeamRead> | null;
    if (
      /^@[^\s/]+\/\S+ \S+$/.test(key) &&
      typeof read?.member === "boolean" &&
      typeof read.readAt === "string" &&
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?Z$/.test(read.readAt) &&
      Number.isFinite(Date.parse(read.readAt))
    )
      out[key] = { member: read.member, readAt: read.readAt };
  }
  return Object.keys(out).length ? out : undefined;
}

/** The review cache's key of one reviewer's membership of one team. */
export function teamReadKey(team: string, login: string): string {
  return `${team.toLowerCase()} ${login.toLowerCase()}`;
}

const VERSION = 2;

/** Entries lacking what a verdict needs (the pull request number or its final head) are asked again. */
function complete(pulls: unknown): pulls is CachedPull[] {
  return (
    Array.isArray(pulls) &&
    pulls.length > 0 &&
    pulls.every(
      (p: Partial<CachedPull>) =>
        typeof p?.number === "number" &&
        typeof p.headSha === "string" &&
        /^[0-9a-f]{40}$/.test(p.headSha) &&
        typeof p.mergedAt === "string" &&
        Array.isArray(p.reviews),
    )
  );
}

export class ReviewCache {
  private entries: Record<string, CachedPull[]> = {};
  private dirty = false;

  /** `file` is null for no cache; `repository` is the owner/name the facts are about. */
  private constructor(
    private readonly file: string | null,
    readonly repository: string,
    private readonly warn: (text: string) => void = () => {},
  ) {}

  /** The cache file of one repository under a cache directory. */
  static fileFor(dir: string, repository: string): string {
    // Each segment a plain name: "." and ".." (which GitHub never gives a repository) would leave the cache folder.
    const segment = (p: string) =>
      p.replace(/[^A-Za-z0-9_.-]/g, "_").replace(/^\.+$/, (dots) => "_".repeat(dots.length));
    return join(dir, ...repository.split("/").map(segment), "reviews.json");
  }

  /** `warn` hears when the cache cannot be written: the run goes on without it. */
  static async open(
    dir: string | null,
    repository: string,
    warn: (text: string) => void = () => {},
  ): Promise<ReviewCache> {
    const c = new ReviewCache(dir ? ReviewCache.fileFor(dir, repository) : null, repository, warn);
    if (!c.file) return c;
    try {
      const parsed = JSON.parse(await readFile(c.file, "utf8")) as {
        version: number;
        repository: string;
        commits: Record<string, unknown>;
      };
      if (parsed.version !== VERSION || parsed.repository !== repository || typeof parsed.commits !== "object")
        return c;
      for (const [sha, pulls] of Object.entries(parsed.commits ?? {}))
        if (/^[0-9a-f]{40}$/.test(sha) && complete(pulls))
          c.entries[sha] = pulls.map(({ teams, ...p }) => {
            const reads = teamReads(teams);
            return reads ? { ...p, teams: reads } : p;
          });
    } catch {
      // A missing or damaged cache is only a slower run.
    }
    return c;
  }

  /** A cache that remembers nothing (no GitHub, or a refused cache file). */
  static none(repository = ""): ReviewCache {
    return new ReviewCache(null, repository);
  }

  get(sha: string): CachedPull[] | undefined {
    return Object.prototype.hasOwnProperty.call(this.entries, sha) ? this.entries[sha] : undefined;
  }

  /** Only merged pull requests with a known head are stable enough to keep. */
  set(sha: string, pulls: CachedPull[]): void {
    if (!complete(pulls)) return;
    this.entries[sha] = pulls;
    this.dirty = true;
  }

  /** Keeps the first reading of a reviewer's team membership with the merged pull request it judged. */
  rememberTeamRead(sha: string, pull: CachedPull, key: string, read: TeamRead): void {
    const stored = this.get(sha)?.find((p) => p.number === pull.number);
    for (const p of new Set([pull, stored])) if (p) p.teams = { ...p.teams, [key]: read };
    if (stored) this.dirty = true;
  }

  /** Writes the cache; one that cannot be written (a read-only home) is a warning, never a failed run. */
  async save(): Promise<void> {
    if (!this.file || !this.dirty) return;
    const dir = this.file.slice(0, this.file.lastIndexOf("/"));
    const sorted = Object.fromEntries(Object.entries(this.entries).sort(([a], [b]) => compareText(a, b)));
    try {
      await mkdir(dir, { recursive: true });
      await writeFilesAtomically(
        dir,
        new Map([
          [
            "reviews.json",
            JSON.stringify({ version: VERSION, repository: this.repository, commits: sorted }, null, 1) + "\n",
          ],
        ]),
      );
      this.dirty = false;
    } catch (err) {
      this.dirty = false;
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      this.warn(
        `patchops: the review cache ${this.file} cannot be written (${code}); going on without it, so the next run asks GitHub again (set --cache-dir or PATCHOPS_CACHE_DIR to a writable folder)\n`,
      );
    }
  }
}
