// The plan artifact as files: plan.json, hosts.ndjson, jobs.ndjson.
import type { HostResult, Job, Plan } from "../model/plan.js";

export function planFiles(plan: Plan, hosts: readonly HostResult[], jobs: readonly Job[]): Map<string, string> {
  return new Map([
    ["plan.json", JSON.stringify(plan, null, 2) + "\n"],
    ["hosts.ndjson", hosts.map((h) => JSON.stringify(h)).join("\n") + (hosts.length ? "\n" : "")],
    ["jobs.ndjson", jobs.map((j) => JSON.stringify(j)).join("\n") + (jobs.length ? "\n" : "")],
  ]);
}
