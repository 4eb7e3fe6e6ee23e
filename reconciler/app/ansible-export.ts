// The Ansible inventory of some jobs of a written plan, with the provenance the playbook checks them against.
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { ansibleInventory, jobLineDigests } from "../export/ansible.js";
import type { HostResult, Job, Plan } from "../model/plan.js";

/** Reads jobs.ndjson again for the digest of each line as written (the plan reader keeps parsed lines only). */
export async function inventoryOf(
  planDir: string,
  plan: Plan,
  jobs: readonly Job[],
  hosts: readonly HostResult[],
  rollout: { maxErrors?: string } = {},
): Promise<string> {
  const osFamily = new Map<string, string>();
  for (const h of hosts) if (h.os) osFamily.set(h.host, h.os.family);
  const lineDigests = jobLineDigests(await readFile(join(planDir, "jobs.ndjson"), "utf8"));
  return ansibleInventory(jobs, {
    now: plan.now,
    planDir: resolve(planDir),
    policyRevision: plan.policyRevision,
    inputs: plan.inputs,
    lineDigests,
    osFamily,
    ...rollout,
  });
}
