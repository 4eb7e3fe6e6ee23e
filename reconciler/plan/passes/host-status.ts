// Pass one for each host: its status from the scan alone (rogue, silent, stale, unhealthy, unknown OS, below baseline).
import type { HostStatus } from "../../model/plan.js";
import type { PatchPolicySpec } from "../../model/policy.js";
import { belowBaseline, type BaselineShortfall } from "../baseline-conformance.js";
import type { HostContext } from "../hosts.js";
import { unrecognisedOsNote } from "../os-recognition.js";

const HOUR = 3_600_000;

export interface HostStanding {
  status: HostStatus;
  notes: string[];
  below: BaselineShortfall[];
}

export function hostStanding(h: HostContext, policy: PatchPolicySpec, now: number): HostStanding {
  const out: HostStanding = { status: "compliant", notes: [], below: [] };
  const rec = h.record;
  if (!h.assignment && (rec || h.malformed)) {
    out.status = "unmanaged";
    out.notes.push("scanned but in no assignment: a rogue or unregistered system");
  } else if (!rec && !h.malformed) {
    out.status = "unscanned";
    out.notes.push("assigned but absent from the inventory: its agent is not reporting");
  }
  if (h.malformed) {
    if (out.status !== "unmanaged") out.status = "stale";
    out.notes.push(`unusable inventory record (${h.malformed})`);
  }
  if (!rec) return out;
  if (out.status === "compliant" && rec.scannedAt < now - policy.staleAfterHours * HOUR) {
    out.status = "stale";
    out.notes.push(`last scan ${rec.scannedAtText} is older than staleAfterHours (${policy.staleAfterHours})`);
  } else if (out.status === "compliant" && rec.scannedAt > now + HOUR) {
    out.status = "stale";
    out.notes.push(`last scan ${rec.scannedAtText} lies in the future; the scanner's clock is wrong`);
  } else if (out.status === "compliant" && !rec.agentHealthy) {
    out.status = "stale";
    out.notes.push("the scanning agent reports itself unhealthy");
  }
  out.below = belowBaseline(rec, h.baselines);
  // With its agent's scan, what applies does not depend on recognising the OS name.
  const osNote = rec.agentScanned ? null : unrecognisedOsNote(rec);
  if (osNote) {
    if (out.status === "compliant") out.status = "noncompliant";
    out.notes.push(osNote);
  }
  return out;
}
