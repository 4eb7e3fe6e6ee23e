import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Job } from "../../reconciler/model/plan.js";
import { startFakeGithub, type FakeGithub } from "../helpers/github-server.js";
import { updateDoc } from "../helpers/documents.js";
import { cli, commitAll, restoreEnv, tempRepo } from "../helpers/repo.js";

const NOW = "2026-12-10T09:00:00Z";

const update = (id: string, extra = "") => updateDoc(id, { extra });

const CAB = `apiVersion: patchops/v1
kind: ChangeAdvisoryBoard
metadata:
  name: cab
spec:
  members: [alice, bob, carol]
  requiredApprovals: 2
  emergencyCommittee: { members: [carol], requiredApprovals: 1 }
  teams: { team-a: [tina] }
  intakeIdentity: patchops-intake[bot]
`;

const RFC =
  "  rfc: { change: c, vulnerability: v, servicesImpacted: s, concurrentDeployment: none, countermeasures: none, testStrategy: t, impact: major }\n";

let gh: FakeGithub;
let repo: string;
const shas: Record<string, string> = {};
const saved = { ...process.env };

beforeAll(async () => {
  gh = await startFakeGithub();
  repo = await tempRepo("minimal", { "policies/cab.yaml": CAB });
  await rm(join(repo, "policies/updates/kb5035857.yaml"));
  shas.base = commitAll(repo, "Bootstrap the policy repository", "2026-11-01T10:00:00Z");
  const step = async (name: string, files: Record<string, string>, at: string) => {
    for (const [p, t] of Object.entries(files)) await writeFile(join(repo, p), t);
    shas[name] = commitAll(repo, `Approve ${name}`, at);
  };
  await step("KB100", { "policies/updates/kb100.yaml": update("KB100") }, "2026-11-23T10:00:00Z");
  await step("KB101", { "policies/updates/kb101.yaml": update("KB101") }, "2026-11-23T11:00:00Z");
  await step("KB102", { "policies/updates/kb102.yaml": update("KB102") }, "2026-11-23T12:00:00Z");
  await step("KB103", { "policies/updates/kb103.yaml": update("KB103") }, "2026-11-23T13:00:00Z");
  await step("KB104", { "policies/updates/kb104.yaml": update("KB104") }, "2026-11-23T14:00:00Z");
  await step("KB105", { "policies/updates/kb105.yaml": update("KB105") }, "2026-11-23T15:00:00Z");
  await step(
    "KB106",
    { "policies/updates/kb106.yaml": update("KB106", RFC).replace("severity: important", "severity: critical") },
    "2026-11-23T16:00:00Z",
  );
  const merged = "2026-11-23T18:00:00Z";
  const approve = (login: string, at = "2026-11-23T17:00:00Z") => ({ login, state: "APPROVED" as const, at });
  gh.pulls.push(
    {
      number: 1,
      author: "dave",
      mergedAt: "2026-11-01T12:00:00Z",
      commits: [shas.base!],
      reviews: [approve("alice"), approve("bob"), approve("tina")],
    },
    // Reviews over several pages: the client must follow Link headers.
    {
      number: 2,
      author: "dave",
      mergedAt: merged,
      commits: [shas.KB100!],
      reviews: [{ login: "erin", state: "COMMENTED", at: "2026-11-23T16:00:00Z" }, approve("alice"), approve("bob")],
    },
    // KB101 was pushed to main without a pull request.
    {
      number: 4,
      author: "alice",
      mergedAt: merged,
      commits: [shas.KB102!],
      reviews: [approve("alice"), approve("carol")],
    },
    {
      number: 5,
      author: "dave",
      mergedAt: merged,
      commits: [shas.KB103!],
      reviews: [
        approve("alice"),
        approve("bob", "2026-11-23T16:30:00Z"),
        { login: "bob", state: "CHANGES_REQUESTED", at: "2026-11-23T17:30:00Z" },
      ],
    },
    {
      number: 6,
      author: "dave",
      mergedAt: merged,
      commits: [shas.KB104!],
      reviews: [approve("alice"), approve("mallory")],
    },
    {
      number: 7,
      author: "dave",
      mergedAt: merged,
      commits: [shas.KB105!],
      reviews: [
        approve("alice"),
        approve("bob", "2026-11-23T16:00:00Z"),
        { login: "bob", state: "DISMISSED", at: "2026-11-23T16:00:00Z" },
      ],
    },
    { number: 8, author: "dave", mergedAt: merged, commits: [shas.KB106!], reviews: [approve("carol")] },
  );
  gh.pageSize = 1;
  Object.assign(process.env, {
    GITHUB_TOKEN: "ghs_testtoken123",
    GITHUB_REPOSITORY: "acme/patch-policy",
    GITHUB_API_URL: gh.url,
    PATCHOPS_RETRY_SCALE: "0.01",
  });
});

