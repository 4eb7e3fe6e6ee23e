// A host's status from its scan alone (plan/passes/host-status.ts) and the unknown-OS notes and findings
// (plan/os-recognition.ts), on records read by the real native reader: rogue, unscanned, malformed, stale at the exact
// instant on both sides, a scan in the future at the exact instant, unhealthy, below baseline, unknown OS name.
import { describe, expect, it } from "vitest";
import { fromNative, type HostRecord } from "../../reconciler/inventory/host-record.js";
import type { InventoryRecord } from "../../reconciler/model/inventory.js";
import type { LoadedDoc } from "../../reconciler/model/policy-set.js";
import type { BaselineSpec } from "../../reconciler/model/baseline.js";
import { PatchPolicySpec } from "../../reconciler/model/policy.js";
import type { CatalogEntry } from "../../reconciler/plan/catalog.js";
import { HostContext } from "../../reconciler/plan/hosts.js";
import {
  unknownRelease,
  unknownReleaseFindings,
  unrecognisedOsFindings,
  unrecognisedOsNote,
} from "../../reconciler/plan/os-recognition.js";
import { hostStanding } from "../../reconciler/plan/passes/host-status.js";
import { hostRecord } from "../helpers/plan-fixture.js";
import { agentHost, CU } from "./agent-fleet.js";

const read = (r: InventoryRecord, origin = "inv.ndjson:4"): HostRecord => fromNative(r, origin);
const NOW = Date.parse("2026-12-10T04:00:00Z");
const POLICY = PatchPolicySpec.parse({}); // staleAfterHours: 24 by default
const ASSIGNMENT = { file: "windows/assignments/team-a.yaml" } as unknown as HostContext["assignment"];

function ctx(over: Partial<Pick<HostContext, "assignment" | "record" | "malformed" | "baselines">>): HostContext {
  const h = new HostContext("h1");
  Object.assign(h, over);
  return h;
}
const scannedAt = (t: string) => read(hostRecord("h1", { scannedAt: t }));
const MYSTERY = { family: "windows" as const, name: "Mystery OS 7", version: "10.0.99999.1" };

