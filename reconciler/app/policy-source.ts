// Chooses where the policy is read from: the working tree, or a git ref without a checkout.
import { stat } from "node:fs/promises";
import type { PolicySource } from "../load/source.js";
import { workingTreeSource } from "../load/source.js";
import { gitRefSource, headRevision } from "../git/ref-source.js";
import { UsageError } from "../errors.js";

export async function policySourceFor(repo: string, ref: string | undefined): Promise<PolicySource> {
  try {
    if (!(await stat(repo)).isDirectory()) throw new UsageError(`--repo ${repo} is not a directory`);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`--repo ${repo} cannot be read: ${(err as Error).message}`);
  }
  if (ref) return gitRefSource(repo, ref);
  return workingTreeSource(repo, await headRevision(repo));
}
