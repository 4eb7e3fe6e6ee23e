// Job ids: a hash of what the job is, so the same inputs always give the same id.
import { createHash } from "node:crypto";

export function jobId(parts: readonly unknown[]): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 16);
}

/** The shard (1-based) a key falls in: FNV-1a over the key, so the split is stable across runs and machines. */
export function shardOf(key: string, count: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return (h % count) + 1;
}
