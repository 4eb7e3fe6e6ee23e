// The text of a Windows draft Update file: a pure function of the advisory, its timeline, KEV entries and host count,
// written through the one YAML emitter (emit.ts).
import type { UpdateSpec } from "../model/update.js";
import type { AdvisoryUpdate, KnownExploited } from "./advisory.js";
import { emitYaml } from "./emit.js";

export const TODO = "TODO: a person answers this before the CAB reviews";
export const SCHEMA_COMMENT = "yaml-language-server: $schema=../../schemas/update.json";

/** The RFC answer of a draft an approved rule covers: the CAB approved this class of change in advance. */
export function standardChange(rule: string): string {
  return `Standard change: approval rule '${rule}' approves this class of update in advance; the CAB reviewed the rule, not each update.`;
}

/** The draft's first comment: where it came from and what a person still has to do. */
export function draftHeader(source: string, now: string, rule: string | null): string {
  return rule
    ? `Drafted by patchops intake from ${source} on ${now}. Approval rule '${rule}' covers it: merged as drafted, it needs no further review; any edit needs a CAB member.`
    : `Drafted by patchops intake from ${source} on ${now}. Answer every TODO before asking the CAB to review.`;
}

/** The advisory's link, as a comment: intake never writes `source` (a download location is a CAB member's decision). */
export function advisoryComment(url: string | null): string[] {
  return url ? [`Advisory: ${url}`] : [];
}

/** The RFC's vulnerability answer: CVEs, rating, and who says it is exploited. */
export function vulnerabilityAnswer(u: AdvisoryUpdate, kev: readonly KnownExploited[]): string {
  const flags = (u.exploited?.sources ?? []).filter((s) => s !== "kev");
  return `${u.cves.join(", ") || "no CVE listed"}${u.severity ? ` (${u.severity})` : ""}${
    kev.length ? `; known exploited: ${kev.map((k) => `${k.cve} (${k.name}, CISA due ${k.dueDate})`).join("; ")}` : ""
  }${flags.length ? `; exploited according to ${flags.join(", ")}` : ""}`;
}

/** The spec fields every draft takes from its advisory, in the order drafts write them (Windows and Linux alike). */
export function advisorySpec(u: AdvisoryUpdate, timeline: string) {
  return {
    id: u.id,
    title: u.title,
    vendor: u.vendor,
    ...(u.bulletin ? { bulletin: u.bulletin } : {}),
    cves: [...u.cves],
    classification: "security",
    ...(u.severity ? { severity: u.severity } : {}),
    released: u.released,
    timeline,
    ...(u.exploited
      ? {
          exploited: {
            sources: [...u.exploited.sources],
            ...(u.exploited.since ? { since: u.exploited.since } : {}),
          },
        }
      : {}),
  };
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
  const comments = [
    SCHEMA_COMMENT,
    draftHeader(u.source, now, rule),
    ...advisoryComment(u.url),
    ...(u.fixed?.length && !/^KB\d/i.test(u.id)
      ? ["A version-fixed update without a KB: hosts at or above the fixed version do not need it."]
      : []),
  ];
  const applies: Record<string, unknown> = {};
  if (osEntries.length)
    applies.os = osEntries.map((o) => ({
      family: "windows",
      names: [...(o.names ?? [])],
      ...(o.versions ? { versions: o.versions } : {}),
    }));
  if (products.length)
    applies.products = products.map((p) => ({ name: p.name, ...(p.versions ? { versions: p.versions } : {}) }));
  return emitYaml(comments, {
    apiVersion: "patchops/v1",
    kind: "Update",
    metadata: { name: u.id.toLowerCase() },
    spec: {
      ...advisorySpec(u, timeline),
      appliesTo: applies,
      ...(u.supersedes.length ? { supersedes: [...u.supersedes] } : {}),
      restart: u.restart,
      rfc: {
        change: `Install ${u.id} (${u.title}) on the ${hosts === null ? "affected" : hosts} host${hosts === 1 ? "" : "s"} that run ${targets.join(", ") || "the affected products"}.`,
        vulnerability: vulnerabilityAnswer(u, kev),
        servicesImpacted: answer,
        concurrentDeployment: u.supersedes.length
          ? `Supersedes ${u.supersedes.join(", ")}, which is no longer deployed once this is approved.`
          : answer,
        countermeasures: answer,
        testStrategy: answer,
      },
    },
  });
}
