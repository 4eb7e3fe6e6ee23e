// Every intake run re-checks the Update files already in the policy (drafts and approved ones) against KEV and the
// vendors' exploitation flags, and proposes the change (spec.exploited and the exploited timeline) as its own edit:
// a file that became urgent is never left on its old timeline, and never changed without a pull request.
import { parseDocument } from "yaml";
import type { PolicySet } from "../model/policy-set.js";
import { compareText } from "../order.js";
import { mergeExploited, type AdvisoryUpdate, type KnownExploited } from "./advisory.js";
import { RECORD_PREFIX } from "./draft-record.js";
import { exploitedTimeline } from "./exploited.js";

export interface ExploitedChange {
  id: string;
  file: string;
  /** What the file should say: every source that says exploited, and the timeline the policy gives exploited updates. */
  exploited: NonNullable<AdvisoryUpdate["exploited"]>;
  timeline: "emergency" | "standard";
  /** The timeline the file states today (null: none, it follows the severity mapping). */
  was: "emergency" | "standard" | null;
  /** The KEV entries behind it, for the pull request. */
  kev: KnownExploited[];
}

/** The Update files (not rejected) that feeds now call exploited and that do not yet say so, by file. */
export function exploitedChanges(input: {
  set: PolicySet;
  /** This run's feed updates by id (upper case): their vendor flags. */
  feed: ReadonlyMap<string, AdvisoryUpdate>;
  kev: ReadonlyMap<string, KnownExploited>;
}): ExploitedChange[] {
  const policy = input.set.policy?.spec ?? null;
  const timeline = exploitedTimeline(policy);
  const out: ExploitedChange[] = [];
  for (const doc of input.set.updates) {
    const spec = doc.spec;
    if (spec.decision === "rejected") continue;
    const fromFeed = input.feed.get(spec.id.toUpperCase());
    // The CVEs the file names and those this run's feed says the update fixes.
    const cves = [...new Set([...spec.cves, ...(fromFeed?.cves ?? [])].map((c) => c.toUpperCase()))].sort();
    const kev = cves.map((c) => input.kev.get(c)).filter((k): k is KnownExploited => !!k);
    const since = kev.map((k) => k.dateAdded).sort()[0];
    const flags = fromFeed?.exploited;
    const found = mergeExploited(flags, kev.length ? { sources: ["kev"], ...(since ? { since } : {}) } : undefined);
    if (!found) continue;
    const exploited = mergeExploited(spec.exploited, found)!;
    const same =
      spec.exploited !== undefined &&
      exploited.sources.join() === spec.exploited.sources.join() &&
      exploited.since === spec.exploited.since;
    if (same && spec.timeline === timeline) continue;
    out.push({ id: spec.id, file: doc.file, exploited, timeline, was: spec.timeline ?? null, kev });
  }
  return out.sort((a, b) => compareText(a.file, b.file));
}

/**
 * The file with `exploited` and `timeline` set, everything else as it was (comments too). A draft's intake record is
 * dropped: the edited file is no longer what intake drafted, so a CAB member reviews the change.
 */
export function withExploited(text: string, change: ExploitedChange): string {
  const lines = text.split("\n");
  const kept = lines.filter((l) => !l.startsWith(RECORD_PREFIX)).join("\n");
  const doc = parseDocument(kept);
  doc.setIn(["spec", "exploited"], doc.createNode(change.exploited, { flow: true }));
  doc.setIn(["spec", "timeline"], change.timeline);
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/** What the pull request says about one change (one line). */
export function changeSummary(c: ExploitedChange): string {
  const kev = c.kev.length
    ? ` (CISA KEV: ${c.kev.map((k) => `${k.cve} added ${k.dateAdded}, due ${k.dueDate}`).join("; ")})`
    : "";
  return `${c.id} is exploited according to ${c.exploited.sources.join(", ")}${kev}: timeline ${c.was ?? "by severity"} → ${c.timeline}`;
}
