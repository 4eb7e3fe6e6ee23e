import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { generateFleet } from "../../bench/fleet.js";
import { readInventory } from "../../reconciler/inventory/read.js";
import { workingTreeSource } from "../../reconciler/load/source.js";
import { planFileTexts } from "../../reconciler/output/plan-files.js";
import { reconcile } from "../../reconciler/plan/reconcile.js";
import type { Plan } from "../../reconciler/model/plan.js";
import { planSummary } from "../../reconciler/views/plan-summary.js";
import { validateSource } from "../../reconciler/validate/validate.js";
import { cli } from "../helpers/repo.js";

const NOW = "2026-12-10T09:00:00Z";
const FILES = ["plan.json", "hosts.ndjson", "jobs.ndjson"];
const saved = { budget: process.env.PATCHOPS_PLAN_RUN_BUDGET, tmp: process.env.TMPDIR };

afterEach(() => {
  for (const [k, v] of [
    ["PATCHOPS_PLAN_RUN_BUDGET", saved.budget],
    ["TMPDIR", saved.tmp],
  ] as const)
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
});

async function plan(repo: string, out: string, format: string) {
  const r = await cli(
    "plan",
    "--repo",
    repo,
    "--inventory",
    join(repo, "inventory.jsonl"),
    "--out",
    out,
    "--now",
    NOW,
    "--no-verify-approvals",
    "--format",
    format,
  );
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

describe("plan streams its hosts and jobs through sorted runs", () => {
  it("spilling runs to temp files gives the bytes and the summary of the in-memory plan, and leaves no temp files", async () => {
    const repo = await mkdtemp(join(tmpdir(), "patchops-stream-"));
    await generateFleet(repo, { hosts: 1500, updates: 80, seed: 5 });
    const spillRoot = await mkdtemp(join(tmpdir(), "patchops-stream-tmp-"));
    process.env.TMPDIR = spillRoot;
    process.env.PATCHOPS_PLAN_RUN_BUDGET = "97";
    const spilled = await plan(repo, join(repo, "spilled"), "text");
    expect(await readdir(spillRoot)).toEqual([]);
    delete process.env.PATCHOPS_PLAN_RUN_BUDGET;
    const held = await plan(repo, join(repo, "held"), "markdown");

    const now = Date.parse(NOW);
    const { set } = await validateSource(workingTreeSource(repo), now);
    const inv = await readInventory([join(repo, "inventory.jsonl")]);
    const input = {
      set,
      inventory: inv.inventory,
      now,
      approvals: new Map(),
      verification: "off",
      unverified: new Map(),
      revision: null,
      // What `plan` writes by default.
      detail: "compact",
      // The CLI's fingerprints, of which the policy's and the inventory's must be what the readers computed here.
      inputs: (JSON.parse(await readFile(join(repo, "spilled", "plan.json"), "utf8")) as Plan).inputs!,
    } as const;
    const whole = reconcile(input);
    // plan's summary names the ids above the baseline of its first hosts, which a compact line only counts.
    const full = reconcile({ ...input, detail: "full" });
    expect(whole.plan.inputs).toMatchObject({ policy: set.source.digest, inventory: inv.inventory.digest });
    const texts = planFileTexts(whole.plan, whole.hosts, whole.jobs);
    expect(whole.jobs.length).toBeGreaterThan(97 * 3);
    for (const f of FILES) {
      expect(await readFile(join(repo, "spilled", f), "utf8"), f).toBe(texts.get(f));
      expect(await readFile(join(repo, "held", f), "utf8"), f).toBe(texts.get(f));
    }
    expect(spilled).toBe(planSummary(whole.plan, full.hosts, whole.jobs, "text", join(repo, "spilled")));
    expect(held).toBe(planSummary(whole.plan, full.hosts, whole.jobs, "markdown", join(repo, "held")));
    expect(spilled).toContain("Next windows (UTC)");
    const firstAbove = full.hosts.find((h) => h.aboveBaseline!.length > 0)!;
    expect(spilled).toContain(`  ${firstAbove.host}: ${firstAbove.aboveBaseline!.join(", ")}\n`);
    // Read from the compact lines, the summary counts them.
    const n = firstAbove.aboveBaseline!.length;
    expect(planSummary(whole.plan, whole.hosts, whole.jobs, "text", null)).toContain(
      `  ${firstAbove.host}: ${n} installed update${n === 1 ? "" : "s"} (patchops explain --host ${firstAbove.host} --inventory FILE lists them)\n`,
    );
    // The digest behind the summary does not depend on the order hosts and jobs arrive in.
    const shuffled = (xs: readonly unknown[]) => xs.map((x, i) => [(i * 7919) % xs.length, x] as const);
    const reorder = <T>(xs: readonly T[]) =>
      shuffled(xs)
        .sort(([a], [b]) => a - b)
        .map(([, x]) => x as T);
    expect(planSummary(whole.plan, reorder(whole.hosts), reorder(whole.jobs), "text", null)).toBe(
      planSummary(whole.plan, whole.hosts, whole.jobs, "text", null),
    );
  });

  it("refuses a budget that is not a positive integer", async () => {
    process.env.PATCHOPS_PLAN_RUN_BUDGET = "0";
    const repo = await mkdtemp(join(tmpdir(), "patchops-stream-"));
    await generateFleet(repo, { hosts: 10, updates: 5, seed: 5 });
    const r = await cli("plan", "--repo", repo, "--inventory", join(repo, "inventory.jsonl"), "--no-verify-approvals");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("PATCHOPS_PLAN_RUN_BUDGET must be a positive integer");
  });
});
