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

/** dpkg status abbreviations whose second letter means the files are on disk (installed, or half-way through). */
const PRESENT = new Set(["i", "U", "F", "H", "W", "t"]);

/**
 * `dpkg-query -W -f='${Package}\t${Version}\t${Architecture}\t${db:Status-Abbrev}\t${source:Package}\t${source:Version}\n'`.
 * Packages removed with their configuration kept ("rc") are not installed and are skipped.
 */
export function parseDpkgQuery(text: string): Parsed<InstalledPackage> {
  const items: InstalledPackage[] = [];
  const problems: LineProblem[] = [];
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
    if (!PRESENT.has(status?.[1] ?? "")) return;
    items.push({
      name,
      version,
      ...(arch ? { arch } : {}),
      ...(source && source !== name ? { source } : {}),
    });
  });
  return { items, problems };
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
