// What a killed run leaves (review L10): spill directories of dead processes are swept by the next run, and a plan set
// left between the two renames is put back in place, not deleted with the leftovers.
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writePlanDir } from "../../reconciler/output/plan-dir.js";
import { readPlanJson } from "../../reconciler/output/plan-reader.js";
import { SpillDir, sweepDeadSpills } from "../../reconciler/output/sorted-runs.js";
import { tempDir } from "../helpers/repo.js";

const DEAD = 2147483646;

describe("spill directories", () => {
  it("the sweep removes those of dead processes only", async () => {
    const dir = await tempDir();
    for (const d of [`patchops-spill-${DEAD}-aaaaaa`, `patchops-spill-${process.pid}-bbbbbb`, "patchops-spill-cccccc"])
      await mkdir(join(dir, d, "runs"), { recursive: true });
    expect(sweepDeadSpills(dir)).toEqual([`patchops-spill-${DEAD}-aaaaaa`]);
    expect((await readdir(dir)).sort()).toEqual([`patchops-spill-${process.pid}-bbbbbb`, "patchops-spill-cccccc"]);
  });

  it("a spill directory carries its process id, so the next run can tell it is orphaned", () => {
    const s = new SpillDir();
    try {
      expect(s.path).toMatch(new RegExp(`patchops-spill-${process.pid}-[^/]+$`));
    } finally {
      s.remove();
    }
  });
});

/** A plan set as files, with `now` in plan.json. */
async function planSet(dir: string, now: string) {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "plan.json"), JSON.stringify({ kind: "Plan", now }));
  await writeFile(join(dir, "hosts.ndjson"), "");
  await writeFile(join(dir, "jobs.ndjson"), "");
}

/** A write that fails while its content is made (after the leftovers were dealt with under the lock). */
function* failing(): Generator<string> {
  yield "x";
  throw new Error("disk full");
}

/** A whole plan set whose last file fails while it is written. */
function failingSet(): Map<string, string | Iterable<string>> {
  return new Map<string, string | Iterable<string>>([
    ["plan.json", "{}"],
    ["hosts.ndjson", ""],
    ["jobs.ndjson", failing()],
  ]);
}

describe("a run killed between the renames", () => {
  it("readers name the interrupted sets; the next run puts the complete new set back before it writes", async () => {
    const parent = await tempDir();
    const out = join(parent, "out");
    await planSet(join(parent, ".out.old-111-aa"), "2026-12-10T09:00:00Z");
    await planSet(join(parent, ".out.new-111-aa"), "2026-12-20T09:00:00Z");
    await expect(readPlanJson(out)).rejects.toThrow(
      `a plan run was interrupted and left ${join(parent, ".out.new-111-aa")}, ${join(parent, ".out.old-111-aa")}`,
    );
    await expect(writePlanDir(out, failingSet())).rejects.toThrow("disk full");
    expect((await readPlanJson(out)).now).toBe("2026-12-20T09:00:00Z");
    expect((await readdir(parent)).filter((e) => e.startsWith(".out."))).toEqual([]);
  });

  it("without its new set the old set is put back; a new set without an old one (maybe half-written) is dropped", async () => {
    const parent = await tempDir();
    const out = join(parent, "out");
    await planSet(join(parent, ".out.old-222-bb"), "2026-12-10T09:00:00Z");
    await expect(writePlanDir(out, failingSet())).rejects.toThrow("disk full");
    expect((await readPlanJson(out)).now).toBe("2026-12-10T09:00:00Z");

    const other = await tempDir();
    await planSet(join(other, ".out.new-333-cc"), "2026-12-20T09:00:00Z");
    await writePlanDir(join(other, "out"), new Map([["plan.json", JSON.stringify({ kind: "Plan", now: "n" })]]));
    expect(JSON.parse(await readFile(join(other, "out", "plan.json"), "utf8")).now).toBe("n");
    expect((await readdir(other)).filter((e) => e.startsWith(".out."))).toEqual([]);
  });
});
