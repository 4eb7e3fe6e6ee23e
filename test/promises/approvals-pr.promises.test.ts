// The pull-request check (approvals --pr) against the fake GitHub: the emergency committee alone approves an emergency
// Update file and nothing else — not cab.yaml, not policy.yaml, not a standard update.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyPullRequest } from "../../reconciler/approvals/pull-request.js";
import { GithubClient } from "../../reconciler/github/client.js";
import type { PolicySet } from "../../reconciler/model/policy-set.js";
import { ChangeAdvisoryBoardSpec } from "../../reconciler/model/cab.js";
import { validateSource } from "../../reconciler/validate/validate.js";
import { updateDoc } from "../helpers/documents.js";
import { startFakeGithub, type FakeGithub } from "../helpers/github-server.js";
import { memorySource } from "../helpers/memory-source.js";
import { fixtureFiles } from "../helpers/plan-fixture.js";

const HEAD = "a".repeat(40);
const CAB = ChangeAdvisoryBoardSpec.parse({
  members: ["alice", "bob", "carol"],
  requiredApprovals: 2,
  emergencyCommittee: { members: ["carol"], requiredApprovals: 1 },
});

const RFC =
  "  rfc: { change: c, vulnerability: v, servicesImpacted: s, concurrentDeployment: none, countermeasures: none, testStrategy: t, impact: major }\n";

let gh: FakeGithub;
let set: PolicySet;

beforeAll(async () => {
  gh = await startFakeGithub();
  const files = {
    ...fixtureFiles("minimal"),
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

async function verdict(number: number, files: string[], approvers: string[]) {
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
    cab: CAB,
    files,
    github,
    pr: number,
    author: "dave",
    headSha: HEAD,
  });
}

describe("approvals --pr: what the emergency committee alone may approve", () => {
  it("an emergency (critical) Update file: carol alone is enough", async () => {
    const v = await verdict(1, ["policies/updates/kb200.yaml"], ["carol"]);
    expect(v.lines).toEqual([
      {
        subject: "policies/updates/kb200.yaml",
        ok: true,
        detail: "approved by carol (the emergency committee (1 needed))",
      },
    ]);
    expect(v.ok).toBe(true);
  });

  it("cab.yaml, policy.yaml and a standard update: carol alone is 1 of 2 CAB approvals, not enough", async () => {
    const v = await verdict(2, ["policies/cab.yaml", "policies/policy.yaml", "policies/updates/kb201.yaml"], ["carol"]);
    const detail = "1 of 2 needed from the CAB (2 needed) (carol)";
    expect(v.lines).toEqual([
      { subject: "policies/cab.yaml", ok: false, detail },
      { subject: "policies/policy.yaml", ok: false, detail },
      { subject: "policies/updates/kb201.yaml", ok: false, detail },
    ]);
    expect(v.ok).toBe(false);
  });

  it("the same files with alice and carol: two of the CAB", async () => {
    const v = await verdict(3, ["policies/cab.yaml", "policies/updates/kb200.yaml"], ["alice", "carol"]);
    expect(v.lines.map((l) => [l.subject, l.ok])).toEqual([
      ["policies/cab.yaml", true],
      ["policies/updates/kb200.yaml", true],
    ]);
  });
});
