// The fleet-wide context, built once per reconcile: catalog, indexes, live exemptions and the hosts the plan speaks of.
import { diagnostic, type Diagnostic } from "../../diagnostics.js";
import type { Inventory } from "../../inventory/host-record.js";
import type { LoadedDoc, PolicySet } from "../../model/policy-set.js";
import type { ExemptionSpec } from "../../model/exemption.js";
import type { JobResult } from "../../model/job-result.js";
import type { Plan, PlanDetail } from "../../model/plan.js";
import type { PatchPolicySpec } from "../../model/policy.js";
import { exemptionEnd } from "../../policy/exemptions.js";
import { compareText } from "../../order.js";
import { isoUtc } from "../../schedule/wall-clock.js";
import { baselineRequirementFindings } from "../baseline-requirements.js";
import { CandidateIndex } from "../candidates.js";
import { buildCatalog, type ApprovalEvidence, type CatalogEntry } from "../catalog.js";
import { hostContexts, type HostContext, type PartialScope } from "../hosts.js";
import { shardOf } from "../job-id.js";
import { futureResults, indexResults, type ResultIndex } from "../job-results.js";
import { addLinuxUpdates, PackageIndex } from "../linux-updates.js";
import { unknownReleaseFindings, unrecognisedOsFindings } from "../os-recognition.js";
import { AgentCatalog } from "../agent-updates.js";
import { estimatedFinding } from "../evidence.js";
import { impliedBuilds } from "../../inventory/os-names.js";
import { satisfies } from "../versions.js";
import type { Evaluation } from "./evaluate-host.js";

export interface ReconcileInput {
  set: PolicySet;
  inventory: Inventory;
  now: number;
  /** Approval evidence per update id (upper-case). */
  approvals: ReadonlyMap<string, ApprovalEvidence>;
  /** "off" deploys what the files say (demos); otherwise ids in `unverified` get no jobs. */
  verification: Plan["approvalVerification"];
  unverified: ReadonlyMap<string, string>;
  /** Verification on: rules whose own CAB approval was verified (name → when it took effect); others approve no scanned update. */
  verifiedRules?: ReadonlyMap<string, number>;
  /** Assignment files whose latest change the owner team did not approve: their hosts get no install jobs. */
  unverifiedAssignments?: ReadonlyMap<string, string>;
  /** Findings of approval verification (unverified files and what they mean), reported with the plan's own. */
  approvalFindings?: readonly Diagnostic[];
  revision: string | null;
  /** Fingerprints of the policy and inventory read, recorded in plan.json (explain --plan checks them). */
  inputs?: { policy: string; inventory: string; applied: string; results: string };
  /** Hosts whose decision trail to keep for explain (lower-case names); none by default, since it costs memory. */
  explainHosts?: ReadonlySet<string>;
  /** Updates whose pilot passed in an earlier run, from the status branch (id → instant): a success is not withdrawn. */
  pilotPassed?: ReadonlyMap<string, number>;
  /** When patchops first recorded each scanned `name=version` upgrade (upper-case id → instant), from the status branch. */
  offersSeen?: ReadonlyMap<string, number>;
  /** Plan only the hosts of shard `index` (1-based) of `count`; fleet-wide facts (pilot wave, holds) stay fleet-wide. */
  shard?: { index: number; count: number };
  /** Job results read with --results: failures, successes awaiting a scan, removals. */
  results?: readonly JobResult[];
  /**
   * Hold only these hosts, their clusters' nodes and the reference collection a written plan of the same inputs
   * chose (explain --plan): the rest of the fleet is neither read nor planned.
   */
  partial?: PartialScope;
  /**
   * How much of each host's update map its line carries: "compact" (what `plan` writes by default) lists only the
   * updates not settled, with counts per state; "full" lists every update. The streaming reconcile defaults to
   * compact, the in-memory one (tests, diff, explain) to full.
   */
  detail?: PlanDetail;
}

export interface PlanContext {
  input: ReconcileInput;
  set: PolicySet;
  policy: PatchPolicySpec;
  inventory: Inventory;
  now: number;
  catalog: Map<string, CatalogEntry>;
  packageIndex: PackageIndex;
  /** Every host the plan speaks of, in hosts.ndjson order. */
  hosts: HostContext[];
  /** The host of that name (as `HostContext.name` spells it): a binary search of `hosts`, no fleet-sized index. */
  hostNamed: (name: string) => HostContext | undefined;
  /** Approved updates, and the index of those hosts are measured against (the newest of each supersedence chain). */
  approved: CatalogEntry[];
  candidates: CandidateIndex;
  productNames: Set<string>;
  resultIndex: ResultIndex;
  liveExemptions: LoadedDoc<ExemptionSpec>[];
  inShard: (h: HostContext) => boolean;
  /** Findings of the whole run; passes append, the summary sorts. */
  findings: Diagnostic[];
  /** Evaluations by everything they read (evaluate-host.ts `evaluationKey`): alike hosts are evaluated once. */
  evaluations: Map<string, Evaluation>;
  /** Which of the catalog's OS version conditions a build meets: builds alike for every update share a class. */
  versionClass: (version: string) => string;
  /** Updates hosts' own update agents report without an Update file, judged per host. */
  agentCatalog: AgentCatalog;
}

