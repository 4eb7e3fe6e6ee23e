// Draft Update files for Linux advisories (OSV, Red Hat CSAF): affected packages with fixed versions per release.
import type { Inventory } from "../inventory/host-record.js";
import type { LoadedDoc } from "../model/policy-set.js";
import type { PatchPolicySpec } from "../model/policy.js";
import type { ApprovalRuleSpec } from "../model/rule.js";
import { UpdateSpec } from "../model/update.js";
import { ruleMatches } from "../policy/decision.js";
import { belowFixed } from "../plan/linux-updates.js";
import { compareText } from "../order.js";
import type { AdvisoryUpdate, KnownExploited } from "./advisory.js";

import { emitYaml } from "./emit.js";
import { timelineOf } from "./exploited.js";
import {
  advisoryComment,
  advisorySpec,
  draftHeader,
  SCHEMA_COMMENT,
  standardChange,
  TODO,
  vulnerabilityAnswer,
} from "./render.js";

/** A file and metadata name for an advisory id: "RHSA-2022:0011" → "rhsa-2022-0011". */
export function draftNameOf(id: string): string {
  return id
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

export function linuxAppliesTo(u: AdvisoryUpdate) {
  const names = [...new Set((u.packages ?? []).map((p) => p.os))].sort(compareText);
  return {
    os: [{ family: "linux" as const, names }],
    packages: (u.packages ?? []).map((p) => ({ os: p.os, name: p.name, fixed: p.fixed, binary: p.binary })),
  };
}

/** Hosts that run an affected release with an affected package installed below its fixed version, by owner. */
export function linuxRelevance(
  u: AdvisoryUpdate,
  inventory: Inventory,
  ownerOf: ReadonlyMap<string, string>,
): Map<string, number> {
  const counts = new Map<string, number>();
  const packages = linuxAppliesTo(u).packages;
  for (const rec of inventory.records.values()) {
    // A host already at the fixed version (or newer) does not need it: relevance counts the hosts still below it.
    if (!rec.linux || !belowFixed(packages, rec.linux)) continue;
    const owner = ownerOf.get(rec.host.toLowerCase()) ?? "(unassigned)";
    counts.set(owner, (counts.get(owner) ?? 0) + 1);
  }
  return counts;
}

export function renderLinuxDraft(
  u: AdvisoryUpdate,
  timeline: "emergency" | "standard",
  kev: KnownExploited[],
  hosts: number | null,
  now: string,
  rule: string | null = null,
): string {
  const answer = rule ? standardChange(rule) : TODO;
  const applies = linuxAppliesTo(u);
  const comments = [
    SCHEMA_COMMENT,
    draftHeader(u.source, now, rule),
    ...advisoryComment(u.url),
    ...(u.severity
      ? []
      : ["severity: TODO: the advisory rates none; set critical, important, moderate or low (validate requires it)"]),
  ];
  return emitYaml(comments, {
    apiVersion: "patchops/v1",
    kind: "Update",
    metadata: { name: draftNameOf(u.id) },
    spec: {
      ...advisorySpec(u, timeline),
      appliesTo: {
        os: [{ family: "linux", names: [...applies.os[0]!.names] }],
        packages: applies.packages.map((p) => ({ os: p.os, name: p.name, fixed: p.fixed, binary: p.binary })),
      },
      restart: u.restart,
      rfc: {
        change: `Upgrade ${[...new Set(applies.packages.map((p) => p.name))].join(", ")} to the fixed versions of ${u.id} on the ${hosts === null ? "affected" : hosts} host${hosts === 1 ? "" : "s"} running ${applies.os[0]!.names.join(", ")}.`,
        vulnerability: vulnerabilityAnswer(u, kev),
        servicesImpacted: answer,
        concurrentDeployment: answer,
        countermeasures: answer,
        testStrategy: answer,
      },
    },
  });
}

export interface LinuxDraftContext {
  inventory: Inventory | null;
  ownerOf: ReadonlyMap<string, string>;
  kev: ReadonlyMap<string, KnownExploited>;
  policy: PatchPolicySpec | null | undefined;
  rules: readonly LoadedDoc<ApprovalRuleSpec>[];
  now: string;
}

export type LinuxDraft =
  | {
      file: string;
      text: string;
      timeline: "emergency" | "standard";
      kev: KnownExploited[];
      relevance: { owner: string; hosts: number }[] | null;
      hosts: number | null;
      rule: string | null;
    }
  | { irrelevant: { id: string; title: string; products: string[]; reason: string } };

/** The draft of one Linux advisory, or why it is irrelevant (no scanned host has an affected package on an affected release). */
export function linuxDraft(u: AdvisoryUpdate, ctx: LinuxDraftContext): LinuxDraft {
  let relevance: { owner: string; hosts: number }[] | null = null;
  let hosts: number | null = null;
  if (ctx.inventory) {
    relevance = [...linuxRelevance(u, ctx.inventory, ctx.ownerOf)]
      .sort(([a], [b]) => compareText(a, b))
      .map(([owner, n]) => ({ owner, hosts: n }));
    hosts = relevance.reduce((a, r) => a + r.hosts, 0);
    if (hosts === 0)
      return {
        irrelevant: {
          id: u.id,
          title: u.title,
          products: u.products,
          reason: "no scanned host has an affected package below its fixed version on an affected release",
        },
      };
  }
  const kev = u.cves.map((c) => ctx.kev.get(c)).filter((k): k is KnownExploited => !!k);
  const timeline = timelineOf(u, ctx.policy);
  const spec = UpdateSpec.parse({
    id: u.id,
    title: u.title,
    vendor: u.vendor,
    cves: u.cves,
    classification: "security",
    ...(u.severity ? { severity: u.severity } : {}),
    released: u.released,
    appliesTo: linuxAppliesTo(u),
  });
  const rule = [...ctx.rules].sort((a, b) => compareText(a.name, b.name)).find((r) => ruleMatches(r.spec, spec));
  return {
    file: `policies/updates/${draftNameOf(u.id)}.yaml`,
    text: renderLinuxDraft(u, timeline, kev, hosts, ctx.now, rule?.name ?? null),
    timeline,
    kev,
    relevance,
    hosts,
    rule: rule?.name ?? null,
  };
}
