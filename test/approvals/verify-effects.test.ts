// What an unverified file does to the plan (applyVerification), per kind, on a verification result written by hand:
// each unverified item fails closed on its own (its update stays missing, its rule approves nothing, its exemption
// and baseline are ignored, its timetable's and assignment's hosts get no install jobs), and the rest is planned.
import { beforeAll, describe, expect, it } from "vitest";
import { applyVerification } from "../../reconciler/approvals/effects.js";
import type { DeletionVerdict, SubjectVerdict, VerificationResult } from "../../reconciler/approvals/verify.js";
import type { PolicySet } from "../../reconciler/model/policy-set.js";
import { validateSource } from "../../reconciler/validate/validate.js";
import { updateDoc } from "../helpers/documents.js";
import { memorySource } from "../helpers/memory-source.js";
import { fixtureFiles } from "../helpers/plan-fixture.js";

const NOW = Date.parse("2026-12-10T09:00:00Z");
const doc = (kind: string, name: string, spec: string) =>
  `apiVersion: patchops/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec:\n${spec}`;
const FILES: Record<string, string> = {
  ...fixtureFiles("minimal"),
  "policies/updates/kb100.yaml": updateDoc("KB100"),
  "policies/updates/kb200.yaml": updateDoc("KB200", { decision: "rejected" }),
  "policies/updates/kb300.yaml": updateDoc("KB300", { decision: null }),
  "policies/updates/kb400.yaml": updateDoc("KB400"),
  "policies/updates/kb500.yaml": updateDoc("KB500"),
  "policies/exemptions/ok.yaml": doc(
    "Exemption",
    "ok",
    "  selector: { hosts: [host-01] }\n  updates: [KB100]\n  type: defer\n  reason: r\n  ticket: T-1\n  expires: 2026-12-30\n",
  ),
  "policies/exemptions/bad.yaml": doc(
    "Exemption",
    "bad",
    "  selector: { hosts: [host-02] }\n  updates: [KB100]\n  type: defer\n  reason: r\n  ticket: T-2\n  expires: 2026-12-30\n",
  ),
  "baselines/ok.yaml": doc(
    "Baseline",
    "ok",
    '  selector: { os: windows, role: app }\n  os: { family: windows, minVersion: "10.0.17763" }\n  requiredUpdates: [KB100]\n  revision: 2026-07-01\n',
  ),
  "baselines/bad.yaml": doc(
    "Baseline",
    "bad",
    '  selector: { os: windows, role: sql }\n  os: { family: windows, minVersion: "10.0.17763" }\n  requiredUpdates: [KB100]\n  revision: 2026-07-01\n',
  ),
  "policies/rules/all.yaml": doc("ApprovalRule", "all", "  classifications: [security]\n  approveAfterDays: 0\n"),
  "windows/timetables/lab.yaml": fixtureFiles("minimal")["windows/timetables/dc.yaml"]!.replace(
    "name: dc",
    "name: lab",
  ),
  "windows/assignments/team-b.yaml": doc(
    "Assignment",
    "team-b",
    "  owner: team-b\n  timetable: lab\n  hosts:\n    - { name: host-03, period: D1-04, role: app }\n",
  ),
  "windows/assignments/team-c.yaml": doc(
    "Assignment",
    "team-c",
    "  owner: team-c\n  timetable: dc\n  hosts:\n    - { name: host-04, period: D1-04, role: app }\n",
  ),
};