export function buildContext(input: ReconcileInput): PlanContext {
  const { set, inventory, now } = input;
  const policy = set.policy!.spec;
  const catalog = buildCatalog({
    set,
    now,
    approvals: input.approvals,
    unverified: input.verification === "off" ? new Map() : input.unverified,
  });
  addLinuxUpdates(catalog, {
    set,
    inventory,
    now,
    verifiedRules: input.verification === "off" ? null : (input.verifiedRules ?? new Map()),
    offersSeen: input.offersSeen,
  });
  const hosts = hostContexts(set, inventory, input.partial);
  const findings: Diagnostic[] = [...(input.approvalFindings ?? []), ...baselineRequirementFindings(set, catalog)];
  const productNames = new Set<string>();
  for (const e of catalog.values())
    for (const p of e.spec.appliesTo.products ?? []) productNames.add(p.name.toLowerCase());
  const resultIndex = indexResults(input.results ?? [], now);
  for (const r of futureResults(input.results ?? [], now))
    findings.push(
      diagnostic(
        "result-from-the-future",
        "warning",
        `job ${r.jobId} on ${r.host} claims to have finished at ${r.finishedAt}, after ${isoUtc(now)}: the control node's clock is wrong; the result is ignored`,
      ),
    );
  const known = new Set(hosts.map((h) => h.name.toLowerCase()));
  for (const host of [...resultIndex.keys()].sort(compareText))
    if (!known.has(host))
      findings.push(
        diagnostic(
          "results-unknown-host",
          "warning",
          `job results name host '${host}', which is neither assigned nor scanned`,
        ),
      );
  const approved = [...catalog.values()].filter((e) => e.decision === "approved");
  const shard = input.shard;
  const ctx: PlanContext = {
    input,
    set,
    policy,
    inventory,
    now,
    catalog,
    packageIndex: new PackageIndex(catalog),
    hosts,
    hostNamed: (name) => {
      const key = name.toLowerCase();
      let lo = 0;
      let hi = hosts.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const k = hosts[mid]!.name.toLowerCase();
        if (k === key) return hosts[mid];
        if (k < key) lo = mid + 1;
        else hi = mid - 1;
      }
      return undefined;
    },
    approved,
    // An approved update superseded by another approved one is represented by the newer one: hosts are measured
    // against the newest approved member of each chain (the older ones still show as installed where they are).
    candidates: new CandidateIndex(approved.filter((e) => !e.supersededByApproved)),
    productNames,
    resultIndex,
    liveExemptions: liveExemptions(set, now, findings),
    inShard: (h) => !shard || shardOf(h.entry?.cluster ?? h.name, shard.count) === shard.index,
    findings,
    evaluations: new Map(),
    versionClass: versionClasses(catalog),
    agentCatalog: new AgentCatalog(catalog, {
      set,
      now,
      verifiedRules: input.verification === "off" ? null : (input.verifiedRules ?? new Map()),
    }),
  };
  findings.push(...unrecognisedOsFindings(inventory.records.values()));
  findings.push(...unknownReleaseFindings(approved));
  const estimated = estimatedFinding(inventory.records.values());
  if (estimated) findings.push(estimated);
  return ctx;
}

/** Exemptions still in force; each expired one is reported once and ignored. */
function liveExemptions(set: PolicySet, now: number, findings: Diagnostic[]): LoadedDoc<ExemptionSpec>[] {
  const expiredSeen = new Set<string>();
  return set.exemptions.filter((e) => {
    if (exemptionEnd(e.spec.expires) > now) return true;
    if (!expiredSeen.has(e.name)) {
      expiredSeen.add(e.name);
      findings.push(
        diagnostic(
          "exemption-expired-ignored",
          "warning",
          `exemption '${e.name}' expired on ${e.spec.expires} and was ignored`,
          e.at(["spec", "expires"]),
        ),
      );
    }
    return false;
  });
}

/** Every OS version condition an update states (its `versions`, and the builds its OS names imply), answered per build. */
function versionClasses(catalog: Map<string, CatalogEntry>): (version: string) => string {
  const ranges = new Set<string>();
  for (const e of catalog.values())
    for (const o of e.spec.appliesTo.os ?? []) {
      if (o.versions !== undefined) ranges.add(o.versions);
      for (const n of o.names ?? []) {
        const implied = impliedBuilds(n);
        if (implied !== undefined) ranges.add(implied);
      }
    }
  const list = [...ranges];
  const memo = new Map<string, string>();
  return (version) => {
    let hit = memo.get(version);
    if (hit === undefined) {
      hit = list.map((r) => (satisfies(version, r) ? "1" : "0")).join("");
      if (memo.size < 100_000) memo.set(version, hit);
    }
    return hit;
  };
}
