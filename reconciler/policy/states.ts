// The state taxonomy, named once: which update states of a host count as compliant, as still to do, as open for the
// owner, as done for a pilot, and which leave a host outside an update's pilot. Every reader uses these sets.
import type { UpdateState } from "../model/plan.js";

/** A host is compliant when every update it is measured against is in one of these states. */
export const COMPLIANT: ReadonlySet<UpdateState> = new Set(["installed", "superseded", "not-applicable", "deferred"]);

/**
 * Nothing left to do or to watch: a compact plan's host line counts these and leaves their ids out (every other state
 * is listed: an open item, a deferral, a block, an installed update that was rejected).
 */
export const SETTLED: ReadonlySet<UpdateState> = new Set(["installed", "superseded", "not-applicable"]);

/** Still to be done on the host: counted against an update's compliance. */
export const NOT_DONE: ReadonlySet<UpdateState> = new Set([
  "missing",
  "overdue",
  "blocked",
  "pending-reboot",
  "failed",
]);

/** What an owner still has open on a host (not done, or merely exempted for now). */
export const OPEN: ReadonlySet<UpdateState> = new Set([...NOT_DONE, "exempt"]);

/**
 * A reference host passes the pilot only when it reports the update installed with no restart pending (or a job's
 * own restart completed, which its result records): failures such as 0x800F0922 roll back during that restart.
 */
export const PILOT_DONE: ReadonlySet<UpdateState> = new Set(["installed", "superseded"]);

/** Installed, waiting for the restart that completes it: a reference host in this state is not yet a verdict. */
export const PILOT_AWAITING_RESTART: ReadonlySet<UpdateState> = new Set(["pending-reboot"]);

/**
 * A reference host in one of these states (or none) is not a test of the update: it does not apply, its owner deferred
 * it or is never forced, or a prerequisite is missing.
 */
export const PILOT_NOT_CONCERNED: ReadonlySet<UpdateState> = new Set([
  "not-applicable",
  "deferred",
  "exempt",
  "blocked",
]);

export const isCompliant = (s: UpdateState): boolean => COMPLIANT.has(s);

/**
 * A host's state for a patch of several updates is the worst state of its updates there: the patch is done on a host
 * only when every package version of it is. Worst first.
 */
export const PATCH_WORST_FIRST: readonly UpdateState[] = [
  "failed",
  "overdue",
  "blocked",
  "missing",
  "pending-reboot",
  "exempt",
  "deferred",
  "rejected-installed",
  "installed",
  "superseded",
  "not-applicable",
];
