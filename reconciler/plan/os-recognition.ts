// Hosts whose Windows name patchops cannot recognise: never silently "not applicable", always a finding and a note.
import { diagnostic, type Diagnostic } from "../diagnostics.js";
import type { HostRecord } from "../inventory/host-record.js";
import { impliedBuilds } from "../inventory/os-names.js";
import { lineOf, type CatalogEntry } from "./catalog.js";

/**
 * Whether an OS name of an Update file pins a Windows 10/11 release patchops does not know ("Windows 11 Version 26H1"):
 * such a name matches no host by advisory text, never every host of the family.
 */
export function unknownRelease(name: string): boolean {
  return /^\s*(?:Microsoft\s+)?Windows (?:10|11),? Version \w+/i.test(name) && impliedBuilds(name) === undefined;
}

/** One finding per approved Update file whose OS names include an unknown release. */
export function unknownReleaseFindings(entries: Iterable<CatalogEntry>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const e of entries) {
    if (e.decision !== "approved" || !e.doc) continue;
    const names = (e.spec.appliesTo.os ?? []).flatMap((o) => o.names ?? []).filter(unknownRelease);
    if (names.length === 0) continue;
    const at = e.doc.at(["spec", "appliesTo", "os"]);
    out.push(
      diagnostic(
        "os-release-unknown",
        "warning",
        `${e.id}: ${names.map((n) => `'${n}'`).join(", ")} is no Windows release patchops knows: hosts without an agent scan are not matched to it (only hosts whose update agent offers it get it); ${lineOf(at)}`,
        { file: at.file, line: at.line },
      ),
    );
  }
  return out;
}

/** The note for one host whose OS name is unknown, or null when the name is recognised. */
export function unrecognisedOsNote(rec: HostRecord): string | null {
  if (rec.osKnown) return null;
  const what = rec.osReported === null ? "no OS name" : `the OS name '${rec.osReported}'`;
  return `the scan at ${rec.origin} reports ${what}, which is no Windows release patchops knows: updates for named Windows versions cannot be matched, so the host is not compliant until its collector reports a caption such as 'Microsoft Windows Server 2022 Datacenter'`;
}

/** One finding per unrecognised name, naming the first record that reported it and how many hosts share it. */
export function unrecognisedOsFindings(records: Iterable<HostRecord>): Diagnostic[] {
  const byName = new Map<string, HostRecord[]>();
  for (const r of records) {
    if (r.osKnown || r.agentScanned) continue;
    const key = r.osReported ?? "";
    const list = byName.get(key);
    if (list) list.push(r);
    else byName.set(key, [r]);
  }
  const out: Diagnostic[] = [];
  for (const [name, list] of byName) {
    const first = list[0]!;
    const m = /^(.*):(\d+)$/.exec(first.origin);
    const hosts = list
      .map((r) => r.host)
      .slice(0, 5)
      .join(", ");
    out.push(
      diagnostic(
        "os-name-unknown",
        "warning",
        `${name === "" ? "no OS name" : `OS name '${name}'`} on ${list.length} Windows host${list.length === 1 ? "" : "s"} (${hosts}${list.length > 5 ? ", …" : ""}) matches no Windows release; they are not compliant until the collector reports a known caption`,
        m ? { file: m[1]!, line: Number(m[2]), column: 1 } : { file: first.origin },
      ),
    );
  }
  return out;
}
