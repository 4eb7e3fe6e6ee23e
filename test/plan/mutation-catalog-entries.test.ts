// The catalogue (plan/catalog.ts) on a policy validated in memory: the decision of the file or of the first rule, the
// approval instant (never before the release, the rule's delay or the evidence), unverified files applied only to
// their decision, ids required by a baseline without a file, transitive supersedence; scanned entries (no Update
// file) decided by rules the CAB may not have approved. Lines and instants are read off the YAML written here.
import { describe, expect, it } from "vitest";
import type { PolicySet } from "../../reconciler/load/policy-set.js";
import { UpdateSpec } from "../../reconciler/model/update.js";
import {
  buildCatalog,
  lineOf,
  scannedEntry,
  supersedersOf,
  type ApprovalEvidence,
} from "../../reconciler/plan/catalog.js";
import { validateSource } from "../../reconciler/validate/validate.js";
import { memorySource } from "../helpers/memory-source.js";
import { fixtureFiles } from "../helpers/plan-fixture.js";

const NOW = Date.parse("2026-12-10T09:00:00Z");

async function policy(files: Record<string, string | null>, allow: string[] = []): Promise<PolicySet> {
  const all: Record<string, string> = fixtureFiles("minimal");
  for (const [p, t] of Object.entries(files)) {
    if (t === null) delete all[p];
    else all[p] = t;
  }
  const { set, diagnostics } = await validateSource(memorySource(all), NOW);
  expect(diagnostics.filter((d) => d.severity === "error" && !allow.includes(d.code))).toEqual([]);
  return set;
}

/** An Update file; `extra` lines go under spec (two spaces), after `released` on line 10. */
const update = (name: string, id: string, released: string, extra: string[]) =>
  [
    "apiVersion: patchops/v1",
    "kind: Update",
    "metadata:",
    `  name: ${name}`,
    "spec:",
    `  id: ${id}`,
    `  title: ${id} test`,
    "  classification: security",
    "  severity: low",
    `  released: ${released}`,
    ...extra.map((l) => `  ${l}`),
    "",
  ].join("\n");

// The rule's spec (its first key) is on line 6.
const RULE = [
  "apiVersion: patchops/v1",
  "kind: ApprovalRule",
  "metadata:",
  "  name: low-after-3",
  "spec:",
  "  severities: [low]",
  "  approveAfterDays: 3",
  "  timeline: emergency",
  "",
].join("\n");

const BASELINE = (name: string, ids: string) =>
  [
    "apiVersion: patchops/v1",
    "kind: Baseline",
    "metadata:",
    `  name: ${name}`,
    "spec:",
    "  selector: {}",
    "  revision: 2026-06-01",
    "  requiredUpdates:",
    ...ids.split(",").map((i) => `    - ${i}`),
    "",
  ].join("\n");

const NONE = new Map<string, ApprovalEvidence>();

describe("lineOf", () => {
  it("file:line, or the file alone without a line", () => {
    expect(lineOf({ file: "a.yaml", line: 3 })).toBe("a.yaml:3");
    expect(lineOf({ file: "a.yaml", line: null })).toBe("a.yaml");
  });
});

