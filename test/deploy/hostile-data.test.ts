// Data is never code (review C2, N20, N21): Jinja in exported strings reaches the real ansible-playbook as inert text.
import { existsSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Job } from "../../reconciler/model/plan.js";
import { cli, tempRepo } from "../helpers/repo.js";
import { lines, playbook, type PlaybookRun } from "./playbook.js";

/** A Jinja expression and a Jinja statement that each create a file on the control node if Ansible templates them. */
const jinja = (dir: string, field: string) =>
  `x{{ lookup('pipe', 'touch ${dir}/MARK-${field}') }}{% set _ = lookup('pipe', 'touch ${dir}/MARK-${field}-stmt') %}{# c #}`;

describe("hostile strings in the export (test/fixtures/loop, plan rewritten with Jinja payloads)", () => {
  it("never templates a host name, package name, hook, owner or plan field; the jobs still run and report", async () => {
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
    // What a hostile scan, advisory or hook can put into a plan (C2): web-1 renamed, its owner, its hooks, and a
    // Linux job whose package name carries the payload. Non-ASCII text checks the digest's escaping as well.
    const host = jinja(repo, "host") + " é☃😀";
    const owner = jinja(repo, "owner");
    const hook = `echo ${jinja(repo, "hook")}`;
    const pkg = `${jinja(repo, "pkg")}=1.0`;
    const jobs = lines<Job>(await readFile(join(plan, "jobs.ndjson"), "utf8")).map((j) => {
      if (j.host !== "web-1") return j;
      const pre = j.pre.map(() => ({ name: jinja(repo, "hookname"), run: hook }));
      return { ...j, host, owner, pre };
    });
    const install = jobs.find((j) => j.host === host && j.type === "install")!;
    const linux: Job = {
      ...install,
      id: "00000000000000aa",
      host: "deb-1",
      owner,
      packages: [pkg],
      updates: ["DEB-1"],
      pre: [],
      post: [],
      downloads: [],
    };
    await writeFile(join(plan, "jobs.ndjson"), [...jobs, linux].map((j) => JSON.stringify(j) + "\n").join(""));

    const inv = join(repo, "inv.yml");
    const e = await cli("export", "ansible", "--plan", plan, "--out", inv);
    expect(e.stderr).toBe("");
    expect(e.code).toBe(0);

    const window = "patchops_20261210t120000z_standard";
    const runs = await Promise.allSettled([
      playbook(
        repo,
        inv,
        window,
        { PATCHOPS_NOW: "2026-12-10T12:30:00Z" },
        { ansible_facts: { pkg_mgr: "none-here" } },
      ),
      playbook(repo, inv, "patchops_isolate", { PATCHOPS_NOW: "2026-12-10T09:30:00Z" }),
    ]);
    // First what matters most: nothing ran on the control node, whether or not the playbook then failed.
    const marks = (await readdir(repo)).filter((f) => f.startsWith("MARK-"));
    expect(marks).toEqual([]);
    const done = (r: PromiseSettledResult<PlaybookRun> | undefined): PlaybookRun => {
      if (r?.status !== "fulfilled") throw r?.reason;
      return r.value;
    };
    const [installRun, isolateRun] = [done(runs[0]), done(runs[1])];
    expect(existsSync(join(repo, "MARK-host"))).toBe(false);
    // Every payload is written as an !unsafe string; the hostile host name only as a value, under an alias key.
    const text = await readFile(inv, "utf8");
    expect(text).not.toMatch(/^[^!\n]*\{\{/mu);
    expect(text).toMatch(/^ {4}patchops_host_[0-9a-f]{16}:\n {6}ansible_host: !unsafe "x\{\{ lookup/mu);

    // The hook reached the (stand-in) module as the literal text the policy holds.
    expect(installRun.calls.filter((c) => c.module === "win_shell")[0]!.args._raw_params).toBe(hook);
    expect(installRun.calls.map((c) => c.module)).toContain("win_updates");
    // Both jobs reported, under their real names: the Windows one installed, the Linux one failed (no apt here).
    const results = lines<Record<string, unknown>>(
      (
        await Promise.all((await readdir(join(repo, "results"))).map((f) => readFile(join(repo, "results", f), "utf8")))
      ).join(""),
    );
    expect(results.map((r) => [r.host, r.jobId, r.status]).sort()).toEqual(
      [
        ["deb-1", linux.id, "failed"],
        [host, install.id, "succeeded"],
      ].sort(),
    );
    // The isolate command saw the host's real name in its environment.
    expect(isolateRun.stdout).toContain("isolate");
    expect(await readFile(join(repo, "commands.log"), "utf8")).toContain(`isolate ${host} `);
  }, 300_000);
});
