// Intake enriches what agents report: for an update the fleet's own update agents already list, the feeds' facts
// (CVEs, the vendor's rating, MSRC/CSAF exploitation, KEV) go into an Advisory file (policies/advisories/), never into
// a draft Update file; plan reads them for that agent-reported update once the CAB has reviewed the file.
import { parseDocument } from "yaml";
import type { Inventory } from "../inventory/host-record.js";
import type { AdvisorySpec } from "../model/advisory.js";
import type { PolicySet } from "../model/policy-set.js";
import { compareText } from "../order.js";
import { mergeExploited, worse, type AdvisoryUpdate, type KnownExploited } from "./advisory.js";
import { emitYaml } from "./emit.js";

/** How many agent-scanned hosts list each KB (upper-case), and how many of them do not have it installed. */
export interface AgentSightings {
  listed: number;
  offered: number;
}

/** The KBs the inventory's agent scans list. A host without an agent scan (estimated) counts for nothing here. */
export function agentSightings(inventory: Inventory | null): Map<string, AgentSightings> {
  const out = new Map<string, AgentSightings>();
  if (!inventory) return out;
  for (const rec of inventory.records.values()) {
    if (!rec.agentScanned || !rec.agentScan) continue;
    for (const [kb, list] of rec.agentScan.byKb) {
      const s = out.get(kb) ?? { listed: 0, offered: 0 };
      s.listed++;
      if (!list.some((u) => u.installed)) s.offered++;
      out.set(kb, s);
    }
  }
  return out;
}

export interface FactsChange {
  id: string;
  /** Repository path, e.g. policies/advisories/kb5068787.yaml. */
  file: string;
  /** What the file says after the change. */
  facts: AdvisorySpec;
  /** What it said before (null: a new file). */
  was: AdvisorySpec | null;
  /** The KEV entries behind the exploitation flag, for the report. */
  kev: KnownExploited[];
  sightings: AgentSightings | null;
}

const fileOf = (id: string) => `policies/advisories/${id.toLowerCase()}.yaml`;

/** The facts one feed update gives, with the KEV listings of its CVEs. */
function feedFacts(u: AdvisoryUpdate, kev: readonly KnownExploited[]): AdvisorySpec {
  const since = kev.map((k) => k.dateAdded).sort(compareText)[0];
  const exploited = mergeExploited(
    u.exploited,
    kev.length ? { sources: ["kev"], ...(since ? { since } : {}) } : undefined,
  );
  return {
    id: u.id,
    title: u.title,
    vendor: u.vendor,
    ...(u.bulletin ? { bulletin: u.bulletin } : {}),
    released: u.released,
    cves: [...u.cves].sort(compareText),
    ...(u.severity ? { severity: u.severity } : {}),
    ...(exploited ? { exploited } : {}),
  };
}

/**
 * What the file should say: facts only ever accumulate. CVEs are the union, the rating the higher, exploitation every
 * source with the earliest date; the title, bulletin and release date a file already states are kept.
 */
export function mergeFacts(was: AdvisorySpec | null, found: AdvisorySpec): AdvisorySpec {
  if (!was) return found;
  const severity = worse(was.severity ?? null, found.severity ?? null);
  const exploited = mergeExploited(was.exploited, found.exploited);
  return {
    id: was.id,
    ...(was.title || found.title ? { title: was.title ?? found.title } : {}),
    vendor: was.vendor,
    ...(was.bulletin || found.bulletin ? { bulletin: was.bulletin ?? found.bulletin } : {}),
    ...(was.released || found.released ? { released: was.released ?? found.released } : {}),
    cves: [...new Set([...was.cves, ...found.cves].map((c) => c.toUpperCase()))].sort(compareText),
    ...(severity ? { severity } : {}),
    ...(exploited ? { exploited } : {}),
  };
}

/** Whether two fact sets say the same (field order aside). */
function sameFacts(a: AdvisorySpec, b: AdvisorySpec): boolean {
  const norm = (f: AdvisorySpec) =>
    JSON.stringify([
      f.id.toUpperCase(),
      f.title ?? null,
      f.vendor,
      f.bulletin ?? null,
      f.released ?? null,
      [...f.cves].sort(compareText),
      f.severity ?? null,
      f.exploited ? [f.exploited.sources, f.exploited.since ?? null] : null,
    ]);
  return norm(a) === norm(b);
}

export interface FactsResult {
  changes: FactsChange[];
  /** Ids whose Advisory file already says everything this run found. */
  unchanged: string[];
  /** Feed ids handled here (agents report them): intake drafts no Update file for them. */
  handled: Set<string>;
}

/**
 * The Advisory files this run writes or changes: one per feed update that some host's agent lists and no Update file
 * describes, and every Advisory file already in the policy that this run's KEV catalog says more about.
 */
