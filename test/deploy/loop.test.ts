import { execFile, execFileSync } from "node:child_process";
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import type { HostResult, Job } from "../../reconciler/model/plan.js";
import { parseResults } from "../../reconciler/results/parse.js";
import { cli, commitAll, tempRepo } from "../helpers/repo.js";
import { lines, PLAYBOOK, playbook, STANDIN } from "./playbook.js";

const run = promisify(execFile);
const NOW1 = "2026-12-10T09:00:00Z";
const NOW2 = "2026-12-10T18:00:00Z";

describe("the loop: plan → export → playbook → results → plan (test/fixtures/loop)", () => {
  it("passes ansible-playbook --syntax-check", async () => {
    const dir = await tempRepo("loop");
    const env = { ...process.env, ANSIBLE_HOME: join(dir, ".ansible"), ANSIBLE_LOCAL_TEMP: join(dir, ".ansible-tmp") };
    const r = await run("ansible-playbook", ["--syntax-check", "-i", "localhost,", PLAYBOOK, "-e", "window=all"], {
      env: { ...env, ANSIBLE_COLLECTIONS_PATH: STANDIN },
    });
    expect(r.stdout).toContain("playbook: ");
  }, 120_000);

  it("a catalog download whose SHA-256 does not match is a failed update, never installed, never reported installed", async () => {
    const repo = await tempRepo("loop");
    await mkdir(join(repo, "pkg"));
    // The bytes served are not the bytes the Update file's source.sha256 names.
    await writeFile(join(repo, "pkg", "windows-kb5003-x64.msu"), "tampered KB5003 package\n");
    const kb5003 = join(repo, "policies", "updates", "kb5003.yaml");
    await writeFile(
      kb5003,
      (await readFile(kb5003, "utf8")).replace(/url: .*/, `url: file://${join(repo, "pkg", "windows-kb5003-x64.msu")}`),
    );
    commitAll(repo, "policy", "2026-10-01T12:00:00Z");
    const inv = join(repo, "inventory.jsonl");
    const out = join(repo, "plan1");
    expect(
      (await cli("plan", "--repo", repo, "--inventory", inv, "--out", out, "--now", NOW1, "--no-verify-approvals"))
        .code,
    ).toBe(0);
    expect((await cli("export", "ansible", "--plan", out, "--out", join(repo, "inv.yml"))).code).toBe(0);
    const web1 = await playbook(repo, join(repo, "inv.yml"), "patchops_20261210t120000z_standard", {
      PATCHOPS_NOW: "2026-12-10T15:00:00Z",
    });
    const modules = web1.calls.map((c) => c.module);
    expect(modules).toContain("win_get_url");
    // The failed download stops there: no win_hotfix installs the file.
    expect(modules).not.toContain("win_hotfix");
    const results = lines<{ host: string; status: string; updates: Record<string, { status: string; code?: string }> }>(
      (
        await Promise.all((await readdir(join(repo, "results"))).map((f) => readFile(join(repo, "results", f), "utf8")))
      ).join(""),
    );
    const web1Result = results.find((r) => r.host === "web-1")!;
    expect(web1Result.updates.KB5003).toEqual({ status: "failed", code: "download-or-checksum" });
    expect(web1Result.status).toBe("failed");
  }, 120_000);

  it("runs end to end: failed and installed states, a retry after the backoff, removal, escalation plays, metrics", async () => {
    const repo = await tempRepo("loop");
    // The catalog-only package is served from a file, so the stand-in win_get_url checks the real SHA-256.
    await mkdir(join(repo, "pkg"));
    await writeFile(join(repo, "pkg", "windows-kb5003-x64.msu"), "stand-in KB5003 package\n");
    const kb5003 = join(repo, "policies", "updates", "kb5003.yaml");
    await writeFile(
      kb5003,
      (await readFile(kb5003, "utf8")).replace(/url: .*/, `url: file://${join(repo, "pkg", "windows-kb5003-x64.msu")}`),
    );
    commitAll(repo, "policy", "2026-10-01T12:00:00Z");
    const inv = join(repo, "inventory.jsonl");
    const plan = (out: string, now: string, ...extra: string[]) =>
      cli("plan", "--repo", repo, "--inventory", inv, "--out", out, "--now", now, "--no-verify-approvals", ...extra);

    expect((await plan(join(repo, "plan1"), NOW1)).code).toBe(0);
    const jobs1 = lines<Job>(await readFile(join(repo, "plan1", "jobs.ndjson"), "utf8"));
    const install = jobs1.find((j) => j.host === "web-1" && j.type === "install")!;
    const uninstall = jobs1.find((j) => j.host === "web-1" && j.type === "uninstall")!;
    expect(install.updates).toEqual(["KB5002", "KB5003", "KB5001", "KB5004"]);
    expect(uninstall.updates).toEqual(["KB6000"]);
    expect((await cli("export", "ansible", "--plan", join(repo, "plan1"), "--out", join(repo, "inv.yml"))).code).toBe(
      0,
    );

    const inventory = join(repo, "inv.yml");
    const [web1, removal, isolate, health, synthetic] = await Promise.all([
      playbook(repo, inventory, "patchops_20261210t120000z_standard", {
        PATCHOPS_STANDIN_FAIL: "KB5004=-2145124318",
        PATCHOPS_NOW: "2026-12-10T15:00:00Z",
      }),
      playbook(repo, inventory, "patchops_20261210t120000z_uninstall", { PATCHOPS_NOW: "2026-12-10T15:30:00Z" }),
      playbook(repo, inventory, "patchops_isolate", { PATCHOPS_NOW: "2026-12-10T09:30:00Z" }),
      playbook(repo, inventory, "patchops_healthcheck", { PATCHOPS_NOW: "2026-12-10T09:30:00Z" }),
      playbook(repo, inventory, "patchops_20261211t120000z_standard", { PATCHOPS_NOW: "2026-12-11T13:00:00Z" }),
    ]);

    // Hook order, categories, accept lists in install order, the catalog download with its checksum, reboot.
    const sha = (await readFile(kb5003, "utf8")).match(/sha256: "([0-9a-f]{64})"/)![1];
    expect(web1.calls.map((c) => c.module)).toEqual([
      "win_shell",
      "win_updates",
      "win_file",
      "win_get_url",
      "win_hotfix",
      "win_updates",
      "win_reboot",
      "win_shell",
    ]);
    expect(web1.calls[0]!.args._raw_params).toBe("Suspend-Monitoring -Minutes 240");
    expect(web1.calls[7]!.args._raw_params).toBe("Resume-Monitoring");
    const categories = ["SecurityUpdates", "ServicePacks", "Updates"];
    expect(web1.calls[1]!.args).toMatchObject({ accept_list: ["KB5002"], category_names: categories, reboot: true });
    expect(web1.calls[3]!.args).toMatchObject({ checksum: sha, checksum_algorithm: "sha256" });
    expect(web1.calls[4]!.args).toMatchObject({ hotfix_kb: "KB5003", state: "present" });
    expect(web1.calls[5]!.args).toMatchObject({ accept_list: ["KB5001", "KB5004"], category_names: categories });
    // Uninstall: win_hotfix state=absent between the hooks.
    expect(removal.calls.map((c) => [c.module, c.args.hotfix_kb ?? c.args._raw_params ?? null])).toEqual([
      ["win_shell", "Suspend-Monitoring -Minutes 240"],
      ["win_hotfix", "KB6000"],
      ["win_reboot", null],
      ["win_shell", "Resume-Monitoring"],
    ]);
    expect(removal.calls[1]!.args.state).toBe("absent");
    // The synthetic marker names the job.
    const synJob = jobs1.find((j) => j.type === "synthetic")!;
    expect(synthetic.calls).toEqual([
      {
        module: "win_regedit",
        args: expect.objectContaining({ name: "SYN-1", data: synJob.id, path: "HKLM:\\SOFTWARE\\patchops\\synthetic" }),
      },
    ]);
    // isolate and healthcheck run PatchPolicy's commands on the control node, with the job in the environment.
    expect(isolate.calls).toEqual([]);
    expect(health.calls).toEqual([]);
    expect((await readFile(join(repo, "commands.log"), "utf8")).split("\n").sort()).toEqual([
      "",
      "healthcheck old-1 healthcheck",
      "isolate app-2 KB4000",
      "isolate web-1 KB5002",
    ]);

    // The playbook's results: NDJSON files, and the same results in the JSON callback's output.
    const resultFiles = (await readdir(join(repo, "results"))).sort().map((f) => join(repo, "results", f));
    expect(resultFiles).toHaveLength(3);
    const written = lines<Record<string, unknown>>(
      (await Promise.all(resultFiles.map((f) => readFile(f, "utf8")))).join(""),
    );
    expect(written).toContainEqual({
      jobId: install.id,
      host: "web-1",
      type: "install",
      status: "failed",
      updates: {
        KB5002: { status: "succeeded" },
        KB5003: { status: "succeeded" },
        KB5001: { status: "succeeded" },
        KB5004: { status: "failed", code: "0x80240022" },
      },
      finishedAt: "2026-12-10T15:00:00Z",
    });
    const fromCallback = parseResults(web1.stdout, "stdout");
    expect(fromCallback.format).toBe("ansible-json");
    expect(fromCallback.diagnostics).toEqual([]);
    expect(fromCallback.results).toEqual([written.find((w) => w.jobId === install.id)]);
    await writeFile(join(repo, "web1.json"), web1.stdout);

    // Back into the plan: from the NDJSON files, and from the JSON callback output alike.
    // --detail full: the installed states are read back from the host line (a compact line only counts them).
    const p2 = await plan(join(repo, "plan2"), NOW2, "--detail", "full", "--results", ...resultFiles);
    expect(p2.code).toBe(0);
    const hosts2 = new Map(
      lines<HostResult>(await readFile(join(repo, "plan2", "hosts.ndjson"), "utf8")).map((h) => [h.host, h]),
    );
    expect(hosts2.get("web-1")!.updates).toMatchObject({
      KB5001: "installed",
      KB5002: "installed",
      KB5003: "installed",
      KB5004: "failed",
    });
    expect(hosts2.get("web-1")!.updates.KB6000).toBeUndefined();
    expect(hosts2.get("web-1")!.failures).toEqual({
      KB5004: { code: "0x80240022", at: "2026-12-10T15:00:00Z", attempts: 1 },
    });
    // The synthetic job ran on 12-11 (its window), after plan2's now: plan2 counts no result from its future.
    expect(hosts2.get("web-2")!.updates["SYN-1"]).toBe("missing");
    expect(written).toContainEqual({
      jobId: synJob.id,
      host: "web-2",
      type: "synthetic",
      status: "succeeded",
      updates: { "SYN-1": { status: "succeeded" } },
      finishedAt: "2026-12-11T13:00:00Z",
    });
    const jobs2 = lines<Job>(await readFile(join(repo, "plan2", "jobs.ndjson"), "utf8"));
    const retry = jobs2.filter((j) => j.host === "web-1");
    expect(retry.map((j) => [j.type, j.updates])).toEqual([["install", ["KB5004"]]]);
    // Retried in the host's first period starting 4 hours (backoffHours × 2^0) after the failure: next month's D1-04.
    expect(retry[0]!.retry).toEqual({ attempt: 2, after: "2026-12-10T15:00:00Z" });
    expect(Date.parse(retry[0]!.window.start)).toBeGreaterThanOrEqual(Date.parse("2026-12-10T19:00:00Z"));
    expect(retry[0]!.period).toBe("D1-04");
    const p2b = await plan(
      join(repo, "plan2b"),
      NOW2,
      "--detail",
      "full",
      "--results",
      join(repo, "web1.json"),
      ...resultFiles.slice(1),
    );
    expect(p2b.code).toBe(0);
    expect(await readFile(join(repo, "plan2b", "hosts.ndjson"), "utf8")).toBe(
      await readFile(join(repo, "plan2", "hosts.ndjson"), "utf8"),
    );

    // The status branch keeps the results; report's metrics count job success.
    const rec = await cli(
      "status",
      "record",
      "--repo",
      repo,
      "--plan",
      join(repo, "plan2"),
      "--results",
      ...resultFiles,
    );
    expect(rec.code).toBe(0);
    // Recording again (another plan, or the same one once more) keeps each result once on the branch.
    const again = ["--repo", repo, "--results", ...resultFiles];
    expect((await cli("status", "record", "--plan", join(repo, "plan1"), ...again)).code).toBe(0);
    expect((await cli("status", "record", "--plan", join(repo, "plan2"), ...again)).code).toBe(0);
    const kept = (name: string) =>
      JSON.parse(
        execFileSync("git", ["show", `patchops-status:snapshots/${name}`], { cwd: repo, encoding: "utf8" }),
      ) as { jobResults?: unknown[] };
    expect(kept("2026-12-10T090000Z.json").jobResults).toBeUndefined();
    expect(kept("2026-12-10T180000Z.json").jobResults).toHaveLength(3);
    const rep = await cli("report", "--repo", repo, "--plan", join(repo, "plan2"), "--out", join(repo, "site"));
    expect(rep.code).toBe(0);
    const m = JSON.parse(await readFile(join(repo, "site", "metrics.json"), "utf8"));
    expect(m.jobs.results).toBe(3);
    expect(m.jobs.updates).toContainEqual({ id: "KB5004", attempts: 1, succeeded: 0, failed: 1, successRatio: 0 });
    expect(m.jobs.updates).toContainEqual({ id: "KB5001", attempts: 1, succeeded: 1, failed: 0, successRatio: 1 });
    expect(m.jobs.failuresByCode).toEqual([{ code: "0x80240022", failures: 1 }]);
    expect(m.jobs.topFailingHosts).toEqual([{ host: "web-1", failures: 1, updates: ["KB5004"] }]);
    expect(await readFile(join(repo, "site", "summary.md"), "utf8")).toContain("| KB5004 | 1 | 0 | 1 | 0% |");
  }, 300_000);
});
