// Whether a host meets its baselines' floor: os.minVersion and products[].versions. A host below it is not compliant.
import { diagnostic, type Diagnostic } from "../diagnostics.js";
import type { HostRecord } from "../inventory/host-record.js";
import type { LoadedDoc } from "../model/policy-set.js";
import type { BaselineSpec } from "../model/baseline.js";
import { compareVersions, satisfies } from "./versions.js";

export interface BaselineShortfall {
  baseline: string;
  file: string;
  line: number | null;
  reason: string;
}

/** Product names as baselines and inventories write them, with or without the vendor's prefix. */
export function productKey(name: string): string {
  return name
    .replace(/^Microsoft\s+/i, "")
    .trim()
    .toLowerCase();
}

/** Every way the host falls short of its baselines, each naming the baseline's file and line. */
export function belowBaseline(rec: HostRecord, baselines: readonly LoadedDoc<BaselineSpec>[]): BaselineShortfall[] {
  const out: BaselineShortfall[] = [];
  for (const b of baselines) {
    const os = b.spec.os;
    if (os && os.family !== rec.os.family) {
      const at = b.at(["spec", "os", "family"]);
      out.push({
        baseline: b.name,
        file: at.file,
        line: at.line,
        reason: `the host runs ${rec.os.family}, the baseline requires ${os.family}`,
      });
    } else if (os?.minVersion && compareVersions(rec.os.version, os.minVersion) < 0) {
      const at = b.at(["spec", "os", "minVersion"]);
      out.push({
        baseline: b.name,
        file: at.file,
        line: at.line,
        reason: `${rec.os.name ?? rec.os.family} ${rec.os.version} is below os.minVersion ${os.minVersion}`,
      });
    }
    b.spec.products.forEach((p, i) => {
      const have = rec.products.filter((hp) => productKey(hp.name) === productKey(p.name));
      if (have.length === 0) {
        const at = b.at(["spec", "products", i, "name"]);
        out.push({
          baseline: b.name,
          file: at.file,
          line: at.line,
          reason: `${p.name} is not in the scan (its collector may not report products; see deploy/collect/windows.ps1)`,
        });
        return;
      }
      if (p.versions === undefined) return;
      if (have.some((hp) => hp.version !== null && satisfies(hp.version, p.versions))) return;
      const at = b.at(["spec", "products", i, "versions"]);
      out.push({
        baseline: b.name,
        file: at.file,
        line: at.line,
        reason: `${p.name} ${have.map((hp) => hp.version ?? "(version unknown)").join(", ")} is outside ${p.versions}`,
      });
    });
  }
  return out;
}

/** One finding per baseline rule that hosts fall short of, with the hosts (the first few) and the file and line. */
export function belowBaselineFindings(byHost: ReadonlyMap<string, readonly BaselineShortfall[]>): Diagnostic[] {
  const groups = new Map<string, { s: BaselineShortfall; hosts: string[] }>();
  for (const [host, list] of byHost)
    for (const s of list) {
      const key = `${s.file}\u0000${s.line ?? 0}`;
      const g = groups.get(key) ?? { s, hosts: [] };
      g.hosts.push(host);
      groups.set(key, g);
    }
  return [...groups.values()].map(({ s, hosts }) => belowBaselineFinding(s, hosts.length, hosts.slice(0, 5)));
}

/** One finding per baseline line: how many hosts fall short, the first few (`examples`), and the first one's reason. */
export function belowBaselineFinding(s: BaselineShortfall, count: number, examples: readonly string[]): Diagnostic {
  return diagnostic(
    "below-baseline",
    "warning",
    `${count} host${count === 1 ? "" : "s"} below baseline '${s.baseline}' (${examples.join(", ")}${count > 5 ? ", …" : ""}): ${count === 1 ? s.reason : `e.g. ${s.reason}`}`,
    { file: s.file, line: s.line },
  );
}
