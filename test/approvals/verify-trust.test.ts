// verifyApprovals in-process where trust starts and where it fails: a root trusted on first use, Approved-by trailers
// (trusted-local), no GitHub, a trust root that is missing or invalid, GitHub refusing the token, an unreviewed
// policy.yaml planned in its last verified version, an unreviewed rename, owner teams of a moved assignment, and the
// CAB in force for an open pull request. Expected values are worked out by hand from the histories built below.
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { restoreWith } from "../../reconciler/app/plan-inputs.js";
import { ReviewCache } from "../../reconciler/approvals/cache.js";
import { verifiedCabAt, verifyApprovals, type VerificationResult } from "../../reconciler/approvals/verify.js";
import { gitRefSource } from "../../reconciler/git/ref-source.js";
import { GithubClient } from "../../reconciler/github/client.js";
import { validateSource } from "../../reconciler/validate/validate.js";
import { updateDoc } from "../helpers/documents.js";
import { startFakeGithub, type FakeGithub, type FakePull } from "../helpers/github-server.js";
import { commitAll, tempRepo } from "../helpers/repo.js";

const NOW = Date.parse("2026-12-10T09:00:00Z");
const CAB = `apiVersion: patchops/v1
kind: ChangeAdvisoryBoard
metadata:
  name: cab
spec:
  members: [alice, bob, carol]
  requiredApprovals: 2
  teams: { team-a: [tina], team-b: [tom] }
`;
const CAB2 = "the CAB (2 needed)";

let gh: FakeGithub;
/** A client per verification: one that failed stops asking GitHub for the rest of its run (its circuit breaker). */
const client = () => new GithubClient({ owner: "acme", repo: "patch-policy" }, { token: "t", baseUrl: gh.url });

beforeAll(async () => {
  gh = await startFakeGithub();
});
afterAll(async () => gh.close());

async function write(repo: string, files: Record<string, string | null>): Promise<void> {
  for (const [p, t] of Object.entries(files)) {
    await rm(join(repo, p), { force: true });
    if (t === null) continue;
    await mkdir(dirname(join(repo, p)), { recursive: true });
    await writeFile(join(repo, p), t);
  }
}

/** A repository from the minimal fixture with this CAB, committed as its root at 2026-11-01T10:00Z. */
async function rooted(cab: string | null = CAB): Promise<{ repo: string; root: string }> {
  const repo = await tempRepo("minimal");
  await rm(join(repo, "policies/updates/kb5035857.yaml"));
  if (cab === null) await rm(join(repo, "policies/cab.yaml"));
  else await writeFile(join(repo, "policies/cab.yaml"), cab);
  return { repo, root: commitAll(repo, "Bootstrap", "2026-11-01T10:00:00Z") };
}

async function verify(
  repo: string,
  ref: string,
  o: { github?: GithubClient | null; trustLocal?: boolean; cabRoot?: string | null; restore?: boolean } = {},
): Promise<VerificationResult> {
  const source = await gitRefSource(repo, ref);
  const { set } = await validateSource(source, NOW);
  return verifyApprovals({
    repo,
    ref,
    set,
    now: NOW,
    github: o.github === undefined ? client() : o.github,
    trustLocal: o.trustLocal ?? false,
    cache: ReviewCache.none("acme/patch-policy"),
    cabRoot: o.cabRoot ?? null,
    ...(o.restore === false ? {} : { restore: restoreWith(source, NOW) }),
  });
}

const reasons = (v: VerificationResult) => [...v.files.values()].map((f) => [f.file, f.ok, f.reason]);

