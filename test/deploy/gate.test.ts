// The playbook's gate and no-force staging, with the real ansible-playbook: each host below has its own clock
// (host_vars patchops_now) or its own plan folder, so one run of one window checks every edge.
import { cp, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Job } from "../../reconciler/model/plan.js";
import { compareText } from "../../reconciler/order.js";
import { cli, tempRepo } from "../helpers/repo.js";
import { lines, playbook } from "./playbook.js";

/** app-1's install job of test/fixtures/loop planned at 2026-12-10T09:00Z: KB5004 in 2026-12-10T16:00Z-20:00Z. */
const WINDOW = "patchops_20261210t160000z_standard";

/** Host → the control node's clock for it. The gate lets a job start from 300 s before its window until its end. */
const CLOCKS: Record<string, string> = {
  "early-301s": "2026-12-10T15:54:59Z", // start - 301 s: refused
  "early-300s": "2026-12-10T15:55:00Z", // start - 300 s: runs
  "end-1s": "2026-12-10T19:59:59Z", // end - 1 s: runs
  "at-end": "2026-12-10T20:00:00Z", // end: refused
  "year-early": "2025-12-10T16:00:00Z", // a year ahead of its window: refused
  "no-force": "2026-12-10T16:00:00Z", // forceInstall and forceRestart false: staged
  edited: "2026-12-10T16:00:00Z", // its accept_list edited in the inventory after export
  foreign: "2026-12-10T16:00:00Z", // its plan folder holds another plan.json
  "line-changed": "2026-12-10T16:00:00Z", // its plan folder's jobs.ndjson line differs from the exported one
};

/** test/fixtures/loop planned at 2026-12-10T09:00Z into REPO/plan, and app-1's install job there. */
async function plannedLoop(): Promise<{ repo: string; plan: string; base: Job }> {
  const repo = await tempRepo("loop");
  const plan = join(repo, "plan");
  const p = await cli(
    "plan",
    "--repo",
    repo,
    "--inventory",
    join(repo, "inventory.jsonl"),
    "--out",
    plan,
    "--now",
    "2026-12-10T09:00:00Z",
    "--no-verify-approvals",
  );
  expect(p.code).toBe(0);
  const base = lines<Job>(await readFile(join(plan, "jobs.ndjson"), "utf8")).find(
    (j) => j.host === "app-1" && j.type === "install",
  )!;
  return { repo, plan, base };
}

/** Every result line the playbook wrote to REPO/results. */
async function resultsOf(repo: string): Promise<Record<string, unknown>[]> {
  const files = await readdir(join(repo, "results"));
  return lines<Record<string, unknown>>(
    (await Promise.all(files.map((f) => readFile(join(repo, "results", f), "utf8")))).join(""),
  );
}

