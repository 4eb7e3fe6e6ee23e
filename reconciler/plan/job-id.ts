// Job ids: a hash of what the job is, so the same inputs always give the same id.
import { createHash } from "node:crypto";

export function jobId(parts: readonly unknown[]): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 16);
}
