// `patchops notify`: send each owner team what changed since the last run (GitHub issue, webhook, mail), rate-bounded.
import { realpath } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Command } from "commander";
import type { JobResult } from "../model/job-result.js";
import { loadPolicySet } from "../load/policy-set.js";
import { syncTeamIssues } from "../notify/github-issues.js";
import { changedFor, emptyLedger, readLedger, recordSent, writeLedger, type Ledger } from "../notify/ledger.js";
import { sendMail, smtpTransport } from "../notify/mail.js";
import { teamNotices, type TeamNotice } from "../notify/notices.js";
import { RestartsNeeded } from "../notify/restart-needed.js";
import { StagedJobs } from "../notify/staged.js";
import { resultFiles } from "./deploy.js";
import { readResults, ResultsReadError } from "../results/read.js";
import { diagnosticsAsText } from "../views/diagnostics.js";
import { postWebhook, type WebhookFormat } from "../notify/webhook.js";
import { EXIT, UsageError } from "../errors.js";
import { gitAt } from "../git/git.js";
import { addGithubOptions, requireGithub, type GithubOptions } from "./github-options.js";
import type { Io } from "./io.js";
import { repoDir } from "./options.js";
import { policySourceFor } from "../app/policy-source.js";
import { PlanReader } from "../output/plan-reader.js";
import { SpillDir } from "../output/sorted-runs.js";
import { tallyPlan } from "../report/from-plan.js";

/**
 * Whether git tracks the state file in the repository, symbolic links resolved (the state's folder may be reached
 * through one): a committed state is written by any committer, and would silence notices in every fresh clone.
 */
async function trackedState(repo: string, file: string): Promise<boolean> {
  let root: string;
  let dir: string;
  try {
    root = await realpath(repo);
    dir = await realpath(dirname(resolve(file)));
  } catch {
    return false;
  }
  const rel = relative(root, join(dir, basename(file)));
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) return false;
  try {
    await gitAt(root).raw(["ls-files", "--error-unmatch", "--", rel]);
    return true;
  } catch {
    return false;
  }
}

interface NotifyOptions extends GithubOptions {
  plan: string;
  repo?: string;
  githubIssues?: boolean;
  webhook?: string;
  webhookFormat: string;
  smtp?: string;
  mailFrom?: string;
  state?: string;
  results?: string[];
  resultsDir?: string;
  max: string;
  intervalMs: string;
}

