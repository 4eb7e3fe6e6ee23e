// What was last sent to each team on each channel, so a run sends only what changed; kept as a small JSON file.
import { readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";
import { writeFilesAtomically } from "../output/atomic.js";
import type { TeamNotice } from "./notices.js";

const Ledger = z.strictObject({
  apiVersion: z.literal("patchops/v1"),
  kind: z.literal("NotificationLedger"),
  /** channel → team → fingerprint of the last message sent. */
  sent: z.record(z.string(), z.record(z.string(), z.string())),
});
export type Ledger = z.infer<typeof Ledger>;

export function emptyLedger(): Ledger {
  return { apiVersion: "patchops/v1", kind: "NotificationLedger", sent: {} };
}

/** The ledger at `file`; an absent file is an empty ledger, a damaged one an error (resending everything is noise). */
export async function readLedger(file: string): Promise<Ledger> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return emptyLedger();
    throw err;
  }
  const parsed = Ledger.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${file} is not a notification ledger: ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}

export async function writeLedger(file: string, ledger: Ledger): Promise<void> {
  const name = file.slice(dirname(file).length + 1);
  await writeFilesAtomically(dirname(file), new Map([[name, JSON.stringify(ledger, null, 1) + "\n"]]));
}

/**
 * The notices a channel must send: a noncompliant team whose situation changed, or a team that became compliant
 * since its last message. A compliant team that was never told anything is left alone.
 */
export function changedFor(ledger: Ledger, channel: string, notices: readonly TeamNotice[]): TeamNotice[] {
  const sent = ledger.sent[channel] ?? {};
  return notices.filter((n) => {
    const last = sent[n.team];
    if (last === n.fingerprint) return false;
    return !n.compliant || last !== undefined;
  });
}

export function recordSent(ledger: Ledger, channel: string, notice: TeamNotice): void {
  (ledger.sent[channel] ??= {})[notice.team] = notice.fingerprint;
}