describe("buildCatalog", () => {
  it("decided by the file, by a rule after its delay, pending before it, or by nothing", async () => {
    const set = await policy({
      "policies/rules/low-after-3.yaml": RULE,
      // Approved by the rule: released 1 December, approvable 4 December 00:00Z.
      "policies/updates/kb2.yaml": update("kb2", "KB2", "2026-12-01", []),
      // Released 8 December: the rule approves it on 11 December, after now.
      "policies/updates/kb3.yaml": update("kb3", "kb3", "2026-12-08", []),
      // A definition update: no rule approves non-patch classes by default.
      "policies/updates/kb4.yaml": update("kb4", "KB4", "2026-12-01", []).replace(
        "classification: security",
        "classification: definition",
      ),
      "policies/updates/kb5.yaml": update("kb5", "KB5", "2026-11-01", ["decision: rejected"]),
    });
    const c = buildCatalog({ set, now: NOW, approvals: NONE, unverified: new Map() });
    expect([...c.keys()]).toEqual(["KB2", "KB3", "KB4", "KB5035857", "KB5"].sort());
    const pick = (id: string) => {
      const e = c.get(id)!;
      return {
        decision: e.decision,
        decidedBy: e.decidedBy,
        decisionFile: e.decisionFile,
        decisionAt: e.decisionAt,
        pendingNote: e.pendingNote,
        timeline: e.timeline,
        approvedAt: e.approvedAt === null ? null : new Date(e.approvedAt).toISOString(),
        approvedEvidence: e.approvedEvidence,
        unverified: e.unverified,
      };
    };
    expect(pick("KB5035857")).toEqual({
      decision: "approved",
      decidedBy: "file",
      decisionFile: "policies/updates/kb5035857.yaml",
      decisionAt: "policies/updates/kb5035857.yaml:11",
      pendingNote: null,
      timeline: "standard", // important → standard
      approvedAt: "2024-03-12T00:00:00.000Z", // its release: no evidence given
      approvedEvidence: null,
      unverified: null,
    });
    expect(pick("KB2")).toEqual({
      decision: "approved",
      decidedBy: "rule:low-after-3",
      decisionFile: "policies/rules/low-after-3.yaml",
      decisionAt: "policies/rules/low-after-3.yaml:6",
      pendingNote: null,
      timeline: "emergency", // the approving rule's
      approvedAt: "2026-12-04T00:00:00.000Z",
      approvedEvidence: "rule low-after-3 (policies/rules/low-after-3.yaml)",
      unverified: null,
    });
    expect(pick("KB3")).toEqual({
      decision: "pending",
      decidedBy: null,
      decisionFile: "policies/rules/low-after-3.yaml",
      decisionAt: "policies/rules/low-after-3.yaml:6",
      pendingNote: "rule 'low-after-3' approves it on 2026-12-11 (3 days after release)",
      timeline: "standard", // not approved: the rule's timeline does not count yet
      approvedAt: null,
      approvedEvidence: null,
      unverified: null,
    });
    expect(c.get("KB3")!.id).toBe("KB3");
    expect(pick("KB4")).toMatchObject({
      decision: "pending",
      decisionFile: null,
      decisionAt: null,
      pendingNote: "no decision in the file and no approval rule matches",
    });
    expect(pick("KB5")).toMatchObject({
      decision: "rejected",
      decidedBy: "file",
      decisionAt: "policies/updates/kb5.yaml:11",
      approvedAt: null,
    });
  });

  it("the approval instant is the latest of release, evidence and the rule's delay", async () => {
    const set = await policy({
      "policies/rules/low-after-3.yaml": RULE,
      "policies/updates/kb2.yaml": update("kb2", "KB2", "2026-12-01", []),
    });
    const at = (id: string, evidenceAt: string) =>
      buildCatalog({
        set,
        now: NOW,
        approvals: new Map([[id, { at: Date.parse(evidenceAt), evidence: `merge at ${evidenceAt}` }]]),
        unverified: new Map(),
      }).get(id)!;
    // Evidence before the release: the release.
    expect(at("KB5035857", "2024-03-11T23:59:59Z").approvedAt).toBe(Date.parse("2024-03-12T00:00:00Z"));
    // Evidence after it: the evidence, and its text.
    const late = at("KB5035857", "2024-03-12T00:00:01Z");
    expect(late.approvedAt).toBe(Date.parse("2024-03-12T00:00:01Z"));
    expect(late.approvedEvidence).toBe("merge at 2024-03-12T00:00:01Z");
    // A rule's delay beats earlier evidence; later evidence beats the delay.
    expect(at("KB2", "2026-12-03T23:59:59Z").approvedAt).toBe(Date.parse("2026-12-04T00:00:00Z"));
    expect(at("KB2", "2026-12-04T00:00:01Z").approvedAt).toBe(Date.parse("2026-12-04T00:00:01Z"));
    // The delay ends exactly now: approved; one millisecond later: pending.
    const exact = buildCatalog({
      set,
      now: Date.parse("2026-12-04T00:00:00Z"),
      approvals: NONE,
      unverified: new Map(),
    });
    expect(exact.get("KB2")!.decision).toBe("approved");
    const early = buildCatalog({
      set,
      now: Date.parse("2026-12-04T00:00:00Z") - 1,
      approvals: NONE,
      unverified: new Map(),
    });
    expect(early.get("KB2")!.decision).toBe("pending");
    expect(early.get("KB2")!.approvedAt).toBeNull();
  });

  it("an override of the evidence is kept; none is absent", async () => {
    const set = await policy({});
    const override = {
      commit: "1a2b3c4",
      pull: 12,
      author: "alice",
      approvers: ["bob"],
      at: "2026-12-01T00:00:00Z",
      reason: "pilot failed on one host",
    };
    const c = buildCatalog({
      set,
      now: NOW,
      approvals: new Map([["KB5035857", { at: 0, evidence: "e", override }]]),
      unverified: new Map(),
    });
    expect(c.get("KB5035857")!.override).toEqual(override);
    const plain = buildCatalog({
      set,
      now: NOW,
      approvals: new Map([["KB5035857", { at: 0, evidence: "e" }]]),
      unverified: new Map(),
    });
    expect("override" in plain.get("KB5035857")!).toBe(false);
  });

  it("supersedence is transitive, in both directions, and knows whether an approved update supersedes", async () => {
    const set = await policy({
      "policies/rules/low-after-3.yaml": RULE,
      // KB2 (approved by the rule) supersedes KB5035857; KB3 (pending) supersedes kb2 (any case) and KB8 (no file).
      "policies/updates/kb2.yaml": update("kb2", "KB2", "2026-12-01", [
        "supersedes: [KB5035857]",
        "requires: [kb5035857]",
      ]),
      "policies/updates/kb3.yaml": update("kb3", "KB3", "2026-12-08", ["supersedes: [kb2, KB8]"]),
    });
    const c = buildCatalog({ set, now: NOW, approvals: NONE, unverified: new Map() });
    const e = (id: string) => c.get(id)!;
    expect([...e("KB5035857").supersededBy].sort()).toEqual(["KB2", "KB3"]);
    expect([...e("KB2").supersededBy]).toEqual(["KB3"]);
    expect([...e("KB3").supersededBy]).toEqual([]);
    expect([...e("KB3").supersedesAll].sort()).toEqual(["KB2", "KB5035857"]);
    expect([...e("KB2").supersedesAll]).toEqual(["KB5035857"]);
    expect([...e("KB5035857").supersedesAll]).toEqual([]);
    expect([e("KB5035857"), e("KB2"), e("KB3")].map((x) => x.supersededByApproved)).toEqual([true, false, false]);
    expect(e("KB2").requires).toEqual(["KB5035857"]);
    expect(e("KB3").requires).toEqual([]);
    expect([...supersedersOf(c, "KB2")]).toEqual(["KB3"]);
    // KB8 has no entry: nothing is known to supersede it.
    expect([...supersedersOf(c, "KB8")]).toEqual([]);
    expect([...supersedersOf(c, "KB3")]).toEqual([]);
  });

  it("a supersedence cycle ends (each update once)", async () => {
    const set = await policy(
      {
        "policies/updates/kb2.yaml": update("kb2", "KB2", "2026-12-01", ["supersedes: [KB3]"]),
        "policies/updates/kb3.yaml": update("kb3", "KB3", "2026-12-01", ["supersedes: [KB2]"]),
      },
      ["cycle"],
    );
    const c = buildCatalog({ set, now: NOW, approvals: NONE, unverified: new Map() });
    expect([...c.get("KB2")!.supersededBy].sort()).toEqual(["KB2", "KB3"]);
  });

  it("an unverified file keeps its decision but supersedes, requires and removes nothing", async () => {
    const set = await policy({
      "policies/updates/kb2.yaml": update("kb2", "KB2", "2026-12-01", [
        "decision: approved",
        "supersedes: [KB5035857]",
        "requires: [KB5035857]",
      ]),
      "policies/updates/kb6.yaml": update("kb6", "KB6", "2026-12-01", ["decision: rejected", "remove: true"]),
    });
    const c = buildCatalog({
      set,
      now: NOW,
      approvals: NONE,
      unverified: new Map([
        ["KB2", "not approved by the CAB"],
        ["KB6", "no review"],
      ]),
    });
    const kb2 = c.get("KB2")!;
    expect(kb2.decision).toBe("approved");
    expect(kb2.unverified).toBe("not approved by the CAB");
    expect([kb2.spec.supersedes, kb2.spec.requires, kb2.requires]).toEqual([[], [], []]);
    expect(kb2.doc!.spec.supersedes).toEqual(["KB5035857"]);
    expect([...c.get("KB5035857")!.supersededBy]).toEqual([]);
    expect(c.get("KB6")!.spec.remove).toBe(false);
    expect(c.get("KB5035857")!.unverified).toBeNull();
    // Verified, the same files supersede, require and remove.
    const v = buildCatalog({ set, now: NOW, approvals: NONE, unverified: new Map() });
    expect([...v.get("KB5035857")!.supersededBy]).toEqual(["KB2"]);
    expect(v.get("KB6")!.spec.remove).toBe(true);
    expect(v.get("KB2")!.spec).toBe(v.get("KB2")!.doc!.spec);
  });

  it("an id a baseline requires without an Update file is pending, at its line in the first baseline", async () => {
    const set = await policy(
      {
        "baselines/a-web.yaml": BASELINE("a-web", "KB5035857,kb9"),
        "baselines/b-db.yaml": BASELINE("b-db", "KB9,KB10"),
      },
      ["unknown-update"],
    );
    const c = buildCatalog({ set, now: NOW, approvals: NONE, unverified: new Map() });
    expect(c.get("KB5035857")!.doc).not.toBeNull();
    const kb9 = c.get("KB9")!;
    expect({
      ...kb9,
      spec: undefined,
      supersededBy: [...kb9.supersededBy],
      supersedesAll: [...kb9.supersedesAll],
    }).toEqual({
      id: "KB9",
      spec: undefined,
      doc: null,
      decision: "pending",
      decidedBy: null,
      decisionFile: "baselines/a-web.yaml",
      decisionAt: "baselines/a-web.yaml:10",
      pendingNote: "required by baseline a-web, but no Update file approves it",
      timeline: "standard",
      approvedAt: null,
      approvedEvidence: null,
      unverified: null,
      supersededBy: [],
      supersedesAll: [],
      supersededByApproved: false,
      requires: [],
    });
    expect(kb9.spec).toMatchObject({
      id: "kb9",
      title: "kb9 (required by baseline a-web)",
      classification: "update",
      released: "2026-06-01",
      pilot: false,
    });
    expect(c.get("KB10")!.decisionAt).toBe("baselines/b-db.yaml:10");
    expect(c.get("KB10")!.pendingNote).toBe("required by baseline b-db, but no Update file approves it");
  });

  it("the first file of an id wins over a second one in another case", async () => {
    const set = await policy(
      {
        "policies/updates/kb5035857-again.yaml": update("kb5035857-again", "kb5035857", "2026-01-01", [
          "decision: rejected",
        ]),
      },
      ["duplicate-update-id"],
    );
    const c = buildCatalog({ set, now: NOW, approvals: NONE, unverified: new Map() });
    expect(c.size).toBe(1);
    expect(c.get("KB5035857")!.doc!.file).toBe(set.updates[0]!.file);
    expect(c.get("KB5035857")!.decision).toBe(set.updates[0]!.spec.decision);
  });
});

