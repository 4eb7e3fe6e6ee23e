// PowerShell Get-HotFix output (ConvertTo-Json or Export-Csv) to native records.
// Get-HotFix lists KBs but not the OS: the documented collection script adds OSName and OSVersion columns.
import type { Converted } from "../converted.js";
import { parseJsonValues } from "../converted.js";

type Row = Record<string, unknown>;

function str(v: unknown): string | undefined {
  if (typeof v === "string" && v.trim() !== "") return v.trim();
  if (typeof v === "number") return String(v);
  if (v && typeof v === "object") {
    const o = v as Row;
    if (typeof o.DateTime === "string") return o.DateTime;
    if (typeof o.value === "string") return o.value;
  }
  return undefined;
}

function hostOf(row: Row): string | undefined {
  return str(row.PSComputerName) ?? str(row.CSName) ?? str(row.Source) ?? str(row.__SERVER);
}

function scanTime(row: Row, fallback: string | undefined): string | undefined {
  const explicit = str(row.ScannedAt);
  if (explicit) return explicit;
  return fallback;
}

function group(rows: { row: Row; line: number }[], file: string, scannedAt: string | undefined): Converted {
  const byHost = new Map<string, { rows: Row[]; line: number }>();
  const out: Converted = { records: [], problems: [] };
  for (const { row, line } of rows) {
    const host = hostOf(row);
    if (!host) {
      out.problems.push({ line, reason: "Get-HotFix row without PSComputerName, CSName or Source" });
      continue;
    }
    const g = byHost.get(host) ?? { rows: [], line };
    g.rows.push(row);
    byHost.set(host, g);
  }
  for (const [host, g] of byHost) {
    const first = g.rows[0]!;
    const version = str(first.OSVersion);
    const at = scanTime(first, scannedAt);
    if (!version) {
      out.problems.push({
        line: g.line,
        host,
        reason: "Get-HotFix output carries no OSVersion column (see the README's collection script)",
      });
      continue;
    }
    if (!at) {
      out.problems.push({
        line: g.line,
        host,
        reason: "Get-HotFix output carries no ScannedAt column and no --scanned-at was given",
      });
      continue;
    }
    const installed = [
      ...new Set(
        g.rows.map((r) => str(r.HotFixID)).filter((x): x is string => !!x && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(x)),
      ),
    ].sort();
    out.records.push({
      value: {
        host,
        scannedAt: at,
        os: { family: "windows", ...(str(first.OSName) ? { name: str(first.OSName) } : {}), version },
        installed,
        pendingReboot: /^true$/i.test(str(first.PendingReboot) ?? "false"),
      },
      origin: `${file}:${g.line}`,
      line: g.line,
    });
  }
  return out;
}

export function convertHotfixJson(text: string, file: string, scannedAt?: string): Converted {
  const rows: { row: Row; line: number }[] = [];
  for (const { value, line } of parseJsonValues(text.replace(/^\uFEFF/, ""))) {
    for (const row of Array.isArray(value) ? value : [value])
      if (row && typeof row === "object") rows.push({ row: row as Row, line });
  }
  return group(rows, file, scannedAt);
}

/** Splits one CSV line as Export-Csv writes it: every field quoted, "" inside quotes. */
function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

export function convertHotfixCsv(text: string, file: string, scannedAt?: string): Converted {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  let i = 0;
  if (lines[0]?.startsWith("#TYPE")) i = 1;
  const header = splitCsv(lines[i] ?? "");
  const rows: { row: Row; line: number }[] = [];
  for (let n = i + 1; n < lines.length; n++) {
    if (lines[n]!.trim() === "") continue;
    const cells = splitCsv(lines[n]!);
    rows.push({ row: Object.fromEntries(header.map((h, k) => [h, cells[k] ?? ""])), line: n + 1 });
  }
  return group(rows, file, scannedAt);
}
