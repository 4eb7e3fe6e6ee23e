// osquery to native records: scheduled-query result logs (differential or snapshot) and `osqueryi --json` arrays
// of the patches, programs and os_version tables.
import type { Converted } from "../converted.js";
import { scanJsonValues } from "../converted.js";
import { compareText } from "../../order.js";

type Row = Record<string, unknown>;

interface HostAcc {
  host: string;
  line: number;
  unixTime: number | null;
  os: Row | null;
  patches: Set<string>;
  programs: { name: string; version?: string }[];
}

function tableOf(name: string, row: Row): "patches" | "programs" | "os_version" | null {
  const n = name.toLowerCase();
  if (n.includes("patches") || "hotfix_id" in row) return "patches";
  if (n.includes("os_version") || ("platform" in row && "major" in row)) return "os_version";
  if (
    n.includes("programs") ||
    ("name" in row &&
      "version" in row &&
      ("publisher" in row || "install_location" in row || "identifying_number" in row))
  )
    return "programs";
  return null;
}

function s(v: unknown): string {
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : "";
}

function family(platform: string): "windows" | "linux" | "macos" {
  if (platform === "windows") return "windows";
  if (platform === "darwin") return "macos";
  return "linux";
}

export function convertOsquery(text: string, file: string, scannedAt?: string): Converted {
  const hosts = new Map<string, HostAcc>();
  const out: Converted = { records: [], problems: [] };
  const acc = (host: string, line: number): HostAcc => {
    let a = hosts.get(host);
    if (!a) hosts.set(host, (a = { host, line, unixTime: null, os: null, patches: new Set(), programs: [] }));
    return a;
  };
  const addRow = (a: HostAcc, table: string | null, row: Row, removed: boolean) => {
    if (table === "patches") {
      const id = s(row.hotfix_id).trim();
      if (id && removed) a.patches.delete(id);
      else if (id) a.patches.add(id);
    } else if (table === "os_version") {
      if (!removed) a.os = row;
    } else if (table === "programs") {
      const name = s(row.name).trim();
      if (name && !removed)
        a.programs.push({ name, ...(/^\d+(\.\d+)*$/.test(s(row.version)) ? { version: s(row.version) } : {}) });
    }
  };
  // A broken line is reported at its line (with its host when it names one); the other lines still count.
  const { values, problems } = scanJsonValues(text);
  out.problems.push(...problems);
  for (const { value, line } of values) {
    if (value === null || typeof value !== "object") {
      out.problems.push({ line, reason: "expected an osquery result object or an osqueryi array of rows" });
      continue;
    }
    if (Array.isArray(value)) {
      // osqueryi --json: rows of one table from the machine it ran on; patches rows name it (csname).
      for (const row of (value as unknown[]).filter(
        (r): r is Row => r !== null && typeof r === "object" && !Array.isArray(r),
      )) {
        const host = s(row.csname) || s(row.hostIdentifier) || s(row.hostname) || s(row.computer_name);
        const target = host ? acc(host, line) : [...hosts.values()][0];
        if (!target) {
          out.problems.push({
            line,
            reason: "osqueryi rows name no host (select csname from patches, or hostname from system_info)",
          });
          break;
        }
        addRow(target, tableOf("", row), row, false);
      }
      continue;
    }
    const entry = value as Row;
    const host = s(entry.hostIdentifier);
    if (!host) {
      out.problems.push({ line, reason: "result log line without hostIdentifier" });
      continue;
    }
    const a = acc(host, line);
    const t = typeof entry.unixTime === "number" ? entry.unixTime : Number(entry.unixTime);
    if (Number.isFinite(t)) a.unixTime = Math.max(a.unixTime ?? 0, t);
    const name = s(entry.name);
    const rows = (list: unknown): Row[] =>
      Array.isArray(list) ? list.filter((r): r is Row => r !== null && typeof r === "object" && !Array.isArray(r)) : [];
    if (Array.isArray(entry.snapshot))
      for (const row of rows(entry.snapshot)) addRow(a, tableOf(name, row), row, false);
    else if (entry.columns && typeof entry.columns === "object" && !Array.isArray(entry.columns))
      addRow(a, tableOf(name, entry.columns as Row), entry.columns as Row, entry.action === "removed");
    else if (entry.diffResults && typeof entry.diffResults === "object") {
      const d = entry.diffResults as { added?: Row[]; removed?: Row[] };
      for (const row of rows(d.removed)) addRow(a, tableOf(name, row), row, true);
      for (const row of rows(d.added)) addRow(a, tableOf(name, row), row, false);
    }
  }
  for (const a of hosts.values()) {
    if (!a.os) {
      out.problems.push({ line: a.line, host: a.host, reason: "no os_version row for this host" });
      continue;
    }
    const at = a.unixTime !== null ? new Date(a.unixTime * 1000).toISOString() : scannedAt;
    if (!at) {
      out.problems.push({
        line: a.line,
        host: a.host,
        reason: "osqueryi output carries no scan time; pass --scanned-at",
      });
      continue;
    }
    const version = s(a.os.version) || [a.os.major, a.os.minor, a.os.build].map(s).filter(Boolean).join(".");
    out.records.push({
      value: {
        host: a.host,
        scannedAt: at,
        os: {
          family: family(s(a.os.platform)),
          ...(s(a.os.name)
            ? {
                name: s(a.os.name)
                  .replace(/^Microsoft /, "")
                  .replace(/ (Datacenter|Standard|Enterprise)$/, ""),
              }
            : {}),
          version,
        },
        installed: [...a.patches].sort(),
        products: a.programs.sort((x, y) => compareText(x.name, y.name)),
      },
      origin: `${file}:${a.line}`,
      line: a.line,
    });
  }
  return out;
}
