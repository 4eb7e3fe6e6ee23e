// Approvers as GitHub teams (issue 32, point 8), through `patchops approvals` in a real git repository against the
// fake GitHub: a team member's approval counts, a non-member's or a pending invitee's does not, a person counts once
// however many entries name them, an unreadable team approves nothing without stopping anything else, each team is
// read once a run, the review cache keeps the first reading, and without GitHub team entries are not resolved.
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { updateDoc } from "../helpers/documents.js";
import type { FakeGithub } from "../helpers/github-server.js";
import { cli, commitAll, copyRepo, tempDir, tempRepo } from "../helpers/repo.js";
import { change, installed, INVENTORY, NOW, plan, pr, withFakeGithub } from "./trust-fixture.js";

// Lines and columns matter: the trail names where the unreadable @acme/ghosts is written (line 11, column 19).
const CAB = `apiVersion: patchops/v1
kind: ChangeAdvisoryBoard
metadata:
  name: cab
spec:
  members: ["@acme/cab", "@acme/security", alice, bob]
  requiredApprovals: 2
  emergencyCommittee: { members: ["@acme/emergency"], requiredApprovals: 1 }
  teams:
    team-a: ["@acme/web-ops"]
    team-b: [tom, "@acme/ghosts"]
    team-c: ["@acme/ghosts"]
`;
const assignment = (owner: string, host: string, period: string) => `apiVersion: patchops/v1
kind: Assignment
metadata:
  name: ${owner}
spec:
  owner: ${owner}
  timetable: dc
  hosts:
    - { name: ${host}, period: ${period}, role: app }
`;
const RFC =
  "  rfc: { change: c, vulnerability: v, servicesImpacted: s, concurrentDeployment: none, countermeasures: none, testStrategy: t, impact: major }\n";
const READ = "2026-12-10T08:00:00.000Z";

let gh: FakeGithub;
withFakeGithub("ghs_teamstoken", (started) => (gh = started));

let template: string;
let root: string;
const sha: Record<string, string> = {};

beforeAll(async () => {
  template = await tempRepo("minimal", {
    "policies/cab.yaml": CAB,
    "windows/assignments/team-b.yaml": assignment("team-b", "host-03", "D2-04"),
    "windows/assignments/team-c.yaml": assignment("team-c", "host-04", "D4-04"),
    "inv.jsonl": INVENTORY,
  });
  await rm(join(template, "policies/updates/kb5035857.yaml"));
  root = commitAll(template, "Bootstrap", "2026-11-01T10:00:00Z");
  for (const id of ["KB100", "KB101", "KB102", "KB103", "KB104", "KB106"])
    sha[id] = await change(template, { [`policies/updates/${id.toLowerCase()}.yaml`]: updateDoc(id) });
  sha.KB105 = await change(template, {
    "policies/updates/kb105.yaml": updateDoc("KB105", { extra: RFC }).replace(
      "severity: important",
      "severity: critical",
    ),
  });
  sha.teamA = await change(template, {
    "windows/assignments/team-a.yaml": assignment("team-a", "host-01", "D1-04"),
  });
  sha.teamB = await change(template, { "windows/assignments/team-b.yaml": assignment("team-b", "host-03", "D3-04") });
  sha.teamC = await change(template, { "windows/assignments/team-c.yaml": assignment("team-c", "host-04", "D3-04") });
});

beforeEach(() => {
  gh.pulls.length = 0;
  gh.requests.length = 0;
  gh.teamScope = true;
  gh.date = "2026-12-10T08:00:00Z";
  gh.teams.clear();
  gh.teams.set("acme/cab", [
    { login: "alice" },
    { login: "carol" },
    { login: "dan" },
    { login: "pete", state: "pending" },
  ]);
  gh.teams.set("acme/security", [{ login: "carol" }]);
  gh.teams.set("acme/emergency", [{ login: "erin" }]);
  gh.teams.set("acme/web-ops", [{ login: "walt" }]);
  const approved = (...logins: string[]) =>
    logins.map((login) => ({ login, state: "APPROVED" as const, at: "2026-11-23T17:00:00Z" }));
  gh.pulls.push(
    pr(1, [sha.KB100!], approved("alice", "carol")),
    pr(2, [sha.KB101!], approved("alice", "mallory")),
    pr(3, [sha.KB102!], approved("alice", "pete")),
    pr(4, [sha.KB103!], approved("carol")),
    pr(5, [sha.KB104!], approved("alice")),
    pr(6, [sha.KB105!], approved("erin")),
    pr(7, [sha.teamA!], approved("walt")),
    pr(8, [sha.teamB!], approved("tom")),
    pr(9, [sha.teamC!], approved("zed")),
    pr(10, [sha.KB106!], approved("alice", "bob")),
  );
});

interface Ledger {
  ok: boolean;
  warnings: string[];
  subjects: { file: string; ok: boolean; reason: string }[];
}

