// Hosts whose Windows name patchops cannot recognise: never silently "not applicable", always a finding and a note.
import { diagnostic, type Diagnostic } from "../diagnostics.js";
import type { HostRecord } from "../inventory/host-record.js";

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
    if (r.osKnown) continue;
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
