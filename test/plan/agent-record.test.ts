// The agent-scan record of docs/applicability.md: the contract's example is valid, and its fixed spellings are enforced.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkRecord } from "../../reconciler/inventory/native/parse.js";
import { ROOT } from "../helpers/repo.js";

const example = (): Record<string, unknown> =>
  JSON.parse(readFileSync(join(ROOT, "test/fixtures/agent-scan/contract-record.json"), "utf8")) as Record<
    string,
    unknown
  >;

function withUpdate(change: Record<string, unknown>): Record<string, unknown> {
  const rec = example();
  const scan = rec.agentScan as { updates: Record<string, unknown>[] };
  scan.updates[0] = { ...scan.updates[0], ...change };
  return rec;
}

describe("agent-scan record", () => {
  it("accepts the contract's example (fqdn, features, agent problems, agentScan, scanErrors)", () => {
    const r = checkRecord(example());
    expect(r.error).toBeUndefined();
    expect(r.record?.agentScan?.updates.map((u) => u.kbs)).toEqual([["KB5068787"], ["KB2267602"]]);
  });

  it.each([
    [{ classification: "Security Updates" }, "classification"],
    [{ kbs: ["5068787"] }, "kbs"],
    [{ updateId: "6F1D7A4C-0B2E-4C4A-9D51-3A1C2B7E8F00" }, "updateId"],
    [{ reboot: 2 }, "reboot"],
    [{ released: "11/11/2025" }, "released"],
    [{ severity: "Critical" }, "severity"],
  ])("refuses %j", (change, field) => {
    const r = checkRecord(withUpdate(change));
    expect(r.error).toContain(field);
    expect(r.host).toBe("web-red-001");
  });

  it("refuses an unknown scan source and an unknown scanErrors source", () => {
    const a = example();
    (a.agentScan as Record<string, unknown>).source = "sccm";
    expect(checkRecord(a).error).toContain("source");
    const b = example();
    b.scanErrors = [{ source: "cim", message: "x" }];
    expect(checkRecord(b).error).toContain("source");
  });
});