describe("trusted-local: Approved-by trailers where GitHub cannot be asked", () => {
  it("counts trailers of CAB members other than the commit's author; the root trusted on first use vouches for the CAB only", async () => {
    const { repo, root } = await rooted();
    await write(repo, { "policies/updates/kb100.yaml": updateDoc("KB100") });
    const self = commitAll(
      repo,
      "KB100\n\nApproved-by: alice\nApproved-by: @bob (on the phone)",
      "2026-11-02T10:00:00Z",
      "Bob Builder <b.builder@example.com>",
    );
    await write(repo, { "policies/updates/kb101.yaml": updateDoc("KB101") });
    const good = commitAll(
      repo,
      "KB101\n\nApproved-by: alice\napproved-by: carol\nApproved-by: mallory",
      "2026-11-02T11:00:00Z",
      "Dave <dave@example.com>",
    );
    const v = await verify(repo, good, { github: null, trustLocal: true });
    expect(v.cabRoot).toBe(root);
    expect(v.updates.get("KB100")).toMatchObject({
      ok: false,
      reason: `Approved-by trailers on ${self.slice(0, 12)}: 1 of 2 needed from ${CAB2} (alice)`,
    });
    const kb101 = v.updates.get("KB101")!;
    expect(kb101).toMatchObject({
      ok: true,
      strength: "trailer",
      effectiveAt: Date.parse("2026-11-02T11:00:00Z"),
      reason: `Approved-by trailers on ${good.slice(0, 12)}: approved by alice, carol (${CAB2}) (trusted-local: forgeable, for air-gapped demos only)`,
    });
    expect(kb101.commits[0]).toMatchObject({
      sha: good,
      strength: "trailer",
      author: "Dave",
      approvers: ["alice", "carol"],
      mergedAt: "2026-11-02T11:00:00.000Z",
      pull: null,
      url: null,
    });
    // Trusted on first use, the root bootstraps the CAB only: its other files need approval like any change.
    expect(v.files.get("policies/cab.yaml")).toMatchObject({
      ok: true,
      strength: "github",
      reason: `the trusted root ${root.slice(0, 12)}`,
    });
    expect(v.files.get("policies/policy.yaml")).toMatchObject({
      ok: false,
      reason: `Approved-by trailers on ${root.slice(0, 12)}: 0 of 2 needed from ${CAB2}`,
    });
    // After a pinned root, a file of the root edited under trailers: its verdict's strength is the trailer's.
    await write(repo, {
      "policies/policy.yaml": (await readFile(join(repo, "policies/policy.yaml"), "utf8")) + "# x\n",
    });
    const edited = commitAll(repo, "policy\n\nApproved-by: alice\nApproved-by: carol", "2026-11-02T12:00:00Z");
    const pinned = await verify(repo, edited, { github: null, trustLocal: true, cabRoot: root });
    expect(pinned.files.get("policies/policy.yaml")).toMatchObject({ ok: true, strength: "trailer" });
    expect(pinned.files.get("policies/policy.yaml")!.commits.map((c) => c.strength)).toEqual(["root", "trailer"]);
    // Without trust-local, no GitHub means no evidence at all.
    const off = await verify(repo, good, { github: null });
    const why = "GitHub is not configured (GITHUB_TOKEN and GITHUB_REPOSITORY), so no review can be checked";
    expect(off.updates.get("KB101")).toMatchObject({ ok: false, reason: why });
    expect(off.updates.get("KB101")!.commits[0]).toMatchObject({ author: "Dave", mergedAt: null });
  });
});

describe("a trust root that cannot be trusted fails every file, each with the reason", () => {
  it("a pinned root off the history, no cab.yaml, an invalid cab.yaml", async () => {
    const { repo, root } = await rooted();
    await write(repo, {
      "policies/updates/kb100.yaml": updateDoc("KB100"),
      "policies/rules/all.yaml":
        "apiVersion: patchops/v1\nkind: ApprovalRule\nmetadata:\n  name: all\nspec:\n  classifications: [security]\n  approveAfterDays: 0\n",
      "policies/updates/kb200.yaml": updateDoc("KB200", { decision: null }),
    });
    const head = commitAll(repo, "more", "2026-11-02T10:00:00Z");
    const off = await verify(repo, head, { cabRoot: "f".repeat(40) });
    const why = `the CAB trust root ffffffffffff is not on the first-parent history of ${head.slice(0, 12)}`;
    expect(off.cabRoot).toBeNull();
    expect(reasons(off)).toEqual([
      ["policies/policy.yaml", false, why],
      ["policies/cab.yaml", false, why],
      ["policies/rules/all.yaml", false, why],
      ["policies/updates/kb100.yaml", false, why],
      ["policies/updates/kb200.yaml", false, why],
      ["windows/timetables/dc.yaml", false, why],
      ["windows/assignments/team-a.yaml", false, why],
    ]);
    expect([...off.updates].map(([id, u]) => [id, u.name, u.kind, u.decision])).toEqual([
      ["KB100", "KB100", "update", "approved"],
      ["KB200", "KB200", "update", "approved"],
    ]);
    expect(off.updates.get("KB100")!.commits).toEqual([]);
    expect(off.updates.get("KB100")!.effectiveAt).toBeNull();
    expect([...off.rules.keys()]).toEqual(["all"]);
    expect([...off.assignments.keys()]).toEqual(["windows/assignments/team-a.yaml"]);
    expect(off.deletions).toEqual([]);
    // The root given as the first commit itself is on the history: the same repository verifies.
    expect((await verify(repo, head, { cabRoot: root })).cabRoot).toBe(root);

    const none = await rooted(null);
    const v = await verify(none.repo, none.root);
    expect(v.files.get("policies/policy.yaml")!.reason).toBe(
      "policies/cab.yaml is not committed, so there is no CAB to judge approvals by",
    );
    const invalid = await rooted(CAB.replace("requiredApprovals: 2", "requiredApprovals: two"));
    const w = await verify(invalid.repo, invalid.root, { github: null, trustLocal: true });
    expect(w.files.get("policies/policy.yaml")!.reason).toBe(
      `no valid policies/cab.yaml at the trusted root ${invalid.root.slice(0, 12)}`,
    );
  });
});

