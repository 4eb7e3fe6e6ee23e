// Organisation teams through the real adapter against the fake GitHub: the fake's answers keep the shapes of GitHub's
// published examples (test/fixtures/github/openapi-examples.json, from @octokit/openapi 23.0.2), and the client reads
// each team once a run, lists only active members, follows pagination, and fails one team at a time.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GithubClient } from "../../reconciler/github/client.js";
import { startFakeGithub, type FakeGithub } from "../helpers/github-server.js";
import { published, shapeProblems } from "../helpers/github-shapes.js";

let gh: FakeGithub;
const client = () =>
  new GithubClient({ owner: "acme", repo: "patch-policy" }, { token: "t", baseUrl: gh.url, retryAfterScale: 0.01 });

beforeAll(async () => {
  gh = await startFakeGithub();
  gh.teams.set("acme/cab", [
    { login: "carol" },
    { login: "Dan", role: "maintainer" },
    { login: "pete", state: "pending" },
    { login: "erin" },
    { login: "frank" },
  ]);
  gh.pulls.push({ number: 7, author: "dave", mergedAt: null, commits: ["a".repeat(40)], reviews: [] });
});
afterAll(async () => gh.close());
beforeEach(() => {
  gh.teamScope = true;
  gh.pageSize = 30;
  gh.date = null;
  gh.rateLimitNext = 0;
  gh.requests.length = 0;
});

const get = async (path: string) => {
  const r = await fetch(`${gh.url}${path}`, { headers: { authorization: "token t" } });
  return { status: r.status, headers: r.headers, body: (await r.json()) as unknown };
};

describe("the fake answers team routes with GitHub's published shapes", () => {
  it("GET /orgs/{org}/teams/{team_slug}/members", async () => {
    const r = await get("/orgs/acme/teams/cab/members");
    expect(r.status).toBe(200);
    expect(shapeProblems(published("/orgs/{org}/teams/{team_slug}/members"), r.body)).toEqual([]);
    // GitHub lists members, not invitations: the pending one is not there.
    expect((r.body as { login: string; role: string }[]).map((m) => [m.login, m.role])).toEqual([
      ["carol", "member"],
      ["Dan", "maintainer"],
      ["erin", "member"],
      ["frank", "member"],
    ]);
  });

  it("GET /orgs/{org}/teams/{team_slug}/memberships/{username}: active, pending, and 404 for no membership", async () => {
    const active = await get("/orgs/acme/teams/cab/memberships/dan");
    expect(active.status).toBe(200);
    expect(shapeProblems(published("/orgs/{org}/teams/{team_slug}/memberships/{username}"), active.body)).toEqual([]);
    expect(active.body).toMatchObject({ role: "maintainer", state: "active" });
    expect((await get("/orgs/acme/teams/cab/memberships/pete")).body).toMatchObject({ state: "pending" });
    expect((await get("/orgs/acme/teams/cab/memberships/mallory")).status).toBe(404);
  });

  it("an unknown team is 404, and a token without the members permission is 403 on every team route", async () => {
    expect((await get("/orgs/acme/teams/nobody/members")).status).toBe(404);
    expect((await get("/orgs/other/teams/cab/members")).status).toBe(404);
    gh.teamScope = false;
    const denied = await get("/orgs/acme/teams/cab/members");
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ message: "Resource not accessible by integration" });
    expect((await get("/orgs/acme/teams/cab/memberships/carol")).status).toBe(403);
  });
});

describe("GithubClient.teamMembers", () => {
  it("lists the active members across pages, with the instant of GitHub's answer", async () => {
    gh.pageSize = 2;
    gh.date = "2026-12-10T08:15:30Z";
    const c = client();
    expect(await c.teamMembers("acme", "cab")).toEqual({
      team: "@acme/cab",
      logins: ["carol", "Dan", "erin", "frank"],
      readAt: "2026-12-10T08:15:30.000Z",
    });
    // Two pages of two.
    expect(gh.requests.filter((r) => r.path === "/orgs/acme/teams/cab/members")).toHaveLength(2);
  });

  it("reads a team once a run, whatever the case of its organisation, and once more in another run", async () => {
    const c = client();
    await c.teamMembers("acme", "cab");
    await c.teamMembers("ACME", "cab");
    await c.teamMembers("acme", "cab");
    expect(gh.requests.filter((r) => r.path.endsWith("/teams/cab/members"))).toHaveLength(1);
    await client().teamMembers("acme", "cab");
    expect(gh.requests.filter((r) => r.path.endsWith("/teams/cab/members"))).toHaveLength(2);
  });

  it("an unknown team fails alone (once a run): the circuit stays closed for everything else", async () => {
    const c = client();
    await expect(c.teamMembers("acme", "ghosts")).rejects.toThrow(
      "GitHub answered 404 while listing the members of team @acme/ghosts: no such team in acme, or the token cannot see it (reading teams needs read:org)",
    );
    await expect(c.teamMembers("acme", "ghosts")).rejects.toThrow("404");
    expect(gh.requests.filter((r) => r.path.endsWith("/teams/ghosts/members"))).toHaveLength(1);
    expect(c.unavailable).toBeNull();
    expect((await c.pull(7)).number).toBe(7);
    expect((await c.teamMembers("acme", "cab")).logins).toContain("carol");
  });

  it("a token that may not read teams (403) fails that team with what to do, and the circuit stays closed", async () => {
    gh.teamScope = false;
    const c = client();
    await expect(c.teamMembers("acme", "cab")).rejects.toThrow(
      "GitHub denied access (403) while listing the members of team @acme/cab: the token may not read the organisation's teams (a personal access token needs read:org, a GitHub App token members: read; the workflow's default GITHUB_TOKEN cannot)",
    );
    expect(c.unavailable).toBeNull();
    expect((await c.pull(7)).number).toBe(7);
  });

  it("a rate limit that outlasts its retries is about every request: the circuit opens", async () => {
    gh.rateLimitNext = 10;
    const c = new GithubClient(
      { owner: "acme", repo: "patch-policy" },
      { token: "t", baseUrl: gh.url, retryAfterScale: 0.01, maxRateLimitRetries: 1 },
    );
    await expect(c.teamMembers("acme", "cab")).rejects.toThrow("GitHub rate limit exhausted");
    expect(c.unavailable).toMatch(/^an earlier request failed \(GitHub rate limit exhausted while listing the members/);
  });
});
