import { execFileSync } from "node:child_process";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, commitAll, tempRepo } from "../helpers/repo.js";

// `status record --remote` as CI runs it: a bare remote, fresh clones, and a second clone racing the first.
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

async function tempDir(prefix: string): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

let remote: string;
let planAt: Record<string, string>;

beforeAll(async () => {
  const repo = await tempRepo("minimal", {
    "inv.jsonl":
      JSON.stringify({
        host: "host-01",
        scannedAt: "2026-12-10T04:00:00Z",
        os: { family: "windows", name: "Windows Server 2022", version: "10.0.20348.2113" },
        installed: [],
      }) + "\n",
  });
  commitAll(repo, "policy");
  remote = await tempDir("patchops-remote-");
  git(remote, "init", "-q", "--bare");
  git(repo, "push", "-q", remote, "main");
  planAt = {};
  for (const now of ["2026-12-10T08:00:00Z", "2026-12-10T12:00:00Z", "2026-12-10T13:00:00Z", "2026-12-10T14:00:00Z"]) {
    const out = join(await tempDir("patchops-plan-"), "plan");
    const r = await cli(
      "plan",
      "--repo",
      repo,
      "--inventory",
      join(repo, "inv.jsonl"),
      "--out",
      out,
      "--now",
      now,
      "--no-verify-approvals",
    );
    expect(r.code, r.stderr).toBe(0);
    planAt[now] = out;
  }
}, 60_000);

async function freshClone(): Promise<string> {
  const dir = join(await tempDir("patchops-ci-"), "ci");
  git(tmpdir(), "clone", "-q", remote, dir);
  return dir;
}

const snapshots = () =>
  git(remote, "ls-tree", "-r", "--name-only", "patchops-status")
    .split("\n")
    .filter((f) => f.startsWith("snapshots/"));

describe("status record against a remote (issue 21, point 13)", () => {
  it("works in a fresh clone where only the remote-tracking branch exists, every run after the first", async () => {
    const first = await freshClone();
    const r1 = await cli(
      "status",
      "record",
      "--repo",
      first,
      "--plan",
      planAt["2026-12-10T08:00:00Z"]!,
      "--remote",
      "origin",
    );
    expect(r1.code, r1.stderr).toBe(0);
    expect(r1.stdout).toContain("pushed to origin");

    const second = await freshClone();
    expect(git(second, "branch", "--list", "patchops-status")).toBe("");
    expect(git(second, "rev-parse", "refs/remotes/origin/patchops-status")).toBe(
      git(remote, "rev-parse", "patchops-status"),
    );
    const r2 = await cli(
      "status",
      "record",
      "--repo",
      second,
      "--plan",
      planAt["2026-12-10T12:00:00Z"]!,
      "--remote",
      "origin",
    );
    expect(r2.stderr).toBe("");
    expect(r2.code).toBe(0);
    expect(snapshots()).toEqual(["snapshots/2026-12-10T080000Z.json", "snapshots/2026-12-10T120000Z.json"]);
    // The local branch follows what the remote accepted, so `report --history patchops-status` sees it.
    expect(git(second, "rev-parse", "patchops-status")).toBe(git(remote, "rev-parse", "patchops-status"));
  });

  it("a run that loses the push race rebuilds on the new tip and keeps both snapshots", async () => {
    const racer = await freshClone();
    const loser = await freshClone();
    // The racer records 13:00 locally on top of the remote's branch; the loser's pre-push hook pushes it to the remote first, once.
    git(racer, "branch", "-q", "patchops-status", "origin/patchops-status");
    const local = await cli("status", "record", "--repo", racer, "--plan", planAt["2026-12-10T13:00:00Z"]!);
    expect(local.code, local.stderr).toBe(0);
    const marker = join(loser, ".git", "raced");
    await writeFile(
      join(loser, ".git", "hooks", "pre-push"),
      `#!/bin/sh\nif [ ! -e '${marker}' ]; then touch '${marker}'; git -C '${racer}' push -q origin patchops-status >&2 || exit 1; fi\nexit 0\n`,
    );
    await chmod(join(loser, ".git", "hooks", "pre-push"), 0o755);
    const before = git(remote, "rev-parse", "patchops-status");

    const r = await cli(
      "status",
      "record",
      "--repo",
      loser,
      "--plan",
      planAt["2026-12-10T14:00:00Z"]!,
      "--remote",
      "origin",
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const log = git(remote, "log", "--format=%s", "patchops-status").split("\n");
    expect(log[0]).toMatch(/^status 2026-12-10T14:00:00Z/);
    expect(log[1]).toMatch(/^status 2026-12-10T13:00:00Z/);
    expect(git(remote, "rev-parse", "patchops-status~2")).toBe(before);
    expect(snapshots()).toEqual([
      "snapshots/2026-12-10T080000Z.json",
      "snapshots/2026-12-10T120000Z.json",
      "snapshots/2026-12-10T130000Z.json",
      "snapshots/2026-12-10T140000Z.json",
    ]);
    expect(JSON.parse(git(remote, "show", "patchops-status:latest.json"))).toMatchObject({
      now: "2026-12-10T14:00:00Z",
    });
    expect(git(loser, "rev-parse", "patchops-status")).toBe(git(remote, "rev-parse", "patchops-status"));
  });

  it("an unreachable remote is an operational error: exit 2, one line, no stack", async () => {
    const clone = await freshClone();
    git(clone, "remote", "set-url", "origin", join(tmpdir(), "patchops-no-such-remote.git"));
    const r = await cli(
      "status",
      "record",
      "--repo",
      clone,
      "--plan",
      planAt["2026-12-10T08:00:00Z"]!,
      "--remote",
      "origin",
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^patchops: cannot reach the remote origin: .+\n$/);
    expect(r.stderr).not.toContain("internal error");
  });

  it("reads the host lines one at a time: counts them per owner, and names a broken line by file and line", async () => {
    const clone = await freshClone();
    const plan = planAt["2026-12-10T12:00:00Z"]!;
    const ok = await cli("status", "record", "--repo", clone, "--plan", plan, "--format", "json");
    expect(ok.code, ok.stderr).toBe(0);
    const snapshot = JSON.parse(
      git(clone, "show", `patchops-status:${(JSON.parse(ok.stdout) as { path: string }).path}`),
    ) as { byOwner: Record<string, Record<string, number>> };
    expect(snapshot.byOwner).toEqual({ "team-a": { noncompliant: 1, unscanned: 1 } });
    const broken = join(await tempDir("patchops-plan-"), "plan");
    execFileSync("cp", ["-r", plan, broken]);
    await writeFile(join(broken, "hosts.ndjson"), (await readFile(join(broken, "hosts.ndjson"), "utf8")) + "{oops\n");
    const r = await cli("status", "record", "--repo", clone, "--plan", broken);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`patchops: ${join(broken, "hosts.ndjson")}:3: not a JSON line\n`);
  });
});
