// A policy source held in memory, for property and fuzz tests that build thousands of repositories.
import type { PolicySource, SourceEntry } from "../../reconciler/load/source.js";

export function memorySource(files: Record<string, string | Buffer>): PolicySource {
  return {
    label: "memory",
    revision: null,
    async readExtra() {
      return null;
    },
    async list(): Promise<SourceEntry[]> {
      return Object.keys(files)
        .sort()
        .map((path) => {
          const content = files[path]!;
          const bytes = typeof content === "string" ? Buffer.from(content) : content;
          return { path, type: "file" as const, size: bytes.length, read: async () => bytes };
        });
    },
  };
}