describe("hostStanding", () => {
  it("compliant: assigned, fresh, healthy, known OS", () => {
    expect(
      hostStanding(ctx({ assignment: ASSIGNMENT, record: scannedAt("2026-12-10T04:00:00Z") }), POLICY, NOW),
    ).toEqual({ status: "compliant", notes: [], below: [] });
  });

  it("unmanaged: scanned or malformed but in no assignment (a malformed record adds its note, status stays)", () => {
    expect(hostStanding(ctx({ record: scannedAt("2026-12-10T04:00:00Z") }), POLICY, NOW)).toEqual({
      status: "unmanaged",
      notes: ["scanned but in no assignment: a rogue or unregistered system"],
      below: [],
    });
    expect(hostStanding(ctx({ malformed: "line 3: bad JSON" }), POLICY, NOW)).toEqual({
      status: "unmanaged",
      notes: [
        "scanned but in no assignment: a rogue or unregistered system",
        "unusable inventory record (line 3: bad JSON)",
      ],
      below: [],
    });
  });

  it("unscanned: assigned and absent; an assigned host with only a malformed record is stale", () => {
    // Neither assigned nor scanned (the host list never makes one): not called a rogue.
    expect(hostStanding(ctx({}), POLICY, NOW).status).toBe("unscanned");
    expect(hostStanding(ctx({ assignment: ASSIGNMENT }), POLICY, NOW)).toEqual({
      status: "unscanned",
      notes: ["assigned but absent from the inventory: its agent is not reporting"],
      below: [],
    });
    expect(hostStanding(ctx({ assignment: ASSIGNMENT, malformed: "bad" }), POLICY, NOW)).toEqual({
      status: "stale",
      notes: ["unusable inventory record (bad)"],
      below: [],
    });
    // A later good record beside it: still stale, and no second staleness note.
    expect(
      hostStanding(
        ctx({ assignment: ASSIGNMENT, malformed: "bad", record: scannedAt("2026-12-01T00:00:00Z") }),
        POLICY,
        NOW,
      ),
    ).toEqual({ status: "stale", notes: ["unusable inventory record (bad)"], below: [] });
  });

  it("stale after staleAfterHours: exactly 24 h old is fresh, one millisecond more is stale", () => {
    const at = (t: string) => hostStanding(ctx({ assignment: ASSIGNMENT, record: scannedAt(t) }), POLICY, NOW);
    expect(at("2026-12-09T04:00:00.000Z").status).toBe("compliant");
    expect(at("2026-12-09T03:59:59.999Z")).toEqual({
      status: "stale",
      notes: ["last scan 2026-12-09T03:59:59.999Z is older than staleAfterHours (24)"],
      below: [],
    });
    const six = PatchPolicySpec.parse({ staleAfterHours: 6 });
    const with6 = (t: string) => hostStanding(ctx({ assignment: ASSIGNMENT, record: scannedAt(t) }), six, NOW).status;
    expect([with6("2026-12-09T22:00:00Z"), with6("2026-12-09T21:59:59.999Z")]).toEqual(["compliant", "stale"]);
  });

  it("a scan more than an hour in the future is stale; exactly an hour ahead is not", () => {
    const at = (t: string) => hostStanding(ctx({ assignment: ASSIGNMENT, record: scannedAt(t) }), POLICY, NOW);
    expect(at("2026-12-10T05:00:00.000Z").status).toBe("compliant");
    expect(at("2026-12-10T05:00:00.001Z")).toEqual({
      status: "stale",
      notes: ["last scan 2026-12-10T05:00:00.001Z lies in the future; the scanner's clock is wrong"],
      below: [],
    });
  });

  it("an unhealthy agent makes a fresh scan stale; an unmanaged host gets no staleness notes", () => {
    const sick = read(hostRecord("h1", { agent: { healthy: false } } as Partial<InventoryRecord>));
    expect(hostStanding(ctx({ assignment: ASSIGNMENT, record: sick }), POLICY, NOW)).toEqual({
      status: "stale",
      notes: ["the scanning agent reports itself unhealthy"],
      below: [],
    });
    const oldSick = read(
      hostRecord("h1", { scannedAt: "2026-12-01T00:00:00Z", agent: { healthy: false } } as Partial<InventoryRecord>),
    );
    expect(hostStanding(ctx({ record: oldSick }), POLICY, NOW).notes).toEqual([
      "scanned but in no assignment: a rogue or unregistered system",
    ]);
    const future = read(hostRecord("h1", { scannedAt: "2026-12-11T00:00:00Z" }));
    expect(hostStanding(ctx({ record: future }), POLICY, NOW).notes).toEqual([
      "scanned but in no assignment: a rogue or unregistered system",
    ]);
    // Old and unhealthy: one note, the age.
    expect(hostStanding(ctx({ assignment: ASSIGNMENT, record: oldSick }), POLICY, NOW).notes).toEqual([
      "last scan 2026-12-01T00:00:00Z is older than staleAfterHours (24)",
    ]);
    // In the future and unhealthy: one note, the clock.
    const futureSick = read(
      hostRecord("h1", { scannedAt: "2026-12-11T00:00:00Z", agent: { healthy: false } } as Partial<InventoryRecord>),
    );
    expect(hostStanding(ctx({ assignment: ASSIGNMENT, record: futureSick }), POLICY, NOW).notes).toEqual([
      "last scan 2026-12-11T00:00:00Z lies in the future; the scanner's clock is wrong",
    ]);
  });

  it("below baseline: the shortfalls are listed whatever the status", () => {
    const base = {
      name: "web",
      file: "baselines/web.yaml",
      spec: { selector: {}, os: { family: "linux" }, requiredUpdates: [], products: [], revision: "2026-01-01" },
      at: () => ({ file: "baselines/web.yaml", line: 8 }),
    } as unknown as LoadedDoc<BaselineSpec>;
    expect(
      hostStanding(
        ctx({ assignment: ASSIGNMENT, record: scannedAt("2026-12-10T04:00:00Z"), baselines: [base] }),
        POLICY,
        NOW,
      ).below,
    ).toEqual([
      {
        baseline: "web",
        file: "baselines/web.yaml",
        line: 8,
        reason: "the host runs windows, the baseline requires linux",
      },
    ]);
  });

  it("an unknown OS name makes a compliant host noncompliant with a note; a stale one stays stale", () => {
    const mystery = read(hostRecord("h1", { os: MYSTERY }));
    const note =
      "the scan at inv.ndjson:4 reports the OS name 'Mystery OS 7', which is no Windows release patchops knows: updates for named Windows versions cannot be matched, so the host is not compliant until its collector reports a caption such as 'Microsoft Windows Server 2022 Datacenter'";
    expect(hostStanding(ctx({ assignment: ASSIGNMENT, record: mystery }), POLICY, NOW)).toEqual({
      status: "noncompliant",
      notes: [note],
      below: [],
    });
    expect(hostStanding(ctx({ assignment: ASSIGNMENT, record: mystery, malformed: "bad" }), POLICY, NOW)).toEqual({
      status: "stale",
      notes: ["unusable inventory record (bad)", note],
      below: [],
    });
    // With its agent's scan the name does not matter.
    const agent = read(agentHost("h1", [CU()], { os: MYSTERY, scannedAt: "2026-12-10T04:00:00Z" }));
    expect(hostStanding(ctx({ assignment: ASSIGNMENT, record: agent }), POLICY, NOW)).toEqual({
      status: "compliant",
      notes: [],
      below: [],
    });
  });
});

