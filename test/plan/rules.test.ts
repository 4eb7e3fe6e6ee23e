import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Job, Plan } from "../../reconciler/model/plan.js";
import { startFakeGithub, type FakeGithub } from "../helpers/github-server.js";
import { intakeDraft, updateDoc } from "../helpers/documents.js";
import { planFixture, readInventoryText } from "../helpers/plan-fixture.js";
import { cli, commitAll, restoreEnv, tempRepo } from "../helpers/repo.js";

const RULE = `apiVersion: patchops/v1
kind: ApprovalRule
metadata:
  name: server-security
spec:
  vendors: [Microsoft]
  classifications: [security]
  severities: [important, moderate]
  approveAfterDays: 7
  timeline: standard
`;

const update = (id: string, released: string, extra = "") => updateDoc(id, { released, decision: null, extra });

const INVENTORY = "";

/** Scans taken an hour before the plan, so no host is stale. */
function inventoryAt(now: string): string {
  const at = new Date(Date.parse(now) - 3_600_000).toISOString();
  return (
    ["host-01", "host-02"]
      .map((h) =>
        JSON.stringify({
          host: h,
          scannedAt: at,
          os: { family: "windows", name: "Microsoft Windows Server 2022 Datacenter", version: "10.0.20348.1" },
          installed: [],
        }),
      )
      .join("\n") + "\n"
  );
}

async function planAt(repo: string, now: string, extra: string[] = ["--no-verify-approvals"]) {
  const out = join(repo, `out-${now.replace(/:/g, "")}`);
  await writeFile(join(repo, "inv.jsonl"), inventoryAt(now));
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
    ...extra,
  );
  const plan = JSON.parse(await readFile(join(out, "plan.json"), "utf8")) as Plan;
  const jobs = (await readFile(join(out, "jobs.ndjson"), "utf8"))
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Job);
  return { r, plan, jobs };
}

/** In memory: the minimal fixture with `files` over it (null deletes), planned at `now` against the two hosts. */
async function planMemory(files: Record<string, string | null>, now: string) {
  const { inventory, diagnostics } = await readInventoryText(inventoryAt(now));
  expect(diagnostics).toEqual([]);
  const r = await planFixture({ files, hosts: inventory, now });
  return { plan: r.plan, jobs: r.jobs };
}

