// What each owner team is told: its digest, whether it is compliant, and a fingerprint of what changed since last time.
import { createHash } from "node:crypto";
import type { OwnerDigests } from "../report/digest.js";
import { stagedLine, stagedSection, type StagedJob } from "./staged.js";

export interface TeamNotice {
  team: string;
  compliant: boolean;
  hosts: number;
  attention: number;
  subject: string;
  /** The owner digest, markdown. */
  text: string;
  /** No-force jobs, one plain-text line each: staged (or to be staged), waiting for the owner to install them. */
  staged: string[];
  /** Hash of what the team must act on, without the plan's instant: equal fingerprints mean nothing new to say. */
  fingerprint: string;
}

/**
 * One notice per owner team, from digests gathered host by host (report/from-plan.ts `tallyPlan`), with the team's
 * no-force jobs (notify/staged.ts): a team with a staged job is told so, and a newly staged job is news.
 */
export function teamNotices(
  digests: OwnerDigests,
  staged: ReadonlyMap<string, readonly StagedJob[]> = new Map(),
): TeamNotice[] {
  const out: TeamNotice[] = [];
  for (const [team, chunks, counts] of digests.digests()) {
    const own = staged.get(team) ?? [];
    const text = [...chunks].join("") + stagedSection(own);
    const { hosts, attention } = counts;
    const compliant = attention === 0 && own.length === 0;
    const body = text.split("\n").slice(1).join("\n");
    out.push({
      team,
      compliant,
      hosts,
      attention,
      subject: compliant
        ? `patchops: ${team} is compliant (${hosts} hosts)`
        : `patchops: ${team} has ${attention} of ${hosts} hosts needing updates${own.length ? `, ${own.length} staged for you to install` : ""}`,
      text,
      staged: own.map((s) => stagedLine(s)),
      fingerprint: createHash("sha256").update(`${compliant}\n${body}`).digest("hex").slice(0, 16),
    });
  }
  return out;
}
