// What applies to one host and which installs the policy manages (plan/evidence.ts), on records read by the real
// native reader: the host's update agent decides for KB ids it spoke about, advisory matching (estimated) otherwise;
// the estimated-hosts finding counts and names the first five; non-patch KBs count only when the policy manages them.
import { describe, expect, it } from "vitest";
import { fromNative, type HostRecord } from "../../reconciler/inventory/host-record.js";
import type { InventoryRecord } from "../../reconciler/model/inventory.js";
import type { CatalogEntry } from "../../reconciler/plan/catalog.js";
import {
  estimatedFinding,
  isEstimated,
  isKb,
  managedInstall,
  relevance,
  withAgentInstalled,
} from "../../reconciler/plan/evidence.js";
import { hostRecord } from "../helpers/plan-fixture.js";
import { agentHost, agentUpdate, CU, DEFINITIONS, estimatedHost } from "./agent-fleet.js";

const read = (r: InventoryRecord): HostRecord => fromNative(r, "memory:1");
const entry = (id: string, appliesTo: CatalogEntry["spec"]["appliesTo"]) =>
  ({ id, spec: { id, appliesTo } }) as unknown as CatalogEntry;
const WS2022 = { os: [{ family: "windows" as const }] };

describe("isKb and isEstimated", () => {
  it("a KB id is KB followed by digits only, in any case", () => {
    expect(["KB5068787", "kb1", "Kb42"].map(isKb)).toEqual([true, true, true]);
    expect(["KB", "KB12a", "XKB1", "KB1 ", "USN-1-1", "CVE-2026-1"].map(isKb)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it("estimated: no agent scan and no Linux package data", () => {
    expect(isEstimated(read(estimatedHost("e")))).toBe(true);
    expect(isEstimated(read(agentHost("a", [CU()])))).toBe(false);
    expect(
      isEstimated(
        read(
          hostRecord("l", {
            os: { family: "linux", name: "Ubuntu 22.04", version: "22.04" },
            packageFormat: "deb",
            packages: [{ name: "openssl", version: "3.0.2-0ubuntu1.10" }],
          }),
        ),
      ),
    ).toBe(false);
  });
});

describe("withAgentInstalled", () => {
  it("adds the KBs the agent reports installed, and only those", () => {
    const rec = read(
      agentHost("a", [CU(), { ...agentUpdate("KB111", "t"), installed: true }, DEFINITIONS(true)], {
        installed: ["KB999"],
      }),
    );
    expect([...withAgentInstalled(rec).installed].sort()).toEqual(["KB111", "KB2267602", "KB999"]);
  });

  it("a KB the agent lists twice counts as installed when either entry is", () => {
    const rec = read(agentHost("a", [agentUpdate("KB7", "t"), { ...agentUpdate("KB7", "t (r2)"), installed: true }]));
    expect([...withAgentInstalled(rec).installed]).toEqual(["KB7"]);
  });

  it("returns the same record when there is nothing to add", () => {
    const none = read(estimatedHost("e", { installed: ["KB1"] }));
    expect(withAgentInstalled(none)).toBe(none);
    const already = read(agentHost("a", [{ ...agentUpdate("KB1", "t"), installed: true }], { installed: ["KB1"] }));
    expect(withAgentInstalled(already)).toBe(already);
    const offered = read(agentHost("b", [CU()]));
    expect(withAgentInstalled(offered)).toBe(offered);
  });
});

describe("relevance", () => {
  const scanned = read(agentHost("a", [CU(), { ...agentUpdate("KB222", "t"), installed: true }]));
  it("the agent decides for a KB it offers, reports installed, or does not list", () => {
    expect(relevance(entry("KB5068787", WS2022), scanned)).toEqual({ applies: true });
    expect(relevance(entry("kb5068787", { os: [{ family: "linux" }] }), scanned)).toEqual({ applies: true });
    expect(relevance(entry("KB222", WS2022), scanned)).toEqual({
      applies: false,
      why: "the host's update agent reports it installed (wsus scan at 2025-11-12T03:58:10Z)",
    });
    expect(relevance(entry("KB333", WS2022), scanned)).toEqual({
      applies: false,
      why: "the host's update agent does not offer it (wsus scan at 2025-11-12T03:58:10Z)",
    });
  });

  it("an id that is no KB, or a host without an agent scan, is matched from appliesTo", () => {
    expect(relevance(entry("MS-1", WS2022), scanned)).toEqual({ applies: true });
    expect(relevance(entry("KB333", WS2022), read(estimatedHost("e")))).toEqual({ applies: true });
    expect(relevance(entry("KB333", { os: [{ family: "linux" }] }), read(estimatedHost("e")))).toEqual({
      applies: false,
      why: "the host runs Windows Server 2022 10.0.20348.4294",
    });
  });
});

describe("estimatedFinding", () => {
  it("none estimated: no finding", () => {
    expect(estimatedFinding([read(agentHost("a", []))])).toBeNull();
    expect(estimatedFinding([])).toBeNull();
  });

  it("one host, singular", () => {
    expect(estimatedFinding([read(agentHost("a", [])), read(estimatedHost("e1"))])).toEqual({
      code: "applicability-estimated",
      severity: "info",
      file: null,
      line: null,
      column: null,
      message: "1 host (e1) report no scan of their update agent: what applies to them is estimated from advisory text",
    });
  });

  it("the five first hosts by code-point order are named, whatever the line order; a sixth is counted as …", () => {
    const five = ["e5", "e3", "E4", "e1", "e2"].map((h) => read(estimatedHost(h)));
    expect(estimatedFinding(five)!.message).toBe(
      "5 hosts (E4, e1, e2, e3, e5) report no scan of their update agent: what applies to them is estimated from advisory text",
    );
    // The first five by name, whatever the order of the lines (a0 comes last here, e5 is left out).
    const six = [...five, read(estimatedHost("a0"))];
    const message =
      "6 hosts (E4, a0, e1, e2, e3, …) report no scan of their update agent: what applies to them is estimated from advisory text";
    expect(estimatedFinding(six)!.message).toBe(message);
    expect(estimatedFinding([...six].reverse())!.message).toBe(message);
  });
});

describe("managedInstall", () => {
  const est = read(estimatedHost("e"));
  it("a patch, or an update of unknown class, is managed", () => {
    expect(managedInstall("KB1", est, "security", [])).toBe(true);
    expect(managedInstall("KB1", est, undefined, [])).toBe(true);
  });

  it("the known non-patch KBs are not, unless the policy manages their class", () => {
    expect(
      ["KB2267602", "KB2461484", "KB4052623", "KB890830"].map((id) => managedInstall(id, est, undefined, [])),
    ).toEqual([false, false, false, false]);
    expect(managedInstall("KB2267602", est, undefined, ["definition"])).toBe(true);
    expect(managedInstall("KB890830", est, undefined, ["definition"])).toBe(false);
    expect(managedInstall("KB890830", est, undefined, ["tool"])).toBe(true);
  });

  it("the agent's class wins over the Update file's, which wins over the known list", () => {
    const agent = read(agentHost("a", [DEFINITIONS(true)]));
    expect(managedInstall("KB2267602", agent, "security", [])).toBe(false);
    expect(managedInstall("KB2267602", est, "security", [])).toBe(true);
    expect(managedInstall("KB5", est, "definition", [])).toBe(false);
    // A KB the agent did not list: the Update file's class decides.
    expect(managedInstall("KB5", agent, "security", [])).toBe(true);
    expect(managedInstall("KB5", agent, "definition", [])).toBe(false);
  });
});
