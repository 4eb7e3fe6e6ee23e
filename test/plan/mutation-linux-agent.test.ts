// Updates only a host's own update agent reports (plan/agent-updates.ts): the Update a report describes (the agent's
// fields, the reviewed advisory facts, the higher of the two ratings, the restart), the first advisory file by path,
// one entry per distinct report shared by the hosts that report it, the first host's entry in the fleet catalog, and
// the evidence lines. Reports are read by the real agent-scan reader; the policy is loaded from real documents.
import { beforeAll, describe, expect, it } from "vitest";
import { agentEvidenceOf, type AgentEvidence } from "../../reconciler/inventory/agent-scan.js";
import { loadPolicySet, type PolicySet } from "../../reconciler/load/policy-set.js";
import type { AdvisorySpec } from "../../reconciler/model/advisory.js";
import type { AgentUpdate } from "../../reconciler/model/inventory.js";
import { AgentCatalog, specOfReport } from "../../reconciler/plan/agent-updates.js";
import type { CatalogEntry } from "../../reconciler/plan/catalog.js";
import { memorySource } from "../helpers/memory-source.js";
import { agentHost, agentUpdate, CU, DEFINITIONS, SQL_CU } from "./agent-fleet.js";

const NOW = Date.parse("2025-11-12T06:00:00Z");
const CU_TITLE =
  "2025-11 Cumulative Update for Microsoft server operating system version 21H2 for x64-based Systems (KB5068787)";

const doc = (kind: string, name: string, spec: string) =>
  `apiVersion: patchops/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec:\n${spec}`;
const DEFS_POLICY = doc(
  "PatchPolicy",
  "p",
  "  escalation: { afterHours: 24, action: isolate }\n  nonPatchClasses: [definition]\n",
);
const FILES: Record<string, string> = {
  "policies/policy.yaml": doc("PatchPolicy", "p", "  escalation: { afterHours: 24, action: isolate }\n"),
  "policies/rules/win.yaml": doc(
    "ApprovalRule",
    "win",
    "  products: [Microsoft Server operating system-21H2]\n  approveAfterDays: 0\n",
  ),
  "policies/rules/sql.yaml": doc(
    "ApprovalRule",
    "sql",
    "  products: [Microsoft SQL Server 2022]\n  approveAfterDays: 7\n",
  ),
  "policies/rules/zdefs.yaml": doc("ApprovalRule", "zdefs", "  classifications: [definition]\n  approveAfterDays: 0\n"),
  // Three files with facts for the CU: only the first by path counts.
  "policies/advisories/kb5068787-b.yaml": doc("Advisory", "kb5068787-b", "  id: KB5068787\n  cves: [CVE-2025-0002]\n"),
  "policies/advisories/kb5068787-a.yaml": doc(
    "Advisory",
    "kb5068787-a",
    "  id: KB5068787\n  bulletin: 2025-Nov\n  cves: [CVE-2025-0001]\n  severity: critical\n  exploited: { sources: [msrc, kev] }\n",
  ),
  "policies/advisories/kb5068787-c.yaml": doc("Advisory", "kb5068787-c", "  id: KB5068787\n  cves: [CVE-2025-0003]\n"),
  "policies/advisories/kb5068406.yaml": doc("Advisory", "kb5068406", "  id: KB5068406\n  cves: [CVE-2025-0406]\n"),
};

/** The policy loaded twice: with the plain PatchPolicy, and with the one that manages definitions. */
let plain: PolicySet;
let defsPolicy: PolicySet["policy"];
const load = async (policy: string) => {
  const r = await loadPolicySet(memorySource({ ...FILES, "policies/policy.yaml": policy }));
  expect(r.diagnostics).toEqual([]);
  return r.set;
};
beforeAll(async () => {
  plain = await load(FILES["policies/policy.yaml"]!);
  defsPolicy = (await load(DEFS_POLICY)).policy;
});
/** The policy (with or without nonPatchClasses: [definition]), its advisories in the order given. */
const policyWith = (defs: boolean, advisoryOrder = ["c", "a", "b", "406"]): PolicySet => {
  const file = (k: string) =>
    k === "406" ? "policies/advisories/kb5068406.yaml" : `policies/advisories/kb5068787-${k}.yaml`;
  return {
    ...plain,
    policy: defs ? defsPolicy : plain.policy,
    advisories: advisoryOrder.map((k) => plain.advisories.find((a) => a.file === file(k))!),
  };
};