export function advisoryFacts(input: {
  set: PolicySet;
  updates: readonly AdvisoryUpdate[];
  kev: ReadonlyMap<string, KnownExploited>;
  sightings: ReadonlyMap<string, AgentSightings>;
}): FactsResult {
  const described = new Set(input.set.updates.map((u) => u.spec.id.toUpperCase()));
  const existing = new Map<string, { file: string; spec: AdvisorySpec }>();
  for (const a of [...input.set.advisories].sort((x, y) => compareText(x.file, y.file))) {
    const id = a.spec.id.toUpperCase();
    if (!existing.has(id)) existing.set(id, { file: a.file, spec: a.spec });
  }
  const result: FactsResult = { changes: [], unchanged: [], handled: new Set() };
  const found = new Map<string, { facts: AdvisorySpec; kev: KnownExploited[] }>();
  const kevOf = (cves: readonly string[]) =>
    [...new Set(cves.map((c) => c.toUpperCase()))].map((c) => input.kev.get(c)).filter((k): k is KnownExploited => !!k);
  for (const u of input.updates) {
    const id = u.id.toUpperCase();
    if (described.has(id) || !input.sightings.has(id)) continue;
    result.handled.add(u.id);
    const kev = kevOf(u.cves);
    found.set(id, { facts: feedFacts(u, kev), kev });
  }
  // Files this run's feeds do not mention are still re-checked against the KEV catalog.
  for (const [id, a] of existing) {
    if (found.has(id)) continue;
    const kev = kevOf(a.spec.cves);
    if (!kev.length) continue;
    const since = kev.map((k) => k.dateAdded).sort(compareText)[0];
    found.set(id, {
      facts: { ...a.spec, exploited: mergeExploited(undefined, { sources: ["kev"], ...(since ? { since } : {}) }) },
      kev,
    });
  }
  for (const [id, f] of [...found].sort(([a], [b]) => compareText(a, b))) {
    const was = existing.get(id) ?? null;
    const facts = mergeFacts(was?.spec ?? null, f.facts);
    if (was && sameFacts(was.spec, facts)) {
      result.unchanged.push(was.spec.id);
      continue;
    }
    result.changes.push({
      id: was?.spec.id ?? f.facts.id,
      file: was?.file ?? fileOf(id),
      facts,
      was: was?.spec ?? null,
      kev: f.kev,
      sightings: input.sightings.get(id) ?? null,
    });
  }
  return result;
}

/** The spec as an Advisory file writes it (fixed field order). */
function specValue(f: AdvisorySpec): Record<string, unknown> {
  return {
    id: f.id,
    ...(f.title ? { title: f.title } : {}),
    vendor: f.vendor,
    ...(f.bulletin ? { bulletin: f.bulletin } : {}),
    ...(f.released ? { released: f.released } : {}),
    cves: [...f.cves],
    ...(f.severity ? { severity: f.severity } : {}),
    ...(f.exploited
      ? { exploited: { sources: [...f.exploited.sources], ...(f.exploited.since ? { since: f.exploited.since } : {}) } }
      : {}),
  };
}

/**
 * The file's text: a new file through the one YAML emitter; a change to an existing file sets the changed fields and
 * keeps every other line and comment as it was (the diff is the proposal a CAB member reviews).
 */
export function factsText(change: FactsChange, existingText: string | null, feeds: string, now: string): string {
  if (existingText === null)
    return emitYaml(
      [
        "yaml-language-server: $schema=../../schemas/advisory.json",
        `Recorded by patchops intake from ${feeds} on ${now}: what the advisories say about an update the fleet's own update agents report. Plan applies it (CVEs, rating, exploitation) once a CAB member has reviewed it.`,
      ],
      {
        apiVersion: "patchops/v1",
        kind: "Advisory",
        metadata: { name: change.id.toLowerCase() },
        spec: specValue(change.facts),
      },
    );
  const doc = parseDocument(existingText);
  const current = ((doc.toJS() as { spec?: Record<string, unknown> } | null)?.spec ?? {}) as Record<string, unknown>;
  for (const [key, v] of Object.entries(specValue(change.facts))) {
    if (JSON.stringify(current[key]) === JSON.stringify(v)) continue;
    doc.setIn(["spec", key], doc.createNode(v, { flow: true }));
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/** The report line's facts: rating, CVE count, exploitation. */
export function factsSummary(c: FactsChange): string {
  const f = c.facts;
  const parts = [f.severity ?? "unrated", `${f.cves.length} CVE${f.cves.length === 1 ? "" : "s"}`];
  if (f.exploited)
    parts.push(
      `exploited (${f.exploited.sources.join(", ")}${f.exploited.since ? ` since ${f.exploited.since}` : ""})`,
    );
  const seen = c.sightings
    ? `; ${c.sightings.listed} agent${c.sightings.listed === 1 ? "" : "s"} list it, ${c.sightings.offered} not installed`
    : "";
  return `${parts.join(", ")}${seen}`;
}
