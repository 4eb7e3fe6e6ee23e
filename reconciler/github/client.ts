// The GitHub adapter: Octokit with throttling and retry, and the few calls patchops needs. The token is never printed.
import Bottleneck from "bottleneck";
import { OperationalError } from "../errors.js";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";

export interface GithubRepo {
  owner: string;
  repo: string;
}

export interface PullSummary {
  number: number;
  title: string;
  author: string;
  mergedAt: string | null;
  baseRef: string;
  url: string;
  /** The pull request's final head commit (null when GitHub did not say). */
  headSha: string | null;
}

/** Who wrote and who committed one commit of a pull request, as GitHub logins (null when unlinked). */
export interface PullCommit {
  sha: string;
  author: string | null;
  committer: string | null;
}

/** The branch-protection settings the approval model relies on (GET /repos/{owner}/{repo}/branches/{branch}/protection). */
export interface BranchProtection {
  requiredApprovingReviews: number | null;
  dismissStaleReviews: boolean;
  requireCodeOwnerReviews: boolean;
  allowForcePushes: boolean;
  enforceAdmins: boolean;
  /** "Require approval of the most recent reviewable push": whoever pushed last cannot be the approval. */
  requireLastPushApproval: boolean;
}

export interface Review {
  id: number;
  login: string;
  state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" | "PENDING";
  submittedAt: string | null;
  commitId: string | null;
}

/** A team's members as GitHub listed them, and when (GitHub keeps no history of team membership). */
export interface TeamMembers {
  /** `@org/team-slug` as asked. */
  team: string;
  /** The logins of its active members (members of its child teams included, as GitHub lists them). */
  logins: string[];
  /** The instant of the answer (GitHub's Date header), ISO-8601 UTC. */
  readAt: string;
}

export interface IssueSummary {
  number: number;
  title: string;
  body: string;
  state: string;
  url: string;
}

export interface IssueComment {
  id: number;
  body: string;
  author: string;
  url: string;
}

export class GithubError extends OperationalError {
  override name = "GithubError";
}

const ThrottledOctokit = Octokit.plugin(throttling, retry);

export interface GithubClientOptions {
  token: string;
  baseUrl?: string;
  /** Retries of rate-limited requests before giving up. */
  maxRateLimitRetries?: number;
  /** Tests shorten the waits the server asks for. */
  retryAfterScale?: number;
  /** One request's time limit, in ms (default 30 s). */
  requestTimeoutMs?: number;
  /** The most time spent waiting out rate limits in one run, in s (default 300 s). */
  maxRateLimitWaitSeconds?: number;
  /** Retries of a failed (5xx or network) request before the circuit opens (default 2). */
  maxErrorRetries?: number;
}

export function parseRepo(text: string): GithubRepo {
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(text.trim());
  if (!m) throw new GithubError(`'${text}' is not owner/name`);
  return { owner: m[1]!, repo: m[2]! };
}

function explain(err: unknown, what: string): GithubError {
  const e = err as {
    status?: number;
    name?: string;
    message?: string;
    response?: { headers?: Record<string, string> };
  };
  const status = e.status;
  if (status === 401) return new GithubError(`GitHub refused the token (401) while ${what}: check GITHUB_TOKEN`);
  if (status === 403 && e.response?.headers?.["x-ratelimit-remaining"] === "0") {
    const reset = Number(e.response.headers["x-ratelimit-reset"]);
    return new GithubError(
      `GitHub rate limit exhausted while ${what}; it resets at ${Number.isFinite(reset) ? new Date(reset * 1000).toISOString() : "an unknown time"}`,
    );
  }
  if (status === 403)
    return new GithubError(
      `GitHub denied access (403) while ${what}: the token lacks a permission (pull-requests: read, contents: read)`,
    );
  if (status === 404)
    return new GithubError(
      `GitHub answered 404 while ${what}: the repository or object does not exist, or the token cannot see it`,
    );
  if (status === 429) return new GithubError(`GitHub rate limit (429) while ${what}`);
  if (e.name === "TimeoutError" || /aborted|timeout/i.test(e.message ?? ""))
    return new GithubError(`GitHub did not answer in time while ${what} (request timeout)`);
  if (!e.response) {
    // fetch wraps the socket error (ECONNREFUSED, ECONNRESET, ENOTFOUND) in "fetch failed": name the innermost one.
    let cause = (err as { cause?: unknown }).cause as { code?: string; message?: string; cause?: unknown } | undefined;
    while (cause?.cause) cause = cause.cause as typeof cause;
    return new GithubError(
      `GitHub could not be reached while ${what}: ${cause?.code ?? cause?.message ?? e.message ?? String(err)}`,
    );
  }
  return new GithubError(
    `GitHub request failed while ${what}: ${status ? `HTTP ${status}` : (e.message ?? String(err))}`,
  );
}