describe("GitHub's answers", () => {
  it("a refused token fails each commit with GitHub's reason, not the run", async () => {
    const { repo, root } = await rooted();
    await write(repo, { "policies/updates/kb100.yaml": updateDoc("KB100") });
    const head = commitAll(repo, "KB100", "2026-11-02T10:00:00Z");
    gh.failWith = 401;
    try {
      const v = await verify(repo, head, { cabRoot: root });
      expect(v.updates.get("KB100")!.reason).toBe(
        `GitHub refused the token (401) while listing the pull requests of commit ${head.slice(0, 12)}: check GITHUB_TOKEN`,
      );
      expect(v.files.get("policies/policy.yaml")).toMatchObject({ ok: true });
    } finally {
      gh.failWith = null;
    }
  });
});

const pull = (number: number, commit: string, reviews: string[], more: Partial<FakePull> = {}): FakePull => ({
  number,
  author: "dave",
  // Each pull request merged at its own instant: number minutes after 2026-11-20T00:00Z.
  mergedAt: `2026-11-20T00:${String(number).padStart(2, "0")}:00Z`,
  commits: [commit],
  reviews: reviews.map((login) => ({ login, state: "APPROVED" as const, at: "2026-11-10T11:00:00Z" })),
  ...more,
});

describe("what an unreviewed change leaves in force", () => {
  it("policy.yaml falls back to its last verified version; an unreviewed rename loses to the restored original", async () => {
    const { repo, root } = await rooted();
    const policy = await readFile(join(repo, "policies/policy.yaml"), "utf8");
    await write(repo, {
      "policies/policy.yaml": policy.replace("afterHours: 24", "afterHours: 48"),
      "policies/updates/kb100.yaml": updateDoc("KB100"),
    });
    const reviewed = commitAll(repo, "48 h", "2026-11-02T10:00:00Z");
    await write(repo, { "policies/policy.yaml": policy.replace("afterHours: 24", "afterHours: 999") });
    const pushed = commitAll(repo, "999 h", "2026-11-02T11:00:00Z");
    await write(repo, { "policies/updates/kb100.yaml": null, "policies/updates/renamed.yaml": updateDoc("KB100") });
    const rename = commitAll(repo, "rename", "2026-11-02T12:00:00Z");
    gh.pulls.push(pull(41, reviewed, ["alice", "bob"]));
    const v = await verify(repo, rename, { cabRoot: root });
    const p = v.files.get("policies/policy.yaml")!;
    expect(p.ok).toBe(false);
    expect(p.fallback).toEqual({ sha: reviewed });
    expect(p.reason).toBe(
      `commit ${pushed.slice(0, 12)} is in no merged pull request (pushed without review?); its last verified version (commit ${reviewed.slice(0, 12)}) is planned instead`,
    );
    expect(v.set.policy!.spec.escalation.afterHours).toBe(48);
    expect(v.deletions.map((d) => [d.file, d.kind, d.name, d.ok, d.restored])).toEqual([
      ["policies/updates/kb100.yaml", "update", "kb100", false, true],
    ]);
    const unverified = `commit ${rename.slice(0, 12)} is in no merged pull request (pushed without review?)`;
    expect(v.dropped).toEqual([
      {
        file: "policies/updates/renamed.yaml",
        reason: `policies/updates/renamed.yaml is unverified (${unverified}) and takes the id KB100 of policies/updates/kb100.yaml, whose deletion was not approved: it is left out and policies/updates/kb100.yaml is restored`,
      },
    ]);
    expect(v.set.updates.map((u) => u.file)).toEqual(["policies/updates/kb100.yaml"]);
    expect(v.updates.get("KB100")).toMatchObject({
      ok: true,
      file: "policies/updates/kb100.yaml",
      effectiveAt: Date.parse("2026-11-20T00:41:00Z"),
    });

    // Without a way to reload the policy, the deletion is reported and cannot be undone.
    const stuck = await verify(repo, rename, { cabRoot: root, restore: false });
    expect(stuck.deletions[0]!.restored).toBe(false);
    expect(stuck.files.get("policies/policy.yaml")!.fallback).toBeUndefined();
    expect(stuck.dropped).toEqual([]);
  });

  it("a first commit that already fails leaves no version to fall back to", async () => {
    const { repo, root } = await rooted();
    const policy = await readFile(join(repo, "policies/policy.yaml"), "utf8");
    await write(repo, { "policies/policy.yaml": policy + "# unreviewed\n" });
    const head = commitAll(repo, "unreviewed", "2026-11-02T10:00:00Z");
    const v = await verify(repo, head, { cabRoot: root });
    // The root's version is trusted and verified: it is the fallback.
    expect(v.files.get("policies/policy.yaml")!.fallback).toEqual({ sha: root });
    const tofu = await verify(repo, head, { github: null, trustLocal: true });
    // Trusted on first use, the root's policy.yaml is not verified either: nothing to fall back to.
    expect(tofu.files.get("policies/policy.yaml")!.fallback).toBeUndefined();
    expect(tofu.files.get("policies/policy.yaml")!.reason).toBe(
      `Approved-by trailers on ${root.slice(0, 12)}: 0 of 2 needed from ${CAB2}`,
    );
  });
});

