// The status branch is writable by anyone with push access and reviewed by no one (review H4, L12): only snapshots
// sealed by `status record` with the reconcile job's key are evidence; a fresh clone reads origin's branch; latest.json
// names the newest snapshot.
import { execFileSync } from "node:child_process";
import { cp } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { appendSnapshot } from "../../reconciler/git/status-branch.js";
import { readTrustedSnapshots } from "../../reconciler/git/status-history.js";
import { cli, tempDir } from "../helpers/repo.js";
import {
  LA_TIMETABLE,
  assignmentDoc,
  planAt,
  policyDoc,
  scenarioRepo,
  scans,
  standardUpdate,
} from "../helpers/scenario.js";

const KEY = "reconcile-job-secret";
const HOSTS = ["ref-1", "app-2", "app-3"];
// As in test/plan/pilot-failure.test.ts: the pilot window is 9 Dec 02:00Z – 10 Dec 02:00Z and ref-1 never installs.
const FILES = {
  "policies/policy.yaml": policyDoc(
    "  escalation: { afterHours: 24, action: isolate }\n  pilot: { minSuccessRatio: 1, hosts: { role: ref } }\n",
  ),
  "windows/timetables/dc.yaml": LA_TIMETABLE,
  "windows/assignments/team-a.yaml": assignmentDoc("team-a", "dc", [
    "{ name: ref-1, period: D1-04, role: ref }",
    "{ name: app-2, period: D2-04, role: app }",
    "{ name: app-3, period: D3-04, role: app }",
  ]),
  "policies/updates/kb900.yaml": standardUpdate("KB900"),
};
const FAILED_AT = "2026-12-10T09:00:00Z";
const LATER = "2026-12-10T10:00:00Z";

const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8" }).trim();

afterEach(() => {
  vi.unstubAllEnvs();
});

let base: string | null = null;

/**
 * A repository whose pilot of KB900 failed, with that plan recorded (sealed) on patchops-status: planned and recorded
 * once, then copied for each test.
 */
async function failedPilot(): Promise<string> {
  vi.stubEnv("PATCHOPS_STATUS_KEY", KEY);
  if (!base) {
    const repo = await scenarioRepo(FILES, "2026-12-01T12:00:00Z");
    const p = await planAt(repo, FAILED_AT, scans(FAILED_AT, HOSTS));
    expect(p.plan.summary.updates.KB900!.pilot).toMatchObject({ state: "failed" });
    expect((await cli("status", "record", "--plan", p.out, "--repo", repo)).code).toBe(0);
    base = repo;
  }
  const copy = join(await tempDir(), "repo");
  await cp(base, copy, { recursive: true });
  return copy;
}

/** The review's forgery: a copy of the recorded snapshot whose KB900 pilot "passed", committed by `key`'s holder. */
async function forge(
  repo: string,
  key: string | null,
  name = "2026-12-10T093000Z.json",
  passedAt = "2026-12-10T09:30:00Z",
) {
  const real = JSON.parse(git(repo, "show", "patchops-status:latest.json")) as {
    now: string;
    updates: Record<string, { pilot?: unknown }>;
  };
  real.now = "2026-12-10T09:30:00Z";
  real.updates.KB900!.pilot = { state: "passed", passedAt };
  await appendSnapshot({
    repo,
    branch: "patchops-status",
    remote: null,
    name,
    content: JSON.stringify(real, null, 1) + "\n",
    message: "status 2026-12-10T09:30:00Z",
    key,
  });
}