const agentOf = (host: string, updates: AgentUpdate[]): AgentEvidence => agentEvidenceOf(agentHost(host, updates))!;
const catalogOf = (defs = false, order?: string[]) => {
  const catalog = new Map<string, CatalogEntry>();
  return {
    catalog,
    agents: new AgentCatalog(catalog, { set: policyWith(defs, order), now: NOW, verifiedRules: null }),
  };
};
const none = () => false;

describe("specOfReport", () => {
  it("the agent's fields, with the facts' bulletin, CVEs and exploitation", () => {
    const facts: AdvisorySpec = {
      id: "KB5068787",
      vendor: "Microsoft",
      bulletin: "2025-Nov",
      cves: ["CVE-2025-0001"],
      exploited: { sources: ["kev"] },
    };
    expect(specOfReport("KB5068787", CU(), facts)).toEqual({
      id: "KB5068787",
      title: CU_TITLE,
      vendor: "Microsoft",
      bulletin: "2025-Nov",
      cves: ["CVE-2025-0001"],
      exploited: { sources: ["kev"] },
      classification: "security",
      severity: "critical",
      released: "2025-11-11",
      appliesTo: { products: [{ name: "Microsoft Server operating system-21H2" }] },
      supersedes: [],
      requires: [],
      restart: "maybe",
      uninstallable: true,
      remove: false,
      catalogOnly: false,
      pilot: true,
    });
    // Without facts: no bulletin, no CVEs, not exploited.
    const bare = specOfReport("KB5068787", CU());
    expect(bare.cves).toEqual([]);
    expect("bulletin" in bare || "exploited" in bare).toBe(false);
    expect(specOfReport("KB5068787", CU(), { id: "KB5068787", vendor: "Microsoft", cves: [] }).cves).toEqual([]);
  });

  it("the restart: never, always → required, can-request → maybe", () => {
    expect(specOfReport("KB1", agentUpdate("KB1", "t", { reboot: "never" })).restart).toBe("never");
    expect(specOfReport("KB1", agentUpdate("KB1", "t", { reboot: "always" })).restart).toBe("required");
    expect(specOfReport("KB1", agentUpdate("KB1", "t", { reboot: "can-request" })).restart).toBe("maybe");
  });

  it("the higher rating of the report and the facts; either alone; none without both", () => {
    const sev = (agent: AgentUpdate["severity"], facts: AdvisorySpec["severity"]) =>
      specOfReport(
        "KB1",
        agentUpdate("KB1", "t", { severity: agent }),
        facts ? { id: "KB1", vendor: "Microsoft", cves: [], severity: facts } : undefined,
      ).severity;
    expect(sev("low", "critical")).toBe("critical");
    expect(sev("critical", "low")).toBe("critical");
    expect(sev("moderate", "important")).toBe("important");
    expect(sev("important", "moderate")).toBe("important");
    expect(sev("moderate", "moderate")).toBe("moderate");
    expect(sev(undefined, "low")).toBe("low");
    expect(sev("moderate", undefined)).toBe("moderate");
    const neither = specOfReport("KB1", agentUpdate("KB1", "t", { severity: undefined }));
    expect("severity" in neither).toBe(false);
  });
});

