// The fake GitHub against GitHub's published response shapes (keys and JSON types of the REST API description's
// examples, test/fixtures/github/openapi-examples.json), and the realism it offers tests: authors ≠ committers,
// web-flow commits, reviews of older commits, dismissed and pending reviews, other base branches, rulesets, Link
// pagination, deleted users and secondary rate limits — each read through the real adapter where patchops reads it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GithubClient } from "../../reconciler/github/client.js";
import { GHOST, startFakeGithub, type FakeGithub } from "../helpers/github-server.js";
import { published, shapeProblems } from "../helpers/github-shapes.js";

const A = "a".repeat(40);
const B = "b".repeat(40);
const REPO = "/repos/acme/patch-policy";

let gh: FakeGithub;
let client: GithubClient;

beforeAll(async () => {
  gh = await startFakeGithub();
  client = new GithubClient(
    { owner: "acme", repo: "patch-policy" },
    { token: "t", baseUrl: gh.url, retryAfterScale: 0.01 },
  );
  gh.pulls.push({
    number: 7,
    author: "dave",
    title: "Approve KB300 on the release branch",
    mergedAt: "2026-11-23T18:00:00Z",
    baseRef: "release/2026-12",
    commits: [A, B],
    commitLogins: { [A]: { author: "dave", committer: "dave" }, [B]: { author: "dave", committer: "web-flow" } },
    commitDates: {
      [A]: { authored: "2026-11-22T09:00:00Z", committed: "2026-11-22T09:00:00Z" },
      [B]: { authored: "2026-11-22T10:00:00Z", committed: "2026-11-23T17:59:00Z" },
    },
    reviews: [
      { login: "alice", state: "APPROVED", at: "2026-11-22T11:00:00Z", commit: A },
      { login: "bob", state: "DISMISSED", at: "2026-11-22T12:00:00Z", commit: A },
      { login: "alice", state: "APPROVED", at: "2026-11-23T17:00:00Z" },
      { login: "mallory", state: "APPROVED", at: "2026-11-23T17:10:00Z" },
      { login: "carol", state: "PENDING", at: "2026-11-23T17:20:00Z" },
    ],
  });
  gh.deletedUsers.add("mallory");
  gh.protection.set("main", { reviews: 2, dismissStale: true, codeOwners: true, forcePushes: false, admins: true });
  gh.rulesets.push(
    {
      id: 1,
      name: "main needs reviews",
      target: "branch",
      enforcement: "active",
      include: ["~DEFAULT_BRANCH"],
      rules: [
        { type: "deletion" },
        {
          type: "pull_request",
          parameters: {
            required_approving_review_count: 2,
            dismiss_stale_reviews_on_push: true,
            require_code_owner_review: true,
            require_last_push_approval: true,
            required_review_thread_resolution: false,
          },
        },
      ],
    },
    {
      id: 2,
      name: "release tags",
      target: "tag",
      enforcement: "active",
      include: ["refs/tags/v*"],
      rules: [{ type: "deletion" }],
    },
    {
      id: 3,
      name: "trial",
      target: "branch",
      enforcement: "disabled",
      include: ["~ALL"],
      rules: [{ type: "non_fast_forward" }],
    },
  );
  gh.issues.push({
    number: 500,
    title: "host-01 overdue",
    body: "b",
    state: "open",
    labels: ["patchops"],
    user: "patchops[bot]",
  });
  gh.comments.set(7, [{ id: 9000, body: "plan", user: "patchops[bot]" }]);
});
afterAll(async () => gh.close());

const get = async (path: string) => {
  const r = await fetch(`${gh.url}${path}`, { headers: { authorization: "token t" } });
  return { status: r.status, headers: r.headers, body: (await r.json()) as unknown };
};

/** Keys GitHub's example carries that a real answer leaves out in the case the fake answers, with the reason. */
const LEFT_OUT: Record<string, Record<string, string>> = {
  "/repos/{owner}/{repo}/issues": { "$[0].pull_request: missing": "the example is a pull request; an issue has none" },
  "/repos/{owner}/{repo}/rulesets/{ruleset_id}": {
    "$.rules[0].parameters: missing": "a deletion rule has no parameters",
  },
  "/repos/{owner}/{repo}/rules/branches/{branch}": { "$[0].parameters: missing": "a deletion rule has no parameters" },
  "/repos/{owner}/{repo}/branches/{branch}/protection": {
    "$.restrictions: missing": "sent only when push restrictions are set",
    "$.required_pull_request_reviews.dismissal_restrictions: missing": "sent only when dismissal is restricted",
  },
};

