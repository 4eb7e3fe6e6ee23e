import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseResults } from "../../reconciler/results/parse.js";
import { FIXTURES } from "../helpers/repo.js";

describe("job results readers", () => {
  it("reads the patchops_result facts out of real Ansible JSON callback output", async () => {
    const file = join(FIXTURES, "results", "ansible-json-callback.json");
    const parsed = parseResults(await readFile(file, "utf8"), file);
    expect(parsed.format).toBe("ansible-json");
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.results).toEqual([
      {
        jobId: "205b1a1d90267801",
        host: "web-1",
        type: "install",
        status: "failed",
        updates: {
          KB5002: { status: "succeeded" },
          KB5003: { status: "succeeded" },
          KB5001: { status: "succeeded" },
          KB5004: { status: "failed", code: "0x80240022" },
        },
        finishedAt: "2026-12-10T15:00:00Z",
      },
    ]);
  });

  it("reads NDJSON lines, defaults the type to install, and reports bad lines with file:line", () => {
    const text = [
      '{"jobId":"a","host":"h","status":"succeeded","updates":{"KB1":{"status":"succeeded"}},"finishedAt":"2026-12-10T15:00:00Z"}',
      "",
      '{"jobId":"b","host":"h","status":"failed","updates":{"KB1":{"status":"broken"}},"finishedAt":"2026-12-10T15:00:00Z"}',
      "{",
    ].join("\n");
    const parsed = parseResults(text, "r.ndjson");
    expect(parsed.format).toBe("ndjson");
    expect(parsed.results).toEqual([
      {
        jobId: "a",
        host: "h",
        type: "install",
        status: "succeeded",
        updates: { KB1: { status: "succeeded" } },
        finishedAt: "2026-12-10T15:00:00Z",
      },
    ]);
    expect(parsed.diagnostics.map((d) => [d.code, d.file, d.line])).toEqual([
      ["results-malformed", "r.ndjson", 3],
      ["results-malformed", "r.ndjson", 4],
    ]);
    expect(parsed.diagnostics[0]!.message).toContain("updates.KB1.status");
  });
});
