// Reads a written plan directory line by line, in as many passes as a reader needs: the three files are opened once,
// so every pass reads the same set even if a new plan is swapped in meanwhile. Lines are checked as they are read.
import { open, readFile, type FileHandle } from "node:fs/promises";
import { readdirSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { UsageError } from "../errors.js";
import type { ExposureLine, HostResult, Job, Plan } from "../model/plan.js";
import { compareHosts, compareJobs } from "../plan/reconcile.js";
import { jsonLines } from "./sorted-runs.js";

export const notJson = (path: string, line: number) => new UsageError(`${path}:${line}: not a JSON line`);

/**
 * Where a reader of a plan finds none: say how to make one, and name what a killed plan run left beside it (the next
 * `plan` puts a complete set back in place before it writes: output/plan-dir.ts).
 */
export function noPlanHint(err: unknown, dir?: string): string {
  if ((err as NodeJS.ErrnoException).code !== "ENOENT") return "";
  const left = dir ? interruptedSetsSync(dir) : [];
  return left.length
    ? ` (a plan run was interrupted and left ${left.join(", ")}; run \`patchops plan\` again, or pass --plan DIR)`
    : " (run `patchops plan --inventory FILE` first, or pass --plan DIR)";
}

function interruptedSetsSync(dir: string): string[] {
  const target = resolve(dir);
  const name = basename(target);
  let entries: string[];
  try {
    entries = readdirSync(dirname(target));
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.startsWith(`.${name}.new-`) || e.startsWith(`.${name}.old-`))
    .sort()
    .map((e) => join(dirname(target), e));
}

/** plan.json of a plan directory alone; a missing or foreign file is a usage error. */
export async function readPlanJson(dir: string): Promise<Plan> {
  let plan: Plan;
  try {
    plan = JSON.parse(await readFile(join(dir, "plan.json"), "utf8")) as Plan;
  } catch (err) {
    throw new UsageError(
      `cannot read the plan in ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}${noPlanHint(err, dir)}`,
    );
  }
  if (plan?.kind !== "Plan") throw new UsageError(`${join(dir, "plan.json")} is not a patchops plan`);
  return plan;
}

interface LineRules<T> {
  kind: string;
  /** The fields `compare` reads are there (a line of another file, or of another program, is refused by name). */
  valid: (item: T) => boolean;
  compare: (a: T, b: T) => number;
  /** Equal neighbours are out of order too (host names are unique). */
  strict: boolean;
  name: (item: T) => string;
}

export class PlanReader {
  readonly hostsPath: string;
  readonly jobsPath: string;
  readonly exposurePath: string;

  private constructor(
    readonly dir: string,
    readonly plan: Plan,
    private readonly files: FileHandle[],
    /** exposure.ndjson, opened with the rest; null for a plan written before it existed. */
    private readonly exposureFile: FileHandle | null,
  ) {
    this.hostsPath = join(dir, "hosts.ndjson");
    this.jobsPath = join(dir, "jobs.ndjson");
    this.exposurePath = join(dir, "exposure.ndjson");
  }

  /** Opens plan.json (read and checked now), hosts.ndjson and jobs.ndjson; a missing or broken plan is a UsageError. */
  static async open(dir: string): Promise<PlanReader> {
    const files: FileHandle[] = [];
    try {
      files.push(await open(join(dir, "plan.json"), "r"));
      const plan = JSON.parse(await files[0]!.readFile("utf8")) as Plan;
      if (plan?.kind !== "Plan") throw new UsageError(`${join(dir, "plan.json")} is not a patchops plan`);
      files.push(await open(join(dir, "hosts.ndjson"), "r"));
      files.push(await open(join(dir, "jobs.ndjson"), "r"));
      const exposure = await open(join(dir, "exposure.ndjson"), "r").catch((err: NodeJS.ErrnoException) => {
        if (err.code === "ENOENT") return null;
        throw err;
      });
      if (exposure) files.push(exposure);
      return new PlanReader(dir, plan, files, exposure);
    } catch (err) {
      await Promise.all(files.map((f) => f.close()));
      if (err instanceof UsageError) throw err;
      throw new UsageError(
        `cannot read the plan in ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}${noPlanHint(err, dir)}`,
      );
    }
  }

  /**
   * The host lines in file order; a line that does not parse, or is not after the one before it, is a UsageError.
   * With `anyOrder`, only parsing is checked (a reader that holds the lines whole, of a plan merged by hand).
   */
  hosts(o: { anyOrder?: boolean } = {}): Generator<HostResult> {
    if (o.anyOrder) return this.parsed(this.hostsPath, this.files[1]!.fd);
    return this.checked<HostResult>(this.hostsPath, this.files[1]!.fd, {
      kind: "host",
      valid: (h) => typeof h.host === "string",
      compare: compareHosts,
      strict: true,
      name: (h) => `host '${h.host}'`,
    });
  }

  /** The job lines in file order (compareJobs: window, host, type, id), checked as the host lines are. */
  jobs(o: { anyOrder?: boolean } = {}): Generator<Job> {
    if (o.anyOrder) return this.parsed(this.jobsPath, this.files[2]!.fd);
    return this.checked<Job>(this.jobsPath, this.files[2]!.fd, {
      kind: "job",
      valid: (j) =>
        typeof j.host === "string" &&
        typeof j.id === "string" &&
        typeof j.type === "string" &&
        typeof j.window?.start === "string",
      compare: compareJobs,
      strict: false,
      name: (j) => `job ${j.id} of '${j.host}'`,
    });
  }

  get hasExposure(): boolean {
    return this.exposureFile !== null;
  }

  /** The exposure lines in file order (by host, as hosts.ndjson), checked as the host lines are; null when absent. */
  exposure(): Generator<ExposureLine> | null {
    if (!this.exposureFile) return null;
    return this.checked<ExposureLine>(this.exposurePath, this.exposureFile.fd, {
      kind: "exposure",
      valid: (x) => typeof x.host === "string" && typeof x.cves === "object" && x.cves !== null,
      compare: compareHosts,
      strict: true,
      name: (x) => `host '${x.host}'`,
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.files.map((f) => f.close()));
  }

  private *parsed<T>(path: string, fd: number): Generator<T> {
    for (const [value] of jsonLines(path, notJson, fd)) yield value as T;
  }

  /** Lines parsed, with the fields the order needs, each after the one before (or, unless `strict`, equal to it). */
  private *checked<T extends object>(path: string, fd: number, o: LineRules<T>): Generator<T> {
    let previous: T | undefined;
    for (const [value, line] of jsonLines(path, notJson, fd)) {
      if (typeof value !== "object" || value === null || !o.valid(value as T))
        throw new UsageError(`${path}:${line}: not a ${o.kind} line`);
      const item = value as T;
      if (previous !== undefined) {
        const order = o.compare(previous, item);
        if (order > 0 || (o.strict && order === 0))
          throw new UsageError(
            `${path}:${line}: ${o.name(item)} is out of order (after ${o.name(previous)}); a plan's lines are sorted, as \`patchops plan\` writes them`,
          );
      }
      previous = item;
      yield item;
    }
  }
}
