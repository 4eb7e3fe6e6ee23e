// Exposure from a compact plan's host lines: an unlisted fix is a caveat only when some host has it installed.
import { describe, expect, it } from "vitest";
import type { HostResult } from "../../reconciler/model/plan.js";
import { ExposureTally, type ExploitedUpdate } from "../../reconciler/plan/exposure.js";

const fix = (id: string): ExploitedUpdate => ({
  id,
  cves: ["CVE-2026-0001"],
  sources: ["cisa-kev"],
  since: null,
  timeline: "emergency",
  decision: "approved",
});

// A compact line: KBA is missing; KBB (another fix of the same CVE) is not listed: installed, or not concerned.
const host: HostResult = {
  host: "web-01",
  status: "noncompliant",
  owner: "team-a",
  period: "D1-04",
  cluster: null,
  role: null,
  scannedAt: "2026-12-10T04:00:00Z",
  baselines: [],
  counts: { installed: 1, missing: 1 },
  updates: { KBA: "missing" },
  aboveBaseline: [],
};

const tally = (maybeInstalled: ReadonlySet<string> | null) => {
  const t = new ExposureTally([fix("KBA"), fix("KBB")], null, "2026-12-10T09:00:00Z", 10, maybeInstalled);
  t.add(host, false, null);
  return t.result().cves[0]!;
};

describe("ExposureTally on compact host lines", () => {
  it("no host has the unlisted fix installed: exposed, no caveat", () => {
    const c = tally(new Set(["KBC"]));
    expect(c.count).toBe(1);
    expect(c.undetermined).toBe(0);
    expect(c.hosts[0]).toEqual({
      host: "web-01",
      owner: "team-a",
      status: "noncompliant",
      estimated: false,
      fixes: [{ id: "KBA", state: "missing", timeline: "emergency" }],
    });
  });

  it("some host has the unlisted fix installed: exposed unless it is installed here too", () => {
    const c = tally(new Set(["KBB"]));
    expect(c.count).toBe(1);
    expect(c.undetermined).toBe(1);
    expect(c.hosts[0]!.unlisted).toEqual(["KBB"]);
  });

  it("a full plan's lines: no caveat and no undetermined count", () => {
    const c = tally(null);
    expect(c.count).toBe(1);
    expect(c.undetermined).toBeUndefined();
    expect(c.hosts[0]!.unlisted).toBeUndefined();
  });
});