/** Thrown without asking GitHub again once the client gave up in this run (the circuit breaker is open). */
export class GithubUnavailableError extends GithubError {}

export class GithubClient {
  private readonly octokit: InstanceType<typeof ThrottledOctokit>;
  /** Seconds already spent (or promised) waiting out rate limits in this run. */
  private waited = 0;
  private readonly maxWait: number;
  private readonly scale: number;
  /** Why the client stopped asking GitHub; every later call fails at once with it. */
  private broken: string | null = null;
  /** Each team is read at most once a run: the answer (or the failure) is kept. */
  private readonly teams = new Map<string, Promise<TeamMembers>>();
  /** Teams that could not be read in this run, and why, by lower-case `@org/team-slug`. */
  private readonly failedTeams = new Map<string, { team: string; reason: string }>();

  constructor(
    readonly target: GithubRepo,
    options: GithubClientOptions,
  ) {
    const maxRetries = options.maxRateLimitRetries ?? 3;
    const scale = options.retryAfterScale ?? 1;
    this.scale = scale;
    this.maxWait = options.maxRateLimitWaitSeconds ?? 300;
    const timeout = options.requestTimeoutMs ?? 30_000;
    // Waits the server asks for count against one budget; past it, the request fails instead of blocking the run.
    const budget = (after: number, retryCount: number) => {
      if (retryCount >= maxRetries || this.waited + after > this.maxWait) return false;
      this.waited += after;
      return true;
    };
    this.octokit = new ThrottledOctokit({
      auth: options.token,
      baseUrl: options.baseUrl ?? "https://api.github.com",
      userAgent: "patchops",
      log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
      request: {
        // A server that accepts and never answers must not hang the run.
        // An abort (not a TimeoutError) is not retried by the retry plugin: a hung server costs one timeout, not three.
        fetch: (url: string | URL, init?: RequestInit) => {
          const controller = new AbortController();
          setTimeout(() => controller.abort(), timeout).unref();
          return fetch(url, { ...init, signal: controller.signal });
        },
      },
      retry: {
        doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
        retries: options.maxErrorRetries ?? 2,
        ...(scale !== 1 ? { retryAfterBaseValue: Math.max(1, Math.round(1000 * scale)) } : {}),
      },
      throttle: {
        onRateLimit: (after: number, _opts: unknown, _o: unknown, retryCount: number) => budget(after, retryCount),
        onSecondaryRateLimit: (after: number, _opts: unknown, _o: unknown, retryCount: number) =>
          budget(after, retryCount),
        fallbackSecondaryRateRetryAfter: 1,
        ...(scale !== 1
          ? {
              retryAfterBaseValue: Math.max(1, Math.round(1000 * scale)),
              // GitHub asks for a second between content-creating requests (three for notifications); the plugin
              // spaces writes so. Tests against a local server scale that spacing with the rest of the waits.
              write: new Bottleneck.Group({ maxConcurrent: 1, minTime: Math.round(1000 * scale) }),
              notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: Math.round(3000 * scale) }),
            }
          : {}),
      },
    });
  }

  /**
   * The active members of a GitHub team (GET /orgs/{org}/teams/{team_slug}/members, every page), read at most once a
   * run. A team that cannot be read (404: no such team or not visible to the token; 403: no read:org scope or
   * members permission) fails alone: the circuit stays closed, so other teams and every other request still run.
   */
  teamMembers(org: string, slug: string): Promise<TeamMembers> {
    const team = `@${org}/${slug}`;
    const key = team.toLowerCase();
    let read = this.teams.get(key);
    if (!read) this.teams.set(key, (read = this.readTeam(team, org, slug)));
    return read;
  }

  /** The teams this run could not read, and why, in code-point order. */
  get unreadableTeams(): { team: string; reason: string }[] {
    return [...this.failedTeams.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, f]) => f);
  }

  private async readTeam(team: string, org: string, slug: string): Promise<TeamMembers> {
    try {
      return await this.askTeam(team, org, slug);
    } catch (err) {
      this.failedTeams.set(team.toLowerCase(), { team, reason: (err as Error).message });
      throw err;
    }
  }

  private async askTeam(team: string, org: string, slug: string): Promise<TeamMembers> {
    const what = `listing the members of team ${team}`;
    try {
      return await this.call(what, async () => {
        const logins: string[] = [];
        let date: string | undefined;
        for await (const page of this.octokit.paginate.iterator(this.octokit.rest.teams.listMembersInOrg, {
          org,
          team_slug: slug,
          per_page: 100,
        })) {
          date ??= page.headers.date;
          for (const m of page.data) if (m?.login) logins.push(m.login);
        }
        const at = date ? Date.parse(date) : NaN;
        return { team, logins, readAt: new Date(Number.isFinite(at) ? at : Date.now()).toISOString() };
      }, [403, 404]);
    } catch (err) {
      const e = err as { status?: number; response?: { headers?: Record<string, string> } };
      // A rate limit that outlasted its retries is about every request, not this team: the circuit opens.
      const limited =
        e.response?.headers?.["x-ratelimit-remaining"] === "0" ||
        e.response?.headers?.["retry-after"] !== undefined ||
        /rate limit/i.test((err as Error).message ?? "");
      if (e.status === 403 && limited) {
        const out = explain(err, what);
        this.broken = `an earlier request failed (${out.message})`;
        throw out;
      }
      if (e.status === 404)
        throw new GithubError(
          `GitHub answered 404 while ${what}: no such team in ${org}, or the token cannot see it (reading teams needs read:org)`,
        );
      if (e.status === 403)
        throw new GithubError(
          `GitHub denied access (403) while ${what}: the token may not read the organisation's teams (a personal access token needs read:org, a GitHub App token members: read; the workflow's default GITHUB_TOKEN cannot)`,
        );
      throw err;
    }
  }

  /** Why GitHub is no longer asked in this run, or null. */
  get unavailable(): string | null {
    return this.broken;
  }

  /**
   * Runs one API call with the run's bounds: a 429 is waited out within the budget, and a failure that is not about
   * one object (5xx, network, timeout, exhausted rate limit, refused token) opens the circuit for the rest of the run.
   */
  private async call<T>(what: string, fn: () => Promise<T>, passThrough: readonly number[] = []): Promise<T> {
    if (this.broken) throw new GithubUnavailableError(`GitHub not asked while ${what}: ${this.broken}`);
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        const status = (err as { status?: number }).status;
        if (status !== undefined && passThrough.includes(status)) throw err;
        const headers = (err as { response?: { headers?: Record<string, string> } }).response?.headers ?? {};
        const after = Number(headers["retry-after"]);
        if (status === 429 && attempt < 3 && Number.isFinite(after) && this.waited + after <= this.maxWait) {
          this.waited += after;
          await new Promise((r) => setTimeout(r, after * 1000 * this.scale));
          continue;
        }
        const e = explain(err, what);
        if (status !== 404 && status !== 422) this.broken = `an earlier request failed (${e.message})`;
        if (status === 429 && Number.isFinite(after) && this.waited + after > this.maxWait)
          e.message += ` (waiting ${after} s more would pass the ${this.maxWait} s rate-limit budget)`;
        throw e;
      }
    }
  }

  /** Merged pull requests whose merge brought this commit in. */
  async pullsForCommit(sha: string): Promise<PullSummary[]> {
    return this.call(`listing the pull requests of commit ${sha.slice(0, 12)}`, async () => {
      const items = await this.octokit.paginate(this.octokit.rest.repos.listPullRequestsAssociatedWithCommit, {
        ...this.target,
        commit_sha: sha,
        per_page: 100,
      });
      return items.map((p) => ({
        number: p.number,
        title: p.title,
        author: p.user?.login ?? "",
        mergedAt: p.merged_at ?? null,
        baseRef: p.base.ref,
        url: p.html_url,
        headSha: p.head?.sha ?? null,
      }));
    });
  }

  /** The commits of a pull request with their GitHub author and committer logins. */
  async pullCommits(number: number): Promise<PullCommit[]> {
    return this.call(`listing the commits of pull request #${number}`, async () => {
      const items = await this.octokit.paginate(this.octokit.rest.pulls.listCommits, {
        ...this.target,
        pull_number: number,
        per_page: 100,
      });
      return items.map((c) => ({ sha: c.sha, author: c.author?.login ?? null, committer: c.committer?.login ?? null }));
    });
  }

  /** The branch's protection, or null when it has none; throws when the token may not read it. */
  async branchProtection(branch: string): Promise<BranchProtection | null> {
    try {
      return await this.call(
        `reading the protection of branch ${branch}`,
        async () => {
          const { data } = await this.octokit.rest.repos.getBranchProtection({ ...this.target, branch });
          const reviews = data.required_pull_request_reviews;
          return {
            requiredApprovingReviews: reviews ? (reviews.required_approving_review_count ?? 0) : null,
            dismissStaleReviews: reviews?.dismiss_stale_reviews ?? false,
            requireCodeOwnerReviews: reviews?.require_code_owner_reviews ?? false,
            allowForcePushes: data.allow_force_pushes?.enabled ?? false,
            enforceAdmins: data.enforce_admins?.enabled ?? false,
            requireLastPushApproval: reviews?.require_last_push_approval ?? false,
          };
        },
        // A token without the administration permission gets 403 here; that must not stop verification.
        [401, 403, 404],
      );
    } catch (err) {
      const status = (err as { status?: number }).status;
      if (status === 404) return null;
      if (status === 401 || status === 403) throw explain(err, `reading the protection of branch ${branch}`);
      throw err;
    }
  }

  async pull(number: number): Promise<PullSummary & { baseSha: string; headSha: string }> {
    return this.call(`reading pull request #${number}`, async () => {
      const { data: p } = await this.octokit.rest.pulls.get({ ...this.target, pull_number: number });
      return {
        number: p.number,
        title: p.title,
        author: p.user?.login ?? "",
        mergedAt: p.merged_at ?? null,
        baseRef: p.base.ref,
        url: p.html_url,
        baseSha: p.base.sha,
        headSha: p.head.sha,
      };
    });
  }

  /** Creates the branch from `base` when it does not exist yet. */
  async ensureBranch(branch: string, base: string): Promise<void> {
    try {
      await this.call(
        `reading branch ${branch}`,
        () => this.octokit.rest.git.getRef({ ...this.target, ref: `heads/${branch}` }),
        [404],
      );
      return;
    } catch (err) {
      if ((err as { status?: number }).status !== 404) throw err;
    }
    await this.call(`creating branch ${branch} from ${base}`, async () => {
      const { data } = await this.octokit.rest.git.getRef({ ...this.target, ref: `heads/${base}` });
      await this.octokit.rest.git.createRef({ ...this.target, ref: `refs/heads/${branch}`, sha: data.object.sha });
    });
  }

  /** Writes a file on a branch (creating or replacing it); a no-op when the content is already there. */
  async putFile(branch: string, path: string, text: string, message: string): Promise<boolean> {
    let sha: string | undefined;
    try {
      const { data } = await this.call(
        `reading ${path} on ${branch}`,
        () => this.octokit.rest.repos.getContent({ ...this.target, path, ref: branch }),
        [404],
      );
      if (!Array.isArray(data) && data.type === "file") {
        sha = data.sha;
        if ("content" in data && Buffer.from(data.content, "base64").toString("utf8") === text) return false;
      }
    } catch (err) {
      if ((err as { status?: number }).status !== 404) throw err;
    }
    await this.call(`writing ${path} on ${branch}`, () =>
      this.octokit.rest.repos.createOrUpdateFileContents({
        ...this.target,
        path,
        branch,
        message,
        content: Buffer.from(text).toString("base64"),
        ...(sha ? { sha } : {}),
      }),
    );
    return true;
  }

  /** The open pull request from `branch`, if any. */
  async openPullFrom(branch: string): Promise<{ number: number; url: string } | null> {
    return this.call(`looking for the pull request of ${branch}`, async () => {
      const { data } = await this.octokit.rest.pulls.list({
        ...this.target,
        state: "open",
        head: `${this.target.owner}:${branch}`,
        per_page: 10,
      });
      const p = data[0];
      return p ? { number: p.number, url: p.html_url } : null;
    });
  }

  async createPull(
    branch: string,
    base: string,
    title: string,
    body: string,
  ): Promise<{ number: number; url: string }> {
    return this.call(`opening a pull request from ${branch}`, async () => {
      const { data } = await this.octokit.rest.pulls.create({ ...this.target, head: branch, base, title, body });
      return { number: data.number, url: data.html_url };
    });
  }

  async updatePull(number: number, title: string, body: string): Promise<void> {
    await this.call(`updating pull request #${number}`, () =>
      this.octokit.rest.pulls.update({ ...this.target, pull_number: number, title, body }),
    );
  }

  async addLabels(issue: number, labels: string[]): Promise<void> {
    await this.call(`labelling #${issue}`, () =>
      this.octokit.rest.issues.addLabels({ ...this.target, issue_number: issue, labels }),
    );
  }

  // Ids are int64 in GitHub's OpenAPI types (number | bigint); parsed JSON always gives a number.
  async reviews(pull: number): Promise<Review[]> {
    return this.call(`listing the reviews of pull request #${pull}`, async () => {
      const items = await this.octokit.paginate(this.octokit.rest.pulls.listReviews, {
        ...this.target,
        pull_number: pull,
        per_page: 100,
      });
      return items.map((r) => ({
        id: Number(r.id),
        login: r.user?.login ?? "",
        state: r.state as Review["state"],
        submittedAt: r.submitted_at ?? null,
        commitId: r.commit_id ?? null,
      }));
    });
  }

  async comments(issue: number): Promise<IssueComment[]> {
    return this.call(`listing the comments of #${issue}`, async () => {
      const items = await this.octokit.paginate(this.octokit.rest.issues.listComments, {
        ...this.target,
        issue_number: issue,
        per_page: 100,
      });
      return items.map((c) => ({ id: Number(c.id), body: c.body ?? "", author: c.user?.login ?? "", url: c.html_url }));
    });
  }

  async createComment(issue: number, body: string): Promise<IssueComment> {
    return this.call(`commenting on #${issue}`, async () => {
      const { data } = await this.octokit.rest.issues.createComment({ ...this.target, issue_number: issue, body });
      return { id: Number(data.id), body: data.body ?? "", author: data.user?.login ?? "", url: data.html_url };
    });
  }

  async updateComment(id: number, body: string): Promise<IssueComment> {
    return this.call(`updating comment ${id}`, async () => {
      const { data } = await this.octokit.rest.issues.updateComment({ ...this.target, comment_id: id, body });
      return { id: Number(data.id), body: data.body ?? "", author: data.user?.login ?? "", url: data.html_url };
    });
  }

  /** Issues (never pull requests) carrying every one of `labels`, open and closed. */
  async issuesWithLabels(labels: string[]): Promise<IssueSummary[]> {
    try {
      const items = await this.octokit.paginate(this.octokit.rest.issues.listForRepo, {
        ...this.target,
        state: "all",
        labels: labels.join(","),
        per_page: 100,
      });
      return items
        .filter((i) => !i.pull_request)
        .map((i) => ({ number: i.number, title: i.title, body: i.body ?? "", state: i.state, url: i.html_url }));
    } catch (err) {
      throw explain(err, `listing issues labelled ${labels.join(", ")}`);
    }
  }

  async createIssue(title: string, body: string, labels: string[]): Promise<IssueSummary> {
    try {
      const { data } = await this.octokit.rest.issues.create({ ...this.target, title, body, labels });
      return { number: data.number, title: data.title, body: data.body ?? "", state: data.state, url: data.html_url };
    } catch (err) {
      throw explain(err, `creating issue '${title}'`);
    }
  }

  async updateIssue(
    number: number,
    change: { title?: string; body?: string; state?: "open" | "closed" },
  ): Promise<IssueSummary> {
    try {
      const { data } = await this.octokit.rest.issues.update({ ...this.target, issue_number: number, ...change });
      return { number: data.number, title: data.title, body: data.body ?? "", state: data.state, url: data.html_url };
    } catch (err) {
      throw explain(err, `updating issue #${number}`);
    }
  }
}
