// From advisories to draft Update files: relevance against the inventory, classification, the RFC with TODOs.
import type { Inventory } from "../inventory/host-record.js";
import type { PolicySet } from "../load/policy-set.js";
import { UpdateSpec } from "../model/update.js";
import { ruleMatches } from "../policy/decision.js";
import type { AdvisoryUpdate, KnownExploited } from "./advisory.js";
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
}

const TODO = "TODO: a person answers this before the CAB reviews";

/** Windows Server product names as the inventory reports them (MSRC writes editions and install types). */
export function osNameOf(product: string): string | null {
  const m = /^(?:Microsoft )?(Windows Server (?:\d{4}(?: R2)?|version \d+\w*))/i.exec(product);
  return m ? m[1]!.replace(/^windows server/i, "Windows Server") : null;
}

export function productNameOf(product: string): string {
  return product
    .replace(/^Microsoft /, "")
    .replace(/\s*\(.*?\)\s*/g, " ")
    .replace(/ for (x64|x86|ARM64|32-bit|64-bit)[-\w ]*?Systems?/i, "")
    .replace(/ (Service Pack|SP) ?\d+\b.*$/i, "")
    .replace(/\s+/g, " ")
    .trim();
}

function yamlString(s: string): string {
  return JSON.stringify(s);
}

function render(
  u: AdvisoryUpdate,
  timeline: "emergency" | "standard",
  kev: KnownExploited[],
  osNames: string[],
  products: string[],
  hosts: number | null,
  now: string,
): string {
  const lines = [
    "# yaml-language-server: $schema=../../schemas/update.json",
    `# Drafted by patchops intake from ${u.source} on ${now}. Answer every TODO before asking the CAB to review.`,
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
    ...(osNames.length
      ? ["    os:", "      - family: windows", `        names: [${osNames.map(yamlString).join(", ")}]`]
      : []),
    ...(products.length ? ["    products:", ...products.map((p) => `      - name: ${yamlString(p)}`)] : []),
    ...(u.supersedes.length ? [`  supersedes: [${u.supersedes.join(", ")}]`] : []),
    `  restart: ${u.restart}`,
    ...(u.url ? ["  source:", `    url: ${yamlString(u.url)}`] : []),
    "  rfc:",
    `    change: ${yamlString(`Install ${u.id} (${u.title}) on the ${hosts === null ? "affected" : hosts} host${hosts === 1 ? "" : "s"} that run ${[...osNames, ...products].join(", ") || "the affected products"}.`)}`,
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
  const result: IntakeResult = { drafts: [], known: [], irrelevant: [] };
  for (const u of input.updates) {
    if (known.has(u.id)) {
      result.known.push(u.id);
      continue;
    }
    const osNames = [...new Set(u.products.map(osNameOf).filter((n): n is string => !!n))].sort();
    const products = osNames.length ? [] : [...new Set(u.products.map(productNameOf))].sort();
    let relevance: Relevance[] | null = null;
    let hosts: number | null = null;
    if (inventory) {
      const counts = new Map<string, number>();
      const os = new Set(osNames.map((n) => n.toLowerCase()));
      const prods = new Set(products.map((n) => n.toLowerCase()));
      for (const rec of inventory.records.values()) {
        const hit =
          (rec.os.name !== null && os.has(rec.os.name.toLowerCase())) ||
          rec.products.some((p) => prods.has(p.name.toLowerCase()));
        if (!hit) continue;
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
    const text = render(u, timeline, kev, osNames, products, hosts, input.now);
    const spec = UpdateSpec.parse({
      id: u.id,
      title: u.title,
      vendor: u.vendor,
      cves: u.cves,
      classification: "security",
      ...(u.severity ? { severity: u.severity } : {}),
      released: u.released,
      appliesTo: {
        ...(osNames.length ? { os: [{ family: "windows", names: osNames }] } : {}),
        ...(products.length ? { products: products.map((name) => ({ name })) } : {}),
      },
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
