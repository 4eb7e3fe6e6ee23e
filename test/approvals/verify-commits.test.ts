// verifyApprovals in-process over a real git repository and the fake GitHub: who approved each first-parent commit,
// which approvals do not count (the pull request's author, authors and committers of its commits, stale reviews, other
// base branches, non-members), the approval instant, the CAB in force at each commit, and what an unreviewed deletion
// restores. Every expected value is worked out by hand from the history built below.
import { afterAll, beforeAll, expect, it } from "vitest";
import { restoreWith } from "../../reconciler/app/plan-inputs.js";
import { ReviewCache } from "../../reconciler/approvals/cache.js";
import { verifyApprovals, type VerificationResult } from "../../reconciler/approvals/verify.js";
import { gitRefSource } from "../../reconciler/git/ref-source.js";
import { GithubClient } from "../../reconciler/github/client.js";
import { validateSource } from "../../reconciler/validate/validate.js";
import { updateDoc } from "../helpers/documents.js";
import { startFakeGithub, type FakeGithub, type FakePull } from "../helpers/github-server.js";
import { fastHistory, minimalRoot, type HistoryCommit } from "./history.js";

const NOW = Date.parse("2026-12-10T09:00:00Z");
const CAB = `apiVersion: patchops/v1
kind: ChangeAdvisoryBoard
metadata:
  name: cab
spec:
  members: [alice, bob, carol]
  requiredApprovals: 2
  emergencyCommittee: { members: [carol], requiredApprovals: 1 }
  teams: { team-a: [tina], team-b: [tom] }
`;
const ROOT = minimalRoot(CAB);
const RFC =
  "  rfc: { change: c, vulnerability: v, servicesImpacted: s, concurrentDeployment: none, countermeasures: none, testStrategy: t, impact: major }\n";
const exemption = (name: string) => `apiVersion: patchops/v1
kind: Exemption
metadata:
  name: ${name}
spec:
  selector: { hosts: [host-01] }
  updates: [KB100]
  type: defer
  reason: risk accepted
  ticket: CHG-1
  expires: 2026-12-30
`;
const RULE = `apiVersion: patchops/v1
kind: ApprovalRule
metadata:
  name: all
spec:
  classifications: [security]
  approveAfterDays: 0
`;

let gh: FakeGithub;
let github: GithubClient;
let repo: string;
const sha: Record<string, string> = {};
const short = (name: string) => sha[name]!.slice(0, 12);
/** Merge instants, one per pull request, all different (GitHub merges each at its own instant). */
const merged = (n: number) => `2026-11-${String(2 + n).padStart(2, "0")}T12:00:00Z`;
const approve = (login: string, commit?: string, at = "2026-11-02T11:00:00Z") => ({
  login,
  state: "APPROVED" as const,
  at,
  ...(commit ? { commit } : {}),
});
const pull = (
  number: number,
  commits: string[],
  reviews: FakePull["reviews"],
  more: Partial<FakePull> = {},
): FakePull => ({
  number,
  author: "dave",
  mergedAt: merged(number),
  commits,
  reviews,
  ...more,
});

const steps: HistoryCommit[] = [];
/** One commit an hour from 2026-11-02T01:00Z, in the order given. */
function commit(name: string, files: Record<string, string | null>): void {
  const at = new Date(Date.parse("2026-11-02T00:00:00Z") + (steps.length + 1) * 3_600_000).toISOString();
  steps.push({ name, at, files });
}