async function ledger(repo: string, cacheDir: string, ...extra: string[]) {
  const r = await cli(
    "approvals",
    "--repo",
    repo,
    "--now",
    NOW,
    "--cab-root",
    root,
    "--cache-dir",
    cacheDir,
    "--format",
    "json",
    ...extra,
  );
  expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  const parsed = JSON.parse(r.stdout) as Ledger;
  return { code: r.code, warnings: parsed.warnings, byFile: new Map(parsed.subjects.map((s) => [s.file, s])) };
}

const teamReads = (slug: string) => gh.requests.filter((r) => r.path === `/orgs/acme/teams/${slug}/members`).length;

describe("approvals judged through GitHub teams", () => {
  it("counts team members, refuses non-members and pending invitees, counts each person once, and fails closed per team", async () => {
    const repo = await copyRepo(template);
    const { code, byFile, warnings } = await ledger(repo, join(await tempDir(), "cache"));
    expect(code).toBe(1);
    const reason = (file: string) => byFile.get(file)!.reason;
    const ok = (file: string) => byFile.get(file)!.ok;

    // carol is on the CAB through @acme/cab; the trail says when GitHub listed the team.
    expect(ok("policies/updates/kb100.yaml")).toBe(true);
    expect(reason("policies/updates/kb100.yaml")).toBe(
      `PR #1 by dave: approved by alice, carol (the CAB (2 needed)); carol counted as a member of @acme/cab as GitHub listed it at ${READ}; carol counted as a member of @acme/security as GitHub listed it at ${READ}`,
    );
    // mallory is in no team and not named.
    expect(ok("policies/updates/kb101.yaml")).toBe(false);
    expect(reason("policies/updates/kb101.yaml")).toBe(
      "PR #2 by dave: 1 of 2 needed from the CAB (2 needed) (alice); approvals by non-members do not count (mallory)",
    );
    // pete was invited to @acme/cab and has not accepted.
    expect(ok("policies/updates/kb102.yaml")).toBe(false);
    expect(reason("policies/updates/kb102.yaml")).toBe(
      "PR #3 by dave: 1 of 2 needed from the CAB (2 needed) (alice); approvals by non-members do not count (pete)",
    );
    // carol is in two of the CAB's teams, and is still one person.
    expect(ok("policies/updates/kb103.yaml")).toBe(false);
    expect(reason("policies/updates/kb103.yaml")).toBe(
      `PR #4 by dave: 1 of 2 needed from the CAB (2 needed) (carol); carol counted as a member of @acme/cab as GitHub listed it at ${READ}; carol counted as a member of @acme/security as GitHub listed it at ${READ}`,
    );
    // alice is named and in @acme/cab: one person, counted by her login.
    expect(ok("policies/updates/kb104.yaml")).toBe(false);
    expect(reason("policies/updates/kb104.yaml")).toBe("PR #5 by dave: 1 of 2 needed from the CAB (2 needed) (alice)");
    // The emergency committee as a team.
    expect(ok("policies/updates/kb105.yaml")).toBe(true);
    expect(reason("policies/updates/kb105.yaml")).toBe(
      `PR #6 by dave: approved by erin (the emergency committee (1 needed)); erin counted as a member of @acme/emergency as GitHub listed it at ${READ}`,
    );
    // An owner team that is a GitHub team.
    expect(ok("windows/assignments/team-a.yaml")).toBe(true);
    expect(reason("windows/assignments/team-a.yaml")).toBe(
      `PR #7 by dave: approved by walt (owner team team-a); walt counted as a member of @acme/web-ops as GitHub listed it at ${READ}`,
    );
    // @acme/ghosts does not exist: it approves nothing, tom (named) still does, and every other file still verifies.
    const ghosts =
      "team @acme/ghosts (policies/cab.yaml:11:19) could not be read, so it approves nothing: GitHub answered 404 while listing the members of team @acme/ghosts: no such team in acme, or the token cannot see it (reading teams needs read:org)";
    expect(ok("windows/assignments/team-b.yaml")).toBe(true);
    expect(reason("windows/assignments/team-b.yaml")).toBe(
      `PR #8 by dave: approved by tom (owner team team-b); ${ghosts}`,
    );
    expect(ok("windows/assignments/team-c.yaml")).toBe(false);
    expect(reason("windows/assignments/team-c.yaml")).toBe(
      `PR #9 by dave: 0 of 1 needed from owner team team-c; approvals by non-members do not count (zed); ${ghosts}`,
    );
    expect(ok("policies/updates/kb106.yaml")).toBe(true);

    // The unreadable team is also a warning of its own, at its entry.
    expect(warnings.filter((w) => w.includes("@acme/"))).toEqual([
      "policies/cab.yaml:11:19: team @acme/ghosts could not be read, so it approves nothing in this run: GitHub answered 404 while listing the members of team @acme/ghosts: no such team in acme, or the token cannot see it (reading teams needs read:org)",
    ]);

    // Each team once a run, however many pull requests and reviewers asked about it.
    expect(["cab", "security", "emergency", "web-ops", "ghosts"].map(teamReads)).toEqual([1, 1, 1, 1, 1]);
  });

  it("the review cache keeps the first reading of a merged pull request's reviewers: a later change of the team does not rewrite it", async () => {
    const repo = await copyRepo(template);
    const cache = join(await tempDir(), "cache");
    await ledger(repo, cache);
    gh.requests.length = 0;
    // carol leaves @acme/cab and @acme/security, and mallory joins @acme/cab, a day later.
    gh.teams.set("acme/cab", [{ login: "alice" }, { login: "mallory" }]);
    gh.teams.set("acme/security", []);
    gh.date = "2026-12-11T08:00:00Z";
    const again = await ledger(repo, cache);
    expect(again.byFile.get("policies/updates/kb100.yaml")).toMatchObject({
      ok: true,
      reason: `PR #1 by dave: approved by alice, carol (the CAB (2 needed)); carol counted as a member of @acme/cab as GitHub listed it at ${READ}; carol counted as a member of @acme/security as GitHub listed it at ${READ}`,
    });
    expect(again.byFile.get("policies/updates/kb101.yaml")!.ok).toBe(false);
    // Readings were kept; a team that could not be read is asked again.
    expect(["cab", "security", "emergency", "web-ops", "ghosts"].map(teamReads)).toEqual([0, 0, 0, 0, 1]);
    // Without the cache, the new membership is what GitHub says now.
    const fresh = await ledger(repo, join(await tempDir(), "other-cache"));
    expect(fresh.byFile.get("policies/updates/kb100.yaml")!.ok).toBe(false);
    expect(fresh.byFile.get("policies/updates/kb101.yaml")).toMatchObject({
      ok: true,
      reason:
        "PR #2 by dave: approved by alice, mallory (the CAB (2 needed)); mallory counted as a member of @acme/cab as GitHub listed it at 2026-12-11T08:00:00.000Z",
    });
  });

  it("plan: the unreadable team is a team-unreadable warning at its entry in cab.yaml, beside the unverified file's error", async () => {
    const r = await plan(await copyRepo(template), "--cab-root", root);
    const team = r.plan.findings.filter((f) => f.code === "team-unreadable");
    expect(team).toEqual([
      {
        code: "team-unreadable",
        severity: "warning",
        file: "policies/cab.yaml",
        line: 11,
        message:
          "team @acme/ghosts could not be read, so it approves nothing in this run: GitHub answered 404 while listing the members of team @acme/ghosts: no such team in acme, or the token cannot see it (reading teams needs read:org)",
      },
    ]);
    expect(r.plan.findings.find((f) => f.file === "windows/assignments/team-c.yaml")).toMatchObject({
      code: "approval-unverified",
      severity: "error",
    });
    // Every other file verified: KB100, KB105 and KB106 get jobs.
    expect(installed(r.jobs)).toEqual(["KB100", "KB105", "KB106"]);
  });

  it("a token that may not read teams: team entries approve nothing, named logins still do", async () => {
    gh.teamScope = false;
    const { byFile } = await ledger(await copyRepo(template), join(await tempDir(), "cache"));
    expect(byFile.get("policies/updates/kb100.yaml")!.ok).toBe(false);
    expect(byFile.get("policies/updates/kb100.yaml")!.reason).toContain(
      "team @acme/cab (policies/cab.yaml:6:13) could not be read, so it approves nothing: GitHub denied access (403) while listing the members of team @acme/cab: the token may not read the organisation's teams (a personal access token needs read:org",
    );
    expect(byFile.get("policies/updates/kb106.yaml")!.ok).toBe(true);
    expect(byFile.get("windows/assignments/team-b.yaml")!.ok).toBe(true);
    expect(byFile.get("windows/assignments/team-a.yaml")!.ok).toBe(false);
  });
});