describe("forged snapshots are not pilot evidence (H4)", () => {
  it("a snapshot pushed without the key releases nothing, and the plan says which file it ignored", async () => {
    const repo = await failedPilot();
    await forge(repo, null);
    const q = await planAt(repo, LATER, scans(LATER, HOSTS));
    expect(q.plan.summary.updates.KB900!.pilot!.state).toBe("failed");
    expect(q.jobs.filter((j) => j.updates.includes("KB900"))).toEqual([]);
    const finding = q.plan.findings.find((f) => f.code === "status-snapshot-untrusted")!;
    expect(finding.severity).toBe("warning");
    expect(finding.message).toContain("patchops-status:snapshots/2026-12-10T093000Z.json");
    expect(finding.message).toContain("carries no seal");
  });

  it("a seal made with another key, or bytes changed after sealing, do not verify", async () => {
    const repo = await failedPilot();
    await forge(repo, "a-guessed-key");
    const q = await planAt(repo, LATER, scans(LATER, HOSTS));
    expect(q.plan.summary.updates.KB900!.pilot!.state).toBe("failed");
    expect(q.plan.findings.find((f) => f.code === "status-snapshot-untrusted")!.message).toContain(
      "its seal does not match its bytes",
    );
  });

  it("the same snapshot sealed with the reconcile job's key is evidence (the control)", async () => {
    const repo = await failedPilot();
    await forge(repo, KEY);
    const q = await planAt(repo, LATER, scans(LATER, HOSTS));
    expect(q.plan.summary.updates.KB900!.pilot!.state).toBe("passed");
    expect(q.plan.findings.map((f) => f.code)).not.toContain("status-snapshot-untrusted");
  });

  it("rewriting a sealed snapshot in a later unsealed commit makes it untrusted (the last writer counts)", async () => {
    const repo = await failedPilot();
    await forge(repo, KEY, "2026-12-10T093000Z.json");
    const { trusted } = await readTrustedSnapshots(repo, "patchops-status", KEY);
    expect(trusted.map((s) => s.now)).toEqual(["2026-12-10T09:00:00Z", "2026-12-10T09:30:00Z"]);
    // Other bytes in the same file, committed without the key (an unchanged file would still carry its seal).
    await forge(repo, null, "2026-12-10T093000Z.json", "2026-12-10T09:29:00Z");
    const after = await readTrustedSnapshots(repo, "patchops-status", KEY);
    expect(after.trusted.map((s) => s.now)).toEqual(["2026-12-10T09:00:00Z"]);
    expect(after.ignored.map((i) => i.file)).toEqual(["snapshots/2026-12-10T093000Z.json"]);
  });

  it("without a key nothing on the branch is evidence", async () => {
    const repo = await failedPilot();
    await forge(repo, KEY);
    const none = await readTrustedSnapshots(repo, "patchops-status", null);
    expect(none.trusted).toEqual([]);
    expect(none.ignored).toHaveLength(2);
    expect(none.ignored[0]!.reason).toContain("PATCHOPS_STATUS_KEY is not set");
  });
});

describe("the status branch in CI (L12)", () => {
  it("a fresh clone with only origin/patchops-status reads the remote branch", async () => {
    const repo = await failedPilot();
    await forge(repo, KEY);
    const clone = join(await tempDir(), "ci");
    execFileSync("git", ["clone", "-q", repo, clone]);
    expect(() => git(clone, "rev-parse", "--verify", "--quiet", "refs/heads/patchops-status")).toThrow();
    const read = await readTrustedSnapshots(clone, "patchops-status", KEY);
    expect(read.ref).toBe("refs/remotes/origin/patchops-status");
    expect(read.trusted).toHaveLength(2);
    const q = await planAt(clone, LATER, scans(LATER, HOSTS));
    expect(q.plan.summary.updates.KB900!.pilot!.state).toBe("passed");
  });

  it("latest.json names the newest snapshot even when an older plan is recorded after it (a lost push race)", async () => {
    const repo = await failedPilot();
    await forge(repo, KEY, "2026-12-13T000000Z.json");
    const newest = git(repo, "show", "patchops-status:latest.json");
    // The run that lost the race records its older plan last.
    await appendSnapshot({
      repo,
      branch: "patchops-status",
      remote: null,
      name: "2026-12-12T000000Z.json",
      content: '{"older": true}\n',
      message: "status 2026-12-12",
      key: KEY,
    });
    expect(git(repo, "show", "patchops-status:latest.json")).toBe(newest);
    expect(git(repo, "show", "patchops-status:snapshots/2026-12-12T000000Z.json")).toBe('{"older": true}');
  });
});
