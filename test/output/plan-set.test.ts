import { spawn } from "node:child_process";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, planArgs, ROOT, tempRepo } from "../helpers/repo.js";
import { CLI_JS } from "../helpers/child.js";

// Issue 21, point 16: the plan is written as a set, under a lock; exports never overwrite policy.
const HOST = (host: string, installed: string[]) =>
  JSON.stringify({
    host,
    scannedAt: "2026-12-10T04:00:00Z",
    os: { family: "windows", name: "Windows Server 2022", version: "10.0.20348.2113" },
    installed,
  });

function run(
  args: string[],
  preload?: string,
): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(preload ? ["--require", preload] : []), CLI_JS, ...args], {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve({ code, signal, stderr }));
  });
}

async function setup() {
  const repo = await tempRepo("minimal", {
    "inv.jsonl": [HOST("host-01", []), HOST("host-02", [])].join("\n") + "\n",
    "crash-after-first-rename.cjs": `const fsp = require("fs").promises; const orig = fsp.rename; let n = 0;
fsp.rename = async (...a) => { const r = await orig(...a); if (++n === 1) process.kill(process.pid, "SIGKILL"); return r; };
require("module").syncBuiltinESMExports();\n`,
    "slow-rename.cjs": `const fsp = require("fs").promises; const orig = fsp.rename;
fsp.rename = async (...a) => { await new Promise((r) => setTimeout(r, 3000)); return orig(...a); };
require("module").syncBuiltinESMExports();\n`,
  });
  const out = join(repo, "out");
  const inventory = join(repo, "inv.jsonl");
  const plan = (now: string, preload?: string) =>
    run(planArgs({ repo, inventory, out, now }), preload && join(repo, preload));
  // The same run in this process: for what does not depend on the process ending midway.
  const planHere = (now: string, target = out) => cli(...planArgs({ repo, inventory, out: target, now }));
  return { repo, out, plan, planHere };
}

const set = async (out: string) =>
  Object.fromEntries(
    await Promise.all(
      ["plan.json", "hosts.ndjson", "jobs.ndjson"].map(async (f) => [f, await readFile(join(out, f), "utf8")] as const),
    ),
  );

describe("the plan as a set (a spawned CLI killed or slowed midway)", () => {
  it("a crash between the renames never leaves a mixed plan; the next run recovers", async () => {
    const { repo, out, plan, planHere } = await setup();
    expect((await planHere("2026-12-10T09:00:00Z")).code).toBe(0);
    const crashed = await plan("2026-12-20T09:00:00Z", "crash-after-first-rename.cjs");
    expect(crashed.signal).toBe("SIGKILL");
    // Either no plan (readers refuse it, exit 2) or a whole one; never plan.json of 12-20 with hosts of 12-10.
    const files = await readdir(out).catch(() => null);
    if (files) {
      const s = await set(out);
      expect(JSON.parse(s["plan.json"]!).now).toBe("2026-12-10T09:00:00Z");
    } else {
      const exp = await cli("export", "ansible", "--plan", out, "--out", join(repo, "a.yml"));
      expect(exp.code).toBe(2);
      expect(exp.stderr).toMatch(
        /^patchops: cannot read the plan in .*ENOENT \((run `patchops plan --inventory FILE` first|a plan run was interrupted and left \S+\.out\.(new|old)-[^;]*; run `patchops plan` again), or pass --plan DIR\)\n$/,
      );
    }
    expect((await planHere("2026-12-20T09:00:00Z")).code).toBe(0);
    expect(JSON.parse((await set(out))["plan.json"]!).now).toBe("2026-12-20T09:00:00Z");
    expect((await readdir(repo)).filter((f) => f.startsWith(".out."))).toEqual([]);
  }, 60_000);

  it("two runs on one --out take turns: neither deletes the other's files, both succeed, the set is whole", async () => {
    const { repo, out, plan, planHere } = await setup();
    const a = plan("2026-12-10T09:00:00Z", "slow-rename.cjs");
    // Start B while A is writing: A holds the lock (or, without one, A's temporary files exist).
    const writing = async () =>
      (await readdir(repo)).includes(".out.lock") ||
      (await readdir(out).catch(() => [] as string[])).some((f) => f.includes(".tmp-"));
    for (let i = 0; i < 600 && !(await writing()); i++) await new Promise((r) => setTimeout(r, 50));
    // B runs in this process: another process than A, which is all the lock is about.
    const b = planHere("2026-12-11T09:00:00Z");
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra.stderr).toBe("");
    expect([ra.code, rb.code]).toEqual([0, 0]);
    const s = await set(out);
    expect(JSON.parse(s["plan.json"]!).now).toBe("2026-12-11T09:00:00Z");
    for (const line of s["jobs.ndjson"]!.trim().split("\n").filter(Boolean))
      expect(JSON.parse(line).window.start >= "2026-12-11").toBe(true);
    expect((await readdir(repo)).filter((f) => f.startsWith(".out."))).toEqual([]);
  }, 60_000);
});

