// The small pieces the plan's passes share (plan/passes/sample.ts, trail.ts, units.ts, fleet-findings.ts): a bounded
// sample of names at its limit on both sides, the decision trail kept only for asked hosts, cluster units in host
// order, and the findings that count hosts and name the first few. Inputs are written out; so are the answers.
import { describe, expect, it } from "vitest";
import type { CatalogEntry } from "../../reconciler/plan/catalog.js";
import { HostContext } from "../../reconciler/plan/hosts.js";
import { FleetFindings } from "../../reconciler/plan/passes/fleet-findings.js";
import { compareHostNames, NameSample } from "../../reconciler/plan/passes/sample.js";
import { Trail } from "../../reconciler/plan/passes/trail.js";
import { planUnits } from "../../reconciler/plan/passes/units.js";

describe("NameSample", () => {
  it("counts every name and keeps the smallest `limit`, in order", () => {
    const s = new NameSample<number>(3);
    expect(s.first()).toBeUndefined();
    expect(s.names()).toEqual([]);
    for (const [n, v] of [
      ["d", 4],
      ["b", 2],
      ["e", 5],
      ["a", 1],
      ["c", 3],
    ] as const)
      s.add(n, v);
    expect(s.count).toBe(5);
    expect(s.names()).toEqual(["a", "b", "c"]);
    expect(s.values()).toEqual([1, 2, 3]);
    expect(s.first()).toBe(1);
  });

  it("at the limit: a name after the last kept is dropped, one before it displaces it, a tie is dropped", () => {
    const s = new NameSample<string>(2);
    s.add("b", "b1");
    s.add("d", "d1");
    expect(s.names()).toEqual(["b", "d"]);
    s.add("e", "e1"); // after the last kept: dropped
    expect(s.names()).toEqual(["b", "d"]);
    s.add("d", "d2"); // equal to the last kept: dropped, the first value stays
    expect(s.values()).toEqual(["b1", "d1"]);
    s.add("c", "c1"); // before the last kept: in, "d" out
    expect(s.names()).toEqual(["b", "c"]);
    s.add("a", "a1");
    expect(s.names()).toEqual(["a", "b"]);
    expect(s.count).toBe(6);
    expect(s.first()).toBe("a1");
  });

  it("below the limit every name is kept, a tie after the earlier one", () => {
    const s = new NameSample<number>(4);
    s.add("m", 1);
    s.add("m", 2);
    s.add("a", 3);
    expect(s.names()).toEqual(["a", "m", "m"]);
    expect(s.values()).toEqual([3, 1, 2]);
  });

  it("code-point order by default, host order (lower-case) with compareHostNames", () => {
    const byText = new NameSample(2);
    for (const n of ["b", "a", "B"]) byText.add(n, undefined);
    expect(byText.names()).toEqual(["B", "a"]);
    const byHost = new NameSample(2, compareHostNames);
    for (const n of ["b", "a", "B"]) byHost.add(n, undefined);
    expect(byHost.names()).toEqual(["a", "b"]);
    expect([compareHostNames("A", "b"), compareHostNames("b", "A"), compareHostNames("Web", "wEB")]).toEqual([
      -1, 1, 0,
    ]);
  });
});

describe("Trail", () => {
  it("keeps lines only for the asked hosts (any case), in the order written, per update", () => {
    const t = new Trail(new Set(["web-01"]));
    expect(t.keeps("WEB-01")).toBe(true);
    expect(t.keeps("web-02")).toBe(false);
    let built = 0;
    const line = (s: string) => () => {
      built++;
      return s;
    };
    t.note("web-01", "KB1", line("one"));
    t.note("web-01", "KB1", line("two"));
    t.note("web-01", "KB2", line("three"));
    t.note("web-02", "KB1", line("never"));
    expect(built).toBe(3);
    expect([...t.of("web-01")]).toEqual([
      ["KB1", ["one", "two"]],
      ["KB2", ["three"]],
    ]);
    expect([...t.of("web-02")]).toEqual([]);
    expect([...t.byHost.keys()]).toEqual(["web-01"]);
  });

  it("forHost: bound to a kept host it writes, to another it builds nothing", () => {
    const t = new Trail(new Set(["a"]));
    let built = 0;
    t.forHost("a")("KB9", () => "kept");
    t.forHost("b")("KB9", () => {
      built++;
      return "dropped";
    });
    expect(built).toBe(0);
    expect([...t.of("a")]).toEqual([["KB9", ["kept"]]]);
    expect(t.byHost.has("b")).toBe(false);
    // By default no host is kept.
    const none = new Trail();
    none.note("a", "KB1", () => "x");
    expect(none.byHost.size).toBe(0);
  });
});

