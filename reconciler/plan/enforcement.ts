// What a job may force at its deadline: the policy's enforcement, narrowed by exemptions, payload and timeline.
import type { Job, JobType } from "../model/plan.js";
import type { PatchPolicySpec } from "../model/policy.js";

export interface EnforcementGroup {
  type: JobType;
  noForce: boolean;
  slot: { timeline: string };
}

export function jobEnforcement(g: EnforcementGroup, policy: PatchPolicySpec["enforcement"]): Job["enforcement"] {
  if (g.noForce) return { forceInstall: false, forceRestart: false };
  // The seed's synthetic patch is inert: it "does not alter the target computers or force any restarts".
  if (g.type === "synthetic") return { forceInstall: policy.forceInstall, forceRestart: false };
  // Reference hosts are production servers: the pilot window is not their own period, so nothing restarts them there.
  if (g.slot.timeline === "pilot") return { forceInstall: policy.forceInstall, forceRestart: false };
  return { forceInstall: policy.forceInstall, forceRestart: policy.forceRestart };
}