beforeAll(async () => {
  gh = await startFakeGithub();
  github = new GithubClient({ owner: "acme", repo: "patch-policy" }, { token: "t", baseUrl: gh.url });
  commit("kb100", { "policies/updates/kb100.yaml": updateDoc("KB100") });
  commit("kb101", { "policies/updates/kb101.yaml": updateDoc("KB101") });
  commit("kb102", { "policies/updates/kb102.yaml": updateDoc("KB102") });
  commit("kb103", { "policies/updates/kb103.yaml": updateDoc("KB103") });
  commit("kb104", { "policies/updates/kb104.yaml": updateDoc("KB104") });
  commit("kb105", { "policies/updates/kb105.yaml": updateDoc("KB105") });
  commit("kb106", { "policies/updates/kb106.yaml": updateDoc("KB106") });
  commit("kb107", { "policies/updates/kb107.yaml": updateDoc("KB107") });
  commit("readme", { "README.md": "notes, not policy\n" });
  commit("kb108", {
    "policies/updates/kb108.yaml": updateDoc("KB108", { extra: RFC }).replace(
      "severity: important",
      "severity: critical",
    ),
  });
  commit("kb109", { "policies/updates/kb109.yaml": updateDoc("KB109") });
  commit("override", {
    "policies/updates/kb100.yaml": updateDoc("KB100").replace(
      "  pilot: false\n",
      "  pilot: { override: proceed, reason: the failure was the lab's disk }\n",
    ),
  });
  commit("cab-dan", { "policies/cab.yaml": CAB.replace("[alice, bob, carol]", "[alice, bob, carol, dan]") });
  commit("kb111", { "policies/updates/kb111.yaml": updateDoc("KB111") });
  commit("cab-eve", {
    "policies/cab.yaml": CAB.replace("[alice, bob, carol]", "[alice, bob, carol, dan, eve]"),
  });
  commit("kb112", { "policies/updates/kb112.yaml": updateDoc("KB112") });
  commit("ex-add", {
    "policies/exemptions/kept.yaml": exemption("kept"),
    "policies/exemptions/gone.yaml": exemption("gone"),
  });
  commit("ex-gone", { "policies/exemptions/gone.yaml": null });
  commit("ex-kept", { "policies/exemptions/kept.yaml": null });
  commit("assign", {
    "windows/assignments/team-a.yaml": "# reviewed by its owner\n" + ROOT["windows/assignments/team-a.yaml"],
  });
  commit("rule", { "policies/rules/all.yaml": RULE });
  commit("kb120", { "policies/updates/kb120.yaml": updateDoc("KB120", { decision: null }) });
  const built = await fastHistory([
    { name: "root", message: "Bootstrap", at: "2026-11-01T10:00:00Z", files: ROOT },
    ...steps,
  ]);
  repo = built.repo;
  Object.assign(sha, built.sha);

  gh.pulls.push(
    pull(1, [sha.kb100!], [approve("alice"), approve("bob")]),
    // The pull request's author approving their own change never counts.
    pull(2, [sha.kb101!], [approve("alice"), approve("carol")], { author: "alice" }),
    // kb102 was pushed without a pull request.
    pull(4, [sha.kb103!], [approve("alice"), approve("bob")], { baseRef: "release" }),
    // bob pushed the commit that alice and bob approved: bob is one of its authors.
    pull(5, [sha.kb104!], [approve("alice"), approve("bob")], {
      commitLogins: { [sha.kb104!]: { author: "dave", committer: "bob" } },
    }),
    // Committed through the web interface: GitHub (web-flow) is the committer, nobody's approval is lost.
    pull(6, [sha.kb105!], [approve("alice"), approve("bob")], {
      commitLogins: { [sha.kb105!]: { author: "dave", committer: "web-flow" } },
    }),
    // alice approved kb104's tree, before kb105 and kb106 were added: stale.
    pull(7, [sha.kb106!], [approve("alice", sha.kb104), approve("bob")]),
    // alice approved kb107's commit; the head only changed README.md: her approval still counts.
    pull(8, [sha.kb107!, sha.readme!], [approve("alice", sha.kb107), approve("bob", sha.readme)]),
    // An emergency update: the emergency committee (carol) alone is enough.
    pull(9, [sha.kb108!], [approve("carol")]),
    // A standard update: carol alone is not.
    pull(
      10,
      [sha.kb109!],
      [
        approve("carol"),
        approve("bob", undefined, "2026-11-02T10:00:00Z"),
        { login: "bob", state: "DISMISSED", at: "2026-11-02T10:30:00Z" },
      ],
    ),
    pull(11, [sha.override!], [approve("alice"), approve("bob")], { author: "erin" }),
    pull(12, [sha["cab-dan"]!], [approve("alice"), approve("bob")]),
    // dan counts: the CAB that added him was approved by the CAB before it.
    pull(13, [sha.kb111!], [approve("alice"), approve("dan")]),
    // cab-eve was pushed without review: eve is not in the CAB in force.
    pull(15, [sha.kb112!], [approve("alice"), approve("eve")]),
    pull(16, [sha["ex-add"]!], [approve("alice"), approve("bob")]),
    pull(17, [sha["ex-kept"]!], [approve("alice"), approve("bob")]),
    pull(18, [sha.assign!], [approve("tina")]),
    pull(20, [sha.kb120!], [approve("alice"), approve("bob")]),
  );
}, 60_000);
afterAll(async () => gh.close());

async function verify(over: { cabRoot?: string | null; ref?: string } = {}): Promise<VerificationResult> {
  const ref = over.ref ?? sha.kb120!;
  const source = await gitRefSource(repo, ref);
  const { set } = await validateSource(source, NOW);
  return verifyApprovals({
    repo,
    ref,
    set,
    now: NOW,
    github,
    trustLocal: false,
    cache: ReviewCache.none("acme/patch-policy"),
    cabRoot: over.cabRoot === undefined ? sha.root! : over.cabRoot,
    restore: restoreWith(source, NOW),
  });
}

