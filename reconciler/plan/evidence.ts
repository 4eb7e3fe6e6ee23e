// What applies to one host: its own update agent's answer where it gave one (agent evidence), else advisory
// matching (estimated), which never widens an unknown release to the whole family.
import { diagnostic, type Diagnostic } from "../diagnostics.js";
import { compareText } from "../order.js";
import type { HostRecord } from "../inventory/host-record.js";
import type { Classification, NonPatchClass } from "../model/update.js";
import { isManagedClass } from "../policy/decision.js";
import { agentVerdict } from "../inventory/agent-scan.js";
import { applicability, type Applicability } from "./applicability.js";
import type { CatalogEntry } from "./catalog.js";

/** A Microsoft KB id, the only kind of id a Windows Update Agent speaks for. */
export function isKb(id: string): boolean {
  return /^KB\d+$/i.test(id);
}

/** Whether the host's applicability is estimated (advisory matching) rather than read from its update agent. */
export function isEstimated(rec: HostRecord): boolean {
  return !rec.agentScanned && rec.linux === null;
}

/** The record with what its agent says is installed added to `installed` (IsInstalled counts like a scanned KB). */
export function withAgentInstalled(rec: HostRecord): HostRecord {
  const agent = rec.agentScan;
  if (!agent) return rec;
  const extra: string[] = [];
  for (const [kb, list] of agent.byKb) if (list.some((u) => u.installed) && !rec.installed.has(kb)) extra.push(kb);
  if (extra.length === 0) return rec;
  return { ...rec, installed: new Set([...rec.installed, ...extra]) };
}

/**
 * Whether the update concerns the host. With an agent scan a KB applies exactly when the agent lists it as not
 * installed; without one the Update file's appliesTo is matched (evaluate-host.ts never asks about an update only
 * other hosts' agents reported).
 */
export function relevance(entry: CatalogEntry, rec: HostRecord): Applicability {
  const agent = rec.agentScan;
  if (agent && isKb(entry.id)) {
    const verdict = agentVerdict(agent, entry.id);
    if (verdict === "offered") return { applies: true };
    return {
      applies: false,
      why:
        verdict === "installed"
          ? `the host's update agent reports it installed (${agent.source} scan at ${agent.completedAt})`
          : `the host's update agent does not offer it (${agent.source} scan at ${agent.completedAt})`,
    };
  }
  return applicability(entry.spec.appliesTo, rec);
}

/**
 * One finding counting the scanned hosts whose applicability is estimated, naming the first few in name order (the
 * same five whatever the order of the inventory's lines).
 */
export function estimatedFinding(records: Iterable<HostRecord>): Diagnostic | null {
  const names: string[] = [];
  let count = 0;
  for (const r of records) {
    if (!isEstimated(r)) continue;
    count++;
    if (names.length === 5 && compareText(r.host, names[4]!) >= 0) continue;
    names.push(r.host);
    names.sort(compareText);
    if (names.length > 5) names.pop();
  }
  if (count === 0) return null;
  return diagnostic(
    "applicability-estimated",
    "info",
    `${count} host${count === 1 ? "" : "s"} (${names.join(", ")}${count > names.length ? ", …" : ""}) report no scan of their update agent: what applies to them is estimated from advisory text`,
  );
}

/**
 * Non-patch updates a host may carry without any record of their class (a Get-HotFix or osquery scan): Defender
 * security intelligence (KB2267602) and its antimalware platform (KB4052623), Microsoft Security Essentials
 * definitions (KB2461484), and the Malicious Software Removal Tool (KB890830). Microsoft publishes them under these
 * fixed KB numbers every month.
 */
const KNOWN_NON_PATCH: ReadonlyMap<string, Classification> = new Map<string, Classification>([
  ["KB2267602", "definition"],
  ["KB2461484", "definition"],
  ["KB4052623", "definition"],
  ["KB890830", "tool"],
]);

/**
 * Whether an installed update is a patch the policy manages: its class as the host's agent reports it, else as its
 * Update file says, else the known non-patch KBs; non-patch classes count only when PatchPolicy.nonPatchClasses lists them.
 */
export function managedInstall(
  id: string,
  rec: HostRecord,
  catalogClass: Classification | undefined,
  nonPatchClasses: readonly NonPatchClass[],
): boolean {
  const reported = rec.agentScan?.byKb.get(id)?.[0]?.classification;
  const cls = reported ?? catalogClass ?? KNOWN_NON_PATCH.get(id);
  return cls === undefined || isManagedClass(cls, nonPatchClasses);
}