describe("every answer has the keys and JSON types of GitHub's published examples", () => {
  it.each([
    ["/repos/{owner}/{repo}/commits/{commit_sha}/pulls", `${REPO}/commits/${B}/pulls`],
    ["/repos/{owner}/{repo}/pulls/{pull_number}", `${REPO}/pulls/7`],
    ["/repos/{owner}/{repo}/pulls/{pull_number}/commits", `${REPO}/pulls/7/commits`],
    ["/repos/{owner}/{repo}/pulls/{pull_number}/reviews", `${REPO}/pulls/7/reviews`],
    ["/repos/{owner}/{repo}/issues/{issue_number}/comments", `${REPO}/issues/7/comments`],
    ["/repos/{owner}/{repo}/issues", `${REPO}/issues`],
    ["/repos/{owner}/{repo}/rulesets", `${REPO}/rulesets`],
    ["/repos/{owner}/{repo}/rulesets/{ruleset_id}", `${REPO}/rulesets/1`],
    ["/repos/{owner}/{repo}/rules/branches/{branch}", `${REPO}/rules/branches/main`],
    ["/repos/{owner}/{repo}/branches/{branch}/protection", `${REPO}/branches/main/protection`],
    ["/users/{username}", "/users/alice"],
  ])("%s", async (route, path) => {
    const r = await get(path);
    expect(r.status).toBe(200);
    const left = LEFT_OUT[route] ?? {};
    expect(shapeProblems(published(route), r.body).filter((p) => !(p in left))).toEqual([]);
  });

  it("the checker itself finds a missing key and a wrong type", () => {
    expect(shapeProblems({ a: 1, b: { c: "x" } }, { b: { c: 2 } })).toEqual([
      "$.a: missing",
      "$.b.c: number, GitHub sends string",
    ]);
  });
});

describe("what the realism looks like through the real adapter", () => {
  it("a pull request into another base branch says so", async () => {
    expect((await client.pull(7)).baseRef).toBe("release/2026-12");
    expect((await client.pullsForCommit(B)).map((p) => [p.number, p.baseRef, p.mergedAt])).toEqual([
      [7, "release/2026-12", "2026-11-23T18:00:00Z"],
    ]);
  });

  it("a web-flow commit: authored by dave, committed by GitHub an hour after the approval of the older commit", async () => {
    expect(await client.pullCommits(7)).toEqual([
      { sha: A, author: "dave", committer: "dave" },
      { sha: B, author: "dave", committer: "web-flow" },
    ]);
    const commits = (await get(`${REPO}/pulls/7/commits`)).body as {
      commit: { committer: { name: string; email: string; date: string } };
    }[];
    expect(commits[1]!.commit.committer).toEqual({
      name: "GitHub",
      email: "noreply@github.com",
      date: "2026-11-23T17:59:00Z",
    });
  });

  it("reviews keep their commit, a dismissal, a later re-approval, a deleted reviewer as ghost, a pending review unsubmitted", async () => {
    expect(await client.reviews(7)).toEqual([
      { id: 80700, login: "alice", state: "APPROVED", submittedAt: "2026-11-22T11:00:00Z", commitId: A },
      { id: 80701, login: "bob", state: "DISMISSED", submittedAt: "2026-11-22T12:00:00Z", commitId: A },
      { id: 80702, login: "alice", state: "APPROVED", submittedAt: "2026-11-23T17:00:00Z", commitId: B },
      { id: 80703, login: GHOST, state: "APPROVED", submittedAt: "2026-11-23T17:10:00Z", commitId: B },
      { id: 80704, login: "carol", state: "PENDING", submittedAt: null, commitId: B },
    ]);
  });

  it("a deleted user is 404; a live one is a user", async () => {
    expect((await get("/users/mallory")).status).toBe(404);
    expect((await get("/users/alice")).body).toMatchObject({ login: "alice", type: "User" });
  });

  it("Link pagination names prev, next, last and first as GitHub does, and the adapter follows it", async () => {
    gh.pageSize = 2;
    try {
      const middle = await get(`${REPO}/pulls/7/reviews?per_page=2&page=2`);
      const link = middle.headers.get("link") ?? "";
      expect(link.split(", ").map((l) => /rel="(\w+)"/.exec(l)?.[1])).toEqual(["prev", "next", "last", "first"]);
      expect(link).toContain('page=3>; rel="last"');
      expect((await client.reviews(7)).map((r) => r.id)).toEqual([80700, 80701, 80702, 80703, 80704]);
    } finally {
      gh.pageSize = 30;
    }
  });

  it("a secondary rate limit (403 with retry-after) is waited out and the request retried", async () => {
    const before = gh.requests.length;
    gh.secondaryRateLimitNext = { count: 1, retryAfter: 1 };
    const fresh = new GithubClient(
      { owner: "acme", repo: "patch-policy" },
      { token: "t", baseUrl: gh.url, retryAfterScale: 0.01 },
    );
    expect((await fresh.pull(7)).number).toBe(7);
    expect(gh.requests.length - before).toBe(2);
  });

  it("rules for a branch come from active branch rulesets only (not tag rulesets, not disabled ones)", async () => {
    const rules = (await get(`${REPO}/rules/branches/main`)).body as { type: string; ruleset_id: number }[];
    expect(rules.map((r) => [r.ruleset_id, r.type])).toEqual([
      [1, "deletion"],
      [1, "pull_request"],
    ]);
    expect((await get(`${REPO}/rules/branches/release%2F2026-12`)).body).toEqual([]);
    expect((await get(`${REPO}/rulesets/9`)).status).toBe(404);
    const list = (await get(`${REPO}/rulesets`)).body as { id: number; name: string }[];
    expect(list.map((r) => r.id)).toEqual([1, 2, 3]);
    expect((await get(`${REPO}/rulesets/2`)).body).toMatchObject({
      target: "tag",
      conditions: { ref_name: { include: ["refs/tags/v*"] } },
    });
  });
});