describe("the gate: window by the control node's clock, provenance; no-force stages (real ansible-playbook)", () => {
  it("refuses outside the window and mismatched jobs as not-run results, stages no-force jobs, never reboots them", async () => {
    const { repo, plan, base } = await plannedLoop();
    expect([base.window.start, base.window.end, base.updates]).toEqual([
      "2026-12-10T16:00:00Z",
      "2026-12-10T20:00:00Z",
      ["KB5004"],
    ]);
    const jobs = Object.keys(CLOCKS).map((host, i): Job => {
      const id = `00000000000000${(i + 16).toString(16)}`;
      if (host !== "no-force") return { ...base, id, host };
      return { ...base, id, host, enforcement: { forceInstall: false, forceRestart: false } };
    });
    await writeFile(join(plan, "jobs.ndjson"), jobs.map((j) => JSON.stringify(j) + "\n").join(""));
    const inv = join(repo, "inv", "inventory.yml");
    await mkdir(join(repo, "inv", "host_vars"), { recursive: true });
    expect((await cli("export", "ansible", "--plan", plan, "--out", inv)).code).toBe(0);

    // A hand edit after export: one more KB on one host.
    const text = await readFile(inv, "utf8");
    const edited = text.replace(
      /(\n {4}edited:\n(?:.*\n)*? {10}accept_list:\n)/u,
      `$1            - !unsafe "KB9999"\n`,
    );
    expect(edited).not.toBe(text);
    await writeFile(inv, edited);
    // Two plan folders that are not the one exported: another plan.json, and a jobs.ndjson line written differently.
    for (const [host, change] of [
      ["foreign", (f: string, t: string) => (f === "plan.json" ? t.replace(/("policy": *")[0-9a-f]/u, "$1x") : t)],
      ["line-changed", (f: string, t: string) => (f === "jobs.ndjson" ? t.replaceAll('"owner":', '"owner" :') : t)],
    ] as const) {
      const dir = join(repo, `plan-${host}`);
      await cp(plan, dir, { recursive: true });
      let changed = 0;
      for (const f of await readdir(dir)) {
        const before = await readFile(join(dir, f), "utf8");
        if (change(f, before) !== before) changed++;
        await writeFile(join(dir, f), change(f, before));
      }
      expect(changed).toBe(1);
      await writeFile(join(repo, "inv", "host_vars", `${host}.yml`), `patchops_plan_dir: ${JSON.stringify(dir)}\n`);
    }
    for (const [host, clock] of Object.entries(CLOCKS)) {
      const vars = join(repo, "inv", "host_vars", `${host}.yml`);
      const before = await readFile(vars, "utf8").catch(() => "");
      await writeFile(vars, `${before}patchops_now: "${clock}"\n`);
    }

    const run = await playbook(repo, inv, WINDOW, { PATCHOPS_STANDIN_REBOOT_REQUIRED: "1" });
    const results = await resultsOf(repo);
    const byHost = Object.fromEntries(results.map((r) => [r.host as string, r]));
    const outcome = (h: string) => [byHost[h]?.status, byHost[h]?.reason ?? null, byHost[h]?.updates];
    expect(Object.fromEntries(Object.keys(CLOCKS).map((h) => [h, outcome(h)]))).toEqual({
      "early-301s": ["not-run", "outside-window", {}],
      "early-300s": ["succeeded", null, { KB5004: { status: "succeeded" } }],
      "end-1s": ["succeeded", null, { KB5004: { status: "succeeded" } }],
      "at-end": ["not-run", "outside-window", {}],
      "year-early": ["not-run", "outside-window", {}],
      "no-force": ["not-run", "staged", {}],
      edited: ["not-run", "provenance-mismatch", {}],
      foreign: ["not-run", "provenance-mismatch", {}],
      "line-changed": ["not-run", "provenance-mismatch", {}],
    });
    expect(byHost["edited"]!.message).toContain("edited after patchops export");
    expect(byHost["foreign"]!.message).toContain("another plan");
    expect(byHost["line-changed"]!.message).toContain("no line with this job's digest");
    expect(byHost["at-end"]!.message).toContain("outside the window 2026-12-10T16:00:00Z - 2026-12-10T20:00:00Z");
    expect(byHost["year-early"]!.finishedAt).toBe("2025-12-10T16:00:00Z");
    // Only the two jobs in their window installed, with their hooks; the no-force job downloaded without hooks
    // and never restarted, although its update asked for a restart.
    const updates = run.calls.filter((c) => c.module === "win_updates").map((c) => [c.args.state, c.args.reboot]);
    expect(updates.sort()).toEqual([
      ["downloaded", false],
      ["installed", true],
      ["installed", true],
    ]);
    expect(run.calls.filter((c) => c.module === "win_shell")).toHaveLength(4);
    expect(run.calls.filter((c) => c.module === "win_reboot")).toEqual([]);
  }, 300_000);

  it("refuses an isolate job outside its window as a not-run result and runs its hook only inside; one without a hook is not-run, no-command, and the run goes on", async () => {
    const { repo, plan, base } = await plannedLoop();
    // The hook marks the host it ran for (the host name from the job's environment, never from the command text).
    const marks = join(repo, "marks");
    await mkdir(marks);
    const clocks: Record<string, string> = {
      "early-301s": "2026-12-10T15:54:59Z",
      "end-1s": "2026-12-10T19:59:59Z",
      "at-end": "2026-12-10T20:00:00Z",
      // Inside the window, but the PatchPolicy names no isolate command (the plan then writes no `commands`).
      "no-hook": "2026-12-10T16:00:00Z",
    };
    const jobs = Object.keys(clocks).map((host, i): Job => {
      const job: Job = {
        ...base,
        id: `10000000000000${(i + 16).toString(16)}`,
        host,
        type: "isolate",
        timeline: "immediate",
        enforcement: { forceInstall: false, forceRestart: false },
      };
      if (host !== "no-hook") job.commands = [{ name: "mark", run: `touch "${marks}/$PATCHOPS_HOST"` }];
      return job;
    });
    await writeFile(join(plan, "jobs.ndjson"), jobs.map((j) => JSON.stringify(j) + "\n").join(""));
    const inv = join(repo, "inv", "inventory.yml");
    await mkdir(join(repo, "inv", "host_vars"), { recursive: true });
    expect((await cli("export", "ansible", "--plan", plan, "--out", inv)).code).toBe(0);
    for (const [host, clock] of Object.entries(clocks))
      await writeFile(join(repo, "inv", "host_vars", `${host}.yml`), `patchops_now: "${clock}"\n`);

    await playbook(repo, inv, "patchops_isolate");
    const results = await resultsOf(repo);
    // Refused on both sides of the window, as not-run results that list no update; the hook ran only inside. The
    // job without a hook ran nothing and says why, and the playbook still ended well (playbook() throws otherwise).
    expect(
      results
        .map((r) => [r.host, r.type, r.status, r.reason, r.updates])
        .sort((a, b) => compareText(String(a[0]), String(b[0]))),
    ).toEqual([
      ["at-end", "isolate", "not-run", "outside-window", {}],
      ["early-301s", "isolate", "not-run", "outside-window", {}],
      ["no-hook", "isolate", "not-run", "no-command", {}],
    ]);
    expect(results.find((r) => r.host === "no-hook")?.message).toBe(
      "PatchPolicy spec.hooks.isolate names no command, so the isolate job for no-hook ran nothing",
    );
    expect(await readdir(marks)).toEqual(["end-1s"]);
    // What the playbook wrote reads back as job results (the model accepts an isolate job's refusal).
    const results2 = join(repo, "results-check");
    await cp(join(repo, "results"), results2, { recursive: true });
    const again = await cli(
      "plan",
      "--repo",
      repo,
      "--inventory",
      join(repo, "inventory.jsonl"),
      "--results",
      ...(await readdir(results2)).map((f) => join(results2, f)),
      "--out",
      join(repo, "plan-again"),
      "--now",
      "2026-12-10T21:00:00Z",
      "--no-verify-approvals",
    );
    expect(again.stderr).not.toContain("error");
    expect(again.code).toBe(0);
  }, 300_000);
});