describe("approval rules: effective decision", () => {
  it("an update a rule matches is pending before its delay and approved after it", async () => {
    const written = {
      "policies/rules/server-security.yaml": RULE,
      "policies/updates/kb700.yaml": update("KB700", "2026-12-08"),
    };
    const files = { ...written, "policies/updates/kb5035857.yaml": null };
    const before = await planMemory(files, "2026-12-14T23:00:00Z");
    expect(before.plan.summary.updates.KB700).toMatchObject({ decision: "pending", decidedBy: null });
    expect(before.jobs.filter((j) => j.updates.includes("KB700"))).toEqual([]);
    // explain, through the CLI, says why.
    const repo = await tempRepo("minimal", written);
    await rm(join(repo, "policies/updates/kb5035857.yaml"));
    await writeFile(join(repo, "inv.jsonl"), inventoryAt("2026-12-14T23:00:00Z"));
    const explain = await cli(
      "explain",
      "--repo",
      repo,
      "--inventory",
      join(repo, "inv.jsonl"),
      "--now",
      "2026-12-14T23:00:00Z",
      "--no-verify-approvals",
      "--host",
      "host-01",
      "--update",
      "KB700",
    );
    expect(explain.stdout).toContain(
      "pending: rule 'server-security' approves it on 2026-12-15 (7 days after release)",
    );
    const after = await planMemory(files, "2026-12-15T00:00:00Z");
    expect(after.plan.summary.updates.KB700).toMatchObject({
      decision: "approved",
      decidedBy: "rule:server-security",
      approvedAt: "2026-12-15T00:00:00Z",
      timeline: "standard",
    });
    expect(after.jobs.filter((j) => j.updates.includes("KB700")).map((j) => j.host)).toEqual(["host-01", "host-02"]);
    await writeFile(join(repo, "inv.jsonl"), inventoryAt("2026-12-15T00:00:00Z"));
    const why = await cli(
      "explain",
      "--repo",
      repo,
      "--inventory",
      join(repo, "inv.jsonl"),
      "--now",
      "2026-12-15T00:00:00Z",
      "--no-verify-approvals",
      "--host",
      "host-01",
      "--update",
      "KB700",
    );
    expect(why.stdout).toContain("missing; approved by rule:server-security at policies/rules/server-security.yaml:6");
  });

  it("an explicit rejection beats every rule; an explicit approval wins too", async () => {
    const p = await planMemory(
      {
        "policies/rules/server-security.yaml": RULE,
        "policies/rules/zero-day.yaml": RULE.replace("server-security", "zero-day").replace(
          "approveAfterDays: 7",
          "approveAfterDays: 0",
        ),
        "policies/updates/kb701.yaml": update("KB701", "2026-11-01", "  decision: rejected\n"),
      },
      "2026-12-20T00:00:00Z",
    );
    expect(p.plan.summary.updates.KB701).toMatchObject({ decision: "rejected", decidedBy: "file" });
    expect(p.plan.summary.updates.KB5035857).toMatchObject({ decision: "approved", decidedBy: "file" });
    expect(p.jobs.flatMap((j) => j.updates)).not.toContain("KB701");
  });

  it("excluded ids and updates released after `until` are not approved by the rule", async () => {
    const p = await planMemory(
      {
        "policies/rules/server-security.yaml": RULE.replace(
          "approveAfterDays: 7",
          "approveAfterDays: 0\n  until: 2026-11-30\n  exclude: [KB703]",
        ),
        "policies/updates/kb702.yaml": update("KB702", "2026-12-01"),
        "policies/updates/kb703.yaml": update("KB703", "2026-11-01"),
        "policies/updates/kb704.yaml": update("KB704", "2026-11-01"),
      },
      "2026-12-20T00:00:00Z",
    );
    expect([
      p.plan.summary.updates.KB702!.decision,
      p.plan.summary.updates.KB703!.decision,
      p.plan.summary.updates.KB704!.decision,
    ]).toEqual(["pending", "pending", "approved"]);
  });
});

