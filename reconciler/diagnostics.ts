import { compareText } from "./order.js";
// Diagnostics: user mistakes as values with a stable code and a position, never exceptions.

export type Severity = "error" | "warning" | "info";

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  file: string | null;
  line: number | null;
  column: number | null;
}

/** Every code patchops reports, with what it means and how to fix it (the README's table is checked against this). */
export const DIAGNOSTIC_CODES = {
  "yaml-syntax": "The file is not valid YAML. Fix the syntax at the position shown.",
  "duplicate-key": "A mapping repeats a key; YAML would silently keep one. Remove or rename the duplicate.",
  "alias-limit": "The document expands too many aliases (a 'billion laughs' bomb). Write the values out.",
  "forbidden-key": "`__proto__`, `constructor` and `prototype` are refused as keys. Rename the key.",
  "file-too-large": "A policy file is larger than 1 MiB. Split it; no real policy document needs that much.",
  "binary-file": "The file holds NUL bytes. Policy folders hold YAML text only.",
  "not-utf8": "The file is not UTF-8. Re-save it as UTF-8.",
  "empty-file": "The file holds no document. Delete it or write the document.",
  "multi-document": "The file holds more than one YAML document. Put one document per file.",
  "symlink-outside-repo":
    "A symbolic link points outside the repository, so its content is not under review. Replace it with the file.",
  "symlink-refused":
    "A symbolic link points into .git, elsewhere in the repository outside the policy folders, or in a loop. It is not read. Replace it with the file.",
  "unreadable-file": "The file could not be read.",
  "stray-file": "A file that is not YAML sits in a policy folder and is ignored. Move or rename it.",
  "unknown-kind": "`kind` is not one of the patchops kinds.",
  "api-version": "`apiVersion` must be patchops/v1.",
  "wrong-folder": "The document's kind does not belong in this folder (see the repository layout).",
  schema:
    "A field is missing, unknown, of the wrong type or out of range. The message names the field and what it must be.",
  "name-mismatch": "`metadata.name` must equal the file name without .yaml.",
  "duplicate-name": "Two documents of one kind share a name.",
  "duplicate-update-id": "Two Update files carry the same `spec.id`.",
  "missing-document": "A required document (policies/policy.yaml or policies/cab.yaml) is missing.",
  "unknown-timetable": "An assignment names a timetable that does not exist.",
  "unknown-period":
    "A host's period (or a period a selector may give) is neither a period of its timetable's standard cycle nor one of its recurring windows.",
  "unknown-update": "An id in requires, supersedes, a baseline, an exemption or a rule names no Update file.",
  "host-assigned-twice": "A host appears in more than one assignment (or twice in one). A host has exactly one period.",
  "selector-matches":
    "Information from `validate --inventory`: how many hosts an assignment selector matches in that inventory.",
  "assignment-empty": "An assignment names no host and has no selector, so it assigns nothing.",
  "cluster-same-day":
    "Two nodes of one cluster are on the same day (or the same recurring window), so an emergency or standard run could take both down.",
  "exemption-expired":
    "The exemption's expiry date has passed; it no longer protects anything. Renew it by pull request or delete it.",
  "exemption-too-long": "The exemption expires later than PatchPolicy's exemptions.maxDays allows.",
  "exemption-no-target": "An exemption names neither hosts nor a selector.",
  cycle: "supersedes or requires form a cycle.",
  "superseded-approved": "An approved update is superseded by another approved update; only the newest is deployed.",
  "missing-severity": "A security update carries no severity, so its timeline cannot be decided.",
  "rfc-incomplete": "An update on the emergency timeline must answer every RFC question.",
  "rfc-todo": "An RFC field still says TODO. A person must answer it before the change can merge.",
  "emergency-sla": "The timetable's emergency timeline cannot finish within PatchPolicy's sla.emergencyHours.",
  "invalid-time-zone": "The timetable's timeZone is not a known IANA zone.",
  "invalid-recurrence": "A recurring window needs exactly one valid rrule or cron expression.",
  "rejected-required": "A baseline requires an update that is rejected.",
  "rules-disagree": "Two approval rules match the same update but imply different timelines or delays.",
  "inventory-malformed":
    "An inventory record is not valid JSON or misses required fields; its host is treated as stale.",
  "inventory-duplicate": "A host appears in the inventory more than once; the latest scan wins.",
  "inventory-unusable":
    "No record of an inventory file could be used (every line malformed): the plan is written, its hosts are unscanned, and the run exits 1. Check the scanner's output and its encoding.",
  "inventory-unreadable": "An inventory file could not be read or its format recognised.",
  "status-snapshot-untrusted":
    "A snapshot on the status branch is not sealed by `status record` with PATCHOPS_STATUS_KEY (or its seal does not match its bytes), so it is not used as evidence of a pilot success or of when an upgrade was first offered. See docs/inventory-and-degradation.md.",
  "selector-overlap":
    "Selectors of assignments of different owners can match the same host name: one team's selector would take another team's hosts. Narrow one of them (the error names both files).",
  "cluster-window":
    "A written plan puts two nodes of one cluster in overlapping windows; export ansible refuses it. Plan again with this version.",
  "exemption-expired-ignored": "An expired exemption was ignored by the plan.",
  "codeowners-stale":
    ".github/CODEOWNERS no longer matches cab.yaml and the assignments, so GitHub would ask the wrong reviewers. Run `patchops codeowners --write` and commit the result.",
  "approval-unverified":
    "An Update file's approval could not be verified: an approved update gets no jobs; a pending or rejected one keeps its decision, but its supersedence, prerequisites and removal do not count.",
  "team-unreadable":
    "A GitHub team named in cab.yaml (@org/team-slug) could not be read in this run (no such team, a token without read:org or the organisation's members permission, a rate limit): it approves nothing, so changes only its members approved stay unverified. The finding points at the entry; see docs/approvals.md for the token.",
  "cab-root-unpinned":
    "No CAB trust root is pinned (--cab-root or PATCHOPS_CAB_ROOT): the first commit of cab.yaml is trusted on first use. Set PATCHOPS_CAB_ROOT in the workflows to the full 40-hex SHA of the reviewed root (a tag is refused: it can be moved).",
  "deletion-unverified":
    "A policy file was deleted by a commit no reviewed pull request covers. The deletion is not applied: the file's last version takes effect, judged by its own history; if it no longer fits the policy, no host gets install jobs until the deletion is approved.",
  "results-malformed": "A job results line (or patchops_result in Ansible JSON output) is not a job result.",
  "results-unknown-host": "A job result names a host neither assigned nor scanned; it was not applied.",
  "result-contradicted": "A job reported an update installed, but a later scan lists it missing. Check the host.",
  "update-failing": "An update failed on a host retry.maxFailures times or more; the owner must look at it.",
  "restart-needed":
    "A host waits for a restart to finish installing approved updates, and patchops may not force one (no-force, or enforcement.forceRestart: false): its owner must restart it.",
  "result-from-the-future":
    "A job result claims to have finished after the plan's instant (beyond five minutes of skew): the control node's clock is wrong, and the result is ignored.",
  "update-needs-person":
    "An update failed on a host with a deterministic cause (or an unknown one twice); it is not retried until a person fixes the cause.",
  "rejected-not-uninstallable": "A rejected update with remove: true is installed but cannot be uninstalled.",
  "catalog-only-source": "A catalog-only update needs source.url and source.sha256 (downloaded and checked).",
  "pilot-failed":
    "A reference host's pilot window passed without the update installed and the pilot can no longer reach minSuccessRatio: every host is held until a pull request sets `pilot: {override: proceed, reason: …}` on the Update file or rejects it.",
  "pilot-overridden":
    "A failed pilot was overridden by `pilot: {override: proceed}` on the Update file; the broad wave proceeds.",
  "pilot-host-failed":
    "A reference host's pilot window passed without the update installed, but the pilot still met minSuccessRatio. Investigate that host.",
  "pilot-skipped":
    "A standard update approved after its cycle's pilot window keeps the SLA by deploying in the remaining periods of that cycle without a pilot wave (one finding per patch: a Linux advisory's package versions give one).",
  "sla-at-risk":
    "A host's next window ends after the standard SLA counted from approval (sla.standardDays); one finding per host and window, naming the patches late there. Approve earlier, add windows, or accept the risk.",
  "cluster-held":
    "At plan time, two nodes of one cluster would be patched in overlapping windows; the later node's job is held and everything else is planned. Move one node's period.",
  "cluster-overlap":
    "Two nodes of one cluster have standard, recurring or emergency windows that overlap in UTC over the coming cycles (for example in timetables of different time zones). Move one node's period.",
  "escalation-staggered":
    "Two nodes of one cluster are past the SLA at once: only one is isolated; the owner of the other is notified instead.",
  "policy-file-unverified":
    "A policy file (policy, CAB, rule, exemption, baseline, timetable) changed in a commit no approved pull request covers. It does not take effect as described in the approval model; merge the change through a reviewed pull request.",
  "baseline-requirement-unapproved":
    "A baseline requires an update that has no approved Update file (pending, rejected or missing). It deploys nothing until an Update file approves it.",
  "trust-local-approvals":
    "The run accepted Approved-by: trailers (--trust-local-approvals). Anyone who can commit can forge them: for air-gapped demos only.",
  "branch-protection":
    "The branch's protection is missing a setting the approval model relies on (required reviews, dismiss stale reviews, no force pushes), or the token may not read it.",
  "os-name-unknown":
    "A Windows host's OS name (Win32_OperatingSystem.Caption or the record's os.name) matches no Windows release patchops knows, so updates for named Windows versions cannot be matched; the host counts as noncompliant. Fix the collector, or report the caption so it joins the table in reconciler/inventory/os-names.ts.",
  "below-baseline":
    "A host runs an OS build or a product version below what its Baseline requires (os.minVersion, products[].versions); it is not compliant until it is brought up to the baseline.",
  "applicability-estimated":
    "Hosts whose record carries no scan of their own update agent (agentScan): what applies to them was matched from advisory text and may be wrong (hotpatches, servicing branches, new releases). Run the collector of docs/collectors.md on them.",
  "os-release-unknown":
    "An Update file names a Windows release patchops does not know (e.g. 'Windows 11 Version 26H1'): it applies to no host matched from advisory text (never to the whole family); hosts with an agent scan still get it where their agent offers it.",
  "advisory-ignored":
    "An Advisory file (policies/advisories/) that plan does not read: its KB has an Update file, whose own cves, severity and exploited decide, or another Advisory file for the same KB comes first. Move the facts into the Update file, or delete the extra file.",
} as const;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

export function diagnostic(
  code: DiagnosticCode,
  severity: Severity,
  message: string,
  where: { file?: string | null; line?: number | null; column?: number | null } = {},
): Diagnostic {
  return { code, severity, message, file: where.file ?? null, line: where.line ?? null, column: where.column ?? null };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Orders diagnostics by file, line, column and code so output is stable. */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort(
    (a, b) =>
      compareText(a.file ?? "", b.file ?? "") ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      compareText(a.code, b.code) ||
      compareText(a.message, b.message),
  );
}
