// The pull-request check (approvals --pr) with GitHub teams in cab.yaml, against the fake GitHub: the same judgement
// as plan (a team member counts, a person once, an unreadable team approves nothing and says where it is written),
// with each team read once for the whole check.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { verifyPullRequest } from "../../reconciler/approvals/pull-request.js";
import { GithubClient } from "../../reconciler/github/client.js";
import type { PolicySet } from "../../reconciler/model/policy-set.js";
import { validateSource } from "../../reconciler/validate/validate.js";
import { updateDoc } from "../helpers/documents.js";
import { startFakeGithub, type FakeGithub } from "../helpers/github-server.js";
import { memorySource } from "../helpers/memory-source.js";
import { fixtureFiles } from "../helpers/plan-fixture.js";

const HEAD = "a".repeat(40);
const CAB = `apiVersion: patchops/v1
kind: ChangeAdvisoryBoard
metadata:
  name: cab
spec:
  members: [alice, "@acme/cab"]
  requiredApprovals: 2
  emergencyCommittee: { members: ["@acme/emergency"], requiredApprovals: 1 }
  teams:
    team-a: ["@acme/web-ops"]
    team-z: ["@acme/ghosts"]
`;
const RFC =
  "  rfc: { change: c, vulnerability: v, servicesImpacted: s, concurrentDeployment: none, countermeasures: none, testStrategy: t, impact: major }\n";
const READ = "2026-12-09T12:00:00.000Z";

let gh: FakeGithub;
let set: PolicySet;

beforeAll(async () => {
  gh = await startFakeGithub();
  const files = {
    ...fixtureFiles("minimal"),
    "policies/cab.yaml": CAB,
    "policies/updates/kb200.yaml": updateDoc("KB200", { extra: RFC }).replace(
      "severity: important",
      "severity: critical",
    ),
    "policies/updates/kb201.yaml": updateDoc("KB201"),
  };
  const v = await validateSource(memorySource(files), Date.parse("2026-12-10T09:00:00Z"));
  expect(v.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  set = v.set;
});
afterAll(async () => gh.close());
beforeEach(() => {
  gh.requests.length = 0;
  gh.date = "2026-12-09T12:00:00Z";
  gh.teams.set("acme/cab", [{ login: "alice" }, { login: "carol" }, { login: "pete", state: "pending" }]);
  gh.teams.set("acme/emergency", [{ login: "erin" }]);
  gh.teams.set("acme/web-ops", [{ login: "walt" }]);
});

async function verdict(number: number, files: string[], approvers: string[], baseOwners = new Map<string, string>()) {
  gh.pulls.push({
    number,
    author: "dave",
    mergedAt: null,
    commits: [HEAD],
    reviews: approvers.map((login) => ({ login, state: "APPROVED" as const, at: "2026-12-09T10:00:00Z" })),
  });
  const github = new GithubClient({ owner: "acme", repo: "patch-policy" }, { token: "t", baseUrl: gh.url });
  return verifyPullRequest({
    repo: "/nonexistent",
    set,
    cab: set.cab!.spec,
    files,
    github,
    pr: number,
    author: "dave",
    headSha: HEAD,
    committedAt: Date.parse("2026-12-09T09:00:00Z"),
    baseOwners,
  });
}

describe("approvals --pr with team entries", () => {
  it("a team member and a named login make the quorum; the emergency committee as a team approves an emergency file", async () => {
    const v = await verdict(
      1,
      ["policies/updates/kb200.yaml", "policies/updates/kb201.yaml"],
      ["alice", "carol", "erin"],
    );
    expect(v.lines).toEqual([
      {
        subject: "policies/updates/kb200.yaml",
        ok: true,
        detail: `approved by alice, carol (the CAB (2 needed)); carol counted as a member of @acme/cab as GitHub listed it at ${READ}`,
      },
      {
        subject: "policies/updates/kb201.yaml",
        ok: true,
        detail: `approved by alice, carol (the CAB (2 needed)); carol counted as a member of @acme/cab as GitHub listed it at ${READ}`,
      },
    ]);
    // One read of each team for the whole check.
    expect(gh.requests.filter((r) => r.path.startsWith("/orgs/")).map((r) => r.path)).toEqual([
      "/orgs/acme/teams/cab/members",
      "/orgs/acme/teams/emergency/members",
    ]);
  });

  it("the emergency committee team alone approves the emergency file, not the standard one", async () => {
    const v = await verdict(2, ["policies/updates/kb200.yaml", "policies/updates/kb201.yaml"], ["erin"]);
    expect(v.lines[0]).toEqual({
      subject: "policies/updates/kb200.yaml",
      ok: true,
      detail: `approved by erin (the emergency committee (1 needed)); erin counted as a member of @acme/emergency as GitHub listed it at ${READ}`,
    });
    expect(v.lines[1]).toEqual({
      subject: "policies/updates/kb201.yaml",
      ok: false,
      detail: "0 of 2 needed from the CAB (2 needed); approvals by non-members do not count (erin)",
    });
  });

  it("a pending invitee does not count, and alice (named and in the team) counts once", async () => {
    const v = await verdict(3, ["policies/updates/kb201.yaml"], ["alice", "pete"]);
    expect(v.lines).toEqual([
      {
        subject: "policies/updates/kb201.yaml",
        ok: false,
        detail: "1 of 2 needed from the CAB (2 needed) (alice); approvals by non-members do not count (pete)",
      },
    ]);
  });

  it("an assignment moved from an unreadable owner team: the new owner's team approves, the old one cannot", async () => {
    const v = await verdict(
      4,
      ["windows/assignments/team-a.yaml"],
      ["walt"],
      new Map([["windows/assignments/team-a.yaml", "team-z"]]),
    );
    expect(v.lines).toEqual([
      {
        subject: "windows/assignments/team-a.yaml",
        ok: true,
        detail: `approved by walt (owner team team-a); walt counted as a member of @acme/web-ops as GitHub listed it at ${READ}`,
      },
      {
        subject: "windows/assignments/team-a.yaml (previous owner team-z)",
        ok: false,
        detail:
          "0 of 1 needed from owner team team-z; approvals by non-members do not count (walt); team @acme/ghosts (policies/cab.yaml:11:14) could not be read, so it approves nothing: GitHub answered 404 while listing the members of team @acme/ghosts: no such team in acme, or the token cannot see it (reading teams needs read:org)",
      },
    ]);
    expect(v.ok).toBe(false);
  });
});