export function registerNotify(program: Command, io: Io): void {
  const cmd = program
    .command("notify")
    .description("tell each owner team what changed since the last run: a GitHub issue per team, a webhook, mail")
    .requiredOption("--plan <dir>", "directory holding plan.json, hosts.ndjson and jobs.ndjson")
    .option("--repo <dir>", "policy repository, for the teams' mail contacts (default: current directory)")
    .option("--github-issues", "keep one issue per owner team (label patchops-digest); close it when compliant")
    .option("--webhook <url>", "post a message per changed team to this chat webhook")
    .option("--webhook-format <format>", "slack or teams", "slack")
    .option("--smtp <url>", "send mail through this SMTP server, e.g. smtp://mail.example.com:587")
    .option("--mail-from <address>", "the sender of mail (required with --smtp)")
    .option("--state <file>", "what was sent last time (default: <repo>/.patchops-cache/notifications.json)")
    .option(
      "--results <file...>",
      "job results (NDJSON or Ansible JSON callback output): say which no-force jobs were staged",
    )
    .option("--results-dir <dir>", "a folder of result files (*.ndjson), e.g. the playbook's patchops_results_dir")
    .option("--max <n>", "at most this many messages per channel and run; the rest wait for the next run", "50")
    .option("--interval-ms <ms>", "pause between two webhook or mail messages", "1000");
  addGithubOptions(cmd).action(async (opts: NotifyOptions) => {
    const max = Number(opts.max);
    const interval = Number(opts.intervalMs);
    if (!Number.isInteger(max) || max < 1)
      throw new UsageError(`--max must be a positive integer (found '${opts.max}')`);
    if (!Number.isInteger(interval) || interval < 0)
      throw new UsageError(`--interval-ms must be a whole number of milliseconds (found '${opts.intervalMs}')`);
    if (opts.webhookFormat !== "slack" && opts.webhookFormat !== "teams")
      throw new UsageError(`--webhook-format must be slack or teams (found '${opts.webhookFormat}')`);
    if (opts.smtp && !opts.mailFrom) throw new UsageError("--smtp needs --mail-from");
    if (!opts.githubIssues && !opts.webhook && !opts.smtp)
      throw new UsageError("nothing to send to: give --github-issues, --webhook or --smtp");
    const repo = repoDir(opts.repo);
    const results = await resultsOf([...(opts.results ?? []), ...(await resultFiles(opts.resultsDir))], io);
    // The plan is read line by line, as report reads it: each team's digest is gathered host by host.
    const reader = await PlanReader.open(opts.plan);
    const spill = new SpillDir();
    let notices: TeamNotice[];
    try {
      // What owners must do by hand: the jobs first (no-force installs, which hosts a job restarts), then the hosts.
      const staged = new StagedJobs(results);
      const restarts = new RestartsNeeded();
      for (const job of reader.jobs()) {
        staged.addJob(job);
        restarts.addJob(job);
      }
      for (const h of reader.hosts()) restarts.addHost(h);
      notices = teamNotices(tallyPlan(reader, spill.path).digests, {
        staged: staged.result(),
        restarts: restarts.result(),
      });
    } finally {
      spill.remove();
      await reader.close();
    }

    if (opts.githubIssues) {
      const { actions, deferred } = await syncTeamIssues(requireGithub(opts), notices, max);
      for (const a of actions) io.out(`issue ${a.action} for ${a.team}: ${a.url}\n`);
      if (deferred) io.out(`${deferred} issue changes wait for the next run (--max ${max})\n`);
    }
    if (!opts.webhook && !opts.smtp) return;

    const stateFile = opts.state ?? join(repo, ".patchops-cache", "notifications.json");
    let ledger: Ledger;
    // A state file git tracks is refused (like the review cache): every notice is judged from an empty state and the
    // state of this run is not written back into the checkout.
    const refused = await trackedState(repo, stateFile);
    if (refused) {
      io.err(
        `patchops: refusing the notification state ${stateFile}: it is tracked by git, so any committer could write it; every team's notice is sent as new and nothing is recorded (git rm --cached it, or pass --state outside the checkout)\n`,
      );
      ledger = emptyLedger();
    } else
      try {
        ledger = await readLedger(stateFile);
      } catch (err) {
        throw new UsageError(`cannot read ${stateFile}: ${(err as Error).message}`);
      }
    const send = async (channel: string, deliver: (n: TeamNotice) => Promise<boolean>) => {
      const due = changedFor(ledger, channel, notices);
      let sent = 0;
      for (const n of due.slice(0, max)) {
        if (sent > 0 && interval > 0) await sleep(interval);
        try {
          if (await deliver(n)) {
            recordSent(ledger, channel, n);
            sent++;
          }
        } finally {
          // What went out is recorded even when a later message fails, so it is not sent twice.
          if (!refused) await writeLedger(stateFile, ledger);
        }
      }
      io.out(
        `${channel}: ${sent} sent, ${notices.length - due.length} unchanged${due.length > max ? `, ${due.length - max} wait for the next run` : ""}\n`,
      );
    };
    try {
      if (opts.webhook) {
        const url = opts.webhook;
        await send("webhook", async (n) => {
          await postWebhook(url, opts.webhookFormat as WebhookFormat, n);
          return true;
        });
      }
      if (opts.smtp) {
        const contacts = await teamContacts(repo);
        const transport = smtpTransport(opts.smtp);
        try {
          await send("mail", async (n) => {
            const to = contacts.get(n.team) ?? [];
            if (to.length === 0) {
              io.err(`patchops: warning: no mail contact for team ${n.team} in its Assignment files; not mailed\n`);
              return false;
            }
            await sendMail(transport, opts.mailFrom!, to, n);
            return true;
          });
        } finally {
          transport.close();
        }
      }
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new UsageError(`sending notifications failed: ${(err as Error).message}`);
    }
  });
}

/** Team → the mail addresses among the contacts of its Assignment files. */
async function teamContacts(repo: string): Promise<Map<string, string[]>> {
  const { set } = await loadPolicySet(await policySourceFor(repo, undefined));
  const out = new Map<string, string[]>();
  for (const a of set.assignments) {
    const mails = a.spec.contacts.filter((c) => /^[^\s@<>]+@[^\s@<>]+$/.test(c));
    out.set(a.spec.owner, [...new Set([...(out.get(a.spec.owner) ?? []), ...mails])].sort());
  }
  return out;
}

/**
 * The job results that say which no-force jobs were staged. A line that is not a job result is reported (exit 1) and
 * left out: only the job it would have named is told as still to be staged; every team is still notified.
 */
async function resultsOf(files: string[], io: Io): Promise<JobResult[]> {
  try {
    const { results, diagnostics } = await readResults(files);
    if (diagnostics.length > 0) {
      io.err(diagnosticsAsText(diagnostics, 0));
      io.exitCode(EXIT.invalid);
    }
    return results;
  } catch (err) {
    if (err instanceof ResultsReadError) throw new UsageError(err.message);
    throw err;
  }
}