describe("approval rules: verification fails closed", () => {
  let gh: FakeGithub;
  const saved = { ...process.env };
  beforeAll(async () => {
    gh = await startFakeGithub();
    Object.assign(process.env, {
      GITHUB_TOKEN: "t",
      GITHUB_REPOSITORY: "acme/policy",
      GITHUB_API_URL: gh.url,
      PATCHOPS_RETRY_SCALE: "0.01",
    });
  });
  afterAll(async () => {
    restoreEnv(saved);
    await gh.close();
  });

  it("a rule merged without CAB approval approves nothing; under an approved rule the catalog entry needs one CAB member or the intake bot", async () => {
    const repo = await tempRepo("minimal", { "inv.jsonl": INVENTORY });
    await rm(join(repo, "policies/updates/kb5035857.yaml"));
    await writeFile(
      join(repo, "policies/cab.yaml"),
      "apiVersion: patchops/v1\nkind: ChangeAdvisoryBoard\nmetadata:\n  name: cab\nspec:\n  members: [alice, bob, carol]\n  requiredApprovals: 2\n  teams: { team-a: [tina] }\n  intakeIdentity: patchops-intake[bot]\n",
    );
    const base = commitAll(repo, "bootstrap", "2026-11-01T00:00:00Z");
    await mkdir(join(repo, "policies/rules"), { recursive: true });
    await writeFile(join(repo, "policies/rules/server-security.yaml"), RULE);
    const ruleSha = commitAll(repo, "add rule", "2026-11-02T00:00:00Z");
    // Drafted by intake: the shortcut applies only to a file intake renders again byte for byte from its record.
    await writeFile(
      join(repo, "policies/updates/kb800.yaml"),
      intakeDraft("KB800", { rule: "server-security", released: "2026-11-10", now: "2026-11-11T00:00:00Z" }),
    );
    const introSha = commitAll(repo, "intake KB800", "2026-11-11T00:00:00Z");
    // A plain catalog entry (pilot: false would go beyond the rule and need the quorum: docs/security-model.md).
    await writeFile(
      join(repo, "policies/updates/kb801.yaml"),
      update("KB801", "2026-11-10").replace("  pilot: false\n", ""),
    );
    const sneakSha = commitAll(repo, "someone adds KB801", "2026-11-11T01:00:00Z");
    const merged = "2026-11-20T00:00:00Z";
    gh.pulls.push(
      {
        number: 1,
        author: "dave",
        mergedAt: merged,
        commits: [base],
        reviews: [
          { login: "alice", state: "APPROVED", at: merged },
          { login: "bob", state: "APPROVED", at: merged },
          { login: "tina", state: "APPROVED", at: merged },
        ],
      },
      // The rule's pull request got only one CAB approval.
      {
        number: 2,
        author: "dave",
        mergedAt: merged,
        commits: [ruleSha],
        reviews: [{ login: "alice", state: "APPROVED", at: merged }],
      },
      { number: 3, author: "patchops-intake[bot]", mergedAt: merged, commits: [introSha], reviews: [] },
      {
        number: 4,
        author: "mallory",
        mergedAt: merged,
        commits: [sneakSha],
        reviews: [{ login: "mallory", state: "APPROVED", at: merged }],
      },
    );
    const denied = await planAt(repo, "2026-12-20T00:00:00Z", ["--cache-dir", join(repo, ".c1")]);
    expect(denied.plan.summary.updates.KB800!.unverified).toMatch(
      /approved by rule 'server-security', but the rule itself was not approved by the CAB: PR #2 by dave: 1 of 2 needed/,
    );
    expect(denied.jobs.filter((j) => j.type === "install")).toEqual([]);
    // The CAB approves the rule after all (a second review on the same pull request).
    gh.pulls[1]!.reviews.push({ login: "carol", state: "APPROVED", at: merged });
    const allowed = await planAt(repo, "2026-12-20T00:00:00Z", ["--cache-dir", join(repo, ".c2")]);
    expect(allowed.plan.summary.updates.KB800!.unverified).toBeUndefined();
    expect(allowed.plan.summary.updates.KB801!.unverified).toContain(
      "PR #4 by mallory: 0 of 1 needed from one CAB member",
    );
    // KB800 is approved and verified; intake drafts pilot, and no pilot host reported it, so the wave is held.
    expect(allowed.plan.summary.updates.KB800!.pilot?.state).toBe("failed");
    expect(allowed.jobs.flatMap((j) => j.updates)).not.toContain("KB801");
  });
});

describe("approval rules in a pull request", () => {
  it("diff lists every update whose decision the rule change flips, and the hosts that gain jobs", async () => {
    const { execFileSync } = await import("node:child_process");
    const repo = await tempRepo("minimal", {
      "policies/updates/kb710.yaml": update("KB710", "2026-11-01"),
      "policies/updates/kb711.yaml": update("KB711", "2026-11-02"),
      "inv.jsonl": inventoryAt("2026-11-25T00:00:00Z"),
    });
    commitAll(repo, "base", "2026-11-20T00:00:00Z");
    execFileSync("git", ["checkout", "-q", "-b", "rule"], { cwd: repo });
    await mkdir(join(repo, "policies/rules"), { recursive: true });
    await writeFile(join(repo, "policies/rules/server-security.yaml"), RULE);
    commitAll(repo, "pre-approve server security updates", "2026-11-21T00:00:00Z");
    const r = await cli(
      "diff",
      "--repo",
      repo,
      "--base",
      "main",
      "--head",
      "rule",
      "--inventory",
      join(repo, "inv.jsonl"),
      "--now",
      "2026-11-25T00:00:00Z",
    );
    expect(r.stdout).toContain("**Approves 2 updates (KB710, KB711)");
    expect(r.stdout).toContain("| KB710 | Update KB710 | pending | approved (standard) | rule:server-security |");
    expect(r.stdout).toContain("| KB711 | Update KB711 | pending | approved (standard) | rule:server-security |");
    expect(r.stdout).toContain("jobs change for 2 hosts");
    // The rule took effect when it was committed (21 November), not when the updates could first have been approved.
    expect(r.stdout).not.toContain("immediate");
  });
});
