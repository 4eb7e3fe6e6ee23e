// A large policy file drops its document tree after loading; positions asked later are found again, the same as
// a small file's, and a diagnostic about a host deep inside a 5,000-host assignment names its line and column.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadPolicySet } from "../../reconciler/load/policy-set.js";
import { validateSource } from "../../reconciler/validate/validate.js";
import { memorySource } from "../helpers/memory-source.js";
import { FIXTURES } from "../helpers/repo.js";

function assignment(hosts: number, period = (i: number) => `D${(i % 4) + 1}-04`): string {
  const lines = ["apiVersion: patchops/v1", "kind: Assignment", "metadata:", "  name: big", "spec:", "  owner: team-a"];
  lines.push("  timetable: dc", "  hosts:");
  for (let i = 0; i < hosts; i++) lines.push(`    - { name: h${i}, period: ${period(i)} }`);
  return lines.join("\n") + "\n";
}

describe("positions in large files", () => {
  it("are found again after the tree is dropped, at the same line and column as in a small file", async () => {
    const big = assignment(5000);
    expect(big.length).toBeGreaterThan(64 * 1024);
    const { set } = await loadPolicySet(memorySource({ "windows/assignments/big.yaml": big }));
    const doc = set.assignments[0]!;
    // Line 9 holds host 0; host 4321 is on line 9 + 4321, its period after "period: ".
    const at = doc.at(["spec", "hosts", 4321, "period"]);
    const line = big.split("\n")[at.line! - 1]!;
    expect(at).toMatchObject({ file: "windows/assignments/big.yaml", line: 9 + 4321 });
    expect(line.slice(at.column! - 1)).toMatch(/^D2-04 \}/);
    const small = (await loadPolicySet(memorySource({ "windows/assignments/small.yaml": assignment(3) }))).set
      .assignments[0]!;
    const smallAt = small.at(["spec", "hosts", 2, "period"]);
    expect(smallAt.line).toBe(11);
    expect(
      assignment(3)
        .split("\n")[10]!
        .slice(smallAt.column! - 1),
    ).toMatch(/^D3-04 \}/);
  });

  it("a finding about a host deep in a large file still names its line", async () => {
    const files = {
      "windows/assignments/big.yaml": assignment(5000, (i) => (i === 4000 ? "D9-99" : `D${(i % 4) + 1}-04`)),
      "windows/timetables/dc.yaml": await readFile(join(FIXTURES, "minimal/windows/timetables/dc.yaml"), "utf8"),
    };
    const { set, diagnostics } = await validateSource(memorySource(files), Date.parse("2026-12-10T00:00:00Z"));
    void set;
    const unknown = diagnostics.find((d) => d.code === "unknown-period");
    expect(unknown).toMatchObject({ file: "windows/assignments/big.yaml", line: 9 + 4000 });
  });
});
