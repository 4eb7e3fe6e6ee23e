// Rate control with the real ansible-playbook: serial waves (-e patchops_serial) and deploy due --max-errors.
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Job } from "../../reconciler/model/plan.js";
import { cli, tempRepo } from "../helpers/repo.js";
import { lines, playbook } from "./playbook.js";

const WINDOW = "patchops_20261210t160000z_standard";
const HOSTS = ["h1", "h2", "h3", "h4", "h5"];

/** Five copies of app-1's install job of test/fixtures/loop (KB5004, 16:00Z-20:00Z), every install failing. */
async function wave(maxErrors: string) {
  const repo = await tempRepo("loop");
  const plan = join(repo, "plan");
  const args = ["--repo", repo, "--inventory", join(repo, "inventory.jsonl"), "--out", plan, "--no-verify-approvals"];
  expect((await cli("plan", ...args, "--now", "2026-12-10T09:00:00Z")).code).toBe(0);
  const base = lines<Job>(await readFile(join(plan, "jobs.ndjson"), "utf8")).find(
    (j) => j.host === "app-1" && j.type === "install",
  )!;
  const jobs = HOSTS.map((host, i): Job => ({ ...base, host, id: `000000000000000${i + 1}` }));
  await writeFile(join(plan, "jobs.ndjson"), jobs.map((j) => JSON.stringify(j) + "\n").join(""));
  const inv = join(repo, "due.yml");
  const due = await cli(
    "deploy",
    "due",
    "--plan",
    plan,
    "--now",
    "2026-12-10T16:00:00Z",
    "--out",
    inv,
    "--max-errors",
    maxErrors,
  );
  expect(due.stdout).toBe(`${WINDOW}\n`);
  const run = await playbook(
    repo,
    inv,
    WINDOW,
    { PATCHOPS_NOW: "2026-12-10T16:00:00Z", PATCHOPS_STANDIN_FAIL: "KB5004=-2145124318" },
    { patchops_serial: 2 },
  );
  const results = lines<{ host: string; status: string; reason?: string; message?: string }>(
    (
      await Promise.all((await readdir(join(repo, "results"))).map((f) => readFile(join(repo, "results", f), "utf8")))
    ).join(""),
  );
  const byHost = Object.fromEntries(results.map((r) => [r.host, [r.status, r.reason ?? null]]));
  return { byHost, calls: run.calls, results };
}

describe("rate control: waves of patchops_serial hosts, no new start once more than --max-errors failed", () => {
  it("a count: max-errors 0 stops after the first wave; 50% of 5 hosts allows 2 failures, so the third wave stops", async () => {
    const [zero, half] = await Promise.all([wave("0"), wave("50%")]);
    // Waves of two in inventory order: h1 h2 | h3 h4 | h5. Every install fails (stand-in 0x80240022).
    expect(zero.byHost).toEqual({
      h1: ["failed", null],
      h2: ["failed", null],
      h3: ["not-run", "max-errors"],
      h4: ["not-run", "max-errors"],
      h5: ["not-run", "max-errors"],
    });
    expect(zero.calls.filter((c) => c.module === "win_updates")).toHaveLength(2);
    expect(zero.results.find((r) => r.host === "h3")!.message).toBe(
      "2 job(s) of this group failed in this run, more than max_errors (0) allows",
    );
    // 50% of 5 hosts is 2.5, rounded down to 2: two failures are allowed, the third wave's start is refused.
    expect(half.byHost).toEqual({
      h1: ["failed", null],
      h2: ["failed", null],
      h3: ["failed", null],
      h4: ["failed", null],
      h5: ["not-run", "max-errors"],
    });
    expect(half.calls.filter((c) => c.module === "win_updates")).toHaveLength(4);
  }, 300_000);

  it("refuses a --max-errors that is neither a count nor a percentage (exit 2)", async () => {
    const r = await cli("deploy", "due", "--plan", "/nonexistent", "--max-errors", "150%");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--max-errors '150%' is neither a count");
  });
});