describe("planUnits", () => {
  const host = (name: string, cluster?: string) => {
    const h = new HostContext(name);
    if (cluster !== undefined) h.entry = { name, period: "D1-04", cluster };
    return h;
  };
  it("a cluster's nodes in one unit at its first node, any other host alone, in host order", () => {
    const hs = [host("a"), host("b", "sql"), host("c", "web"), host("d"), host("e", "sql"), host("f", "web")];
    expect([...planUnits(hs)].map((u) => u.map((h) => h.name))).toEqual([["a"], ["b", "e"], ["c", "f"], ["d"]]);
    // A host without an entry, or an entry without a cluster, is alone.
    const plain = new HostContext("g");
    plain.entry = { name: "g", period: "D1-04" };
    expect([...planUnits([plain, new HostContext("h")])].map((u) => u.map((h) => h.name))).toEqual([["g"], ["h"]]);
  });
});

describe("FleetFindings", () => {
  const docAt = (file: string, line: number) =>
    ({
      id: "KB1",
      doc: {
        file,
        at: (path: (string | number)[]) => ({ file, line: path.join(".") === "spec.uninstallable" ? line : -1 }),
      },
    }) as unknown as CatalogEntry;

  it("cannot remove: one finding per update in id order, the count, the first 20 names and … beyond", () => {
    const f = new FleetFindings();
    for (let i = 21; i >= 1; i--) f.cannotRemoveFrom(`h${String(i).padStart(2, "0")}`, "KB2");
    f.cannotRemoveFrom("solo", "KB1");
    for (let i = 1; i <= 20; i++) f.cannotRemoveFrom(`x${String(i).padStart(2, "0")}`, "KB3");
    const catalog = new Map([["KB1", docAt("policies/updates/kb1.yaml", 12)]]);
    const out = f.findings(catalog);
    const twenty = Array.from({ length: 20 }, (_, i) => `h${String(i + 1).padStart(2, "0")}`).join(", ");
    const x20 = Array.from({ length: 20 }, (_, i) => `x${String(i + 1).padStart(2, "0")}`).join(", ");
    expect(out).toEqual([
      {
        code: "rejected-not-uninstallable",
        severity: "warning",
        message:
          "KB1 is rejected with remove: true but cannot be uninstalled (uninstallable: false); installed on 1 host: solo",
        file: "policies/updates/kb1.yaml",
        line: 12,
        column: null,
      },
      {
        code: "rejected-not-uninstallable",
        severity: "warning",
        message: `KB2 is rejected with remove: true but cannot be uninstalled (uninstallable: false); installed on 21 hosts: ${twenty}, …`,
        file: null,
        line: null,
        column: null,
      },
      {
        code: "rejected-not-uninstallable",
        severity: "warning",
        message: `KB3 is rejected with remove: true but cannot be uninstalled (uninstallable: false); installed on 20 hosts: ${x20}`,
        file: null,
        line: null,
        column: null,
      },
    ]);
  });

  it("an entry without a file has no position", () => {
    const f = new FleetFindings();
    f.cannotRemoveFrom("a", "KB7");
    expect(f.findings(new Map([["KB7", { id: "KB7", doc: null } as unknown as CatalogEntry]]))[0]).toMatchObject({
      file: null,
      line: null,
    });
  });

  it("below baseline: one finding per baseline line, hosts in host order, the first one's reason", () => {
    const f = new FleetFindings();
    const os = { baseline: "web", file: "baselines/web.yaml", line: 7, reason: "below os.minVersion" };
    const prod = { baseline: "web", file: "baselines/web.yaml", line: 9, reason: "no IIS" };
    const noLine = { baseline: "db", file: "baselines/db.yaml", line: null, reason: "r" };
    for (const h of ["W06", "w02", "W04", "w01", "w05", "w03"]) f.belowBaseline(h, [{ ...os, reason: `${h} low` }]);
    f.belowBaseline("w09", [prod, noLine]);
    f.belowBaseline("w08", []);
    expect(f.findings(new Map())).toEqual([
      {
        code: "below-baseline",
        severity: "warning",
        message: "6 hosts below baseline 'web' (w01, w02, w03, W04, w05, …): e.g. w01 low",
        file: "baselines/web.yaml",
        line: 7,
        column: null,
      },
      {
        code: "below-baseline",
        severity: "warning",
        message: "1 host below baseline 'web' (w09): no IIS",
        file: "baselines/web.yaml",
        line: 9,
        column: null,
      },
      {
        code: "below-baseline",
        severity: "warning",
        message: "1 host below baseline 'db' (w09): r",
        file: "baselines/db.yaml",
        line: null,
        column: null,
      },
    ]);
  });

  it("two shortfalls of one file are told apart by line, a missing line counts as line 0", () => {
    const f = new FleetFindings();
    f.belowBaseline("a", [{ baseline: "b", file: "f.yaml", line: null, reason: "r1" }]);
    f.belowBaseline("b", [{ baseline: "b", file: "f.yaml", line: 0, reason: "r2" }]);
    f.belowBaseline("c", [{ baseline: "b", file: "f.yaml", line: 3, reason: "r3" }]);
    expect(f.findings(new Map()).map((d) => d.message)).toEqual([
      "2 hosts below baseline 'b' (a, b): e.g. r1",
      "1 host below baseline 'b' (c): r3",
    ]);
  });
});
