// Team entries and what one change needs, in-process (approvals/teams.ts and approvals/requirements.ts): which
// entries are read (team references only, each once, its first spelling kept), what no GitHub or a malformed entry
// gives, where an entry is written in cab.yaml (counted by hand below), and which approved ids make a catalog entry
// go beyond its rule. The client is the real GithubClient against the local fake GitHub.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { approvedIds, catalogEntryRequirement } from "../../reconciler/approvals/requirements.js";
import { UNRESOLVED_TEAMS } from "../../reconciler/approvals/judge.js";
import { gatherTeamFacts, teamEntryAt, teamEntryWhere } from "../../reconciler/approvals/teams.js";
import { GithubClient } from "../../reconciler/github/client.js";
import { loadPolicySet } from "../../reconciler/load/policy-set.js";
import type { PolicySet } from "../../reconciler/model/policy-set.js";
import { updateDoc } from "../helpers/documents.js";
import { startFakeGithub, type FakeGithub } from "../helpers/github-server.js";
import { memorySource } from "../helpers/memory-source.js";

let gh: FakeGithub;
beforeAll(async () => {
  gh = await startFakeGithub();
});
afterAll(async () => gh.close());
beforeEach(() => {
  gh.teams.clear();
  gh.teamScope = true;
  gh.date = "2026-12-10T08:00:00Z";
  gh.requests.length = 0;
});
const client = () => new GithubClient({ owner: "acme", repo: "patch-policy" }, { token: "t", baseUrl: gh.url });
const READ = "2026-12-10T08:00:00.000Z";

describe("gatherTeamFacts", () => {
  it("with no team entry nothing is asked and everything is resolved, with or without GitHub", async () => {
    const reqs = [{ label: "x", members: ["alice", "bob"], required: 1 }];
    for (const github of [null, client()]) {
      const facts = await gatherTeamFacts(github, reqs, ["alice"]);
      expect(facts.resolved).toBe(true);
      expect([...facts.teams]).toEqual([]);
    }
    expect(gh.requests).toEqual([]);
  });

  it("without GitHub a team entry is not resolved", async () => {
    const facts = await gatherTeamFacts(null, [{ label: "x", members: ["@acme/cab"], required: 1 }], ["alice"]);
    expect(facts).toBe(UNRESOLVED_TEAMS);
  });

  it("reads team entries only, once each, under their first spelling; where is null unless asked", async () => {
    gh.teams.set("acme/cab", [{ login: "Alice" }]);
    const facts = await gatherTeamFacts(
      client(),
      [
        { label: "a", members: ["bob", "@acme/cab"], required: 1 },
        { label: "b", members: ["@ACME/CAB", "carol"], required: 1 },
      ],
      ["alice", "Bob"],
    );
    expect(facts.resolved).toBe(true);
    expect([...facts.teams.keys()]).toEqual(["@acme/cab"]);
    expect(facts.teams.get("@acme/cab")).toEqual({
      team: "@acme/cab",
      where: null,
      reads: new Map([
        ["alice", { member: true, readAt: READ }],
        ["bob", { member: false, readAt: READ }],
      ]),
      error: null,
    });
  });

  it("an entry that is not @org/team-slug carries its error and reads nothing; where comes from the caller", async () => {
    const facts = await gatherTeamFacts(
      client(),
      [{ label: "a", members: ["@acme"], required: 1 }],
      ["alice", "bob"],
      null,
      (team) => `policies/cab.yaml (${team})`,
    );
    expect(facts.teams.get("@acme")).toEqual({
      team: "@acme",
      where: "policies/cab.yaml (@acme)",
      reads: new Map(),
      error: "'@acme' is not @org/team-slug",
    });
    expect(gh.requests).toEqual([]);
  });
});

// Lines counted by hand: `members` is line 6 (entries at columns 13 and 20: a quoted entry starts at its quote),
// the emergency committee's members line 9 (column 15), team-a's list line 12 (columns 14 and 20).
const CAB = `apiVersion: patchops/v1
kind: ChangeAdvisoryBoard
metadata:
  name: cab
spec:
  members: [alice, "@acme/cab"]
  requiredApprovals: 1
  emergencyCommittee:
    members: ["@acme/emergency"]
    requiredApprovals: 1
  teams:
    team-a: [tina, "@acme/web-ops"]
`;