describe("scannedEntry", () => {
  const offer = (released: string, severity = "low") =>
    UpdateSpec.parse({ id: "USN-1", title: "openssl", classification: "security", severity, released });
  const facts = { notBefore: Date.parse("2026-12-05T00:00:00Z"), delayFrom: "first seen", pendingNote: "none" };

  it("a rule approves it after its delay and first sighting; the evidence says from where the delay counts", async () => {
    const set = await policy({ "policies/rules/low-after-3.yaml": RULE });
    // Released 1 December: the rule's delay ends 4 December, first seen 5 December.
    const e = scannedEntry("USN-1", offer("2026-12-01"), { set, now: NOW, verifiedRules: null }, facts);
    expect({ ...e, spec: undefined, supersededBy: [...e.supersededBy], supersedesAll: [...e.supersedesAll] }).toEqual({
      id: "USN-1",
      spec: undefined,
      doc: null,
      decision: "approved",
      decidedBy: "rule:low-after-3",
      decisionFile: "policies/rules/low-after-3.yaml",
      decisionAt: "policies/rules/low-after-3.yaml:6",
      pendingNote: null,
      timeline: "emergency",
      approvedAt: Date.parse("2026-12-05T00:00:00Z"),
      approvedEvidence: "rule low-after-3 (policies/rules/low-after-3.yaml), 3 days after first seen",
      unverified: null,
      supersededBy: [],
      supersedesAll: [],
      supersededByApproved: false,
      requires: [],
    });
    // First seen before the delay ends: the delay.
    const seenEarly = scannedEntry(
      "USN-1",
      offer("2026-12-01"),
      { set, now: NOW, verifiedRules: null },
      { ...facts, notBefore: Date.parse("2026-12-02T00:00:00Z") },
    );
    expect(seenEarly.approvedAt).toBe(Date.parse("2026-12-04T00:00:00Z"));
  });

  it("the rule's own approval by the CAB: later than the delay it counts; missing, the entry is unverified", async () => {
    const set = await policy({ "policies/rules/low-after-3.yaml": RULE });
    const ruleAt = Date.parse("2026-12-06T12:00:00Z");
    const v = scannedEntry(
      "USN-1",
      offer("2026-12-01"),
      { set, now: NOW, verifiedRules: new Map([["low-after-3", ruleAt]]) },
      facts,
    );
    expect([v.approvedAt, v.unverified]).toEqual([ruleAt, null]);
    const earlyRule = scannedEntry(
      "USN-1",
      offer("2026-12-01"),
      { set, now: NOW, verifiedRules: new Map([["low-after-3", 0]]) },
      facts,
    );
    expect([earlyRule.approvedAt, earlyRule.unverified]).toEqual([Date.parse("2026-12-05T00:00:00Z"), null]);
    const u = scannedEntry("USN-1", offer("2026-12-01"), { set, now: NOW, verifiedRules: new Map() }, facts);
    expect(u.unverified).toBe("approved by rule 'low-after-3', but the rule itself was not approved by the CAB");
    expect(u.decision).toBe("approved");
    // Pending (the delay runs until 11 December): not unverified, no instant, the rule's note, standard timeline.
    const p = scannedEntry("USN-1", offer("2026-12-08"), { set, now: NOW, verifiedRules: new Map() }, facts);
    expect([p.decision, p.unverified, p.approvedAt, p.pendingNote, p.timeline]).toEqual([
      "pending",
      null,
      null,
      "rule 'low-after-3' approves it on 2026-12-11 (3 days after release)",
      "standard",
    ]);
    expect(p.approvedEvidence).toBe("rule low-after-3 (policies/rules/low-after-3.yaml), 3 days after first seen");
  });

  it("no rule: pending with no file, no line and no evidence; non-patch classes as the policy says", async () => {
    const set = await policy({ "policies/rules/low-after-3.yaml": RULE });
    const none = scannedEntry("USN-2", offer("2026-12-01", "critical"), { set, now: NOW, verifiedRules: null }, facts);
    expect([
      none.decision,
      none.decisionFile,
      none.decisionAt,
      none.approvedEvidence,
      none.pendingNote,
      none.timeline,
    ]).toEqual([
      "pending",
      null,
      null,
      null,
      "no decision in the file and no approval rule matches",
      "emergency", // critical → emergency
    ]);
    const def = UpdateSpec.parse({
      id: "DEF-1",
      title: "definitions",
      classification: "definition",
      severity: "low",
      released: "2026-12-01",
    });
    expect(scannedEntry("DEF-1", def, { set, now: NOW, verifiedRules: null }, facts).decision).toBe("pending");
    expect(
      scannedEntry("DEF-1", def, { set, now: NOW, verifiedRules: null }, { ...facts, nonPatchClasses: ["definition"] })
        .decision,
    ).toBe("approved");
  });
});
