// What an unverified file means for the plan, per kind: each fails closed without stopping what is verified.
import { diagnostic, type Diagnostic } from "../diagnostics.js";
import type { PolicySet } from "../model/policy-set.js";
import type { ApprovalEvidence } from "../plan/catalog.js";
import type { VerificationResult } from "./verify.js";

export interface VerifiedInputs {
  /** The policy with unverified exemptions and baselines left out: they take no effect. */
  set: PolicySet;
  approvals: Map<string, ApprovalEvidence>;
  /** Approved updates whose approval is unverified: they stay missing and get no jobs. */
  unverified: Map<string, string>;
  /** Assignment files whose hosts get no install jobs, with why (their assignment, timetable or the policy). */
  blockedAssignments: Map<string, string>;
  findings: Diagnostic[];
}

/**
 * The fail-closed rules: an unverified update gets no jobs and stays missing; an unverified rule approves nothing;
 * an unverified exemption, baseline or advisory is ignored; an unverified assignment or timetable gives its hosts no install
 * jobs; an unverified policy.yaml (hooks, enforcement, SLAs) is planned in its last verified version, or gives no host
 * install jobs when it has none; an unverified cab.yaml is not applied (the last approved CAB judges).
 */
export function applyVerification(set: PolicySet, v: VerificationResult): VerifiedInputs {
  const findings: Diagnostic[] = [];
  const approvals = new Map<string, ApprovalEvidence>();
  const unverified = new Map<string, string>();
  const blocked = new Map<string, string>();
  const block = (file: string, why: string) => {
    if (!blocked.has(file)) blocked.set(file, why);
  };
  for (const u of set.updates) {
    const id = u.spec.id.toUpperCase();
    const r = v.updates.get(id);
    if (!r) continue;
    if (r.ok)
      approvals.set(id, {
        at: r.effectiveAt ?? 0,
        evidence: r.reason,
        ...(r.override ? { override: r.override } : {}),
      });
    else {
      unverified.set(id, r.reason);
      findings.push(
        diagnostic(
          "approval-unverified",
          "error",
          r.decision === "rejected"
            ? `${id}: rejected in ${u.file}, but the change could not be verified, so it is not removed from any host and its supersedence does not count: ${r.reason}`
            : r.decision === "pending"
              ? `${id}: ${u.file} could not be verified, so its supersedence and prerequisites do not count: ${r.reason}`
              : `${id}: approved in ${u.file}, but the approval could not be verified, so it stays missing and gets no jobs: ${r.reason}`,
          { file: u.file },
        ),
      );
    }
  }
  for (const d of v.dropped) findings.push(diagnostic("policy-file-unverified", "error", d.reason, { file: d.file }));
  for (const d of v.deletions) {
    if (d.ok) continue;
    findings.push(
      diagnostic(
        "deletion-unverified",
        "error",
        d.restored
          ? `${d.file} was ${d.reason}; the deletion is not applied: the file's last version takes effect, judged by its own history`
          : `${d.file} was ${d.reason}; so no host gets install jobs until the deletion is approved or the file is restored`,
        { file: d.file },
      ),
    );
    // A deletion that could not be undone (its last version no longer fits the policy) could have released any host:
    // fail closed for the whole fleet rather than guess what the file protected.
    if (!d.restored)
      for (const a of set.assignments)
        block(a.file, `${d.file} was deleted without approval and could not be restored`);
  }
  const bad = (file: string) => {
    const r = v.files.get(file);
    return r && !r.ok ? r.reason : null;
  };
  const policyVerdict = set.policy ? v.files.get(set.policy.file) : undefined;
  const policyProblem = set.policy ? bad(set.policy.file) : null;
  if (policyProblem && policyVerdict?.fallback) {
    // Its last verified version is what was loaded: hooks, enforcement and SLAs as the CAB last approved them.
    findings.push(
      diagnostic(
        "policy-file-unverified",
        "error",
        `${set.policy!.file} is unverified, so its last verified version (commit ${policyVerdict.fallback.sha.slice(0, 12)}) is planned instead: ${policyProblem}`,
        { file: set.policy!.file },
      ),
    );
  } else if (policyProblem) {
    findings.push(
      diagnostic(
        "policy-file-unverified",
        "error",
        `${set.policy!.file} is unverified, so its hooks, enforcement and SLAs are not applied and no host gets install jobs: ${policyProblem}`,
        { file: set.policy!.file },
      ),
    );
    for (const a of set.assignments) block(a.file, `${set.policy!.file} is unverified (${policyProblem})`);
  }
  if (set.cab && bad(set.cab.file))
    findings.push(
      diagnostic(
        "policy-file-unverified",
        "error",
        `${set.cab.file} is unverified, so the last approved CAB judges every approval instead: ${bad(set.cab.file)}`,
        { file: set.cab.file },
      ),
    );
  for (const r of set.rules) {
    const why = bad(r.file);
    if (why)
      findings.push(
        diagnostic("policy-file-unverified", "error", `${r.file} is unverified, so it approves nothing: ${why}`, {
          file: r.file,
        }),
      );
  }
  for (const t of set.timetables) {
    const why = bad(t.file);
    if (!why) continue;
    findings.push(
      diagnostic(
        "policy-file-unverified",
        "error",
        `${t.file} is unverified, so the hosts on timetable ${t.name} get no install jobs: ${why}`,
        { file: t.file },
      ),
    );
    for (const a of set.assignments)
      if (a.spec.timetable === t.name) block(a.file, `timetable ${t.file} is unverified (${why})`);
  }
  for (const a of set.assignments) {
    const r = v.assignments.get(a.file);
    if (r && !r.ok)
      block(a.file, `the latest change to ${a.file} was not approved by team ${a.spec.owner} (${r.reason})`);
  }
  const exemptions = set.exemptions.filter((e) => {
    const why = bad(e.file);
    if (why)
      findings.push(
        diagnostic("policy-file-unverified", "error", `${e.file} is unverified, so the exemption is ignored: ${why}`, {
          file: e.file,
        }),
      );
    return !why;
  });
  const baselines = set.baselines.filter((b) => {
    const why = bad(b.file);
    if (why)
      findings.push(
        diagnostic("policy-file-unverified", "error", `${b.file} is unverified, so the baseline is ignored: ${why}`, {
          file: b.file,
        }),
      );
    return !why;
  });
  const advisories = set.advisories.filter((a) => {
    const why = bad(a.file);
    if (why)
      findings.push(
        diagnostic(
          "policy-file-unverified",
          "error",
          `${a.file} is unverified, so its facts (CVEs, rating, exploitation) are not applied to ${a.spec.id} where agents report it: ${why}`,
          { file: a.file },
        ),
      );
    return !why;
  });
  return {
    set: { ...set, exemptions, baselines, advisories },
    approvals,
    unverified,
    blockedAssignments: blocked,
    findings,
  };
}
