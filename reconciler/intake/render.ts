// The text of a Windows draft Update file: a pure function of the advisory, its timeline, KEV entries and host count.
import type { UpdateSpec } from "../model/update.js";
import type { AdvisoryUpdate, KnownExploited } from "./advisory.js";

export const TODO = "TODO: a person answers this before the CAB reviews";

/** The RFC answer of a draft an approved rule covers: the CAB approved this class of change in advance. */
export function standardChange(rule: string): string {
  return `Standard change: approval rule '${rule}' approves this class of update in advance; the CAB reviewed the rule, not each update.`;
}

/** The draft's first comment: where it came from and what a person still has to do. */
export function draftHeader(source: string, now: string, rule: string | null): string {
  return rule
    ? `# Drafted by patchops intake from ${source} on ${now}. Approval rule '${rule}' covers it: merged as drafted, it needs no further review; any edit needs a CAB member.`
    : `# Drafted by patchops intake from ${source} on ${now}. Answer every TODO before asking the CAB to review.`;
}

function yamlString(s: string): string {
  return JSON.stringify(s);
}

export function renderWindowsDraft(
  u: AdvisoryUpdate,
  timeline: "emergency" | "standard",
  kev: KnownExploited[],
  appliesTo: UpdateSpec["appliesTo"],
  hosts: number | null,
  now: string,
  rule: string | null = null,
): string {
  const answer = rule ? standardChange(rule) : TODO;
  const osEntries = appliesTo.os ?? [];
  const products = appliesTo.products ?? [];
  const targets = [...new Set([...osEntries.flatMap((o) => o.names ?? []), ...products.map((p) => p.name)])];
  const lines = [
    "# yaml-language-server: $schema=../../schemas/update.json",
    draftHeader(u.source, now, rule),
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
    `    servicesImpacted: ${yamlString(answer)}`,
    `    concurrentDeployment: ${yamlString(u.supersedes.length ? `Supersedes ${u.supersedes.join(", ")}, which is no longer deployed once this is approved.` : answer)}`,
    `    countermeasures: ${yamlString(answer)}`,
    `    testStrategy: ${yamlString(answer)}`,
  ];
  return lines.join("\n") + "\n";
}