async function setOf(files: Record<string, string>): Promise<PolicySet> {
  return (await loadPolicySet(memorySource(files))).set;
}

describe("teamEntryAt and teamEntryWhere", () => {
  it("finds an entry among the members, the emergency committee and owner teams, in any case", async () => {
    const set = await setOf({ "policies/cab.yaml": CAB });
    const where = teamEntryWhere(set);
    expect(where("@acme/cab")).toBe("policies/cab.yaml:6:20");
    expect(where("@ACME/Emergency")).toBe("policies/cab.yaml:9:15");
    expect(where("@acme/web-ops")).toBe("policies/cab.yaml:12:20");
    // Not written anywhere: the file, without a line.
    expect(teamEntryAt(set, "@acme/ghosts")).toEqual({ file: "policies/cab.yaml", line: null, column: null });
    expect(where("@acme/ghosts")).toBe("policies/cab.yaml");
  });

  it("a CAB without an emergency committee; no CAB at all gives nothing", async () => {
    const bare = await setOf({
      "policies/cab.yaml": CAB.replace(/ {2}emergencyCommittee:\n.*\n.*\n/, ""),
    });
    expect(teamEntryWhere(bare)("@acme/web-ops")).toBe("policies/cab.yaml:9:20");
    expect(teamEntryWhere(bare)("@acme/emergency")).toBe("policies/cab.yaml");
    const none = await setOf({});
    expect(teamEntryAt(none, "@acme/cab")).toBeNull();
    expect(teamEntryWhere(none)("@acme/cab")).toBeNull();
  });
});

const RULE = `apiVersion: patchops/v1
kind: ApprovalRule
metadata:
  name: all
spec:
  classifications: [security]
  approveAfterDays: 0
`;
const NOW = Date.parse("2026-12-10T09:00:00Z");

describe("approvedIds and catalogEntryRequirement", () => {
  it("approvedIds: the upper-case ids approved now, by decision or by rule; rejected and undecided ones are not", async () => {
    const decided = await setOf({
      "policies/updates/kb1.yaml": updateDoc("kb1"),
      "policies/updates/kb2.yaml": updateDoc("KB2", { decision: "rejected" }),
      "policies/updates/kb3.yaml": updateDoc("KB3", { decision: null }),
    });
    expect([...approvedIds(decided, NOW)]).toEqual(["KB1"]);
    const ruled = await setOf({
      "policies/updates/kb3.yaml": updateDoc("KB3", { decision: null }),
      "policies/rules/all.yaml": RULE,
    });
    expect([...approvedIds(ruled, NOW)]).toEqual(["KB3"]);
  });

  it("an entry beyond its rule needs the quorum; its own id never counts as one it supersedes", async () => {
    const set = await setOf({
      "policies/cab.yaml": CAB,
      "policies/updates/kb9.yaml": updateDoc("kb9", { decision: null, extra: "  supersedes: [KB9, KB2]\n" }).replace(
        "  pilot: false\n",
        "",
      ),
    });
    const entry = set.updates[0]!.spec;
    // No rule matches a catalog entry of another classification: nothing to compare appliesTo with.
    const approved = new Set(["KB9", "KB2"]);
    const r = catalogEntryRequirement(set.cab!.spec, entry, set, approved, NOW, NOW);
    expect(r.beyond).toEqual(["supersedes the approved KB2 (no longer deployed)"]);
    expect(r.requirement).toEqual({
      label: "the CAB (1 needed, as the entry goes beyond its rule: supersedes the approved KB2 (no longer deployed))",
      members: ["alice", "@acme/cab"],
      required: 1,
    });
    const plain = catalogEntryRequirement(set.cab!.spec, entry, set, new Set(["KB9"]), NOW, NOW);
    expect(plain).toEqual({
      beyond: [],
      requirement: { label: "one CAB member", members: ["alice", "@acme/cab"], required: 1 },
    });
  });
});