describe("without GitHub (trusted-local)", () => {
  it("team entries are not resolved: only logins count, and the trail says so", async () => {
    const repo = await tempRepo("minimal", { "policies/cab.yaml": CAB });
    await rm(join(repo, "policies/updates/kb5035857.yaml"));
    const base = commitAll(repo, "Bootstrap", "2026-11-01T10:00:00Z");
    await writeFile(join(repo, "policies/updates/kb100.yaml"), updateDoc("KB100"));
    commitAll(repo, "Approve KB100\n\nApproved-by: alice\nApproved-by: carol", "2026-11-20T10:00:00Z");
    const token = process.env.GITHUB_TOKEN;
    delete process.env.GITHUB_TOKEN;
    try {
      const r = await cli(
        "approvals",
        "--repo",
        repo,
        "--now",
        NOW,
        "--cab-root",
        base,
        "--trust-local-approvals",
        "--format",
        "json",
      );
      const kb100 = (JSON.parse(r.stdout) as Ledger).subjects.find((s) => s.file === "policies/updates/kb100.yaml")!;
      expect(kb100.ok).toBe(false);
      expect(kb100.reason).toContain(
        "1 of 2 needed from the CAB (2 needed) (alice); approvals by non-members do not count (carol); its team entries (@acme/cab, @acme/security) were not resolved without GitHub, so only logins count",
      );
    } finally {
      process.env.GITHUB_TOKEN = token;
    }
    expect(gh.requests.filter((q) => q.path.startsWith("/orgs/"))).toEqual([]);
  });
});
