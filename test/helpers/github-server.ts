// A local HTTP server answering like the GitHub REST API (same paths, Link pagination, rate-limit headers), its answers
// laid over GitHub's published examples (test/helpers/github-shapes.ts) so every key GitHub sends is there; the
// conformance test (test/promises/github-conformance.promises.test.ts) checks them. What it models beyond the
// defaults is opt-in: deleted users, secondary rate limits, rulesets, other base branches, web-flow commits,
// organisation teams (members, memberships, pending invitations, a token without read:org).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { onPublished, published } from "./github-shapes.js";

/** The account GitHub shows in place of a deleted user (reviews, comments). */
export const GHOST = "ghost";

export function ghUser(login: string, id = 1000 + [...login].reduce((a, c) => a + c.charCodeAt(0), 0)) {
  const known: Record<string, number> = { [GHOST]: 10137, "web-flow": 19864447 };
  id = known[login] ?? id;
  const url = `https://api.github.com/users/${login}`;
  return {
    login,
    id,
    node_id: `MDQ6VXNlcj${id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: "",
    url,
    html_url: `https://github.com/${login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: login.endsWith("[bot]") ? "Bot" : "User",
    user_view_type: "public",
    site_admin: false,
  };
}

/** A repository ruleset (branch or tag), as GET /repos/{owner}/{repo}/rulesets/{id} describes it. */
export interface FakeRuleset {
  id: number;
  name: string;
  target: "branch" | "tag";
  enforcement: "active" | "disabled" | "evaluate";
  /** ref_name conditions: "refs/heads/main", "refs/tags/v*", "~DEFAULT_BRANCH", "~ALL" (only * is a wildcard). */
  include: string[];
  exclude?: string[];
  rules: { type: string; parameters?: Record<string, unknown> }[];
  bypass?: { actor_id: number; actor_type: string; bypass_mode: "always" | "pull_request" }[];
}

export interface FakePull {
  number: number;
  author: string;
  title?: string;
  mergedAt: string | null;
  commits: string[];
  /** `commit` is the commit reviewed (default: the pull request's final head, its last commit). */
  reviews: {
    login: string;
    /** PENDING: started, not submitted (GitHub sends no submitted_at). */
    state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" | "PENDING";
    at: string;
    commit?: string;
  }[];
  baseSha?: string;
  /** The branch it targets (default main). */
  baseRef?: string;
  /**
   * GitHub logins of each commit's author and committer (default: the pull request's author for both). A committer
   * "web-flow" is GitHub itself (a commit made in the web interface or a merge button): name GitHub, noreply email.
   */
  commitLogins?: Record<string, { author: string; committer: string }>;
  /** When each commit was authored and committed (default: both 2026-11-20T00:00:00Z). */
  commitDates?: Record<string, { authored: string; committed: string }>;
}

export interface FakeGithub {
  url: string;
  requests: { method: string; path: string; auth: string | undefined }[];
  pulls: FakePull[];
  comments: Map<number, { id: number; body: string; user: string }[]>;
  /** Answer the next N requests with a primary rate-limit error (403, x-ratelimit-remaining: 0). */
  rateLimitNext: number;
  /** Answer every request with this status (e.g. 401). */
  failWith: number | null;
  /** Accept requests and never answer them (a hung server). */
  hang: boolean;
  /** Answer the next N requests with 429 and this retry-after (seconds). */
  tooManyNext: { count: number; retryAfter: number };
  /** Branch → protection settings, answered in GitHub's shape (absent: 404 "Branch not protected"). */
  protection: Map<
    string,
    {
      reviews: number | null;
      dismissStale: boolean;
      codeOwners: boolean;
      forcePushes: boolean;
      admins: boolean;
      /** require_last_push_approval (default false). */
      lastPush?: boolean;
    }
  >;
  pageSize: number;
  /** Branches (name → sha) and files on them (branch → path → text), for intake's pull requests. */
  branches: Map<string, string>;
  files: Map<string, Map<string, string>>;
  labels: Map<number, string[]>;
  openPulls: { number: number; head: string; base: string; title: string; body: string }[];
  /** Issues (not pull requests), as created by owner notifications. */
  issues: FakeIssue[];
  /** Answer the next N requests with a secondary rate limit: 403 with retry-after (seconds), quota left. */
  secondaryRateLimitNext: { count: number; retryAfter: number };
  /** Logins of deleted accounts: GET /users/{login} is 404, their reviews show the ghost user, commits no login. */
  deletedUsers: Set<string>;
  /** Repository rulesets (GET /rulesets, /rulesets/{id}, /rules/branches/{branch}). */
  rulesets: FakeRuleset[];
  /**
   * Organisation teams by `org/team-slug` (GET /orgs/{org}/teams/{team_slug}/members and .../memberships/{username}).
   * A `pending` member was invited and has not accepted: GitHub lists only active members, and its membership says
   * `state: "pending"`. A team not here is 404.
   */
  teams: Map<string, FakeTeamMember[]>;
  /** False: the token may not read organisation teams (the workflow's GITHUB_TOKEN; a PAT without read:org): 403. */
  teamScope: boolean;
  /** The Date header of every answer, ISO-8601 (default: the clock, as GitHub). */
  date: string | null;
  close(): Promise<void>;
}