let set: PolicySet;
beforeAll(async () => {
  const v = await validateSource(memorySource(FILES), NOW);
  expect(v.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  set = v.set;
});

const good = (file: string, over: Partial<SubjectVerdict> = {}): SubjectVerdict => ({
  kind: "update",
  name: file,
  file,
  ok: true,
  strength: "github",
  reason: `reviewed ${file}`,
  commits: [],
  effectiveAt: 1000,
  ...over,
});
const bad = (file: string, reason: string, over: Partial<SubjectVerdict> = {}): SubjectVerdict =>
  good(file, { ok: false, strength: null, reason, effectiveAt: null, ...over });

/** Every file verified, with the exceptions given. */
function result(over: { files?: SubjectVerdict[]; updates?: [string, SubjectVerdict][] } = {}): VerificationResult {
  const files = new Map<string, SubjectVerdict>();
  for (const f of Object.keys(FILES)) files.set(f, good(f));
  for (const f of over.files ?? []) files.set(f.file, f);
  const updates = new Map<string, SubjectVerdict>(
    [
      ["KB100", good("policies/updates/kb100.yaml", { effectiveAt: 1234, decision: "approved" as const })],
      ["KB400", good("policies/updates/kb400.yaml", { effectiveAt: 0, decision: "approved" as const })],
    ].concat(over.updates ?? []) as [string, SubjectVerdict][],
  );
  const assignments = new Map<string, SubjectVerdict>();
  for (const a of [
    "windows/assignments/team-a.yaml",
    "windows/assignments/team-b.yaml",
    "windows/assignments/team-c.yaml",
  ])
    assignments.set(a, files.get(a)!);
  return {
    updates,
    rules: new Map(),
    assignments,
    files,
    cabRoot: "0".repeat(40),
    deletions: [],
    set,
    dropped: [],
  };
}

const deletion = (file: string, over: Partial<DeletionVerdict>): DeletionVerdict => ({
  file,
  kind: "exemption",
  name: "x",
  sha: "a".repeat(40),
  ok: false,
  reason: "deleted in aaaaaaaaaaaa without approval: no pull request",
  evidence: {
    sha: "a".repeat(40),
    ok: false,
    strength: null,
    pull: null,
    url: null,
    author: null,
    approvers: [],
    mergedAt: null,
    detail: "no pull request",
  },
  restored: false,
  restoreText: null,
  ...over,
});

describe("applyVerification", () => {
  it("everything verified: approvals with their instant and evidence, nothing blocked, nothing found", () => {
    const o = applyVerification(set, result());
    expect([...o.approvals]).toEqual([
      ["KB100", { at: 1234, evidence: "reviewed policies/updates/kb100.yaml" }],
      ["KB400", { at: 0, evidence: "reviewed policies/updates/kb400.yaml" }],
    ]);
    expect(o.unverified.size).toBe(0);
    expect(o.blockedAssignments.size).toBe(0);
    expect(o.findings).toEqual([]);
    expect(o.set.exemptions.map((e) => e.name)).toEqual(["bad", "ok"]);
    expect(o.set.baselines.map((b) => b.name)).toEqual(["bad", "ok"]);
  });

  it("an approval with no instant counts from 0; an override travels with the approval", () => {
    const override = { commit: "c".repeat(40), pull: 7, author: "erin", approvers: ["alice"], at: null, reason: "r" };
    const o = applyVerification(
      set,
      result({
        updates: [
          ["KB500", good("policies/updates/kb500.yaml", { effectiveAt: null, decision: "approved", override })],
        ],
      }),
    );
    expect(o.approvals.get("KB500")).toEqual({ at: 0, evidence: "reviewed policies/updates/kb500.yaml", override });
  });

  it("an unverified update stays missing, worded by its decision; the others are planned", () => {
    const o = applyVerification(
      set,
      result({
        updates: [
          ["KB200", bad("policies/updates/kb200.yaml", "why-200", { decision: "rejected" })],
          ["KB300", bad("policies/updates/kb300.yaml", "why-300", { decision: "pending" })],
          ["KB500", bad("policies/updates/kb500.yaml", "why-500", { decision: "approved" })],
        ],
      }),
    );
    expect([...o.approvals.keys()]).toEqual(["KB100", "KB400"]);
    expect([...o.unverified]).toEqual([
      ["KB200", "why-200"],
      ["KB300", "why-300"],
      ["KB500", "why-500"],
    ]);
    expect(o.findings).toEqual([
      {
        code: "approval-unverified",
        severity: "error",
        file: "policies/updates/kb200.yaml",
        line: null,
        column: null,
        message:
          "KB200: rejected in policies/updates/kb200.yaml, but the change could not be verified, so it is not removed from any host and its supersedence does not count: why-200",
      },
      {
        code: "approval-unverified",
        severity: "error",
        file: "policies/updates/kb300.yaml",
        line: null,
        column: null,
        message:
          "KB300: policies/updates/kb300.yaml could not be verified, so its supersedence and prerequisites do not count: why-300",
      },
      {
        code: "approval-unverified",
        severity: "error",
        file: "policies/updates/kb500.yaml",
        line: null,
        column: null,
        message:
          "KB500: approved in policies/updates/kb500.yaml, but the approval could not be verified, so it stays missing and gets no jobs: why-500",
      },
    ]);
    expect(o.blockedAssignments.size).toBe(0);
  });

  it("an unverified exemption, baseline, rule or cab.yaml is left out or reported; nothing else changes", () => {
    const o = applyVerification(
      set,
      result({
        files: [
          bad("policies/exemptions/bad.yaml", "e"),
          bad("baselines/bad.yaml", "b"),
          bad("policies/rules/all.yaml", "r"),
          bad("policies/cab.yaml", "c"),
        ],
      }),
    );
    expect(o.set.exemptions.map((e) => e.name)).toEqual(["ok"]);
    expect(o.set.baselines.map((b) => b.name)).toEqual(["ok"]);
    expect(o.findings.map((f) => [f.code, f.file, f.message])).toEqual([
      [
        "policy-file-unverified",
        "policies/cab.yaml",
        "policies/cab.yaml is unverified, so the last approved CAB judges every approval instead: c",
      ],
      [
        "policy-file-unverified",
        "policies/rules/all.yaml",
        "policies/rules/all.yaml is unverified, so it approves nothing: r",
      ],
      [
        "policy-file-unverified",
        "policies/exemptions/bad.yaml",
        "policies/exemptions/bad.yaml is unverified, so the exemption is ignored: e",
      ],
      [
        "policy-file-unverified",
        "baselines/bad.yaml",
        "baselines/bad.yaml is unverified, so the baseline is ignored: b",
      ],
    ]);
    expect(o.findings.every((f) => f.severity === "error")).toBe(true);
    expect(o.blockedAssignments.size).toBe(0);
    expect(o.set.updates).toBe(set.updates);
  });

  it("an unverified timetable blocks only the assignments on it; an unverified assignment only itself", () => {
    const o = applyVerification(
      set,
      result({ files: [bad("windows/timetables/lab.yaml", "t"), bad("windows/assignments/team-c.yaml", "a")] }),
    );
    expect([...o.blockedAssignments]).toEqual([
      ["windows/assignments/team-b.yaml", "timetable windows/timetables/lab.yaml is unverified (t)"],
      [
        "windows/assignments/team-c.yaml",
        "the latest change to windows/assignments/team-c.yaml was not approved by team team-c (a)",
      ],
    ]);
    expect(o.findings.map((f) => [f.code, f.severity, f.file, f.message])).toEqual([
      [
        "policy-file-unverified",
        "error",
        "windows/timetables/lab.yaml",
        "windows/timetables/lab.yaml is unverified, so the hosts on timetable lab get no install jobs: t",
      ],
    ]);
  });

  it("an unverified policy.yaml with no verified version blocks every assignment; with one, only a finding", () => {
    const none = applyVerification(set, result({ files: [bad("policies/policy.yaml", "p")] }));
    expect([...none.blockedAssignments.values()]).toEqual([
      "policies/policy.yaml is unverified (p)",
      "policies/policy.yaml is unverified (p)",
      "policies/policy.yaml is unverified (p)",
    ]);
    expect(none.findings.map((f) => [f.code, f.severity, f.file, f.message])).toEqual([
      [
        "policy-file-unverified",
        "error",
        "policies/policy.yaml",
        "policies/policy.yaml is unverified, so its hooks, enforcement and SLAs are not applied and no host gets install jobs: p",
      ],
    ]);
    const fallback = applyVerification(
      set,
      result({ files: [bad("policies/policy.yaml", "p", { fallback: { sha: "b".repeat(40) } })] }),
    );
    expect(fallback.blockedAssignments.size).toBe(0);
    expect(fallback.findings.map((f) => [f.code, f.severity, f.file, f.message])).toEqual([
      [
        "policy-file-unverified",
        "error",
        "policies/policy.yaml",
        "policies/policy.yaml is unverified, so its last verified version (commit bbbbbbbbbbbb) is planned instead: p",
      ],
    ]);
    // The first reason a file is blocked is the one kept.
    const both = applyVerification(
      set,
      result({ files: [bad("policies/policy.yaml", "p"), bad("windows/assignments/team-c.yaml", "a")] }),
    );
    expect(both.blockedAssignments.get("windows/assignments/team-c.yaml")).toBe(
      "policies/policy.yaml is unverified (p)",
    );
  });

  it("an unapproved deletion: restored, a finding; not restored, every assignment blocked; approved, nothing", () => {
    const v = result();
    v.deletions = [
      deletion("policies/exemptions/r.yaml", { restored: true }),
      deletion("policies/exemptions/ok-gone.yaml", { ok: true, reason: "deleted in aaaaaaaaaaaa: fine" }),
    ];
    v.dropped = [{ file: "policies/updates/kb500.yaml", reason: "dropped: an unreviewed rename" }];
    const restored = applyVerification(set, v);
    expect(restored.findings.every((f) => f.severity === "error")).toBe(true);
    expect(restored.findings.map((f) => [f.code, f.file, f.message])).toEqual([
      ["policy-file-unverified", "policies/updates/kb500.yaml", "dropped: an unreviewed rename"],
      [
        "deletion-unverified",
        "policies/exemptions/r.yaml",
        "policies/exemptions/r.yaml was deleted in aaaaaaaaaaaa without approval: no pull request; the deletion is not applied: the file's last version takes effect, judged by its own history",
      ],
    ]);
    expect(restored.blockedAssignments.size).toBe(0);
    v.deletions = [deletion("policies/exemptions/r.yaml", {})];
    v.dropped = [];
    const stuck = applyVerification(set, v);
    expect(stuck.findings.map((f) => [f.code, f.severity])).toEqual([["deletion-unverified", "error"]]);
    expect(stuck.findings.map((f) => f.message)).toEqual([
      "policies/exemptions/r.yaml was deleted in aaaaaaaaaaaa without approval: no pull request; so no host gets install jobs until the deletion is approved or the file is restored",
    ]);
    expect([...stuck.blockedAssignments.keys()]).toEqual([
      "windows/assignments/team-a.yaml",
      "windows/assignments/team-b.yaml",
      "windows/assignments/team-c.yaml",
    ]);
    expect(stuck.blockedAssignments.get("windows/assignments/team-a.yaml")).toBe(
      "policies/exemptions/r.yaml was deleted without approval and could not be restored",
    );
  });
});
