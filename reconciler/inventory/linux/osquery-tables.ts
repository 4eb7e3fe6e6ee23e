// osquery's deb_packages and rpm_packages tables as the native record's installed packages.
import { DPKG_UNFINISHED_VERSION, dpkgState, type InstalledPackage } from "./installed.js";

type Row = Record<string, unknown>;

export interface LinuxPackageRows {
  format: "deb" | "rpm";
  /** name/arch → package; differential results add and remove rows. */
  rows: Map<string, InstalledPackage>;
}

const text = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "");

/** Which Linux package table a query or row belongs to; null for other tables. */
export function linuxTableOf(queryName: string, row: Row): "deb_packages" | "rpm_packages" | null {
  if (queryName.includes("deb_packages") || ("maintainer" in row && "revision" in row && "status" in row))
    return "deb_packages";
  if (queryName.includes("rpm_packages") || ("release" in row && "epoch" in row && "name" in row))
    return "rpm_packages";
  return null;
}

/**
 * Adds (or removes) one row. A deb row is installed at its version only when dpkg says "install ok installed" (or it
 * carries no status); one dpkg has not finished installing (unpacked, half-configured, ...) is listed at
 * DPKG_UNFINISHED_VERSION, so the updates that concern it still apply, unmet.
 */
export function linuxPackageRow(
  acc: LinuxPackageRows | null,
  table: "deb_packages" | "rpm_packages",
  row: Row,
  removed: boolean,
): LinuxPackageRows {
  const out = acc ?? { format: table === "deb_packages" ? "deb" : "rpm", rows: new Map() };
  const name = text(row.name).trim();
  if (!name) return out;
  const arch = text(row.arch) || undefined;
  const key = `${name}/${arch ?? ""}`;
  if (removed) {
    out.rows.delete(key);
    return out;
  }
  if (table === "deb_packages") {
    const status = text(row.status);
    const state = status ? dpkgState(status) : "installed";
    if (state !== "installed" && state !== "unfinished") return out;
    const source = text(row.source).replace(/\s*\(.*\)$/, "");
    out.rows.set(key, {
      name,
      version: state === "installed" ? text(row.version) : DPKG_UNFINISHED_VERSION,
      ...(arch ? { arch } : {}),
      ...(source && source !== name ? { source } : {}),
    });
  } else {
    const epoch = text(row.epoch);
    const release = text(row.release);
    out.rows.set(key, {
      name,
      version: `${epoch && epoch !== "0" ? `${epoch}:` : ""}${text(row.version)}${release ? `-${release}` : ""}`,
      ...(arch ? { arch } : {}),
    });
  }
  return out;
}
