// What each owner team is told: its digest, whether it is compliant, and a fingerprint of what changed since last time.
import { createHash } from "node:crypto";
import type { HostResult, Job, Plan } from "../model/plan.js";
import { ownerDigests } from "../report/digest.js";

export interface TeamNotice {
  team: string;
  compliant: boolean;
  hosts: number;
  attention: number;
  subject: string;
  /** The owner digest, markdown. */
  text: string;
  /** Hash of what the team must act on, without the plan's instant: equal fingerprints mean nothing new to say. */
  fingerprint: string;
}

export function teamNotices(plan: Plan, hosts: readonly HostResult[], jobs: readonly Job[]): TeamNotice[] {
  const byTeam = new Map<string, HostResult[]>();
  for (const h of hosts) if (h.owner) byTeam.set(h.owner, [...(byTeam.get(h.owner) ?? []), h]);
  const out: TeamNotice[] = [];
  for (const [team, text] of ownerDigests(plan, hosts, jobs)) {
    const list = byTeam.get(team) ?? [];
    const attention = list.filter((h) => h.status !== "compliant").length;
    const body = text.split("\n").slice(1).join("\n");
    out.push({
      team,
      compliant: attention === 0,
      hosts: list.length,
      attention,
      subject:
        attention === 0
          ? `patchops: ${team} is compliant (${list.length} hosts)`
          : `patchops: ${team} has ${attention} of ${list.length} hosts needing updates`,
      text,
      fingerprint: createHash("sha256")
        .update(`${attention === 0}\n${body}`)
        .digest("hex")
        .slice(0, 16),
    });
  }
  return out;
}
