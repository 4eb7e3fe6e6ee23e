// From advisories to draft Update files: relevance against the inventory, classification, the RFC with TODOs.
import type { Inventory } from "../inventory/host-record.js";
import type { PolicySet } from "../load/policy-set.js";
import { UpdateSpec } from "../model/update.js";
import { applicability } from "../plan/applicability.js";
import { ruleMatches } from "../policy/decision.js";
import type { AdvisoryUpdate, KnownExploited, NotDrafted } from "./advisory.js";
import { targetsOf } from "./targets.js";
import { compareText } from "../order.js";

export interface Relevance {
  owner: string;
  hosts: number;
}

export interface Draft {
  update: AdvisoryUpdate;
  /** Repository path of the draft Update file. */
  file: string;
  text: string;
  timeline: "emergency" | "standard";
  kev: KnownExploited[];
  relevance: Relevance[] | null;
  hosts: number | null;
  /** The approval rule that will approve it, if any (then it goes in the monthly bundle). */
  rule: string | null;
}

export interface IntakeResult {
  drafts: Draft[];
  known: string[];
  irrelevant: { id: string; title: string; products: string[]; reason: string }[];
  /** Remediations that could not become an Update, as the feeds reported them. */
  notDrafted: NotDrafted[];
  /** Scanned Windows hosts whose OS name is not recognised: relevance cannot count them for any OS update. */
  unknownOs: string[];
}

const TODO = "TODO: a person answers this before the CAB reviews";

function yamlString(s: string): string {
  return JSON.stringify(s);
}

function render(
  u: AdvisoryUpdate,
  timeline: "emergency" | "standard",
  kev: KnownExploited[],
  appliesTo: UpdateSpec["appliesTo"],
  hosts: number | null,
  now: string,
): string {
  const osEntries = appliesTo.os ?? [];
  const products = appliesTo.products ?? [];
  const targets = [...new Set([...osEntries.flatMap((o) => o.names ?? []), ...products.map((p) => p.name)])];
  const lines = [
    "# yaml-language-server: $schema=../../schemas/update.json",
    `# Drafted by patchops intake from ${u.source} on ${now}. Answer every TODO before asking the CAB to review.`,
    ...(u.fixed?.length && !/^KB\d/i.test(u.id)
      ? ["# A version-fixed update without a KB: hosts at or above the fixed version do not need it."]
      : []),
    "apiVersion: patchops/v1",
    "kind: Update",
    "metadata:",
    `  name: ${u.id.toLowerCase()}`,
    "spec:",
    `  id: ${u.id}`,
    `  title: ${yamlString(u.title)}`,
    `  vendor: ${yamlString(u.vendor)}`,
    ...(u.bulletin ? [`  bulletin: ${yamlString(u.bulletin)}`] : []),
    `  cves: [${u.cves.join(", ")}]`,
    "  classification: security",
    ...(u.severity ? [`  severity: ${u.severity}`] : []),
    `  released: ${u.released}`,
    `  timeline: ${timeline}`,
    "  appliesTo:",
    ...(osEntries.length
      ? [
          "    os:",
          ...osEntries.flatMap((o) => [
            "      - family: windows",
            `        names: [${(o.names ?? []).map(yamlString).join(", ")}]`,
            ...(o.versions ? [`        versions: ${yamlString(o.versions)}`] : []),
          ]),
        ]
      : []),
    ...(products.length
      ? [
          "    products:",
          ...products.flatMap((p) => [
            `      - name: ${yamlString(p.name)}`,
            ...(p.versions ? [`        versions: ${yamlString(p.versions)}`] : []),
          ]),
        ]
      : []),
    ...(u.supersedes.length ? [`  supersedes: [${u.supersedes.join(", ")}]`] : []),
    `  restart: ${u.restart}`,
    ...(u.url ? ["  source:", `    url: ${yamlString(u.url)}`] : []),
    "  rfc:",
    `    change: ${yamlString(`Install ${u.id} (${u.title}) on the ${hosts === null ? "affected" : hosts} host${hosts === 1 ? "" : "s"} that run ${targets.join(", ") || "the affected products"}.`)}`,
    `    vulnerability: ${yamlString(`${u.cves.join(", ") || "no CVE listed"}${u.severity ? ` (${u.severity})` : ""}${kev.length ? `; known exploited: ${kev.map((k) => `${k.cve} (${k.name}, CISA due ${k.dueDate})`).join("; ")}` : ""}`)}`,
    `    servicesImpacted: ${yamlString(TODO)}`,
    `    concurrentDeployment: ${yamlString(u.supersedes.length ? `Supersedes ${u.supersedes.join(", ")}, which is no longer deployed once this is approved.` : TODO)}`,
    `    countermeasures: ${yamlString(TODO)}`,
    `    testStrategy: ${yamlString(TODO)}`,
  ];
  return lines.join("\n") + "\n";
}

