// What each owner team is told: its digest, whether it is compliant, and a fingerprint of what changed since last time.
import { createHash } from "node:crypto";
import type { OwnerDigests } from "../report/digest.js";
import { restartLine, restartSection, type RestartNeeded } from "./restart-needed.js";
import { stagedLine, stagedSection, type StagedJob } from "./staged.js";

export interface TeamNotice {
  team: string;
  compliant: boolean;
  hosts: number;
  attention: number;
  subject: string;
  /** The owner digest, markdown. */
  text: string;
  /**
   * What the owner must do that nothing will force, one plain-text line each: no-force jobs staged (or to be staged),
   * waiting to be installed; hosts waiting for a restart.
   */
  asks: string[];
  /** Hash of what the team must act on, without the plan's instant: equal fingerprints mean nothing new to say. */
  fingerprint: string;
}

/** What a team is asked to do by hand (notify/staged.ts, notify/restart-needed.ts). */
export interface TeamAsks {
  staged?: ReadonlyMap<string, readonly StagedJob[]>;
  restarts?: ReadonlyMap<string, readonly RestartNeeded[]>;
}

/**
 * One notice per owner team, from digests gathered host by host (report/from-plan.ts `tallyPlan`), with what the team
 * must do by hand: its no-force jobs, staged or to be staged, and its hosts waiting for a restart nothing forces. A
 * team with one is told so, and a newly staged job is news.
 */
export function teamNotices(digests: OwnerDigests, asks: TeamAsks = {}): TeamNotice[] {
  const out: TeamNotice[] = [];
  for (const [team, chunks, counts] of digests.digests()) {
    const staged = asks.staged?.get(team) ?? [];
    const restarts = asks.restarts?.get(team) ?? [];
    const text = [...chunks].join("") + stagedSection(staged) + restartSection(restarts);
    const { hosts, attention } = counts;
    const compliant = attention === 0 && staged.length === 0 && restarts.length === 0;
    const body = text.split("\n").slice(1).join("\n");
    const extra = [
      staged.length ? `${staged.length} staged for you to install` : "",
      restarts.length ? `${restarts.length} to restart` : "",
    ].filter(Boolean);
    out.push({
      team,
      compliant,
      hosts,
      attention,
      subject: compliant
        ? `patchops: ${team} is compliant (${hosts} hosts)`
        : `patchops: ${team} has ${attention} of ${hosts} hosts needing updates${extra.map((e) => `, ${e}`).join("")}`,
      text,
      asks: [...staged.map((s) => stagedLine(s)), ...restarts.map((r) => restartLine(r))],
      fingerprint: createHash("sha256").update(`${compliant}\n${body}`).digest("hex").slice(0, 16),
    });
  }
  return out;
}
