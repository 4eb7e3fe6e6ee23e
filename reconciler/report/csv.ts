// Compliance as CSV for auditors (RFC 4180): quoted when needed, and cells that a spreadsheet would run as a formula neutralised.
// Not csv-stringify: four times slower on 300,000 rows, and it leaves a lone CR or LF unquoted (docs/development.md).
import type { HostResult } from "../model/plan.js";
import type { UpdateCompliance } from "./compliance.js";
import { isOpenState } from "./states.js";
import type { UpdateInfo } from "./update-info.js";

/** One cell: a leading =, +, -, @, tab or CR would make Excel or LibreOffice evaluate it, so it gets a quote mark. */
export function csvCell(value: string | number | boolean | null | undefined): string {
  let text = value === null || value === undefined ? "" : String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function row(cells: readonly (string | number | boolean | null)[]): string {
  return cells.map(csvCell).join(",") + "\r\n";
}

function csv(header: readonly string[], rows: readonly (readonly (string | number | boolean | null)[])[]): string {
  return [header, ...rows].map(row).join("");
}

/** One row per host, in the site's order, a row at a time. */
export function* hostsCsv(hosts: Iterable<HostResult>): Generator<string> {
  yield row([
    "host",
    "status",
    "owner",
    "period",
    "cluster",
    "role",
    "os",
    "os_version",
    "scanned_at",
    "open_updates",
    "open",
  ]);
  for (const h of hosts) {
    const open = Object.entries(h.updates)
      .filter(([, s]) => isOpenState(s))
      .map(([id, s]) => `${id}:${s}`);
    yield row([
      h.host,
      h.status,
      h.owner,
      h.period,
      h.cluster,
      h.role,
      h.os ? (h.os.name ?? h.os.family) : null,
      h.os?.version ?? null,
      h.scannedAt,
      open.length,
      open.join(" "),
    ]);
  }
}

/**
 * One row per approved update, with what people read about it; `unscanned` (hosts that may need it, counted against
 * it) lets a reader rebuild the percentage: installed / (installed + missing + exempt + unscanned).
 */
export function updatesCsv(byUpdate: readonly UpdateCompliance[], info: ReadonlyMap<string, UpdateInfo>): string {
  return csv(
    [
      "update",
      "title",
      "severity",
      "classification",
      "released",
      "decision",
      "timeline",
      "installed",
      "missing",
      "exempt",
      "deferred",
      "not_applicable",
      "unscanned",
      "percent",
    ],
    byUpdate.map((u) => {
      const i = info.get(u.id);
      return [
        u.id,
        i?.title ?? null,
        i?.severity ?? null,
        i?.classification ?? null,
        i?.released ?? null,
        u.decision,
        u.timeline,
        u.installed,
        u.missing,
        u.exempt,
        u.deferred,
        u.notApplicable,
        u.unscanned,
        u.fullyDeferred ? "deferred" : u.percent,
      ];
    }),
  );
}
