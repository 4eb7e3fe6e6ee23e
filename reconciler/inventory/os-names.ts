// One table from Windows names as vendors and machines write them (MSRC/CSAF product names, Win32_OperatingSystem
// captions) to the canonical OS names Update files use, with the build range a versioned product name implies.

/** A canonical Windows OS: the name Update files and inventories share, and the builds a versioned name covers. */
export interface WindowsOs {
  name: string;
  /** A version range such as ">=10.0.19045 <10.0.19046", when the vendor's name pins a release (Windows 10 22H2). */
  builds?: string;
}

/** Windows 10 and 11 releases by their marketing version: the build number every release of it carries. */
const CLIENT_BUILDS: Record<"10" | "11", Record<string, number>> = {
  "10": {
    "1507": 10240,
    "1511": 10586,
    "1607": 14393,
    "1703": 15063,
    "1709": 16299,
    "1803": 17134,
    "1809": 17763,
    "1903": 18362,
    "1909": 18363,
    "2004": 19041,
    "20H2": 19042,
    "21H1": 19043,
    "21H2": 19044,
    "22H2": 19045,
  },
  "11": { "21H2": 22000, "22H2": 22621, "23H2": 22631, "24H2": 26100, "25H2": 26200 },
};

/** Windows Server's semi-annual and annual channel releases (captions carry no year; the build tells them apart). */
const SERVER_VERSION_BUILDS: Record<string, number> = {
  "1709": 16299,
  "1803": 17134,
  "1809": 17763,
  "1903": 18362,
  "1909": 18363,
  "2004": 19041,
  "20H2": 19042,
  "23H2": 25398,
};

/** Long-term Windows Server releases by build, for captions without a year ("Windows Server Datacenter"). */
const SERVER_LTSC_BUILDS: Record<number, string> = {
  14393: "Windows Server 2016",
  17763: "Windows Server 2019",
  20348: "Windows Server 2022",
  26100: "Windows Server 2025",
};

function exactBuild(build: number): string {
  return `>=10.0.${build} <10.0.${build + 1}`;
}

/** Strips what vendors and WMI add around the name: the Microsoft prefix, ® and ™, spacing. */
function clean(text: string): string {
  return text
    .replace(/[®™]|\(R\)|\(TM\)/gi, "")
    .replace(/^\s*Microsoft\s+/i, "")
    .replace(/\s+/g, " ")
    .trim();
}

function buildOf(version: string | null | undefined): number | null {
  const m = /^10\.0\.(\d+)/.exec(version ?? "");
  return m ? Number(m[1]) : null;
}

/**
 * The Windows OS a product name or caption names, or null when it names none (an application such as SQL Server, or
 * an application "on" Windows: callers split "X on Windows Y" first). `version` (the scanned build) resolves captions
 * that carry no year, such as a semi-annual-channel server's "Windows Server Datacenter".
 */
export function windowsOsOf(text: string, version?: string | null): WindowsOs | null {
  const t = clean(text);
  let m = /^Windows Server,? (\d{4}),? (\d{2}H\d) Edition\b/i.exec(t);
  if (m) return { name: `Windows Server version ${m[2]!.toUpperCase()}` };
  m = /^Windows Server,? (\d{4}(?: R2)?)\b/i.exec(t);
  if (m) return { name: `Windows Server ${m[1]!.toUpperCase()}` };
  m = /^Windows Server,? version (\d{4}|\d{2}H\d)\b/i.exec(t);
  if (m) return { name: `Windows Server version ${m[1]!.toUpperCase()}` };
  if (/^Windows Server\b/i.test(t) && !/\bon\b/i.test(t)) {
    // A caption without a year ("Windows Server Datacenter", "Windows Server Standard"): the build says which.
    const build = buildOf(version);
    if (build === null) return null;
    // Year-less captions belong to the semi-annual channel; long-term releases name their year.
    const release = Object.entries(SERVER_VERSION_BUILDS).find(([, b]) => b === build);
    if (release) return { name: `Windows Server version ${release[0]}` };
    return SERVER_LTSC_BUILDS[build] ? { name: SERVER_LTSC_BUILDS[build] } : null;
  }
  m = /^Windows (10|11)\b(?:,? Version (\w+))?/i.exec(t);
  if (m && !/\bon Windows\b/i.test(t.slice(m[0].length))) {
    const major = m[1] as "10" | "11";
    const name = `Windows ${major}`;
    // A caption ("Windows 10 Enterprise") names no release; a product name without a version is the first release.
    const isProductName = /\bfor\b.*\bSystems\b/i.test(t) || m[2] !== undefined;
    if (!isProductName) return { name };
    const release = m[2]?.toUpperCase() ?? (major === "10" ? "1507" : "21H2");
    const build = CLIENT_BUILDS[major][release];
    return build === undefined ? { name } : { name, builds: exactBuild(build) };
  }
  m = /^Windows (RT 8\.1|8\.1|8|7|Vista|XP|RT)\b/i.exec(t);
  if (m)
    return {
      name: `Windows ${m[1]!
        .replace(/^rt/i, "RT")
        .replace(/^vista/i, "Vista")
        .replace(/^xp/i, "XP")}`,
    };
  m = /^Windows Server 2003\b/i.exec(t);
  if (m) return { name: "Windows Server 2003" };
  return null;
}

/** The canonical name of a scanned OS; `known` is false for a Windows host whose name matches no Windows release. */
export function canonicalOsName(
  family: string,
  reported: string | null,
  version: string,
): { name: string | null; known: boolean } {
  if (family !== "windows") return { name: reported, known: true };
  if (reported === null) return { name: null, known: false };
  const os = windowsOsOf(reported, version);
  return os ? { name: os.name, known: true } : { name: reported, known: false };
}

/** "Microsoft .NET Framework 3.5 on Windows 8.1 for x64-based systems" → the application and the OS it runs on. */
export function splitOnWindows(product: string): { product: string; os: string } | null {
  const m = /^(.*?)\s+(?:on|for)\s+((?:Microsoft\s+)?Windows\s+(?:Server|10|11|8|7|RT|Vista).*)$/i.exec(product);
  if (!m || /^(Microsoft\s+)?Windows\b/i.test(m[1]!)) return null;
  return { product: m[1]!, os: m[2]! };
}

const updateNameMemo = new Map<string, { key: string; builds: string | undefined }>();
function parsed(name: string): { key: string; builds: string | undefined } {
  let hit = updateNameMemo.get(name);
  if (hit === undefined) {
    const os = windowsOsOf(name);
    hit = { key: (os?.name ?? name).toLowerCase(), builds: os?.builds };
    if (updateNameMemo.size < 10_000) updateNameMemo.set(name, hit);
  }
  return hit;
}

/** The canonical form of an OS name written in an Update file (lower-case, for comparing with a host's). */
export function canonicalKey(name: string): string {
  return parsed(name).key;
}

/** The builds an OS name in an Update file pins ("Windows 10 Version 1607 …" → ">=10.0.14393 <10.0.14394"), if any. */
export function impliedBuilds(name: string): string | undefined {
  return parsed(name).builds;
}
