// From advisories to draft Update files: relevance against the inventory, classification, the RFC with TODOs.
import type { Inventory } from "../inventory/host-record.js";
import type { PolicySet } from "../model/policy-set.js";
import { UpdateSpec } from "../model/update.js";
import { applicability } from "../plan/applicability.js";
import { ruleMatches } from "../policy/decision.js";
import type { AdvisoryUpdate, KnownExploited, NotDrafted } from "./advisory.js";
import { timelineOf, withKev } from "./exploited.js";
import { advisoryUrl } from "./advisory-url.js";
import { AdvisoryUpdateSchema, firstProblem } from "./record.js";
import { linuxDraft } from "./linux-draft.js";
import { sealDraft } from "./draft-record.js";
import { renderWindowsDraft } from "./render.js";
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
  /** Advisories whose fields no Update may carry (a malformed CVE or date): refused one by one, never drafted. */
  refused?: { id: string; reason: string }[];
  /** Drafts written without their advisory link, because the link is no URL even once percent-encoded. */
  unlinked?: { id: string; reason: string }[];
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
  for (const fromFeed of input.updates) {
    if (known.has(fromFeed.id)) {
      result.known.push(fromFeed.id);
      continue;
    }
    const link = advisoryUrl(fromFeed.url);
    if ("problem" in link) (result.unlinked ??= []).push({ id: fromFeed.id, reason: link.problem });
    const kevOf = fromFeed.cves.map((c) => input.kev.get(c)).filter((k): k is KnownExploited => !!k);
    const u = withKev({ ...fromFeed, url: link.url }, kevOf);
    // The record a draft carries is checked against this same grammar when verification renders it again.
    const problem = firstProblem(AdvisoryUpdateSchema, u);
    if (problem) {
      (result.refused ??= []).push({ id: fromFeed.id, reason: problem });
      continue;
    }
    if (u.packages) {
      const d = linuxDraft(u, { inventory, ownerOf, kev: input.kev, policy, rules: set.rules, now: input.now });
      if ("irrelevant" in d) result.irrelevant.push(d.irrelevant);
      else
        result.drafts.push({
          update: u,
          ...d,
          text: sealDraft(d.text, {
            platform: "linux",
            update: u,
            timeline: d.timeline,
            kev: d.kev,
            hosts: d.hosts,
            now: input.now,
            rule: d.rule,
          }),
        });
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
    const kev = kevOf;
    const timeline = timelineOf(u, policy);
    const parsed = UpdateSpec.safeParse({
      id: u.id,
      title: u.title,
      vendor: u.vendor,
      cves: u.cves,
      classification: "security",
      ...(u.severity ? { severity: u.severity } : {}),
      released: u.released,
      appliesTo,
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.length ? issue.path.join(".") : "the advisory";
      (result.refused ??= []).push({ id: u.id, reason: `${field}: ${issue?.message ?? "invalid"}`.slice(0, 200) });
      continue;
    }
    const spec = parsed.data;
    const rule = [...set.rules].sort((a, b) => compareText(a.name, b.name)).find((r) => ruleMatches(r.spec, spec));
    const ruleName = rule?.name ?? null;
    const text = sealDraft(renderWindowsDraft(u, timeline, kev, appliesTo, hosts, input.now, ruleName), {
      platform: "windows",
      update: u,
      timeline,
      kev,
      hosts,
      now: input.now,
      rule: ruleName,
    });
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