describe("unrecognisedOsNote", () => {
  it("null for a known name, the reported name or 'no OS name' otherwise", () => {
    expect(unrecognisedOsNote(read(hostRecord("h1")))).toBeNull();
    expect(
      unrecognisedOsNote(read(hostRecord("h1", { os: { family: "windows", version: "10.0.20348.1" } }), "a.csv:9")),
    ).toBe(
      "the scan at a.csv:9 reports no OS name, which is no Windows release patchops knows: updates for named Windows versions cannot be matched, so the host is not compliant until its collector reports a caption such as 'Microsoft Windows Server 2022 Datacenter'",
    );
  });
});

describe("unrecognisedOsFindings", () => {
  const mystery = (host: string, origin: string, name: string | null = "Mystery OS 7") =>
    read(
      hostRecord(host, {
        os: name === null ? { family: "windows", version: "10.0.1.1" } : { ...MYSTERY, name },
      }),
      origin,
    );
  it("one finding per name: the count, the first five names and … beyond, the first record's file and line", () => {
    const six = ["m1", "m2", "m3", "m4", "m5", "m6"].map((h, i) => mystery(h, `fleet.ndjson:${10 + i}`));
    const out = unrecognisedOsFindings([
      read(hostRecord("known")),
      ...six,
      mystery("n1", "other.ndjson", null),
      mystery("o1", "x:y:7", "Other OS"),
      mystery("p1", "dir:12:x", "Third OS"),
      read(agentHost("agent-1", [CU()], { os: MYSTERY })),
    ]);
    expect(out).toEqual([
      {
        code: "os-name-unknown",
        severity: "warning",
        message:
          "OS name 'Mystery OS 7' on 6 Windows hosts (m1, m2, m3, m4, m5, …) matches no Windows release; they are not compliant until the collector reports a known caption",
        file: "fleet.ndjson",
        line: 10,
        column: 1,
      },
      {
        code: "os-name-unknown",
        severity: "warning",
        message:
          "no OS name on 1 Windows host (n1) matches no Windows release; they are not compliant until the collector reports a known caption",
        file: "other.ndjson",
        line: null,
        column: null,
      },
      {
        code: "os-name-unknown",
        severity: "warning",
        message:
          "OS name 'Other OS' on 1 Windows host (o1) matches no Windows release; they are not compliant until the collector reports a known caption",
        file: "x:y",
        line: 7,
        column: 1,
      },
      {
        code: "os-name-unknown",
        severity: "warning",
        message:
          "OS name 'Third OS' on 1 Windows host (p1) matches no Windows release; they are not compliant until the collector reports a known caption",
        file: "dir:12:x",
        line: null,
        column: null,
      },
    ]);
  });

  it("exactly five hosts: all named, no …", () => {
    const five = ["m1", "m2", "m3", "m4", "m5"].map((h) => mystery(h, "f:1"));
    expect(unrecognisedOsFindings(five)[0]!.message).toBe(
      "OS name 'Mystery OS 7' on 5 Windows hosts (m1, m2, m3, m4, m5) matches no Windows release; they are not compliant until the collector reports a known caption",
    );
  });
});