describe("AgentCatalog", () => {
  it("an approved report's entry: the rule's evidence with the first advisory file by path", () => {
    // The report says important; the first file (…-a) says critical and exploited.
    const { catalog, agents } = catalogOf();
    const agent = agentOf("h1", [{ ...CU(), severity: "important" }]);
    const e = agents.entriesFor(agent, none).get("KB5068787")!;
    expect(e).toMatchObject({
      id: "KB5068787",
      decision: "approved",
      decidedBy: "rule:win",
      approvedAt: Date.parse("2025-11-11T00:00:00Z"),
      approvedEvidence:
        "rule win (policies/rules/win.yaml), 0 days after its release on 2025-11-11 as the host's update agent reports it; advisory facts from policies/advisories/kb5068787-a.yaml (exploited per msrc, kev)",
      pendingNote: null,
      agentReported: true,
    });
    expect(e.spec).toMatchObject({ severity: "critical", cves: ["CVE-2025-0001"], bulletin: "2025-Nov" });
    expect(catalog.get("KB5068787")).toBe(e);
    // Whatever order the set lists them in.
    for (const order of [
      ["b", "c", "a"],
      ["a", "b", "c"],
      ["c", "b", "a"],
    ]) {
      const other = catalogOf(false, order).agents.entriesFor(agent, none).get("KB5068787")!;
      expect(other.spec.cves).toEqual(["CVE-2025-0001"]);
    }
  });

  it("a pending report: the rule's note, the facts named in both lines; no facts file: the lines alone", () => {
    const { agents } = catalogOf();
    const e = agents.entriesFor(agentOf("h1", [SQL_CU()]), none).get("KB5068406")!;
    expect(e).toMatchObject({
      decision: "pending",
      pendingNote:
        "rule 'sql' approves it on 2025-11-18 (7 days after release); advisory facts from policies/advisories/kb5068406.yaml",
      approvedEvidence:
        "rule sql (policies/rules/sql.yaml), 7 days after its release on 2025-11-11 as the host's update agent reports it; advisory facts from policies/advisories/kb5068406.yaml",
      agentReported: true,
    });
    const plain = agents
      .entriesFor(agentOf("h1", [agentUpdate("KB5000001", "An update", { released: "2025-11-01" })]), none)
      .get("KB5000001")!;
    expect(plain).toMatchObject({
      decision: "approved",
      approvedEvidence:
        "rule win (policies/rules/win.yaml), 0 days after its release on 2025-11-01 as the host's update agent reports it",
      pendingNote: null,
    });
    const nothing = agents
      .entriesFor(agentOf("h1", [agentUpdate("KB5000002", "Other", { products: ["Other product"] })]), none)
      .get("KB5000002")!;
    expect(nothing).toMatchObject({
      decision: "pending",
      pendingNote: "no decision in the file and no approval rule matches",
      approvedEvidence: null,
    });
  });

  it("a policy set without advisories: the report alone", () => {
    const set = { ...policyWith(false), advisories: undefined } as unknown as PolicySet;
    const agents = new AgentCatalog(new Map(), { set, now: NOW, verifiedRules: null });
    const e = agents.entriesFor(agentOf("h1", [CU()]), none).get("KB5068787")!;
    expect(e.spec.cves).toEqual([]);
    expect(e.approvedEvidence).toBe(
      "rule win (policies/rules/win.yaml), 0 days after its release on 2025-11-11 as the host's update agent reports it",
    );
  });

  it("a definition update is approved by a rule only when the policy manages definitions", () => {
    const defs = agentOf("h1", [DEFINITIONS(false)]);
    expect(catalogOf(false).agents.entriesFor(defs, none).get("KB2267602")!.decision).toBe("pending");
    expect(catalogOf(true).agents.entriesFor(defs, none).get("KB2267602")).toMatchObject({
      decision: "approved",
      decidedBy: "rule:zdefs",
    });
  });

  it("one entry per distinct report, shared by the hosts; the fleet catalog keeps the first; described ids are skipped", () => {
    const { catalog, agents } = catalogOf();
    const a = agents.entriesFor(agentOf("h1", [CU()]), none).get("KB5068787")!;
    const b = agents.entriesFor(agentOf("h2", [CU()]), none).get("KB5068787")!;
    expect(b).toBe(a);
    // Another rating is another report: its own entry, and the catalog keeps the first host's.
    const low = agents.entriesFor(agentOf("h3", [{ ...CU(), severity: "low" }]), none).get("KB5068787")!;
    expect(low).not.toBe(a);
    expect(low.spec.severity).toBe("critical"); // raised by the facts file
    const noSev = agents.entriesFor(agentOf("h4", [{ ...CU(), severity: undefined }]), none).get("KB5068787")!;
    expect(noSev).not.toBe(a);
    expect(noSev).not.toBe(low);
    const retitled = agents.entriesFor(agentOf("h5", [{ ...CU(), title: "Another title" }]), none).get("KB5068787")!;
    expect(retitled.spec.title).toBe("Another title");
    expect(catalog.get("KB5068787")).toBe(a);
    // An id an Update file describes gets no entry from the report.
    const out = agents.entriesFor(agentOf("h6", [CU(), SQL_CU()]), (id) => id === "KB5068787");
    expect([...out.keys()]).toEqual(["KB5068406"]);
  });
});
