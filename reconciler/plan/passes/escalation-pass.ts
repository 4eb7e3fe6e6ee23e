// The escalation pass over one unit: hosts past the SLA are isolated (or their owners notified), clear of installs.
import type { Diagnostic } from "../../diagnostics.js";
import type { Job } from "../../model/plan.js";
import { installWindowsByHost, placeEscalations, type EscalationRequest } from "../escalation.js";
import type { PlanContext } from "./context.js";
import { makeJob, NO_HOOKS, NOT_FORCED } from "./jobs.js";

/** The isolate and notify jobs for `requests`, placed around the unit's install `jobs`. */
export function escalationPass(
  ctx: PlanContext,
  requests: readonly EscalationRequest[],
  jobs: readonly Job[],
  findings: Diagnostic[],
): Job[] {
  if (requests.length === 0) return [];
  const { policy } = ctx;
  const placed = placeEscalations(requests, installWindowsByHost(jobs), ctx.now);
  findings.push(...placed.findings);
  return placed.decisions.map((d) => {
    const r = d.request;
    const h = ctx.hostNamed(r.host)!;
    const job = makeJob({
      type: d.action,
      host: r.host,
      owner: h.assignment?.spec.owner ?? null,
      updates: r.ids,
      timeline: "immediate",
      period: h.entry?.period ?? null,
      window: d.window,
      enforcement: NOT_FORCED,
      priority: "high",
      hooks: NO_HOOKS,
      reason: {
        summary: `${d.action === "isolate" ? "isolate until patched" : "notify the owner"}: past the SLA by more than escalation.afterHours (${policy.escalation.afterHours})${d.why ? `; ${d.why}` : ""}`,
        files: r.files,
        commit: ctx.input.revision,
      },
    });
    if (policy.hooks[d.action].length > 0) job.commands = policy.hooks[d.action];
    return job;
  });
}
