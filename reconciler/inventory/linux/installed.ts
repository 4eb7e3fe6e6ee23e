// Installed-package lists as dpkg-query and rpm print them, into the native record's `packages`.

export interface InstalledPackage {
  name: string;
  version: string;
  arch?: string;
  source?: string;
}

export interface LineProblem {
  line: number;
  column: number;
  reason: string;
}

export interface Parsed<T> {
  items: T[];
  problems: LineProblem[];
}

/**
 * The version recorded for a package dpkg has not finished installing: below every real Debian version ('~' sorts
 * before the end of a string), so it satisfies no fixed version and the host stays non-compliant for that package's
 * updates until a run completes the install. The version dpkg printed is in the converter's warning.
 */
export const DPKG_UNFINISHED_VERSION = "0~unfinished";

/** installed: fully installed; unfinished: on disk but not (or no longer) completely installed; absent: not installed. */
export type DpkgState = "installed" | "unfinished" | "absent";

const ABBREV = /^([uihrp])([ncHUFWti])([ R]?)$/;
const LONG = /^(unknown|install|hold|deinstall|purge) (ok|reinstreq) (\S+)$/;
const LONG_STATES: Record<string, string> = {
  "not-installed": "n",
  "config-files": "c",
  "half-installed": "H",
  unpacked: "U",
  "half-configured": "F",
  "triggers-awaited": "W",
  "triggers-pending": "t",
  installed: "i",
};

/**
 * dpkg's state of a package, from `${db:Status-Abbrev}` ("ii ", "iF ", "rc ") or `${Status}` ("install ok installed",
 * osquery's deb_packages.status). Only "installed" without the reinstall-required flag counts as installed; unpacked,
 * half-installed, half-configured and trigger-pending packages are unfinished. null: not a dpkg status.
 */
export function dpkgState(status: string): DpkgState | null {
  const abbrev = ABBREV.exec(status);
  const long = abbrev ? null : LONG.exec(status.trim());
  const state = abbrev ? abbrev[2] : long ? LONG_STATES[long[3]!] : undefined;
  if (state === undefined) return null;
  const reinstreq = abbrev ? abbrev[3] === "R" : long![2] === "reinstreq";
  if (state === "n" || state === "c") return reinstreq ? "unfinished" : "absent";
  return state === "i" && !reinstreq ? "installed" : "unfinished";
}

/** A package dpkg has not finished installing: recorded at DPKG_UNFINISHED_VERSION and reported. */
export interface UnfinishedPackage {
  line: number;
  name: string;
  version: string;
  status: string;
}

/**
 * `dpkg-query -W -f='${Package}\t${Version}\t${Architecture}\t${db:Status-Abbrev}\t${source:Package}\t${source:Version}\n'`.
 * Packages removed with their configuration kept ("rc") are not installed and are skipped. A package whose install
 * did not finish (iU, iF, iH, ...) is not installed at its version: it is listed at DPKG_UNFINISHED_VERSION (so the
 * updates that concern it still apply, unmet) and named in `unfinished`.
 */
export function parseDpkgQuery(text: string): Parsed<InstalledPackage> & { unfinished: UnfinishedPackage[] } {
  const items: InstalledPackage[] = [];
  const problems: LineProblem[] = [];
  const unfinished: UnfinishedPackage[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === "") return;
    const f = raw.split("\t");
    const [name, version, arch, status, source] = f;
    if (f.length < 4 || !name || !version || !/^[a-z0-9][a-z0-9+.-]*$/.test(name)) {
      problems.push({
        line: i + 1,
        column: 1,
        reason:
          "expected Package<TAB>Version<TAB>Architecture<TAB>Status-Abbrev[<TAB>source:Package<TAB>source:Version]",
      });
      return;
    }
    if (!/^[0-9]/.test(version.replace(/^\d+:/, ""))) {
      problems.push({ line: i + 1, column: name.length + 2, reason: `'${version}' is not a Debian version` });
      return;
    }
    const state = dpkgState(status ?? "");
    if (state === null) {
      problems.push({
        line: i + 1,
        column: name.length + version.length + (arch ?? "").length + 4,
        reason: `'${status}' is not a dpkg status (db:Status-Abbrev such as 'ii ', or Status such as 'install ok installed')`,
      });
      return;
    }
    if (state === "absent") return;
    if (state === "unfinished") unfinished.push({ line: i + 1, name, version, status: status!.trimEnd() });
    items.push({
      name,
      version: state === "installed" ? version : DPKG_UNFINISHED_VERSION,
      ...(arch ? { arch } : {}),
      ...(source && source !== name ? { source } : {}),
    });
  });
  return { items, problems, unfinished };
}

/** `rpm -qa --qf '%{NAME}\t%{EPOCH}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\n'`; an epoch of (none) is left out. */
export function parseRpmQa(text: string): Parsed<InstalledPackage> {
  const items: InstalledPackage[] = [];
  const problems: LineProblem[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === "") return;
    const f = raw.split("\t");
    const [name, epoch, version, release, arch] = f;
    if (f.length !== 5 || !name || !version || !release) {
      problems.push({ line: i + 1, column: 1, reason: "expected NAME<TAB>EPOCH<TAB>VERSION<TAB>RELEASE<TAB>ARCH" });
      return;
    }
    if (epoch !== "(none)" && !/^\d+$/.test(epoch!)) {
      problems.push({
        line: i + 1,
        column: name.length + 2,
        reason: `epoch '${epoch}' is neither a number nor (none)`,
      });
      return;
    }
    const e = epoch === "(none)" || epoch === "0" ? "" : `${epoch}:`;
    items.push({ name, version: `${e}${version}-${release}`, ...(arch && arch !== "(none)" ? { arch } : {}) });
  });
  return { items, problems };
}
