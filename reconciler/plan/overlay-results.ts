// Applies job results to one host's states: failed, installed on a job's word, removed, and the findings they raise.
import { diagnostic, type Diagnostic } from "../diagnostics.js";
import type { HostRecord } from "../inventory/host-record.js";
import type { UpdateState } from "../model/plan.js";
import { judgeUpdate, type Failure, type Outcome } from "./job-results.js";
import { failureCause, needsPerson } from "../policy/failure-classes.js";

export interface HostOverlay {
  host: string;
  owner: string | null;
  rec: HostRecord;
  states: Map<string, UpdateState>;
  /** The updates the host still needs (deleted here when a job installed one). */
  missing: Map<string, unknown>;
  outcomes: ReadonlyMap<string, Outcome[]> | undefined;
  maxFailures: number;
  note: (id: string, line: () => string) => void;
  findings: Diagnostic[];
  /** Filled here: updates (or removals) whose last attempt failed. */
  failures: Map<string, Failure>;
}

export function overlayResults(o: HostOverlay): void {
  if (!o.outcomes) return;
  for (const [id, state] of [...o.states]) {
    const v = judgeUpdate(state, o.outcomes.get(id), o.rec.scannedAt);
    if (v.contradicted)
      o.findings.push(
        diagnostic(
          "result-contradicted",
          "warning",
          `${o.host}: job ${v.contradicted.jobId} reported ${id} installed at ${v.contradicted.atText}, but the scan at ${o.rec.scannedAtText} (${o.rec.origin}) still lists it missing`,
        ),
      );
    if (v.state === "installed") {
      o.states.set(id, "installed");
      o.missing.delete(id);
      o.note(id, () => `installed by job ${v.by!.jobId} at ${v.by!.atText} (job result); awaiting a scan to confirm`);
    } else if (v.state === "removed") {
      o.states.delete(id);
      o.note(id, () => `removed by uninstall job ${v.by!.jobId} at ${v.by!.atText} (job result)`);
    } else if (v.state === "failed") {
      o.states.set(id, "failed");
      o.note(
        id,
        () =>
          `failed in job ${v.by!.jobId} at ${v.by!.atText}${v.failure?.code ? ` with ${v.failure.code}` : ""} (attempt ${v.failure?.attempts ?? 1})`,
      );
    }
    if (v.failure) {
      o.failures.set(id, v.failure);
      const f = v.failure;
      const cause = failureCause(f.code);
      if (state !== "rejected-installed" && needsPerson(f.code, f.attempts))
        o.findings.push(
          diagnostic(
            "update-needs-person",
            "warning",
            `${o.host} (owner ${o.owner ?? "none"}): ${id} failed ${f.attempts === 1 ? "once" : `${f.attempts} times`}, last at ${f.atText}${f.code ? ` with ${f.code}` : ""}${cause ? ` (${cause.meaning})` : ", a cause patchops does not know"}; it is not retried until a person fixes the cause`,
          ),
        );
      else if (v.failure.attempts >= o.maxFailures)
        o.findings.push(
          diagnostic(
            "update-failing",
            "warning",
            `${o.host} (owner ${o.owner ?? "none"}): ${state === "rejected-installed" ? "removing " : ""}${id} failed ${v.failure.attempts} times, last at ${v.failure.atText}${v.failure.code ? ` with ${v.failure.code}` : ""}`,
          ),
        );
    }
  }
}
