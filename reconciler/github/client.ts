// The GitHub adapter: Octokit with throttling and retry, and the few calls patchops needs. The token is never printed.
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
}

export interface Review {
  id: number;
  login: string;
  state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" | "PENDING";
  submittedAt: string | null;
  commitId: string | null;
}

export interface IssueComment {
  id: number;
  body: string;
  author: string;
  url: string;
}

export class GithubError extends Error {}

const ThrottledOctokit = Octokit.plugin(throttling, retry);

export interface GithubClientOptions {
  token: string;
  baseUrl?: string;
  /** Retries of rate-limited requests before giving up. */
  maxRateLimitRetries?: number;
  /** Tests shorten the waits the server asks for. */
  retryAfterScale?: number;
}

export function parseRepo(text: string): GithubRepo {
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(text.trim());
  if (!m) throw new GithubError(`'${text}' is not owner/name`);
  return { owner: m[1]!, repo: m[2]! };
}

function explain(err: unknown, what: string): GithubError {
  const e = err as { status?: number; message?: string; response?: { headers?: Record<string, string> } };
  const status = e.status;
  if (status === 401) return new GithubError(`GitHub refused the token (401) while ${what}: check GITHUB_TOKEN`);
  if (status === 403 && e.response?.headers?.["x-ratelimit-remaining"] === "0") {
    const reset = Number(e.response.headers["x-ratelimit-reset"]);
    return new GithubError(`GitHub rate limit exhausted while ${what}; it resets at ${Number.isFinite(reset) ? new Date(reset * 1000).toISOString() : "an unknown time"}`);
  }
  if (status === 403) return new GithubError(`GitHub denied access (403) while ${what}: the token lacks a permission (pull-requests: read, contents: read)`);
  if (status === 404) return new GithubError(`GitHub answered 404 while ${what}: the repository or object does not exist, or the token cannot see it`);
  if (status === 429) return new GithubError(`GitHub rate limit (429) while ${what}`);
  return new GithubError(`GitHub request failed while ${what}: ${status ? `HTTP ${status}` : (e.message ?? String(err))}`);
}

export class GithubClient {
  private readonly octokit: InstanceType<typeof ThrottledOctokit>;

  constructor(
    readonly target: GithubRepo,
    options: GithubClientOptions,
  ) {
    const maxRetries = options.maxRateLimitRetries ?? 3;
    const scale = options.retryAfterScale ?? 1;
    this.octokit = new ThrottledOctokit({
      auth: options.token,
      baseUrl: options.baseUrl ?? "https://api.github.com",
      userAgent: "patchops",
      log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
      retry: { doNotRetry: [400, 401, 403, 404, 422, 429] },
      throttle: {
        onRateLimit: (_after: number, _opts: unknown, _o: unknown, retryCount: number) => retryCount < maxRetries,
        onSecondaryRateLimit: (_after: number, _opts: unknown, _o: unknown, retryCount: number) => retryCount < maxRetries,
        fallbackSecondaryRateRetryAfter: 1,
        ...(scale !== 1 ? { retryAfterBaseValue: Math.max(1, Math.round(1000 * scale)) } : {}),
      },
    });
  }

  /** Merged pull requests whose merge brought this commit in. */
  async pullsForCommit(sha: string): Promise<PullSummary[]> {
    try {
      const items = await this.octokit.paginate(this.octokit.rest.repos.listPullRequestsAssociatedWithCommit, { ...this.target, commit_sha: sha, per_page: 100 });
      return items.map((p) => ({ number: p.number, title: p.title, author: p.user?.login ?? "", mergedAt: p.merged_at ?? null, baseRef: p.base.ref, url: p.html_url }));
    } catch (err) {
      throw explain(err, `listing the pull requests of commit ${sha.slice(0, 12)}`);
    }
  }

  async pull(number: number): Promise<PullSummary & { baseSha: string; headSha: string }> {
    try {
      const { data: p } = await this.octokit.rest.pulls.get({ ...this.target, pull_number: number });
      return { number: p.number, title: p.title, author: p.user?.login ?? "", mergedAt: p.merged_at ?? null, baseRef: p.base.ref, url: p.html_url, baseSha: p.base.sha, headSha: p.head.sha };
    } catch (err) {
      throw explain(err, `reading pull request #${number}`);
    }
  }

  async reviews(pull: number): Promise<Review[]> {
    try {
      const items = await this.octokit.paginate(this.octokit.rest.pulls.listReviews, { ...this.target, pull_number: pull, per_page: 100 });
      return items.map((r) => ({ id: r.id, login: r.user?.login ?? "", state: r.state as Review["state"], submittedAt: r.submitted_at ?? null, commitId: r.commit_id ?? null }));
    } catch (err) {
      throw explain(err, `listing the reviews of pull request #${pull}`);
    }
  }

  async comments(issue: number): Promise<IssueComment[]> {
    try {
      const items = await this.octokit.paginate(this.octokit.rest.issues.listComments, { ...this.target, issue_number: issue, per_page: 100 });
      return items.map((c) => ({ id: c.id, body: c.body ?? "", author: c.user?.login ?? "", url: c.html_url }));
    } catch (err) {
      throw explain(err, `listing the comments of #${issue}`);
    }
  }

  async createComment(issue: number, body: string): Promise<IssueComment> {
    try {
      const { data } = await this.octokit.rest.issues.createComment({ ...this.target, issue_number: issue, body });
      return { id: data.id, body: data.body ?? "", author: data.user?.login ?? "", url: data.html_url };
    } catch (err) {
      throw explain(err, `commenting on #${issue}`);
    }
  }

  async updateComment(id: number, body: string): Promise<IssueComment> {
    try {
      const { data } = await this.octokit.rest.issues.updateComment({ ...this.target, comment_id: id, body });
      return { id: data.id, body: data.body ?? "", author: data.user?.login ?? "", url: data.html_url };
    } catch (err) {
      throw explain(err, `updating comment ${id}`);
    }
  }
}