describe("an --out in the way (in-process CLI)", () => {
  it("--out that is a file, or a directory of other files, is refused with exit 2 and nothing is touched", async () => {
    const { repo, planHere } = await setup();
    await writeFile(join(repo, "afile"), "keep me\n");
    for (const out of [join(repo, "afile"), join(repo, "afile", "sub"), join(repo, "policies")]) {
      const r = await planHere("2026-12-10T09:00:00Z", out);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.split("\n").filter(Boolean)).toHaveLength(1);
      expect(r.stderr).not.toContain("internal error");
    }
    expect(await readFile(join(repo, "afile"), "utf8")).toBe("keep me\n");
    expect((await readdir(join(repo, "policies"))).sort()).toEqual(["cab.yaml", "policy.yaml", "updates"]);
  });
});

describe("export ansible --out never overwrites policy or foreign files", () => {
  it("refuses the policy folders and any existing file that is not a previous export", async () => {
    const { repo, out, planHere } = await setup();
    expect((await planHere("2026-12-10T09:00:00Z")).code).toBe(0);
    const policy = await readFile(join(repo, "policies/policy.yaml"), "utf8");
    const inventory = await readFile(join(repo, "inv.jsonl"), "utf8");
    const exp = (target: string, cwd = repo) => cli("export", "ansible", "--plan", out, "--out", target, "--repo", cwd);
    const inPolicy = await exp(join(repo, "policies/policy.yaml"));
    expect(inPolicy.code).toBe(2);
    expect(inPolicy.stderr).toContain("inside the policy folder policies/");
    expect((await exp(join(repo, "windows/new.yml"))).code).toBe(2);
    const foreign = await exp(join(repo, "inv.jsonl"));
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toContain("is not a previous patchops export");
    expect(await readFile(join(repo, "policies/policy.yaml"), "utf8")).toBe(policy);
    expect(await readFile(join(repo, "inv.jsonl"), "utf8")).toBe(inventory);
    // A previous export is replaced.
    expect((await exp(join(repo, "ansible.yml"))).code).toBe(0);
    expect((await exp(join(repo, "ansible.yml"))).code).toBe(0);
  });
});

describe("an --out that is a symbolic link to a directory", () => {
  it("replaces the directory it names and keeps the link", async () => {
    const { symlink, lstat } = await import("node:fs/promises");
    const { repo, planHere } = await setup();
    const real = join(repo, "real-out");
    expect((await planHere("2026-12-10T09:00:00Z", real)).code).toBe(0);
    await symlink(real, join(repo, "out"));
    expect((await planHere("2026-12-11T09:00:00Z")).code).toBe(0);
    expect((await lstat(join(repo, "out"))).isSymbolicLink()).toBe(true);
    expect(JSON.parse((await set(real))["plan.json"]!).now).toBe("2026-12-11T09:00:00Z");
  });
});
