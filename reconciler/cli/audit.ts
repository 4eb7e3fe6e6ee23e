// `patchops audit`: for each approved update, who proposed it, who approved it, when it merged — from git and reviews.
import type { Command } from "commander";
import { openReviewCache } from "../app/review-cache.js";
import { verifyApprovals, type SubjectVerdict } from "../approvals/verify.js";
import { policyHistory } from "../git/history.js";
import { firstDeployed, readSnapshots } from "../git/status-history.js";
import { effectiveDecision } from "../policy/decision.js";
import { EXIT, UsageError } from "../errors.js";
import { validPolicyAt } from "./valid-policy.js";
import { addGithubOptions, cabRootOption, githubFromEnvironment, type GithubOptions } from "./github-options.js";
import type { Io } from "./io.js";
import { formatOption, nowOption, repoDir } from "./options.js";

interface AuditEntry {
  update: string;
  title: string;
  file: string;
  decidedBy: string;
  proposedBy: string | null;
  proposedAt: string | null;
  pullRequest: string | null;
  approvedBy: string[];
  evidence: "github" | "trailer" | "none";
  mergedAt: string | null;
  firstDeployed: string | null;
  verified: boolean;
  detail: string;
  commits: string[];
}

export function registerAudit(program: Command, io: Io): void {
  const cmd = program
    .command("audit")
    .description("who proposed each approved update, who approved it, and when it merged")
    .option("--update <id>", "one update")
    .option("--repo <dir>", "policy repository (default: current directory)")
    .option("--ref <ref>", "the commit to audit", "HEAD")
    .option("--now <iso>", "judge rules' delays at this instant (default: the clock)")
    .option("--trust-local-approvals", "accept Approved-by: trailers (weaker evidence)")
    .option("--status-branch <ref>", "where the compliance snapshots are (patchops status record)", "patchops-status")
    .option("--format <format>", "text or json", "text");
  addGithubOptions(cmd).action(
    async (
      opts: GithubOptions & {
        update?: string;
        repo?: string;
        ref: string;
        statusBranch: string;
        now?: string;
        trustLocalApprovals?: boolean;
        format?: string;
      },
    ) => {
      const format = formatOption(opts.format, ["text", "json"] as const, "text");
      const repo = repoDir(opts.repo);
      const now = nowOption(opts.now);
      const valid = await validPolicyAt(repo, opts.ref, now, io);
      if (!valid) return;
      const { source, set } = valid;
      const github = githubFromEnvironment(opts);
      const verification = await verifyApprovals({
        repo,
        ref: source.revision!,
        set,
        now,
        github,
        trustLocal: opts.trustLocalApprovals ?? false,
        cache: await openReviewCache(repo, opts.cacheDir, github, (t) => io.err(t)),
        cabRoot: await cabRootOption(repo, opts),
      });
      const history = await policyHistory(repo, source.revision!);
      const snapshots = await readSnapshots(repo, opts.statusBranch);
      const wanted = opts.update?.toUpperCase();
      const entries: AuditEntry[] = [];
      for (const u of set.updates) {
        const id = u.spec.id.toUpperCase();
        if (wanted && id !== wanted) continue;
        const d = effectiveDecision(u.spec, set.rules, now);
        if (d.decision !== "approved") continue;
        const v: SubjectVerdict | undefined = verification.updates.get(id);
        const first = v?.commits.find((c) => c.ok) ?? v?.commits[0];
        const sha = first?.sha ?? history.byFile.get(u.file)?.[0];
        const info = sha ? history.commits.get(sha) : undefined;
        entries.push({
          update: id,
          title: u.spec.title,
          file: u.file,
          decidedBy: d.decidedBy === "file" ? "its Update file" : `${d.decidedBy} (${d.rule?.file})`,
          proposedBy: first?.author ?? info?.author ?? null,
          proposedAt: info ? new Date(info.time).toISOString().replace(/\.000Z$/, "Z") : null,
          pullRequest: first?.url ?? null,
          approvedBy: v?.commits.flatMap((c) => c.approvers) ?? [],
          evidence: v?.ok ? (v.strength ?? "none") : "none",
          mergedAt: v?.ok && v.effectiveAt ? new Date(v.effectiveAt).toISOString().replace(/\.000Z$/, "Z") : null,
          firstDeployed: (() => {
            const f = firstDeployed(snapshots, id);
            return f ? `${f.at} (${f.hosts} host${f.hosts === 1 ? "" : "s"} installed)` : null;
          })(),
          verified: v?.ok ?? false,
          detail: v?.reason ?? "not verified",
          commits: v?.commits.map((c) => c.sha) ?? (sha ? [sha] : []),
        });
      }
      if (wanted && entries.length === 0)
        throw new UsageError(`${opts.update} is not an approved update at ${opts.ref}`);
      if (format === "json")
        io.out(JSON.stringify({ ref: source.revision, snapshots: snapshots.length, updates: entries }, null, 2) + "\n");
      else {
        for (const e of entries) {
          io.out(
            [
              `${e.update} — ${e.title}`,
              `  decided by   ${e.decidedBy} (${e.file})`,
              `  proposed by  ${e.proposedBy ?? "unknown"}${e.proposedAt ? ` on ${e.proposedAt}` : ""}${e.pullRequest ? ` in ${e.pullRequest}` : ""}`,
              `  approved by  ${e.approvedBy.length ? e.approvedBy.join(", ") : "nobody verifiable"}${e.evidence === "trailer" ? " (Approved-by trailers: weaker evidence)" : ""}`,
              `  merged       ${e.mergedAt ?? "unknown"}`,
              `  deployed     ${e.firstDeployed ?? (snapshots.length ? "not yet installed in any snapshot" : `unknown (no snapshots on ${opts.statusBranch})`)}`,
              `  verified     ${e.verified ? "yes" : "NO"}: ${e.detail}`,
              `  commits      ${e.commits.map((c) => c.slice(0, 12)).join(", ")}`,
              "",
            ].join("\n"),
          );
        }
      }
      io.exitCode(entries.every((e) => e.verified) ? EXIT.ok : EXIT.invalid);
    },
  );
}
