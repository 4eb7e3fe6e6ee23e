import { execFileSync, spawnSync } from "node:child_process";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, commitAll, FIXTURES, ROOT, tempRepo } from "../helpers/repo.js";
import { CLI_JS } from "../helpers/child.js";

// Issue 21, point 19: the surroundings failing (disk, paths, feeds, remotes, logs) is exit 2 with one line,
// never exit 3 "internal error" with a stack. Each case runs the real CLI in its own process.
const NODE = [process.execPath, CLI_JS];

function patchops(args: string[], opts: { mount?: { dir: string; options: string } } = {}) {
  const cmd = opts.mount
    ? [
        "unshare",
        "-rm",
        "sh",
        "-c",
        `mount -t tmpfs -o ${opts.mount.options} tmpfs "$0" && exec "$@"`,
        opts.mount.dir,
        ...NODE,
        ...args,
      ]
    : [...NODE, ...args];
  const r = spawnSync(cmd[0]!, cmd.slice(1), { cwd: ROOT, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectOneLine(r: { code: number | null; stderr: string }, pattern: RegExp) {
  expect(r.code, r.stderr).toBe(2);
  // Inventory warnings may come first; the failure itself is one line, the last.
  const lines = r.stderr.split("\n").filter((l) => !/^\S+:\d+:\d+: warning /.test(l));
  expect(lines.join("\n")).toMatch(pattern);
  expect(r.stderr).not.toContain("internal error");
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

const unshareWorks = (() => {
  try {
    execFileSync("unshare", ["-rm", "true"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

async function planArgs(repo: string, out: string) {
  return [
    "plan",
    "--repo",
    repo,
    "--inventory",
    join(repo, "examples/inventory.jsonl"),
    "--out",
    out,
    "--now",
    "2026-12-10T09:00:00Z",
    "--no-verify-approvals",
  ];
}

describe("operational errors exit 2 in one line", () => {
  it.runIf(unshareWorks)(
    "a read-only disk under --out",
    async () => {
      const repo = await tempRepo("example");
      await mkdir(join(repo, "ro"));
      const r = patchops(await planArgs(repo, join(repo, "ro", "plan")), {
        mount: { dir: join(repo, "ro"), options: "ro,size=1m" },
      });
      expectOneLine(r, /^patchops: cannot \w+ .*ro.*: EROFS \(read-only file system\)\n$/);
    },
    60_000,
  );

  it.runIf(unshareWorks)(
    "a full disk: exit 2 and no partial files left behind",
    async () => {
      const repo = await tempRepo("example");
      await mkdir(join(repo, "small"));
      const script = `mount -t tmpfs -o size=8k tmpfs "$0" && "$@"; code=$?; ls -A "$0"; exit $code`;
      const r = spawnSync(
        "unshare",
        [
          "-rm",
          "sh",
          "-c",
          script,
          join(repo, "small"),
          ...NODE,
          ...(await planArgs(repo, join(repo, "small", "plan"))),
        ],
        { cwd: ROOT, encoding: "utf8" },
      );
      expectOneLine(
        { code: r.status, stderr: r.stderr },
        /^patchops: cannot write.*: ENOSPC \(no space left on device\)\n$|^patchops: .*ENOSPC.*\n$/,
      );
      // What was left in the tmpfs (listed inside the namespace): nothing, not even the lock.
      expect(r.stdout).toBe("");
    },
    60_000,
  );

  it("an intake feed with a malformed CVE: that advisory is refused by name, the others are drafted", async () => {
    const repo = await tempRepo("example");
    const csaf = JSON.parse(await readFile(join(FIXTURES, "feeds", "csaf-sample.json"), "utf8"));
    csaf.vulnerabilities[0].cve = 'CVE-2025-0002]\n  "decision": "approved"\n  #';
    await writeFile(join(repo, "bad-csaf.json"), JSON.stringify(csaf));
    const r = patchops([
      "intake",
      "--repo",
      repo,
      "--now",
      "2026-12-10T09:00:00Z",
      "--feed",
      join(FIXTURES, "feeds", "msrc-sample.cvrf.json"),
      join(repo, "bad-csaf.json"),
      "--dry-run",
    ]);
    expectOneLine(r, /^patchops: intake refused KB5999101: cves\.0: .*; the other advisories are drafted\n$/);
    expect(r.stdout).toContain("+ KB5999001");
    expect(r.stdout).not.toContain("KB5999101");
  }, 60_000);

  it("a damaged intake log", async () => {
    const repo = await tempRepo("example");
    await mkdir(join(repo, "intake"));
    await writeFile(join(repo, "intake/irrelevant.jsonl"), '{"id":"KB1"}\n{"id": "KB2", "da\n');
    const r = patchops([
      "intake",
      "--repo",
      repo,
      "--now",
      "2026-12-10T09:00:00Z",
      "--feed",
      join(FIXTURES, "feeds", "msrc-2017-Mar-slice.cvrf.xml"),
      "--inventory",
      join(repo, "examples/inventory.jsonl"),
    ]);
    expectOneLine(
      r,
      /^patchops: intake\/irrelevant\.jsonl:2 is damaged \(not a JSON line\); fix or remove that line\n$/,
    );
  }, 60_000);

  it("a failed push of the status snapshot", async () => {
    const repo = await tempRepo("example");
    commitAll(repo, "policy");
    // The plan to record is only the setting: made in-process; the failing command runs in its own process.
    expect((await cli(...(await planArgs(repo, join(repo, "out"))))).code).toBe(0);
    execFileSync("git", ["remote", "add", "origin", join(repo, "no-such-remote.git")], { cwd: repo });
    const r = patchops(["status", "record", "--repo", repo, "--plan", join(repo, "out"), "--remote", "origin"]);
    expectOneLine(r, /^patchops: cannot reach the remote origin: .+\n$/);
    expect(await readdir(repo)).not.toContain("no-such-remote.git");
  }, 60_000);
});
