// RFC pull requests from drafts: one per update, or one monthly bundle for the updates an approval rule covers.
import type { Draft } from "./draft.js";
import { changeSummary, type ExploitedChange } from "./recheck.js";
import { factsSummary, type FactsChange } from "./facts.js";
import { compareText } from "../order.js";

export interface PullRequestPlan {
  branch: string;
  title: string;
  body: string;
  labels: string[];
  files: { path: string; text: string }[];
}

export const INTAKE_MARKER = "<!-- patchops:intake -->";

function relevanceTable(drafts: Draft[]): string {
  const rows = drafts.map((d) => {
    const owners = d.relevance ? d.relevance.map((r) => `${r.owner}: ${r.hosts}`).join(", ") : "not computed";
    const kev = d.kev.length ? `⚠️ known exploited, CISA due ${d.kev.map((k) => k.dueDate).join(", ")}` : "";
    return `| ${d.update.id} | ${d.update.severity ?? "—"} | ${d.timeline === "emergency" ? "🚨 emergency" : "standard"} ${kev} | ${d.hosts ?? "—"} | ${owners} | ${d.update.cves.join(", ") || "—"} |`;
  });
  return ["| update | severity | timeline | hosts | by owner | CVEs |", "|---|---|---|---|---|---|", ...rows].join(
    "\n",
  );
}

function links(drafts: Draft[]): string {
  return drafts
    .flatMap((d) => [
      ...(d.update.url ? [`- ${d.update.id}: ${d.update.url}`] : []),
      ...d.update.cves.map((c) => `- ${c}: https://msrc.microsoft.com/update-guide/vulnerability/${c}`),
    ])
    .join("\n");
}

export function pullRequestPlans(drafts: Draft[]): PullRequestPlan[] {
  const plans: PullRequestPlan[] = [];
  const bundles = new Map<string, Draft[]>();
  for (const d of drafts) {
    if (d.rule) {
      const month = d.update.released.slice(0, 7);
      bundles.set(month, [...(bundles.get(month) ?? []), d]);
      continue;
    }
    const label = [
      `severity:${d.update.severity ?? "unrated"}`,
      "intake",
      ...(d.timeline === "emergency" ? ["emergency"] : []),
    ];
    plans.push({
      branch: `patchops/rfc-${d.update.id.toLowerCase().replace(/[^a-z0-9._-]+/g, "-")}`,
      title: `RFC: ${d.update.id} ${d.update.title}${d.timeline === "emergency" ? " (EMERGENCY)" : ""}`,
      body: `${INTAKE_MARKER}\nDrafted by \`patchops intake\` from ${d.update.source}. Answer every TODO in the Update file, then ask the CAB to review.\n\n${relevanceTable([d])}\n\n${links([d])}\n`,
      labels: label,
      files: [{ path: d.file, text: d.text }],
    });
  }
  for (const [month, list] of [...bundles].sort(([a], [b]) => compareText(a, b))) {
    const sorted = list.sort((a, b) => compareText(a.update.id, b.update.id));
    const rules = [...new Set(sorted.map((d) => d.rule!))].sort().join(", ");
    plans.push({
      branch: `patchops/patch-tuesday-${month}`,
      title: `Patch Tuesday ${month}: ${sorted.length} update${sorted.length === 1 ? "" : "s"} under ${rules}`,
      body: `${INTAKE_MARKER}\nThe approval rule${rules.includes(",") ? "s" : ""} ${rules} will approve these updates once their delay has passed; this pull request adds their catalog entries. One CAB member's approval is enough for entries under an approved rule; the intake identity as author is enough only for an entry exactly as intake drafted it that supersedes no approved update, targets nothing outside the rule and was released at most 35 days before it was drafted (docs/intake.md).\n\n${relevanceTable(sorted)}\n\n${links(sorted)}\n`,
      labels: ["intake", "bundle", ...(sorted.some((d) => d.timeline === "emergency") ? ["emergency"] : [])],
      files: sorted.map((d) => ({ path: d.file, text: d.text })),
    });
  }
  return plans.sort((a, b) => compareText(a.branch, b.branch));
}

/** One pull request per update that became exploited: the edit of its file, for a CAB member to review. */
export function exploitedPullRequests(changes: readonly (ExploitedChange & { text: string })[]): PullRequestPlan[] {
  return changes
    .map((c) => ({
      branch: `patchops/exploited-${c.id.toLowerCase().replace(/[^a-z0-9._-]+/g, "-")}`,
      title: `Exploited: ${c.id} now on the ${c.timeline} timeline`,
      body: `${INTAKE_MARKER}\n${changeSummary(c)}.\n\nThis edit adds \`exploited\` and sets \`timeline: ${c.timeline}\` in ${c.file}. It changes a file already in the policy, so a CAB member reviews it.\n`,
      labels: ["intake", "exploited", ...(c.timeline === "emergency" ? ["emergency"] : [])],
      files: [{ path: c.file, text: c.text }],
    }))
    .sort((a, b) => compareText(a.branch, b.branch));
}

/**
 * One pull request for the advisory facts of a run (policies/advisories/): what the feeds say about updates the
 * fleet's agents already report. A change that adds exploitation has its own pull request, labelled for urgency.
 */
export function factsPullRequests(
  changes: readonly (FactsChange & { text: string })[],
  now: string,
): PullRequestPlan[] {
  const exploited = changes.filter((c) => c.facts.exploited && !c.was?.exploited);
  const rest = changes.filter((c) => !exploited.includes(c));
  const row = (c: FactsChange) =>
    `| ${c.id} | ${c.was ? "updated" : "new"} | ${factsSummary(c)} | ${c.facts.cves.join(", ") || "—"} |`;
  const table = (list: readonly FactsChange[]) =>
    ["| update | file | facts | CVEs |", "|---|---|---|---|", ...list.map(row)].join("\n");
  const why =
    "The fleet's own update agents already report these updates, so intake drafts no Update file for them: approval rules decide them per host. These facts raise their urgency (exploited → the policy's exploited timeline; a higher rating) once a CAB member approves this pull request; until then plan does not apply them.";
  const plans: PullRequestPlan[] = exploited.map((c) => ({
    branch: `patchops/advisory-exploited-${c.id.toLowerCase().replace(/[^a-z0-9._-]+/g, "-")}`,
    title: `Exploited: ${c.id} (reported by update agents)`,
    body: `${INTAKE_MARKER}\n${why}\n\n${table([c])}\n`,
    labels: ["intake", "exploited", "advisory"],
    files: [{ path: c.file, text: c.text }],
  }));
  if (rest.length)
    plans.push({
      branch: `patchops/advisories-${now}`,
      title: `Advisory facts ${now}: ${rest.length} update${rest.length === 1 ? "" : "s"} reported by update agents`,
      body: `${INTAKE_MARKER}\n${why}\n\n${table(rest)}\n`,
      labels: ["intake", "advisory"],
      files: rest.map((c) => ({ path: c.file, text: c.text })),
    });
  return plans.sort((a, b) => compareText(a.branch, b.branch));
}