describe("unknownRelease", () => {
  it("a Windows 10/11 'Version' name patchops cannot place; known releases and other names are not", () => {
    expect(
      [
        "Windows 11 Version 26H1",
        "Windows 11, Version 99H9",
        "Microsoft Windows 10 Version 30H2 for x64-based Systems",
        "Microsoft  Windows 11 Version 26H1",
        "  windows 10 version 1234",
      ].map(unknownRelease),
    ).toEqual([true, true, true, true, true]);
    expect(
      [
        "Windows 11 Version 24H2",
        "Windows 10 Version 1607",
        "Windows Server 2022",
        "Windows 12 Version 26H1",
        "Windows 11",
        "My Windows 11 Version 26H1",
        "Windows 11 Version ",
      ].map(unknownRelease),
    ).toEqual([false, false, false, false, false, false, false]);
  });
});

describe("unknownReleaseFindings", () => {
  const entry = (id: string, decision: string, names: (string[] | undefined)[], withDoc = true) =>
    ({
      id,
      decision,
      spec: { appliesTo: { os: names.map((n) => (n ? { family: "windows", names: n } : { family: "windows" })) } },
      doc: withDoc
        ? {
            file: `policies/updates/${id}.yaml`,
            at: (path: (string | number)[]) => ({
              file: `policies/updates/${id}.yaml`,
              line: path.join(".") === "spec.appliesTo.os" ? 14 : -1,
            }),
          }
        : null,
    }) as unknown as CatalogEntry;

  it("one warning per approved Update file naming unknown releases, at its appliesTo.os", () => {
    const out = unknownReleaseFindings([
      entry("KB1", "approved", [
        ["Windows 11 Version 26H1", "Windows 11 Version 24H2"],
        undefined,
        ["Windows 10, Version 31H1"],
      ]),
      entry("KB2", "pending", [["Windows 11 Version 26H1"]]),
      entry("KB3", "approved", [["Windows 11 Version 24H2"]]),
      entry("KB4", "approved", [["Windows 11 Version 26H1"]], false),
      entry("KB5", "approved", [undefined]),
      {
        id: "KB6",
        decision: "approved",
        spec: { appliesTo: {} },
        doc: { file: "f", at: () => ({ file: "f", line: 1 }) },
      } as unknown as CatalogEntry,
    ]);
    expect(out).toEqual([
      {
        code: "os-release-unknown",
        severity: "warning",
        message:
          "KB1: 'Windows 11 Version 26H1', 'Windows 10, Version 31H1' is no Windows release patchops knows: hosts without an agent scan are not matched to it (only hosts whose update agent offers it get it); policies/updates/KB1.yaml:14",
        file: "policies/updates/KB1.yaml",
        line: 14,
        column: null,
      },
    ]);
  });
});