export function draftUpdates(input: {
  updates: AdvisoryUpdate[];
  notDrafted?: NotDrafted[];
  kev: ReadonlyMap<string, KnownExploited>;
  set: PolicySet;
  inventory: Inventory | null;
  now: string;
}): IntakeResult {
  const { set, inventory } = input;
  const policy = set.policy?.spec;
  const known = new Set(set.updates.map((u) => u.spec.id.toUpperCase()));
  const ownerOf = new Map<string, string>();
  for (const a of set.assignments) for (const h of a.spec.hosts) ownerOf.set(h.name.toLowerCase(), a.spec.owner);
  const result: IntakeResult = {
    drafts: [],
    known: [],
    irrelevant: [],
    notDrafted: input.notDrafted ?? [],
    unknownOs: inventory
      ? [...inventory.records.values()]
          .filter((r) => !r.osKnown)
          .map((r) => r.host)
          .sort(compareText)
      : [],
  };
  for (const u of input.updates) {
    if (known.has(u.id)) {
      result.known.push(u.id);
      continue;
    }
    const appliesTo = targetsOf(u);
    let relevance: Relevance[] | null = null;
    let hosts: number | null = null;
    if (inventory) {
      // The same applicability the plan uses, on the same canonical OS names: relevance and plan cannot disagree.
      const counts = new Map<string, number>();
      const hasTarget = (appliesTo.os?.length ?? 0) + (appliesTo.products?.length ?? 0) > 0;
      for (const rec of inventory.records.values()) {
        if (!hasTarget || !applicability(appliesTo, rec).applies) continue;
        const owner = ownerOf.get(rec.host.toLowerCase()) ?? "(unassigned)";
        counts.set(owner, (counts.get(owner) ?? 0) + 1);
      }
      relevance = [...counts].sort(([a], [b]) => compareText(a, b)).map(([owner, n]) => ({ owner, hosts: n }));
      hosts = relevance.reduce((a, r) => a + r.hosts, 0);
      if (hosts === 0) {
        result.irrelevant.push({
          id: u.id,
          title: u.title,
          products: u.products,
          reason: "no scanned host runs an affected product",
        });
        continue;
      }
    }
    const kev = u.cves.map((c) => input.kev.get(c)).filter((k): k is KnownExploited => !!k);
    const bySeverity = u.severity && policy ? policy.timelines[u.severity] : "standard";
    const timeline = kev.length > 0 || bySeverity === "emergency" ? "emergency" : "standard";
    const text = render(u, timeline, kev, appliesTo, hosts, input.now);
    const spec = UpdateSpec.parse({
      id: u.id,
      title: u.title,
      vendor: u.vendor,
      cves: u.cves,
      classification: "security",
      ...(u.severity ? { severity: u.severity } : {}),
      released: u.released,
      appliesTo,
    });
    const rule = [...set.rules].sort((a, b) => compareText(a.name, b.name)).find((r) => ruleMatches(r.spec, spec));
    result.drafts.push({
      update: u,
      file: `policies/updates/${u.id.toLowerCase()}.yaml`,
      text,
      timeline,
      kev,
      relevance,
      hosts,
      rule: rule?.name ?? null,
    });
  }
  return result;
}