afterAll(async () => {
  restoreEnv(saved);
  await gh.close();
});

describe("CAB approval verification against GitHub reviews", () => {
  it("approvals reports each approved update with the reason it is or is not verified", async () => {
    const r = await cli("approvals", "--repo", repo, "--now", NOW, "--cache-dir", join(repo, ".cache-a"));
    expect(r.code).toBe(1);
    const lines = r.stdout.split("\n");
    const of = (name: string) => lines.find((l) => l.includes(` ${name} `)) ?? "";
    expect(of("KB100")).toMatch(
      /^✓ update +KB100 +verified: PR #2 by dave: approved by alice, bob \(the CAB \(2 needed\)\)/,
    );
    expect(of("KB101")).toMatch(
      /UNVERIFIED: commit [0-9a-f]{12} is in no merged pull request \(pushed without review\?\)/,
    );
    expect(of("KB102")).toContain("UNVERIFIED: PR #4 by alice: 1 of 2 needed from the CAB (2 needed) (carol)");
    expect(of("KB103")).toContain("UNVERIFIED: PR #5 by dave: 1 of 2 needed from the CAB (2 needed) (alice)");
    expect(of("KB104")).toContain("approvals by non-members do not count (mallory)");
    expect(of("KB105")).toContain("UNVERIFIED: PR #7 by dave: 1 of 2 needed");
    expect(of("KB106")).toMatch(/verified: PR #8 by dave: approved by carol \(the emergency committee \(1 needed\)\)/);
    expect(of("team-a")).toMatch(
      /✓ assignment +team-a +verified: PR #1 by dave: approved by tina \(owner team team-a\)/,
    );
    expect(gh.requests.every((q) => q.auth === "token ghs_testtoken123")).toBe(true);
    expect(r.stdout + r.stderr).not.toContain("ghs_testtoken123");
  });

  it("plan gives jobs only to verified updates and says why the others get none", async () => {
    await writeFile(
      join(repo, "inv.jsonl"),
      ["host-01", "host-02"]
        .map((h) =>
          JSON.stringify({
            host: h,
            scannedAt: "2026-12-10T04:00:00Z",
            os: { family: "windows", version: "10.0.20348.1" },
            installed: [],
          }),
        )
        .join("\n") + "\n",
    );
    const out = join(repo, "out");
    const r = await cli(
      "plan",
      "--repo",
      repo,
      "--inventory",
      join(repo, "inv.jsonl"),
      "--out",
      out,
      "--now",
      NOW,
      "--cache-dir",
      join(repo, ".cache-b"),
    );
    // Everything verified is planned; the unverified approvals are error findings, so the run exits 1 at the end.
    expect(r.code).toBe(1);
    const jobs = (await readFile(join(out, "jobs.ndjson"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Job);
    expect([...new Set(jobs.flatMap((j) => j.updates))].sort()).toEqual(["KB100", "KB106"]);
    const plan = JSON.parse(await readFile(join(out, "plan.json"), "utf8"));
    expect(plan.approvalVerification).toBe("verified");
    expect(plan.summary.updates.KB101.unverified).toMatch(/in no merged pull request/);
    expect(plan.summary.updates.KB100.approvedAt).toBe("2026-11-23T18:00:00Z");
    expect(r.stdout).toContain("Approved but unverified (no jobs)");
  });

  it("caches verified reviews by commit: a second run asks GitHub nothing about them", async () => {
    const cache = join(repo, ".cache-c");
    await cli("approvals", "--repo", repo, "--now", NOW, "--cache-dir", cache);
    gh.requests.length = 0;
    await cli("approvals", "--repo", repo, "--now", NOW, "--cache-dir", cache);
    const asked = gh.requests.map((q) => q.path);
    expect(asked.some((p) => p.includes(shas.KB100!))).toBe(false);
    expect(asked.some((p) => p.includes("/pulls/2/reviews"))).toBe(false);
    expect(asked.some((p) => p.includes(shas.KB101!))).toBe(true);
  });

  it("waits out a rate limit and retries", async () => {
    gh.requests.length = 0;
    gh.rateLimitNext = 1;
    const r = await cli("approvals", "--repo", repo, "--now", NOW, "--cache-dir", join(repo, ".cache-d"));
    expect(r.stdout).toMatch(/✓ update +KB100 +verified/);
    expect(gh.requests[0]).toBeDefined();
    expect(gh.requests.filter((q) => q.path === gh.requests[0]!.path).length).toBeGreaterThanOrEqual(2);
  });

  it("a refused token is a clear reason, never a crash, and approvals fail closed", async () => {
    gh.failWith = 401;
    try {
      const r = await cli("approvals", "--repo", repo, "--now", NOW, "--cache-dir", join(repo, ".cache-e"));
      expect(r.code).toBe(1);
      expect(r.stdout).toContain("GitHub refused the token (401)");
    } finally {
      gh.failWith = null;
    }
  });
});

describe("the pull-request check (approvals --pr)", () => {
  it("requires the CAB for policy files and the owner team for an assignment file", async () => {
    const { execFileSync } = await import("node:child_process");
    execFileSync("git", ["checkout", "-q", "-b", "pr-9"], { cwd: repo });
    await writeFile(join(repo, "policies/updates/kb900.yaml"), update("KB900"));
    const a = join(repo, "windows/assignments/team-a.yaml");
    await writeFile(a, (await readFile(a, "utf8")).replace("period: D1-04", "period: D1-08"));
    const head = commitAll(repo, "Approve KB900 and move host-01", "2026-11-25T10:00:00Z");
    gh.pulls.push({
      number: 9,
      author: "dave",
      mergedAt: null,
      commits: [head],
      baseSha: shas.KB106!,
      reviews: [{ login: "alice", state: "APPROVED", at: "2026-11-25T11:00:00Z" }],
    });
    const waiting = await cli("approvals", "--repo", repo, "--pr", "9", "--now", NOW);
    expect(waiting.code).toBe(1);
    expect(waiting.stdout).toContain("✗ policies/updates/kb900.yaml: 1 of 2 needed from the CAB (2 needed) (alice)");
    expect(waiting.stdout).toContain("✗ windows/assignments/team-a.yaml: 0 of 1 needed from owner team team-a");
    gh.pulls
      .at(-1)!
      .reviews.push(
        { login: "bob", state: "APPROVED", at: "2026-11-25T12:00:00Z" },
        { login: "tina", state: "APPROVED", at: "2026-11-25T12:00:00Z" },
      );
    const ready = await cli("approvals", "--repo", repo, "--pr", "9", "--now", NOW);
    expect(ready.stdout).toContain("✓ every change has the approvals it needs");
    expect(ready.code).toBe(0);
    execFileSync("git", ["checkout", "-q", "main"], { cwd: repo });
  });
});

describe("audit", () => {
  it("says who proposed, who approved and when it merged", async () => {
    const r = await cli(
      "audit",
      "--repo",
      repo,
      "--now",
      NOW,
      "--update",
      "KB100",
      "--cache-dir",
      join(repo, ".cache-f"),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("KB100 — Update KB100");
    expect(r.stdout).toContain(
      "  proposed by  dave on 2026-11-23T10:00:00Z in https://github.com/acme/patch-policy/pull/2",
    );
    expect(r.stdout).toContain("  approved by  alice, bob");
    expect(r.stdout).toContain("  merged       2026-11-23T18:00:00Z");
    expect(r.stdout).toContain("  deployed     unknown (no snapshots on patchops-status)");
    // Two reconciles recorded on the status branch: the second sees KB100 installed on one host.
    for (const [now, installed] of [
      ["2026-12-01T00:00:00Z", []],
      ["2026-12-02T00:00:00Z", ["KB100"]],
    ] as const) {
      await writeFile(
        join(repo, "inv-a.jsonl"),
        JSON.stringify({
          host: "host-01",
          scannedAt: now,
          os: { family: "windows", version: "10.0.20348.1" },
          installed,
        }) + "\n",
      );
      await cli(
        "plan",
        "--repo",
        repo,
        "--inventory",
        join(repo, "inv-a.jsonl"),
        "--out",
        join(repo, "out-a"),
        "--now",
        now,
        "--no-verify-approvals",
      );
      expect((await cli("status", "record", "--repo", repo, "--plan", join(repo, "out-a"))).code).toBe(0);
    }
    const again = await cli(
      "audit",
      "--repo",
      repo,
      "--now",
      NOW,
      "--update",
      "KB100",
      "--cache-dir",
      join(repo, ".cache-f"),
    );
    expect(again.stdout).toContain("  deployed     2026-12-02T00:00:00Z (1 host installed)");
    const bad = await cli(
      "audit",
      "--repo",
      repo,
      "--now",
      NOW,
      "--update",
      "KB101",
      "--cache-dir",
      join(repo, ".cache-f"),
    );
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain("  approved by  nobody verifiable");
  });
});

describe("policy at any ref", () => {
  it("plan --ref reads the policy of an older commit without a checkout", async () => {
    const out = join(repo, "out-ref");
    await writeFile(
      join(repo, "inv.jsonl"),
      JSON.stringify({
        host: "host-01",
        scannedAt: "2026-12-10T04:00:00Z",
        os: { family: "windows", version: "10.0.20348.1" },
        installed: [],
      }) + "\n",
    );
    const r = await cli(
      "plan",
      "--repo",
      repo,
      "--ref",
      shas.KB100!,
      "--inventory",
      join(repo, "inv.jsonl"),
      "--out",
      out,
      "--now",
      NOW,
      "--no-verify-approvals",
    );
    expect(r.code).toBe(0);
    const plan = JSON.parse(await readFile(join(out, "plan.json"), "utf8"));
    expect(plan.policyRevision).toBe(shas.KB100);
    expect(Object.keys(plan.summary.updates)).toEqual(["KB100"]);
  });
});

describe("Approved-by trailers (weaker evidence)", () => {
  it("count only with --trust-local-approvals, and are labelled so", async () => {
    const local = await tempRepo("minimal", { "policies/cab.yaml": CAB });
    commitAll(
      local,
      "Bootstrap\n\nApproved-by: alice\nApproved-by: bob\nApproved-by: tina",
      "2026-11-01T10:00:00Z",
      "Dave <dave@example.com>",
    );
    await writeFile(join(local, "policies/updates/kb200.yaml"), update("KB200"));
    commitAll(
      local,
      "Approve KB200\n\nApproved-by: alice\nApproved-by: dave",
      "2026-11-23T10:00:00Z",
      "Dave <dave@example.com>",
    );
    const token = process.env.GITHUB_TOKEN;
    delete process.env.GITHUB_TOKEN;
    try {
      const without = await cli("approvals", "--repo", local, "--now", NOW);
      expect(without.code).toBe(2);
      const r = await cli("approvals", "--repo", local, "--now", NOW, "--trust-local-approvals");
      expect(r.stdout).toMatch(/✗ update +KB200 +UNVERIFIED: .*1 of 2 needed from the CAB \(2 needed\) \(alice\)/);
      await writeFile(join(local, "policies/updates/kb201.yaml"), update("KB201"));
      commitAll(
        local,
        "Approve KB201\n\nApproved-by: alice\nApproved-by: bob",
        "2026-11-24T10:00:00Z",
        "Dave <dave@example.com>",
      );
      const r2 = await cli("approvals", "--repo", local, "--now", NOW, "--trust-local-approvals");
      expect(r2.stdout).toMatch(
        /~ update +KB201 +trusted-local: Approved-by trailers on [0-9a-f]{12}: approved by alice, bob .*forgeable, for air-gapped demos only/,
      );
    } finally {
      process.env.GITHUB_TOKEN = token;
    }
  });
});
