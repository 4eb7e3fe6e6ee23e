// Restart jobs (the plan's answer to a pending restart): the playbook restarts between the hooks and reports it.
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { HostResult, Job } from "../../reconciler/model/plan.js";
import { parseResults } from "../../reconciler/results/parse.js";
import { cli, tempRepo } from "../helpers/repo.js";
import { lines, playbook } from "./playbook.js";

describe("restart jobs (real ansible-playbook, stand-in Windows modules)", () => {
  it("restarts a Windows host between its hooks, reports a restart result without updates; Linux hosts get the Linux steps", async () => {
    const repo = await tempRepo("loop");
    const plan = join(repo, "plan");
    const args = ["--repo", repo, "--inventory", join(repo, "inventory.jsonl"), "--out", plan, "--no-verify-approvals"];
    expect((await cli("plan", ...args, "--now", "2026-12-10T09:00:00Z")).code).toBe(0);
    // A restart job as the plan writes one for a pending restart (type restart, forceInstall false, forceRestart
    // true), for web-1 (Windows) in 12:00Z-16:00Z and app-1 (made a Linux host here) in 16:00Z-20:00Z.
    const all = lines<Job>(await readFile(join(plan, "jobs.ndjson"), "utf8"));
    const restartOf = (j: Job, id: string): Job => ({
      ...j,
      id,
      type: "restart",
      updates: ["KB5001"],
      enforcement: { forceInstall: false, forceRestart: true },
      categories: undefined,
      downloads: undefined,
    });
    const web1 = restartOf(
      all.find((j) => j.host === "web-1" && j.type === "install")!,
      "00000000000000a1",
    );
    const app1 = restartOf(
      all.find((j) => j.host === "app-1" && j.type === "install")!,
      "00000000000000a2",
    );
    await writeFile(join(plan, "jobs.ndjson"), [web1, app1].map((j) => JSON.stringify(j) + "\n").join(""));
    const hosts = lines<HostResult>(await readFile(join(plan, "hosts.ndjson"), "utf8")).map((h) =>
      h.host === "app-1" ? { ...h, os: { family: "linux", name: "Debian 12", version: "12.7" } } : h,
    );
    await writeFile(join(plan, "hosts.ndjson"), hosts.map((h) => JSON.stringify(h) + "\n").join(""));

    const inv = join(repo, "due.yml");
    const due = await cli("deploy", "due", "--plan", plan, "--now", "2026-12-10T12:30:00Z", "--out", inv);
    expect(due.stdout).toBe("patchops_20261210t120000z_restart\n");
    expect((await cli("export", "ansible", "--plan", plan, "--out", join(repo, "inv-all.yml"))).code).toBe(0);
    const text = await readFile(join(repo, "inv-all.yml"), "utf8");
    // The Linux host's restart job carries the Linux platform (ansible.builtin.reboot), the Windows one none.
    expect(text).toMatch(/patchops_20261210t160000z_restart:\n(?: {10}.*\n)*? {10}platform: !unsafe "linux"\n/u);
    expect(text).not.toMatch(/patchops_20261210t120000z_restart:\n(?: {10}.*\n)*? {10}platform:/u);

    const run = await playbook(repo, inv, "patchops_20261210t120000z_restart", {
      PATCHOPS_NOW: "2026-12-10T12:30:00Z",
    });
    expect(run.calls.map((c) => [c.module, c.args._raw_params ?? null])).toEqual([
      ["win_shell", "Suspend-Monitoring -Minutes 240"],
      ["win_reboot", null],
      ["win_shell", "Resume-Monitoring"],
    ]);
    const files = await readdir(join(repo, "results"));
    const parsed = parseResults(await readFile(join(repo, "results", files[0]!), "utf8"), files[0]!);
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.results).toEqual([
      {
        jobId: web1.id,
        host: "web-1",
        type: "restart",
        status: "succeeded",
        updates: {},
        finishedAt: "2026-12-10T12:30:00Z",
      },
    ]);
  }, 300_000);
});
