// Why an install failed, by cause: a transient failure is retried with backoff, a deterministic one needs a person.
//
// The table is the documented one (docs/execution.md, "Retries by cause"). Codes are Windows Update Agent and CBS
// HRESULTs as the playbook reports them (0x800F0922), or the words the playbook and patchops write for package-manager
// and offer failures (apt-fetch, not-offered). An unknown code is given the benefit of one retry: it counts as
// deterministic from its second consecutive failure on.

export type FailureClass = "transient" | "deterministic";

export interface FailureCause {
  class: FailureClass;
  /** What the code means, in the words an operator searches for. */
  meaning: string;
}

/** Known codes, upper-case for HRESULTs (0x800F0922), lower-case for words. */
export const FAILURE_CAUSES: ReadonlyMap<string, FailureCause> = new Map<string, FailureCause>([
  // Windows: CBS and installer failures a retry will not cure (the same bytes fail the same way).
  [
    "0X800F0922",
    {
      class: "deterministic",
      meaning:
        "CBS_E_INSTALLERS_FAILED: the servicing stack could not install (System Reserved or recovery partition too small, a blocked .NET or VPN component)",
    },
  ],
  [
    "0X80070643",
    {
      class: "deterministic",
      meaning: "ERROR_INSTALL_FAILURE: the installer failed (e.g. KB5034441 with a WinRE partition too small)",
    },
  ],
  [
    "0X80070005",
    {
      class: "deterministic",
      meaning: "E_ACCESSDENIED: access denied (permissions, an endpoint agent blocking servicing)",
    },
  ],
  ["0X800F081F", { class: "deterministic", meaning: "CBS_E_SOURCE_MISSING: a component source is missing" }],
  [
    "0X800F0831",
    {
      class: "deterministic",
      meaning: "CBS_E_STORE_CORRUPTION: the component store is corrupt (a prerequisite is missing)",
    },
  ],
  [
    "0X80073712",
    { class: "deterministic", meaning: "ERROR_SXS_COMPONENT_STORE_CORRUPT: the component store is corrupt" },
  ],
  ["0X80070070", { class: "deterministic", meaning: "ERROR_DISK_FULL: not enough disk space" }],
  ["0X80240017", { class: "deterministic", meaning: "WU_E_NOT_APPLICABLE: the update is not applicable to this host" }],
  // Windows: the network, the service or a reboot in progress; the next window usually succeeds.
  [
    "0X80240022",
    {
      class: "transient",
      meaning:
        "WU_E_ALL_UPDATES_FAILED: every update of the operation failed; an aggregate, so the per-update code decides when there is one",
    },
  ],
  [
    "0X8024402C",
    {
      class: "transient",
      meaning: "WU_E_PT_WINHTTP_NAME_NOT_RESOLVED: the update server's name did not resolve (proxy or DNS)",
    },
  ],
  [
    "0X8024402F",
    {
      class: "transient",
      meaning: "WU_E_PT_ECP_SUCCEEDED_WITH_ERRORS: external cab processing finished with errors (download interrupted)",
    },
  ],
  ["0X80240438", { class: "transient", meaning: "WU_E_PT_ENDPOINT_UNREACHABLE: no route to the update server" }],
  ["0X80072EE2", { class: "transient", meaning: "ERROR_INTERNET_TIMEOUT: the download timed out" }],
  ["0X80072EFE", { class: "transient", meaning: "ERROR_INTERNET_CONNECTION_ABORTED: the connection was aborted" }],
  [
    "0X8024001E",
    { class: "transient", meaning: "WU_E_SERVICE_STOP: the Windows Update service stopped (shutdown in progress)" },
  ],
  [
    "0X8024200D",
    { class: "transient", meaning: "WU_E_UH_NEEDANOTHERDOWNLOAD: the update needs to be downloaded again" },
  ],
  ["0X8007000E", { class: "transient", meaning: "E_OUTOFMEMORY: out of memory during installation" }],
  ["0X80070422", { class: "deterministic", meaning: "ERROR_SERVICE_DISABLED: the Windows Update service is disabled" }],
  // Words: offers, package managers and the executor.
  ["not-offered", { class: "deterministic", meaning: "the host's update agent does not offer the update" }],
  ["unreachable", { class: "transient", meaning: "the control node could not reach the host" }],
  ["apt-fetch", { class: "transient", meaning: "apt could not download a package or index (network, mirror)" }],
  ["apt-lock", { class: "transient", meaning: "another package manager process held the dpkg lock" }],
  ["apt-not-found", { class: "deterministic", meaning: "apt has no candidate of that version" }],
  [
    "apt-dpkg-error",
    { class: "deterministic", meaning: "dpkg failed to configure a package (a maintainer script returned an error)" },
  ],
  ["dnf-fetch", { class: "transient", meaning: "dnf could not download metadata or a package" }],
  ["dnf-not-found", { class: "deterministic", meaning: "dnf has no match for that version" }],
  ["dnf-transaction", { class: "deterministic", meaning: "the dnf transaction check or a scriptlet failed" }],
]);

/** A code as the table keys it: HRESULTs upper-cased with their 0x prefix, words lower-cased. */
export function normalizeFailureCode(code: string): string {
  const t = code.trim();
  if (/^0x[0-9a-f]{8}$/i.test(t)) return `0X${t.slice(2).toUpperCase()}`;
  // A signed decimal HRESULT, as some tools print it (-2146498270 is 0x800F0922).
  if (/^-\d{1,10}$/.test(t)) {
    const n = Number(t);
    if (n >= -0x80000000) return `0X${(n >>> 0).toString(16).toUpperCase().padStart(8, "0")}`;
  }
  return t.toLowerCase();
}

/** The cause of one failure, or null for a code the table does not know (and for no code at all). */
export function failureCause(code: string | null): FailureCause | null {
  return code === null ? null : (FAILURE_CAUSES.get(normalizeFailureCode(code)) ?? null);
}

/**
 * Whether the failures since the last success call for a person rather than another attempt: a known deterministic
 * code at once, an unknown (or missing) code from its second consecutive failure on.
 */
export function needsPerson(code: string | null, attempts: number): boolean {
  const cause = failureCause(code);
  if (cause) return cause.class === "deterministic";
  return attempts >= 2;
}
