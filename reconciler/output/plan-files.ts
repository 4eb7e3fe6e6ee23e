// The plan artifact as files: plan.json, hosts.ndjson, jobs.ndjson, exposure.ndjson (line files as chunks, never one
// huge string).
import type { ExposureLine, HostResult, Job, Plan } from "../model/plan.js";
import type { FileContent } from "./atomic.js";

function* lines(items: readonly unknown[]): Generator<string> {
  for (const item of items) yield JSON.stringify(item) + "\n";
}

/** The plan set; `exposure` (the in-memory reconcile's) adds exposure.ndjson, as `patchops plan` writes it. */
export function planFiles(
  plan: Plan,
  hosts: readonly HostResult[],
  jobs: readonly Job[],
  exposure?: readonly ExposureLine[],
): Map<string, FileContent> {
  return new Map<string, FileContent>([
    ["plan.json", JSON.stringify(plan, null, 2) + "\n"],
    ["hosts.ndjson", { [Symbol.iterator]: () => lines(hosts) }],
    ["jobs.ndjson", { [Symbol.iterator]: () => lines(jobs) }],
    ...(exposure ? [["exposure.ndjson", { [Symbol.iterator]: () => lines(exposure) }] as const] : []),
  ]);
}

/** The files as strings, for tests and small plans. */
export function planFileTexts(
  plan: Plan,
  hosts: readonly HostResult[],
  jobs: readonly Job[],
  exposure?: readonly ExposureLine[],
): Map<string, string> {
  return new Map(
    [...planFiles(plan, hosts, jobs, exposure)].map(([k, v]) => [k, typeof v === "string" ? v : [...v].join("")]),
  );
}
