// verifyApprovals in-process on catalog entries under an approved rule: one CAB member is enough for an entry that
// says nothing beyond its rule; the intake identity's own pull request passes alone only when every commit was written
// and pushed by it (GitHub's web-flow may commit) and the file is exactly what intake renders; anything beyond the
// rule needs the quorum. Expected reasons are worked out by hand from judge.ts's and rule-scope.ts's wording.
import { afterAll, beforeAll, expect, it } from "vitest";
import { ReviewCache } from "../../reconciler/approvals/cache.js";
import { verifyApprovals } from "../../reconciler/approvals/verify.js";
import { gitRefSource } from "../../reconciler/git/ref-source.js";
import { GithubClient } from "../../reconciler/github/client.js";
import { validateSource } from "../../reconciler/validate/validate.js";
import { intakeDraft, updateDoc } from "../helpers/documents.js";
import { startFakeGithub, type FakeGithub, type FakePull } from "../helpers/github-server.js";
import { fastHistory, minimalRoot, type HistoryCommit } from "./history.js";

const NOW = Date.parse("2026-12-10T09:00:00Z");
const BOT = "patchops-intake[bot]";
const CAB = `apiVersion: patchops/v1
kind: ChangeAdvisoryBoard
metadata:
  name: cab
spec:
  members: [alice, bob, carol]
  requiredApprovals: 2
  teams: { team-a: [tina] }
  intakeIdentity: ${BOT}
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
let repo: string;
const sha: Record<string, string> = {};
const steps: HistoryCommit[] = [];
/** One commit an hour from 2026-11-21T01:00Z, in the order given. */
function commit(name: string, files: Record<string, string>): void {
  steps.push({
    name,
    at: new Date(Date.parse("2026-11-21T00:00:00Z") + (steps.length + 1) * 3_600_000).toISOString(),
    files,
  });
}

const pull = (number: number, name: string, reviews: string[], more: Partial<FakePull> = {}): FakePull => ({
  number,
  author: BOT,
  mergedAt: `2026-11-22T${String(number).padStart(2, "0")}:00:00Z`,
  commits: [sha[name]!],
  reviews: reviews.map((login) => ({ login, state: "APPROVED" as const, at: "2026-11-22T00:00:00Z" })),
  ...more,
});
const drafted = (id: string) => intakeDraft(id, { rule: "all" });

beforeAll(async () => {
  gh = await startFakeGithub();
  commit("kb100", { "policies/updates/kb100.yaml": updateDoc("KB100") });
  commit("rule", { "policies/rules/all.yaml": RULE });
  commit("good", { "policies/updates/kb300.yaml": drafted("KB300") });
  commit("handmade", { "policies/updates/kb301.yaml": updateDoc("KB301", { decision: null }) });
  commit("edited", {
    "policies/updates/kb302.yaml": drafted("KB302").replace(
      "restart: required",
      "restart: required\n  supersedes: [KB100]",
    ),
  });
  commit("plain", {
    "policies/updates/kb303.yaml": updateDoc("KB303", { decision: null }).replace("  pilot: false\n", ""),
  });
  commit("member", { "policies/updates/kb304.yaml": drafted("KB304") });
  commit("mallory", { "policies/updates/kb305.yaml": drafted("KB305") });
  commit("pushed", { "policies/updates/kb306.yaml": drafted("KB306") });
  commit("web", { "policies/updates/kb307.yaml": drafted("KB307") });
  commit("plain-dave", {
    "policies/updates/kb308.yaml": updateDoc("KB308", { decision: null }).replace("  pilot: false\n", ""),
  });
  const built = await fastHistory([
    { name: "root", message: "Bootstrap", at: "2026-11-01T10:00:00Z", files: minimalRoot(CAB) },
    ...steps,
  ]);
  repo = built.repo;
  Object.assign(sha, built.sha);
  gh.pulls.push(
    pull(1, "kb100", ["alice", "bob"], { author: "dave" }),
    pull(2, "rule", ["alice", "bob"], { author: "dave" }),
    pull(3, "good", []),
    pull(4, "handmade", []),
    pull(5, "edited", ["carol"]),
    pull(6, "plain", []),
    pull(7, "member", ["carol"], { author: "dave" }),
    pull(8, "mallory", [], { commitLogins: { [sha.mallory!]: { author: "mallory", committer: "mallory" } } }),
    pull(9, "pushed", [], { commitLogins: { [sha.pushed!]: { author: BOT, committer: "eve" } } }),
    pull(10, "web", [], { commitLogins: { [sha.web!]: { author: BOT, committer: "web-flow" } } }),
    pull(11, "plain-dave", [], { author: "dave" }),
  );
}, 60_000);
afterAll(async () => gh.close());

it("catalog entries: the intake identity alone, one CAB member, or the quorum when the entry goes beyond its rule", async () => {
  const ref = sha["plain-dave"]!;
  const { set } = await validateSource(await gitRefSource(repo, ref), NOW);
  const v = await verifyApprovals({
    repo,
    ref,
    set,
    now: NOW,
    github: new GithubClient({ owner: "acme", repo: "patch-policy" }, { token: "t", baseUrl: gh.url }),
    trustLocal: false,
    cache: ReviewCache.none(),
    cabRoot: sha.root!,
  });
  const u = (id: string) => v.updates.get(id)!;
  const short = (name: string) => sha[name]!.slice(0, 12);
  expect(u("KB300")).toMatchObject({
    ok: true,
    decision: "approved",
    reason: `PR #3 opened and written only by ${BOT} (the intake identity)`,
  });
  expect(u("KB300").commits[0]).toMatchObject({
    pull: 3,
    author: BOT,
    approvers: [],
    mergedAt: "2026-11-22T03:00:00Z",
  });

  expect(u("KB300").commits[0]!.strength).toBe("github");
  // A draft without an intake record, by anyone else: no note about the intake shortcut.
  expect(u("KB308").reason).toBe("PR #11 by dave: 0 of 1 needed from one CAB member");
  expect(u("KB307")).toMatchObject({
    ok: true,
    reason: `PR #10 opened and written only by ${BOT} (the intake identity)`,
  });
  expect(u("KB304")).toMatchObject({ ok: true, reason: "PR #7 by dave: approved by carol (one CAB member)" });
  expect(u("KB301").reason).toBe(
    `PR #4 by ${BOT}: 0 of 2 needed from the CAB (2 needed, as the entry goes beyond its rule: pilot: false (skips the reference collection))`,
  );
  expect(u("KB302").reason).toBe(
    `PR #5 by ${BOT}: 1 of 2 needed from the CAB (2 needed, as the entry goes beyond its rule: supersedes the approved KB100 (no longer deployed)) (carol)`,
  );
  expect(u("KB303").reason).toBe(
    `PR #6 by ${BOT}: 0 of 1 needed from one CAB member; the intake shortcut does not apply (it carries no intake record)`,
  );
  expect(u("KB305").reason).toBe(
    `PR #8 by ${BOT}: not an intake-only change (commit ${short("mallory")} was written or pushed by mallory, not ${BOT})`,
  );
  expect(u("KB306").reason).toBe(
    `PR #9 by ${BOT}: not an intake-only change (commit ${short("pushed")} was written or pushed by ${BOT} / eve, not ${BOT})`,
  );
});
