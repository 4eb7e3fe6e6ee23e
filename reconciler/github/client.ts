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
  return new GithubError(
    `GitHub request failed while ${what}: ${status ? `HTTP ${status}` : (e.message ?? String(err))}`,
  );
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
        onSecondaryRateLimit: (_after: number, _opts: unknown, _o: unknown, retryCount: number) =>
          retryCount < maxRetries,
        fallbackSecondaryRateRetryAfter: 1,
        ...(scale !== 1 ? { retryAfterBaseValue: Math.max(1, Math.round(1000 * scale)) } : {}),
      },
    });
  }

  /** Merged pull requests whose merge brought this commit in. */
  async pullsForCommit(sha: string): Promise<PullSummary[]> {
    try {
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
      }));
    } catch (err) {
      throw explain(err, `listing the pull requests of commit ${sha.slice(0, 12)}`);
    }
  }

  async pull(number: number): Promise<PullSummary & { baseSha: string; headSha: string }> {
    try {
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
    } catch (err) {
      throw explain(err, `reading pull request #${number}`);
    }
  }

  /** Creates the branch from `base` when it does not exist yet. */
  async ensureBranch(branch: string, base: string): Promise<void> {
    try {
      await this.octokit.rest.git.getRef({ ...this.target, ref: `heads/${branch}` });
      return;
    } catch (err) {
      if ((err as { status?: number }).status !== 404) throw explain(err, `reading branch ${branch}`);
    }
    try {
      const { data } = await this.octokit.rest.git.getRef({ ...this.target, ref: `heads/${base}` });
      await this.octokit.rest.git.createRef({ ...this.target, ref: `refs/heads/${branch}`, sha: data.object.sha });
    } catch (err) {
      throw explain(err, `creating branch ${branch} from ${base}`);
    }
  }

  /** Writes a file on a branch (creating or replacing it); a no-op when the content is already there. */
  async putFile(branch: string, path: string, text: string, message: string): Promise<boolean> {
    let sha: string | undefined;
    try {
      const { data } = await this.octokit.rest.repos.getContent({ ...this.target, path, ref: branch });
      if (!Array.isArray(data) && data.type === "file") {
        sha = data.sha;
        if ("content" in data && Buffer.from(data.content, "base64").toString("utf8") === text) return false;
      }
    } catch (err) {
      if ((err as { status?: number }).status !== 404) throw explain(err, `reading ${path} on ${branch}`);
    }
    try {
      await this.octokit.rest.repos.createOrUpdateFileContents({
        ...this.target,
        path,
        branch,
        message,
        content: Buffer.from(text).toString("base64"),
        ...(sha ? { sha } : {}),
      });
      return true;
    } catch (err) {
      throw explain(err, `writing ${path} on ${branch}`);
    }
  }

  /** The open pull request from `branch`, if any. */
  async openPullFrom(branch: string): Promise<{ number: number; url: string } | null> {
    try {
      const { data } = await this.octokit.rest.pulls.list({
        ...this.target,
        state: "open",
        head: `${this.target.owner}:${branch}`,
        per_page: 10,
      });
      const p = data[0];
      return p ? { number: p.number, url: p.html_url } : null;
    } catch (err) {
      throw explain(err, `looking for the pull request of ${branch}`);
    }
  }

  async createPull(
    branch: string,
    base: string,
    title: string,
    body: string,
  ): Promise<{ number: number; url: string }> {
    try {
      const { data } = await this.octokit.rest.pulls.create({ ...this.target, head: branch, base, title, body });
      return { number: data.number, url: data.html_url };
    } catch (err) {
      throw explain(err, `opening a pull request from ${branch}`);
    }
  }

  async updatePull(number: number, title: string, body: string): Promise<void> {
    try {
      await this.octokit.rest.pulls.update({ ...this.target, pull_number: number, title, body });
    } catch (err) {
      throw explain(err, `updating pull request #${number}`);
    }
  }

  async addLabels(issue: number, labels: string[]): Promise<void> {
    try {
      await this.octokit.rest.issues.addLabels({ ...this.target, issue_number: issue, labels });
    } catch (err) {
      throw explain(err, `labelling #${issue}`);
    }
  }

  async reviews(pull: number): Promise<Review[]> {
    try {
      const items = await this.octokit.paginate(this.octokit.rest.pulls.listReviews, {
        ...this.target,
        pull_number: pull,
        per_page: 100,
      });
      return items.map((r) => ({
        id: r.id,
        login: r.user?.login ?? "",
        state: r.state as Review["state"],
        submittedAt: r.submitted_at ?? null,
        commitId: r.commit_id ?? null,
      }));
    } catch (err) {
      throw explain(err, `listing the reviews of pull request #${pull}`);
    }
  }

  async comments(issue: number): Promise<IssueComment[]> {
    try {
      const items = await this.octokit.paginate(this.octokit.rest.issues.listComments, {
        ...this.target,
        issue_number: issue,
        per_page: 100,
      });
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
