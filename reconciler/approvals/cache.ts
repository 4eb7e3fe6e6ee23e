// A cache of GitHub facts about merged pull requests, by commit: scheduled runs do not ask GitHub again.
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { PullSummary, Review } from "../github/client.js";
import { writeFilesAtomically } from "../output/atomic.js";
import { compareText } from "../order.js";

export interface CachedPull extends PullSummary {
  reviews: Review[];
}

export class ReviewCache {
  private entries: Record<string, CachedPull[]> = {};
  private dirty = false;

  private constructor(private readonly dir: string | null) {}

  static async open(dir: string | null): Promise<ReviewCache> {
    const c = new ReviewCache(dir);
    if (dir) {
      try {
        const parsed = JSON.parse(await readFile(join(dir, "reviews.json"), "utf8")) as {
          version: number;
          commits: Record<string, CachedPull[]>;
        };
        if (parsed.version === 1 && parsed.commits && typeof parsed.commits === "object") c.entries = parsed.commits;
      } catch {
        // A missing or damaged cache is only a slower run.
      }
    }
    return c;
  }

  get(sha: string): CachedPull[] | undefined {
    return Object.prototype.hasOwnProperty.call(this.entries, sha) ? this.entries[sha] : undefined;
  }

  /** Only merged pull requests are stable enough to keep. */
  set(sha: string, pulls: CachedPull[]): void {
    if (pulls.length === 0 || pulls.some((p) => !p.mergedAt)) return;
    this.entries[sha] = pulls;
    this.dirty = true;
  }

  async save(): Promise<void> {
    if (!this.dir || !this.dirty) return;
    await mkdir(this.dir, { recursive: true });
    const sorted = Object.fromEntries(Object.entries(this.entries).sort(([a], [b]) => compareText(a, b)));
    await writeFilesAtomically(
      this.dir,
      new Map([["reviews.json", JSON.stringify({ version: 1, commits: sorted }, null, 1) + "\n"]]),
    );
  }
}
