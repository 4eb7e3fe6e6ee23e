// What each owner team is told: its digest, whether it is compliant, and a fingerprint of what changed since last time.
import { createHash } from "node:crypto";
import type { OwnerDigests } from "../report/digest.js";

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

/** One notice per owner team, from digests gathered host by host (report/from-plan.ts `tallyPlan`). */
export function teamNotices(digests: OwnerDigests): TeamNotice[] {
  const out: TeamNotice[] = [];
  for (const [team, chunks, counts] of digests.digests()) {
    const text = [...chunks].join("");
    const { hosts, attention } = counts;
    const body = text.split("\n").slice(1).join("\n");
    out.push({
      team,
      compliant: attention === 0,
      hosts,
      attention,
      subject:
        attention === 0
          ? `patchops: ${team} is compliant (${hosts} hosts)`
          : `patchops: ${team} has ${attention} of ${hosts} hosts needing updates`,
      text,
      fingerprint: createHash("sha256")
        .update(`${attention === 0}\n${body}`)
        .digest("hex")
        .slice(0, 16),
    });
  }
  return out;
}
