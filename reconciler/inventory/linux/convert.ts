// `inventory convert` without I/O: an installed-package list and offered upgrades into one native inventory record.
import type { InventoryRecord } from "../../model/inventory.js";
import { compareText } from "../../order.js";
import { comparePackageVersions } from "../../versions/scheme.js";
import {
  DPKG_UNFINISHED_VERSION,
  parseDpkgQuery,
  parseRpmQa,
  type LineProblem,
  type UnfinishedPackage,
} from "./installed.js";
import { parseRepolist } from "./repos.js";
import {
  detectUpgradable,
  listsNothing,
  parseUpgradable,
  type OfferedUpgrade,
  type UpgradableFormat,
} from "./upgradable.js";

export interface ConvertInput {
  from: "dpkg" | "rpm";
  host: string;
  scannedAt: string;
  osName: string;
  osVersion: string;
  installed: { file: string; text: string };
  upgradable: { file: string; text: string; format?: UpgradableFormat }[];
  /** /var/run/reboot-required exists, or needs-restarting -r exited 1. */
  pendingReboot?: boolean;
  /** `dnf repolist --enabled` output: the enabled repositories (an EUS repository pins the host's stream). */
  repolist?: { file: string; text: string };
}

export interface FileProblem extends LineProblem {
  file: string;
}

export function convertLinux(input: ConvertInput): {
  record: InventoryRecord | null;
  problems: FileProblem[];
  /** Packages dpkg has not finished installing: recorded as not installed at their version. */
  warnings: FileProblem[];
} {
  const format = input.from === "dpkg" ? "deb" : "rpm";
  const problems: FileProblem[] = [];
  const dpkg = input.from === "dpkg" ? parseDpkgQuery(input.installed.text) : null;
  const installed = dpkg ?? parseRpmQa(input.installed.text);
  problems.push(...installed.problems.map((p) => ({ file: input.installed.file, ...p })));
  const unfinished: UnfinishedPackage[] = dpkg?.unfinished ?? [];
  const warnings: FileProblem[] = unfinished.map((u) => ({
    file: input.installed.file,
    line: u.line,
    column: 1,
    reason:
      `${u.name} ${u.version} is not completely installed (dpkg status '${u.status}'): recorded as ` +
      `${DPKG_UNFINISHED_VERSION}, so the host stays non-compliant for updates of ${u.name} until an install completes`,
  }));
  const offered = new Map<string, OfferedUpgrade>();
  for (const u of input.upgradable) {
    // A host with nothing to upgrade: apt prints "Listing..." alone.
    if (listsNothing(u.text)) continue;
    const kind = u.format ?? detectUpgradable(u.text);
    if (!kind) {
      problems.push({
        file: u.file,
        line: 1,
        column: 1,
        reason: "not apt list --upgradable, dnf updateinfo list or dnf check-update output",
      });
      continue;
    }
    const parsed = parseUpgradable(kind, u.text);
    problems.push(...parsed.problems.map((p) => ({ file: u.file, ...p })));
    for (const item of parsed.items) {
      const prev = offered.get(item.name);
      const cmp = prev ? comparePackageVersions(format, item.version, prev.version) : 1;
      if (cmp > 0) offered.set(item.name, item);
      else if (cmp === 0 && prev) {
        // The same candidate from dnf check-update and from updateinfo: the advisory says more.
        const advisory = item.security || /^[A-Z]+-\d{4}[:-]/.test(item.origin) ? item : prev;
        offered.set(item.name, {
          ...advisory,
          security: prev.security || item.security,
          ...((advisory.severity ?? prev.severity) ? { severity: advisory.severity ?? prev.severity } : {}),
        });
      }
    }
  }
  const repos = input.repolist ? parseRepolist(input.repolist.text) : null;
  if (repos) problems.push(...repos.problems.map((p) => ({ file: input.repolist!.file, ...p })));
  if (problems.length > 0) return { record: null, problems, warnings };
  const record: InventoryRecord = {
    host: input.host,
    scannedAt: input.scannedAt,
    os: { family: "linux", name: input.osName, version: input.osVersion },
    installed: [],
    pendingReboot: input.pendingReboot ?? false,
    products: [],
    features: [],
    packageFormat: format,
    ...(repos ? { repos: repos.items } : {}),
    packages: installed.items.sort((a, b) => compareText(a.name, b.name) || compareText(a.arch ?? "", b.arch ?? "")),
    availableUpdates: [...offered.values()]
      .sort((a, b) => compareText(a.name, b.name))
      .map((u) => ({
        name: u.name,
        version: u.version,
        ...(u.arch ? { arch: u.arch } : {}),
        origin: u.origin,
        security: u.security,
        ...(u.severity ? { severity: u.severity } : {}),
      })),
  };
  return { record, problems, warnings };
}