const CAB2 = "the CAB (2 needed)";

/** counts the CAB's approvals, never the author's, a committer's, another branch's or a commit without a pull request */
function whoApproved(v: VerificationResult): void {
  const u = (id: string) => v.updates.get(id)!;
  expect(u("KB100").ok).toBe(true);
  expect(u("KB100").strength).toBe("github");
  expect(u("KB100").commits.map((c) => [c.sha, c.ok, c.pull, c.approvers, c.author, c.mergedAt])).toEqual([
    [sha.kb100, true, 1, ["alice", "bob"], "dave", merged(1)],
    [sha.override, true, 11, ["alice", "bob"], "erin", merged(11)],
  ]);
  expect(u("KB100").commits[0]!.url).toBe("https://github.com/acme/patch-policy/pull/1");
  expect(u("KB100").commits.map((c) => c.strength)).toEqual(["github", "github"]);
  expect(u("KB101")).toMatchObject({
    ok: false,
    strength: null,
    effectiveAt: null,
    reason: `PR #2 by alice: 1 of 2 needed from ${CAB2} (carol)`,
  });
  expect(u("KB101").commits[0]).toMatchObject({
    ok: false,
    strength: null,
    pull: null,
    mergedAt: null,
    approvers: [],
  });
  expect(u("KB102").reason).toBe(`commit ${short("kb102")} is in no merged pull request (pushed without review?)`);
  expect(u("KB102").commits[0]!.author).toBe("Admin");
  expect(u("KB103").reason).toBe("PR #4 was merged into release, not main: its reviews do not count here");
  expect(u("KB104").reason).toBe(
    `PR #5 by dave: 1 of 2 needed from ${CAB2} (alice); approvals by authors of its commits do not count (bob)`,
  );
  expect(u("KB105")).toMatchObject({
    ok: true,
    reason: `PR #6 by dave: approved by alice, bob (${CAB2})`,
    effectiveAt: Date.parse(merged(6)),
  });
}

/** an approval of an older commit counts only when the policy files are the same as the head's */
function staleReviews(v: VerificationResult): void {
  expect(v.updates.get("KB106")!.reason).toBe(
    `PR #7 by dave: 1 of 2 needed from ${CAB2} (bob); approvals of an older commit do not count (alice: policy files changed after their review)`,
  );
  expect(v.updates.get("KB107")).toMatchObject({
    ok: true,
    reason: `PR #8 by dave: approved by alice, bob (${CAB2})`,
  });
}

/** the emergency committee alone approves an emergency update, not a standard one; a dismissed approval is gone */
function emergencyCommittee(v: VerificationResult): void {
  expect(v.updates.get("KB108")).toMatchObject({
    ok: true,
    reason: "PR #9 by dave: approved by carol (the emergency committee (1 needed))",
  });
  expect(v.updates.get("KB108")!.commits[0]!.approvers).toEqual(["carol"]);
  expect(v.updates.get("KB109")).toMatchObject({
    ok: false,
    reason: `PR #10 by dave: 1 of 2 needed from ${CAB2} (carol)`,
  });
}

/** an approved file's instant is the merge that approved it, not a later edit; the override names its own change */
function approvalInstant(v: VerificationResult): void {
  const kb100 = v.updates.get("KB100")!;
  expect(kb100.effectiveAt).toBe(Date.parse(merged(1)));
  expect(kb100.decision).toBe("approved");
  expect(kb100.override).toEqual({
    commit: sha.override,
    pull: 11,
    author: "erin",
    approvers: ["alice", "bob"],
    at: merged(11),
    reason: "the failure was the lab's disk",
  });
  expect(kb100.reason).toBe(
    `PR #1 by dave: approved by alice, bob (${CAB2}); PR #11 by erin: approved by alice, bob (${CAB2})`,
  );
  expect(v.updates.get("KB107")!.override).toBeUndefined();
  expect(v.updates.get("KB107")!.effectiveAt).toBe(Date.parse(merged(8)));
}