describe("owner teams of assignment files", () => {
  it("moving an assignment needs the old and the new owner team; an owner without members cannot approve", async () => {
    const { repo, root } = await rooted();
    const file = "windows/assignments/team-a.yaml";
    const text = await readFile(join(repo, file), "utf8");
    await write(repo, { [file]: text.replace("owner: team-a", "owner: team-b") });
    const moved = commitAll(repo, "to team-b", "2026-11-02T10:00:00Z");
    gh.pulls.push(pull(51, moved, ["tom"]));
    const v = await verify(repo, moved, { cabRoot: root });
    expect(v.assignments.get(file)).toMatchObject({
      ok: false,
      kind: "assignment",
      reason: "PR #51 by dave: 0 of 1 needed from owner team team-a; approvals by non-members do not count (tom)",
    });
    gh.pulls.push(pull(52, moved, ["tina", "tom"]));
    gh.pulls.splice(
      gh.pulls.findIndex((p) => p.number === 51),
      1,
    );
    const both = await verify(repo, moved, { cabRoot: root });
    expect(both.assignments.get(file)).toMatchObject({
      ok: true,
      reason: "PR #52 by dave: approved by tina (owner team team-a); and approved by tom (owner team team-b)",
    });
    expect(both.assignments.get(file)!.commits[1]!.approvers).toEqual(["tina", "tom"]);
    await write(repo, { [file]: text.replace("owner: team-a", "owner: team-z") });
    const nobody = commitAll(repo, "to team-z", "2026-11-02T11:00:00Z");
    const z = await verify(repo, nobody, { cabRoot: root });
    expect(z.assignments.get(file)!.reason).toBe(
      "owner team 'team-z' has no members in cab.yaml teams, so its approval cannot be checked",
    );
  });
});