export interface FakeTeamMember {
  login: string;
  /** Default active. */
  state?: "active" | "pending";
  /** Default member. */
  role?: "member" | "maintainer";
}

export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  state: "open" | "closed";
  labels: string[];
  user: string;
}

const OWNER_REPO = /^\/repos\/([^/]+)\/([^/]+)/;

export async function startFakeGithub(): Promise<FakeGithub> {
  let nextComment = 9000;
  const state: FakeGithub = {
    url: "",
    requests: [],
    pulls: [],
    comments: new Map(),
    rateLimitNext: 0,
    failWith: null,
    hang: false,
    tooManyNext: { count: 0, retryAfter: 0 },
    protection: new Map(),
    pageSize: 30,
    branches: new Map([["main", "1".repeat(40)]]),
    files: new Map(),
    labels: new Map(),
    openPulls: [],
    issues: [],
    secondaryRateLimitNext: { count: 0, retryAfter: 0 },
    deletedUsers: new Set(),
    rulesets: [],
    teams: new Map(),
    teamScope: true,
    date: null,
    close: async () => {},
  };
  const userOrGhost = (login: string) => ghUser(state.deletedUsers.has(login) ? GHOST : login);
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, {
      "content-type": "application/json; charset=utf-8",
      "x-github-media-type": "github.v3; format=json",
      "x-ratelimit-limit": "5000",
      "x-ratelimit-remaining": "4999",
      "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
      "x-ratelimit-resource": "core",
      ...(state.date ? { date: new Date(state.date).toUTCString() } : {}),
      ...headers,
    });
    res.end(JSON.stringify(body));
  };
  const paged = (req: IncomingMessage, res: ServerResponse, items: unknown[]) => {
    const u = new URL(req.url!, state.url);
    const page = Number(u.searchParams.get("page") ?? "1");
    const size = state.pageSize;
    const slice = items.slice((page - 1) * size, page * size);
    const headers: Record<string, string> = {};
    const last = Math.max(1, Math.ceil(items.length / size));
    const at = (n: number) => {
      const x = new URL(u);
      x.searchParams.set("page", String(n));
      return x;
    };
    // GitHub's order: prev and next, then last and first where they apply.
    const links: string[] = [];
    if (page > 1) links.push(`<${at(page - 1)}>; rel="prev"`);
    if (page < last) links.push(`<${at(page + 1)}>; rel="next"`, `<${at(last)}>; rel="last"`);
    if (page > 1) links.push(`<${at(1)}>; rel="first"`);
    if (links.length) headers.link = links.join(", ");
    json(res, 200, slice, headers);
  };
  const pullShape = (p: FakePull, owner: string, repo: string, full = false) =>
    onPublished(
      published(
        full ? "/repos/{owner}/{repo}/pulls/{pull_number}" : "/repos/{owner}/{repo}/commits/{commit_sha}/pulls",
        !full,
      ),
      pullFields(p, owner, repo),
    );
  const pullFields = (p: FakePull, owner: string, repo: string) => ({
    url: `https://api.github.com/repos/${owner}/${repo}/pulls/${p.number}`,
    id: 100000 + p.number,
    node_id: `PR_kwDO${p.number}`,
    html_url: `https://github.com/${owner}/${repo}/pull/${p.number}`,
    number: p.number,
    state: p.mergedAt ? "closed" : "open",
    locked: false,
    title: p.title ?? `Change ${p.number}`,
    user: ghUser(p.author),
    body: null,
    created_at: "2026-11-01T00:00:00Z",
    updated_at: p.mergedAt ?? "2026-11-01T00:00:00Z",
    closed_at: p.mergedAt,
    merged_at: p.mergedAt,
    merge_commit_sha: p.commits[p.commits.length - 1] ?? null,
    draft: false,
    head: {
      label: `${owner}:change-${p.number}`,
      ref: `change-${p.number}`,
      sha: p.commits[p.commits.length - 1] ?? "",
    },
    base: { label: `${owner}:${p.baseRef ?? "main"}`, ref: p.baseRef ?? "main", sha: "0".repeat(40) },
    author_association: "MEMBER",
    ...(p.mergedAt ? { merged: true, merged_by: ghUser("web-flow") } : { merged: false, merged_by: null }),
    labels: [],
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    milestone: null,
    auto_merge: null,
    active_lock_reason: null,
  });
  const answerTeam = (req: IncomingMessage, res: ServerResponse, m: RegExpExecArray) => {
    const [org, slug, , username] = [1, 2, 3, 4].map((i) =>
      m[i] === undefined ? undefined : decodeURIComponent(m[i]!),
    );
    const docs = username
      ? "https://docs.github.com/rest/teams/members#get-team-membership-for-a-user"
      : "https://docs.github.com/rest/teams/members#list-team-members";
    if (!state.teamScope)
      // What an installation token without the organisation members permission is told.
      return json(
        res,
        403,
        { message: "Resource not accessible by integration", documentation_url: docs, status: "403" },
        { "x-accepted-github-permissions": "members=read" },
      );
    // GitHub matches organisation logins without regard to case; team slugs are lower case.
    const key = [...state.teams.keys()].find((k) => k.toLowerCase() === `${org}/${slug}`.toLowerCase());
    const members = key === undefined ? undefined : state.teams.get(key)!;
    const notFound = () => json(res, 404, { message: "Not Found", documentation_url: docs, status: "404" });
    if (!members) return notFound();
    const teamId = 4000 + [...key!].reduce((a, c) => a + c.charCodeAt(0), 0);
    if (username) {
      const who = members.find((x) => x.login.toLowerCase() === username.toLowerCase());
      if (!who) return notFound();
      return json(
        res,
        200,
        onPublished(published("/orgs/{org}/teams/{team_slug}/memberships/{username}"), {
          url: `https://api.github.com/organizations/1/team/${teamId}/memberships/${who.login}`,
          role: who.role ?? "member",
          state: who.state ?? "active",
        }),
      );
    }
    const role = new URL(req.url!, "http://x").searchParams.get("role") ?? "all";
    return paged(
      req,
      res,
      members
        .filter((x) => (x.state ?? "active") === "active" && (role === "all" || (x.role ?? "member") === role))
        .map((x) =>
          onPublished(published("/orgs/{org}/teams/{team_slug}/members", true), {
            ...ghUser(x.login),
            role: x.role ?? "member",
            inherited: false,
          }),
        ),
    );
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = new URL(req.url!, "http://x").pathname;
      state.requests.push({ method: req.method!, path, auth: req.headers.authorization });
      if (state.hang) return;
      if (state.tooManyNext.count > 0) {
        state.tooManyNext.count--;
        return json(
          res,
          429,
          { message: "Too Many Requests", documentation_url: "https://docs.github.com/rest" },
          { "retry-after": String(state.tooManyNext.retryAfter) },
        );
      }
      if (state.secondaryRateLimitNext.count > 0) {
        state.secondaryRateLimitNext.count--;
        return json(
          res,
          403,
          {
            message:
              "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0000:0000:0000000:0000000:00000000.",
            documentation_url:
              "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
            status: "403",
          },
          { "retry-after": String(state.secondaryRateLimitNext.retryAfter) },
        );
      }
      if (state.failWith)
        return json(res, state.failWith, {
          message: state.failWith === 401 ? "Bad credentials" : "Forbidden",
          documentation_url: "https://docs.github.com/rest",
          status: String(state.failWith),
        });
      if (state.rateLimitNext > 0) {
        state.rateLimitNext--;
        return json(
          res,
          403,
          {
            message: "API rate limit exceeded for user ID 1.",
            documentation_url: "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting",
          },
          { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 1) },
        );
      }
      const user = /^\/users\/([^/]+)$/.exec(path);
      if (req.method === "GET" && user) {
        const login = decodeURIComponent(user[1]!);
        if (state.deletedUsers.has(login) || login === GHOST)
          return json(res, 404, {
            message: "Not Found",
            documentation_url: "https://docs.github.com/rest/users/users#get-a-user",
            status: "404",
          });
        return json(
          res,
          200,
          onPublished(published("/users/{username}"), {
            ...ghUser(login),
            name: login,
            company: null,
            blog: "",
            location: null,
            email: null,
            hireable: null,
            bio: null,
            twitter_username: null,
            created_at: "2020-01-01T00:00:00Z",
            updated_at: "2026-11-01T00:00:00Z",
          }),
        );
      }
      const team = /^\/orgs\/([^/]+)\/teams\/([^/]+)\/(members|memberships\/([^/]+))$/.exec(path);
      if (req.method === "GET" && team) return answerTeam(req, res, team);
      const m = OWNER_REPO.exec(path);
      if (!m) return json(res, 404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
      const [, owner, repo] = m as unknown as [string, string, string];
      // Octokit escapes slashes inside path parameters (refs, file paths); GitHub reads them either way.
      const rest = decodeURIComponent(path.slice(m[0].length));
      let r: RegExpExecArray | null;
      if (req.method === "GET" && (r = /^\/commits\/([0-9a-f]{40})\/pulls$/.exec(rest))) {
        return paged(
          req,
          res,
          state.pulls.filter((p) => p.commits.includes(r![1]!)).map((p) => pullShape(p, owner, repo)),
        );
      }
      const body = () => JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown>;
      if (req.method === "GET" && (r = /^\/git\/ref\/heads\/(.+)$/.exec(rest))) {
        const sha = state.branches.get(decodeURIComponent(r[1]!));
        if (!sha)
          return json(res, 404, {
            message: "Not Found",
            documentation_url: "https://docs.github.com/rest/git/refs#get-a-reference",
          });
        return json(res, 200, {
          ref: `refs/heads/${r[1]}`,
          node_id: "REF_1",
          url: "",
          object: { sha, type: "commit", url: "" },
        });
      }
      if (req.method === "POST" && rest === "/git/refs") {
        const b = body();
        const name = String(b.ref).replace(/^refs\/heads\//, "");
        if (state.branches.has(name)) return json(res, 422, { message: "Reference already exists" });
        state.branches.set(name, String(b.sha));
        return json(res, 201, {
          ref: b.ref,
          node_id: "REF_2",
          url: "",
          object: { sha: b.sha, type: "commit", url: "" },
        });
      }
      if ((r = /^\/contents\/(.+)$/.exec(rest))) {
        const path = decodeURIComponent(r[1]!);
        const u = new URL(req.url!, "http://x");
        if (req.method === "GET") {
          const text = state.files.get(u.searchParams.get("ref") ?? "main")?.get(path);
          if (text === undefined) return json(res, 404, { message: "Not Found" });
          return json(res, 200, {
            type: "file",
            encoding: "base64",
            size: text.length,
            name: path.split("/").pop(),
            path,
            content: Buffer.from(text).toString("base64"),
            sha: `sha-${text.length}`,
          });
        }
        if (req.method === "PUT") {
          const b = body();
          const branch = String(b.branch);
          const files = state.files.get(branch) ?? new Map<string, string>();
          files.set(path, Buffer.from(String(b.content), "base64").toString("utf8"));
          state.files.set(branch, files);
          return json(res, 201, { content: { path, sha: "new" }, commit: { sha: "c".repeat(40) } });
        }
      }
      if (req.method === "GET" && rest === "/pulls") {
        const u = new URL(req.url!, "http://x");
        const head = (u.searchParams.get("head") ?? "").split(":").pop();
        return json(
          res,
          200,
          state.openPulls
            .filter((p) => p.head === head)
            .map((p) => ({
              number: p.number,
              html_url: `https://github.com/${owner}/${repo}/pull/${p.number}`,
              title: p.title,
              head: { ref: p.head },
              base: { ref: p.base },
            })),
        );
      }
      if (req.method === "POST" && rest === "/pulls") {
        const b = body();
        const number = 100 + state.openPulls.length;
        state.openPulls.push({
          number,
          head: String(b.head),
          base: String(b.base),
          title: String(b.title),
          body: String(b.body),
        });
        return json(res, 201, {
          number,
          html_url: `https://github.com/${owner}/${repo}/pull/${number}`,
          title: b.title,
        });
      }
      if (req.method === "PATCH" && (r = /^\/pulls\/(\d+)$/.exec(rest))) {
        const p = state.openPulls.find((x) => x.number === Number(r![1]));
        if (!p) return json(res, 404, { message: "Not Found" });
        const b = body();
        p.title = String(b.title);
        p.body = String(b.body);
        return json(res, 200, { number: p.number, html_url: "" });
      }
      if (req.method === "POST" && (r = /^\/issues\/(\d+)\/labels$/.exec(rest))) {
        const n = Number(r[1]);
        const labels = [...new Set([...(state.labels.get(n) ?? []), ...((body().labels as string[]) ?? [])])];
        state.labels.set(n, labels);
        return json(
          res,
          200,
          labels.map((name, i) => ({ id: i, name, color: "ededed" })),
        );
      }
      if (req.method === "GET" && (r = /^\/pulls\/(\d+)$/.exec(rest))) {
        const p = state.pulls.find((x) => x.number === Number(r![1]));
        if (!p)
          return json(res, 404, {
            message: "Not Found",
            documentation_url: "https://docs.github.com/rest/pulls/pulls#get-a-pull-request",
          });
        const shape = pullShape(p, owner, repo, true);
        return json(res, 200, {
          ...shape,
          base: { ...shape.base, sha: p.baseSha ?? shape.base.sha },
          head: { ...shape.head, sha: p.commits[p.commits.length - 1] ?? "" },
        });
      }
      if (req.method === "GET" && (r = /^\/pulls\/(\d+)\/commits$/.exec(rest))) {
        const p = state.pulls.find((x) => x.number === Number(r![1]));
        if (!p) return json(res, 404, { message: "Not Found" });
        return paged(
          req,
          res,
          p.commits.map((sha, i) => {
            const who = p.commitLogins?.[sha] ?? { author: p.author, committer: p.author };
            const when = p.commitDates?.[sha] ?? {
              authored: "2026-11-20T00:00:00Z",
              committed: "2026-11-20T00:00:00Z",
            };
            const person = (login: string, date: string) =>
              login === "web-flow"
                ? { name: "GitHub", email: "noreply@github.com", date }
                : { name: login, email: `${login}@users.noreply.github.com`, date };
            // A deleted account's commits keep their name and email but link to no login.
            const account = (login: string) => (state.deletedUsers.has(login) ? null : ghUser(login));
            const api = `https://api.github.com/repos/${owner}/${repo}`;
            return onPublished(published("/repos/{owner}/{repo}/pulls/{pull_number}/commits", true), {
              sha,
              node_id: `C_${sha.slice(0, 8)}`,
              commit: {
                author: person(who.author, when.authored),
                committer: person(who.committer, when.committed),
                message: "change",
                tree: { sha: "0".repeat(40), url: `${api}/git/trees/${"0".repeat(40)}` },
                url: `${api}/git/commits/${sha}`,
                comment_count: 0,
                verification: {
                  verified: who.committer === "web-flow",
                  reason: who.committer === "web-flow" ? "valid" : "unsigned",
                  signature: null,
                  payload: null,
                  verified_at: null,
                },
              },
              url: `${api}/commits/${sha}`,
              html_url: `https://github.com/${owner}/${repo}/commit/${sha}`,
              comments_url: `${api}/commits/${sha}/comments`,
              author: account(who.author),
              committer: account(who.committer),
              parents: i === 0 ? [] : [{ sha: p.commits[i - 1]!, url: `${api}/commits/${p.commits[i - 1]}` }],
            });
          }),
        );
      }
      if (req.method === "GET" && (r = /^\/branches\/([^/]+)\/protection$/.exec(rest))) {
        const branch = decodeURIComponent(r[1]!);
        const p = state.protection.get(branch);
        const base = `https://api.github.com/repos/${owner}/${repo}/branches/${branch}/protection`;
        if (!p)
          return json(res, 404, {
            message: "Branch not protected",
            documentation_url: "https://docs.github.com/rest/branches/branch-protection#get-branch-protection",
            status: "404",
          });
        return json(res, 200, {
          url: base,
          required_status_checks: null,
          ...(p.reviews === null
            ? {}
            : {
                required_pull_request_reviews: {
                  url: `${base}/required_pull_request_reviews`,
                  dismiss_stale_reviews: p.dismissStale,
                  require_code_owner_reviews: p.codeOwners,
                  required_approving_review_count: p.reviews,
                  require_last_push_approval: p.lastPush ?? false,
                },
              }),
          required_signatures: { url: `${base}/required_signatures`, enabled: false },
          enforce_admins: { url: `${base}/enforce_admins`, enabled: p.admins },
          required_linear_history: { enabled: false },
          allow_force_pushes: { enabled: p.forcePushes },
          allow_deletions: { enabled: false },
          block_creations: { enabled: false },
          required_conversation_resolution: { enabled: false },
          lock_branch: { enabled: false },
          allow_fork_syncing: { enabled: false },
        });
      }
      if (req.method === "GET" && rest === "/rulesets")
        return paged(
          req,
          res,
          state.rulesets.map((rs) => {
            const {
              target: _t,
              conditions: _c,
              rules: _r,
              bypass_actors: _b,
              ...summary
            } = rulesetShape(rs, owner, repo);
            return summary;
          }),
        );
      if (req.method === "GET" && (r = /^\/rulesets\/(\d+)$/.exec(rest))) {
        const rs = state.rulesets.find((x) => x.id === Number(r![1]));
        if (!rs)
          return json(res, 404, {
            message: "Not Found",
            documentation_url: "https://docs.github.com/rest/repos/rules#get-a-repository-ruleset",
            status: "404",
          });
        return json(res, 200, rulesetShape(rs, owner, repo));
      }
      if (req.method === "GET" && (r = /^\/rules\/branches\/(.+)$/.exec(rest))) {
        const branch = r[1]!;
        const rules = state.rulesets
          .filter(
            (rs) => rs.target === "branch" && rs.enforcement === "active" && refMatches(rs, `refs/heads/${branch}`),
          )
          .flatMap((rs) =>
            rs.rules.map((rule) => ({
              type: rule.type,
              ruleset_source_type: "Repository",
              ruleset_source: `${owner}/${repo}`,
              ruleset_id: rs.id,
              ...(rule.parameters ? { parameters: rule.parameters } : {}),
            })),
          );
        return paged(req, res, rules);
      }
      if (req.method === "GET" && (r = /^\/pulls\/(\d+)\/reviews$/.exec(rest))) {
        const p = state.pulls.find((x) => x.number === Number(r![1]));
        if (!p) return json(res, 404, { message: "Not Found" });
        return paged(
          req,
          res,
          p.reviews.map((rv, i) => {
            const html = `https://github.com/${owner}/${repo}/pull/${p.number}#pullrequestreview-${80000 + i}`;
            const pull = `https://api.github.com/repos/${owner}/${repo}/pulls/${p.number}`;
            const review = onPublished(published("/repos/{owner}/{repo}/pulls/{pull_number}/reviews", true), {
              id: 80000 + p.number * 100 + i,
              node_id: `PRR_kwDO${p.number}${i}`,
              user: userOrGhost(rv.login),
              body: "",
              state: rv.state,
              html_url: html,
              pull_request_url: pull,
              author_association: state.deletedUsers.has(rv.login) ? "NONE" : "MEMBER",
              _links: { html: { href: html }, pull_request: { href: pull } },
              submitted_at: rv.at as string | undefined,
              commit_id: rv.commit ?? p.commits[p.commits.length - 1] ?? null,
            });
            if (rv.state === "PENDING") delete review.submitted_at;
            return review;
          }),
        );
      }
      if ((r = /^\/issues\/(\d+)\/comments$/.exec(rest))) {
        const n = Number(r[1]);
        const list = state.comments.get(n) ?? [];
        if (req.method === "GET")
          return paged(
            req,
            res,
            list.map((c) => commentShape(c, owner, repo, n)),
          );
        if (req.method === "POST") {
          const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { body: string };
          const c = { id: nextComment++, body: body.body, user: "patchops[bot]" };
          list.push(c);
          state.comments.set(n, list);
          return json(res, 201, commentShape(c, owner, repo, n));
        }
      }
      if (rest === "/issues" && req.method === "GET") {
        // GitHub lists pull requests among issues; these fakes hold issues only. Filters: state, labels (all of them).
        const q = new URL(req.url!, "http://x").searchParams;
        const st = q.get("state") ?? "open";
        const want = (q.get("labels") ?? "").split(",").filter(Boolean);
        return paged(
          req,
          res,
          state.issues
            .filter((i) => st === "all" || i.state === st)
            .filter((i) => want.every((l) => i.labels.includes(l)))
            .sort((a, b) => b.number - a.number)
            .map((i) => issueShape(i, owner, repo)),
        );
      }
      if (rest === "/issues" && req.method === "POST") {
        const b = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
          title: string;
          body?: string;
          labels?: string[];
        };
        const issue: FakeIssue = {
          number: 500 + state.issues.length,
          title: b.title,
          body: b.body ?? "",
          state: "open",
          labels: b.labels ?? [],
          user: "patchops[bot]",
        };
        state.issues.push(issue);
        return json(res, 201, issueShape(issue, owner, repo));
      }
      if (req.method === "PATCH" && (r = /^\/issues\/(\d+)$/.exec(rest))) {
        const issue = state.issues.find((i) => i.number === Number(r![1]));
        if (!issue) return json(res, 404, { message: "Not Found" });
        const b = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Partial<FakeIssue>;
        if (b.title !== undefined) issue.title = b.title;
        if (b.body !== undefined) issue.body = b.body;
        if (b.state !== undefined) issue.state = b.state;
        return json(res, 200, issueShape(issue, owner, repo));
      }
      if (req.method === "PATCH" && (r = /^\/issues\/comments\/(\d+)$/.exec(rest))) {
        const id = Number(r[1]);
        for (const [n, list] of state.comments) {
          const c = list.find((x) => x.id === id);
          if (c) {
            c.body = (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { body: string }).body;
            return json(res, 200, commentShape(c, owner, repo, n));
          }
        }
        return json(res, 404, { message: "Not Found" });
      }
      return json(res, 404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}

function commentShape(c: { id: number; body: string; user: string }, owner: string, repo: string, n: number) {
  return onPublished(published("/repos/{owner}/{repo}/issues/{issue_number}/comments", true), {
    url: `https://api.github.com/repos/${owner}/${repo}/issues/comments/${c.id}`,
    html_url: `https://github.com/${owner}/${repo}/pull/${n}#issuecomment-${c.id}`,
    issue_url: `https://api.github.com/repos/${owner}/${repo}/issues/${n}`,
    id: c.id,
    node_id: `IC_kwDO${c.id}`,
    user: ghUser(c.user),
    created_at: "2026-11-22T12:00:00Z",
    updated_at: "2026-11-22T12:00:00Z",
    author_association: "NONE",
    body: c.body,
    performed_via_github_app: null,
  });
}

function issueShape(i: FakeIssue, owner: string, repo: string) {
  // The published example is a pull request listed among issues; an issue has no pull_request key.
  const { pull_request: _pr, ...template } = published("/repos/{owner}/{repo}/issues", true) as Record<string, never>;
  return onPublished(template, {
    url: `https://api.github.com/repos/${owner}/${repo}/issues/${i.number}`,
    repository_url: `https://api.github.com/repos/${owner}/${repo}`,
    html_url: `https://github.com/${owner}/${repo}/issues/${i.number}`,
    id: 70_000 + i.number,
    node_id: `I_kwDO${i.number}`,
    number: i.number,
    title: i.title,
    user: ghUser(i.user),
    labels: i.labels.map((name, n) => ({
      id: n,
      node_id: `LA_kwDO${n}`,
      url: `https://api.github.com/repos/${owner}/${repo}/labels/${encodeURIComponent(name)}`,
      name,
      color: "ededed",
      default: false,
      description: null,
    })),
    state: i.state,
    state_reason: i.state === "closed" ? "completed" : null,
    locked: false,
    assignee: null,
    assignees: [],
    comments: 0,
    created_at: "2026-11-22T12:00:00Z",
    updated_at: "2026-11-22T12:00:00Z",
    closed_at: i.state === "closed" ? "2026-11-22T12:00:00Z" : null,
    closed_by: null,
    milestone: null,
    author_association: "NONE",
    body: i.body,
  });
}

/** Whether a ruleset's ref_name conditions take in `ref` (the default branch is main). */
function refMatches(rs: FakeRuleset, ref: string): boolean {
  const glob = (pattern: string) => {
    if (pattern === "~ALL") return true;
    if (pattern === "~DEFAULT_BRANCH") return ref === "refs/heads/main";
    const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
    return re.test(ref);
  };
  return rs.include.some(glob) && !(rs.exclude ?? []).some(glob);
}

function rulesetShape(rs: FakeRuleset, owner: string, repo: string) {
  return onPublished(published("/repos/{owner}/{repo}/rulesets/{ruleset_id}"), {
    id: rs.id,
    name: rs.name,
    target: rs.target,
    source_type: "Repository",
    source: `${owner}/${repo}`,
    enforcement: rs.enforcement,
    bypass_actors: rs.bypass ?? [],
    conditions: { ref_name: { include: rs.include, exclude: rs.exclude ?? [] } },
    rules: rs.rules,
    node_id: `RRS_${rs.id}`,
    _links: {
      self: { href: `https://api.github.com/repos/${owner}/${repo}/rulesets/${rs.id}` },
      html: { href: `https://github.com/${owner}/${repo}/rules/${rs.id}` },
    },
    created_at: "2026-11-01T00:00:00Z",
    updated_at: "2026-11-01T00:00:00Z",
  });
}

/**
 * The fake GitHub for a test file: started before its tests, with the environment patchops reads pointed at it
 * (token, repository, API URL, and waits scaled down), both restored after. Returns a handle whose `gh` is the
 * running server once the file's tests start.
 */
export function withFakeGithub(
  hooks: { beforeAll: (fn: () => Promise<void>) => void; afterAll: (fn: () => Promise<void>) => void },
  repository = "acme/patch-policy",
): { readonly gh: FakeGithub } {
  let server: FakeGithub | null = null;
  const saved: Record<string, string | undefined> = {};
  const KEYS = ["GITHUB_TOKEN", "GITHUB_REPOSITORY", "GITHUB_API_URL", "PATCHOPS_RETRY_SCALE"] as const;
  hooks.beforeAll(async () => {
    server = await startFakeGithub();
    for (const k of KEYS) saved[k] = process.env[k];
    Object.assign(process.env, {
      GITHUB_TOKEN: "ghs_testtoken",
      GITHUB_REPOSITORY: repository,
      GITHUB_API_URL: server.url,
      PATCHOPS_RETRY_SCALE: "0.01",
    });
  });
  hooks.afterAll(async () => {
    for (const k of KEYS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    await server?.close();
  });
  return {
    get gh() {
      if (!server) throw new Error("withFakeGithub: the server starts in beforeAll");
      return server;
    },
  };
}