/** a member added by an approved change counts after it; one added by an unreviewed change never does */
function cabInForce(v: VerificationResult): void {
  expect(v.cabRoot).toBe(sha.root);
  expect(v.updates.get("KB111")).toMatchObject({
    ok: true,
    reason: `PR #13 by dave: approved by alice, dan (${CAB2})`,
  });
  expect(v.updates.get("KB112")!.reason).toBe(
    `PR #15 by dave: 1 of 2 needed from ${CAB2} (alice); approvals by non-members do not count (eve)`,
  );
  const cab = v.files.get("policies/cab.yaml")!;
  expect(cab).toMatchObject({ kind: "cab", name: "cab", ok: false, strength: null });
  expect(cab.reason).toBe(
    `a change to the CAB needs the CAB as it stood before: commit ${short("cab-eve")} is in no merged pull request (pushed without review?)`,
  );
  expect(cab.commits.map((c) => [c.sha, c.ok])).toEqual([
    [sha["cab-dan"], true],
    [sha["cab-eve"], false],
  ]);
}

/** an unreviewed deletion is restored and judged by its own history; a reviewed one is applied */
function deletions(v: VerificationResult): void {
  expect(v.deletions.map((d) => [d.file, d.kind, d.name, d.sha, d.ok, d.restored])).toEqual([
    ["policies/exemptions/gone.yaml", "exemption", "gone", sha["ex-gone"], false, true],
    ["policies/exemptions/kept.yaml", "exemption", "kept", sha["ex-kept"], true, false],
  ]);
  const [gone, kept] = v.deletions;
  expect(gone!.reason).toBe(
    `deleted in ${short("ex-gone")} without approval: commit ${short("ex-gone")} is in no merged pull request (pushed without review?)`,
  );
  expect(gone!.restoreText).toBe(exemption("gone"));
  expect(kept!.reason).toBe(`deleted in ${short("ex-kept")}: PR #17 by dave: approved by alice, bob (${CAB2})`);
  expect(kept!.restoreText).toBeNull();
  // The restored file is in the verified set, verified by the commits before its deletion.
  expect(v.set.exemptions.map((e) => e.file)).toEqual(["policies/exemptions/gone.yaml"]);
  expect(v.files.get("policies/exemptions/gone.yaml")).toMatchObject({
    ok: true,
    kind: "exemption",
    reason: `PR #16 by dave: approved by alice, bob (${CAB2})`,
  });
  expect(v.dropped).toEqual([]);
}

/** an assignment needs its owner team; a rule pushed without review approves nothing */
function assignmentsAndRules(v: VerificationResult): void {
  expect(v.assignments.get("windows/assignments/team-a.yaml")).toMatchObject({
    ok: true,
    kind: "assignment",
    reason: "PR #18 by dave: approved by tina (owner team team-a)",
  });
  // The root's version and the reviewed edit: the approval took effect at the newest merge.
  expect(v.assignments.get("windows/assignments/team-a.yaml")!.effectiveAt).toBe(Date.parse(merged(18)));
  expect(v.rules.get("all")).toMatchObject({
    ok: false,
    reason: `commit ${short("rule")} is in no merged pull request (pushed without review?)`,
  });
  expect(v.updates.get("KB120")).toMatchObject({
    ok: false,
    decision: "approved",
    reason: `approved by rule 'all', but the rule itself was not approved by the CAB: commit ${short("rule")} is in no merged pull request (pushed without review?)`,
  });
}

// One verification per test: Stryker runs only the tests that cover a mutant, so each test verifies for itself.
it("at the head: who approved, stale reviews, the emergency committee, the approval instant, the CAB in force, deletions, owner teams, rules", async () => {
  const v = await verify();
  whoApproved(v);
  staleReviews(v);
  emergencyCommittee(v);
  approvalInstant(v);
  cabInForce(v);
  deletions(v);
  assignmentsAndRules(v);
});

it("before the unreviewed change the CAB verdict holds, with the root's evidence", async () => {
  const v = await verify({ ref: sha.kb111! });
  const cab = v.files.get("policies/cab.yaml")!;
  expect(cab.ok).toBe(true);
  expect(cab.reason).toBe(`PR #12 by dave: approved by alice, bob (${CAB2})`);
  const atRoot = await verify({ ref: sha.kb100! });
  expect(atRoot.files.get("policies/cab.yaml")).toMatchObject({
    ok: true,
    strength: "github",
    reason: `the trusted root ${short("root")}`,
  });
  expect(atRoot.files.get("policies/cab.yaml")!.commits.map((c) => [c.sha, c.strength])).toEqual([[sha.root, "root"]]);
  // Files of a pinned root need no review: they are part of it.
  expect(atRoot.files.get("policies/policy.yaml")).toMatchObject({
    ok: true,
    reason: `part of the trusted root ${short("root")}`,
    effectiveAt: Date.parse("2026-11-01T10:00:00Z"),
  });
});
