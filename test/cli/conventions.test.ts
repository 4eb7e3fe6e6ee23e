// The CLI as people expect it: --version, --format everywhere, plan readers defaulting to out/plan, clean help.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cli, commitAll, ROOT, tempRepo } from "../helpers/repo.js";

const COMMANDS = [
  ["init"],
  ["validate"],
  ["windows"],
  ["plan"],
  ["merge"],
  ["status", "record"],
  ["report"],
  ["intake"],
  ["verify-source"],
  ["explain"],
  ["export", "ansible"],
  ["approvals"],
  ["diff"],
  ["comment"],
  ["codeowners"],
  ["audit"],
];

const cwd = process.cwd();
afterEach(() => process.chdir(cwd));

describe("the command line", () => {
  it("prints its version", async () => {
    const { version } = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(await cli("--version")).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
  });

  it("says to build first when started from a checkout without dist/", async () => {
    const checkout = await mkdtemp(join(tmpdir(), "patchops-unbuilt-"));
    try {
      await mkdir(join(checkout, "bin"));
      await copyFile(join(ROOT, "bin/patchops.js"), join(checkout, "bin/patchops.js"));
      const r = spawnSync(process.execPath, [join(checkout, "bin/patchops.js"), "validate"], { encoding: "utf8" });
      expect(r.stderr).toBe("patchops: the CLI is not built yet: run `npm run build` in the patchops folder first\n");
      expect(r.status).toBe(2);
    } finally {
      await rm(checkout, { recursive: true, force: true });
    }
  });

  it("lists every command in the top-level help", async () => {
    const r = await cli("--help");
    expect(r.code).toBe(0);
    for (const [name] of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${name} `, "m"));
  });

  it("gives every command --format, and never states a default twice", async () => {
    for (const command of COMMANDS) {
      const r = await cli(...command, "--help");
      expect(r.code, command.join(" ")).toBe(0);
      expect(r.stdout, command.join(" ")).toMatch(/--format <format>/);
      expect(r.stdout, command.join(" ")).not.toMatch(/\(default: [^)]*\)\s*\(default: /);
    }
  });

  it("explains a host as JSON with the same trail the text gives", async () => {
    const repo = await tempRepo("plan-basic");
    const args = [
      "explain",
      "--repo",
      repo,
      "--inventory",
      join(repo, "inventory.jsonl"),
      "--now",
      "2026-12-10T09:00:00Z",
      "--no-verify-approvals",
      "--host",
      "host-e",
      "--update",
      "KB100",
    ];
    const text = await cli(...args);
    const json = await cli(...args, "--format", "json");
    expect(json.code).toBe(0);
    const data = JSON.parse(json.stdout) as {
      host: { host: string; status: string };
      approvalVerification: string;
      updates: { id: string; state: string; steps: string[]; jobs: { id: string }[] }[];
    };
    expect(data.host).toMatchObject({ host: "host-e", status: "noncompliant" });
    expect(data.approvalVerification).toBe("off");
    expect(data.updates.map((u) => [u.id, u.state])).toEqual([["KB100", "exempt"]]);
    for (const step of data.updates[0]!.steps) expect(text.stdout).toContain(`  - ${step}\n`);
    expect(data.updates[0]!.steps.length).toBeGreaterThan(0);
    for (const job of data.updates[0]!.jobs) expect(text.stdout).toContain(`→ job ${job.id}:`);
  });

  it("refuses a format a command does not write, in one line with exit 2", async () => {
    const r = await cli("export", "ansible", "--format", "yaml");
    expect(r).toEqual({
      code: 2,
      stdout: "",
      stderr: "patchops: --format must be one of text, json (found 'yaml')\n",
    });
  });

  it("says how to make a plan when a reader finds none at out/plan", async () => {
    const repo = await tempRepo("minimal");
    process.chdir(repo);
    for (const command of [["report"], ["export", "ansible"], ["status", "record"]])
      expect(await cli(...command), command.join(" ")).toEqual({
        code: 2,
        stdout: "",
        stderr:
          "patchops: cannot read the plan in out/plan: ENOENT (run `patchops plan --inventory FILE` first, or pass --plan DIR)\n",
      });
  });

  it("reads the plan from out/plan by default in report, export ansible and status record", async () => {
    const repo = await tempRepo("example");
    commitAll(repo, "policy");
    process.chdir(repo);
    const plan = await cli(
      "plan",
      "--inventory",
      "examples/inventory.jsonl",
      "--now",
      "2026-12-10T09:00:00Z",
      "--no-verify-approvals",
      "--format",
      "json",
    );
    expect(plan.code).toBe(0);
    const exported = await cli("export", "ansible", "--format", "json");
    expect(exported.stderr).toBe("");
    expect(JSON.parse(exported.stdout)).toMatchObject({ out: "out/ansible-inventory.yml" });
    expect(existsSync(join(repo, "out/ansible-inventory.yml"))).toBe(true);
    const recorded = await cli("status", "record", "--format", "json");
    expect(recorded.stderr).toBe("");
    expect(JSON.parse(recorded.stdout)).toMatchObject({ branch: "patchops-status", pushed: false });
    const report = await cli("report");
    expect(report.stderr).toBe("");
    expect(report.stdout).toMatch(/^Wrote the status site and reports to out\/site \(40 hosts, 1 snapshots\)/);
    expect(existsSync(join(repo, "out/site/index.html"))).toBe(true);
  });
});