describe("authors of a pull request's commits", () => {
  it("a deleted author links no login and blocks nothing; every self-approver is named", async () => {
    const { repo, root } = await rooted();
    await write(repo, { "policies/updates/kb100.yaml": updateDoc("KB100") });
    const gone = commitAll(repo, "KB100", "2026-11-02T10:00:00Z");
    await write(repo, { "policies/updates/kb101.yaml": updateDoc("KB101") });
    const selves = commitAll(repo, "KB101", "2026-11-02T11:00:00Z");
    await write(repo, { "policies/updates/kb102.yaml": updateDoc("KB102") });
    const twice = commitAll(repo, "KB102", "2026-11-02T12:00:00Z");
    await write(repo, { "policies/updates/kb103.yaml": updateDoc("KB103") });
    const stale = commitAll(repo, "KB103", "2026-11-02T13:00:00Z");
    gh.deletedUsers.add("former");
    gh.pulls.push(
      pull(71, gone, ["alice", "bob"], { commitLogins: { [gone]: { author: "former", committer: "former" } } }),
      pull(72, selves, ["alice", "bob", "carol"], {
        commitLogins: { [selves]: { author: "alice", committer: "bob" } },
      }),
      // One commit in two pull requests, both failing: both reasons, in GitHub's order.
      pull(73, twice, ["alice", "bob"], { baseRef: "release" }),
      pull(74, twice, ["carol"]),
      // alice and bob approved KB100's tree, before KB101 to KB103 were added.
      {
        ...pull(75, stale, []),
        reviews: [
          { login: "alice", state: "APPROVED", at: "2026-11-02T14:00:00Z", commit: gone },
          { login: "bob", state: "APPROVED", at: "2026-11-02T14:00:00Z", commit: gone },
          { login: "carol", state: "APPROVED", at: "2026-11-02T14:00:00Z" },
        ],
      },
    );
    try {
      const v = await verify(repo, stale, { cabRoot: root });
      expect(v.updates.get("KB100")).toMatchObject({
        ok: true,
        reason: `PR #71 by dave: approved by alice, bob (${CAB2})`,
      });
      expect(v.updates.get("KB101")!.reason).toBe(
        `PR #72 by dave: 1 of 2 needed from ${CAB2} (carol); approvals by authors of its commits do not count (alice, bob)`,
      );
      expect(v.updates.get("KB102")!.reason).toBe(
        `PR #73 was merged into release, not main: its reviews do not count here; PR #74 by dave: 1 of 2 needed from ${CAB2} (carol)`,
      );
      expect(v.updates.get("KB103")!.reason).toBe(
        `PR #75 by dave: 1 of 2 needed from ${CAB2} (carol); approvals of an older commit do not count (alice, bob: policy files changed after their review)`,
      );
    } finally {
      gh.deletedUsers.delete("former");
    }
  });
});

describe("verifiedCabAt: the CAB in force for an open pull request", () => {
  it("the last approved cab.yaml, and the changes that were not", async () => {
    const { repo, root } = await rooted();
    await write(repo, { "policies/cab.yaml": CAB.replace("[alice, bob, carol]", "[alice, bob, carol, dan]") });
    const dan = commitAll(repo, "dan", "2026-11-02T10:00:00Z");
    await write(repo, { "policies/cab.yaml": CAB.replace("[alice, bob, carol]", "[mallory]") });
    const mallory = commitAll(repo, "mallory", "2026-11-02T11:00:00Z");
    await write(repo, { "policies/cab.yaml": "not: a cab\n" });
    const broken = commitAll(repo, "broken", "2026-11-02T12:00:00Z");
    gh.pulls.push(pull(61, dan, ["alice", "bob"]), pull(63, broken, ["alice", "bob"]));
    const input = { repo, ref: broken, github: client(), trustLocal: false, cache: ReviewCache.none(), cabRoot: root };
    const r = await verifiedCabAt(input);
    if ("problem" in r) throw new Error(r.problem);
    expect(r.spec.members).toEqual(["alice", "bob", "carol", "dan"]);
    expect(r.rejected.map((e) => [e.sha, e.detail])).toEqual([
      [
        mallory,
        `a change to the CAB needs the CAB as it stood before: commit ${mallory.slice(0, 12)} is in no merged pull request (pushed without review?)`,
      ],
      [
        broken,
        `PR #63 by dave: approved by alice, bob (the CAB (2 needed)); but policies/cab.yaml at ${broken.slice(0, 12)} is not a valid ChangeAdvisoryBoard`,
      ],
    ]);
    expect(await verifiedCabAt({ ...input, cabRoot: "e".repeat(40) })).toEqual({
      problem: `the CAB trust root eeeeeeeeeeee is not on the first-parent history of ${broken.slice(0, 12)}`,
    });
  });
});
