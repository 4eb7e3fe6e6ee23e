// Late approvals and the SLA (plan/late-approval.ts), pinned at the exact instant: a window that ends exactly at the
// SLA is on time, 1 ms later it is at risk; the findings and summaries are written out literally. Approved 1 Dec
// 00:00Z with a 7-day SLA: due 8 Dec 00:00Z.
import { describe, expect, it } from "vitest";
import type { Plan } from "../../reconciler/model/plan.js";
import type { CatalogEntry } from "../../reconciler/plan/catalog.js";
import { mergeSlaAtRisk, SlaWatch } from "../../reconciler/plan/late-approval.js";
import type { Slot } from "../../reconciler/plan/timing.js";

const t = (iso: string) => Date.parse(iso);
const APPROVED = t("2026-12-01T00:00:00Z");
const SLA = t("2026-12-08T00:00:00Z");

function entry(id: string, approvedAt: number | null = APPROVED, classification = "security"): CatalogEntry {
  return {
    id,
    spec: { id, classification },
    doc: null,
    decisionFile: `policies/updates/${id.toLowerCase()}.yaml`,
    approvedAt,
  } as unknown as CatalogEntry;
}
function slot(start: string, end: string, over: Partial<Slot> = {}): Slot {
  return {
    timeline: "standard",
    window: { start: t(start), end: t(end) },
    dueBy: t(end),
    slaBy: SLA,
    overdue: false,
    late: null,
    ...over,
  };
}
const KB1 = entry("KB1");
const msg = (d: { code: string; file: string | null; message: string }) => `${d.code} ${d.file}: ${d.message}`;

describe("SlaWatch: who is at risk", () => {
  it("a window ending exactly at the SLA is on time; 1 ms later it is at risk", () => {
    const w = new SlaWatch();
    w.record(KB1, "on-time", slot("2026-12-07T20:00:00Z", "2026-12-08T00:00:00Z"));
    expect(w.summaries().size).toBe(0);
    expect(w.findings(7, new Set())).toEqual([]);
    w.record(KB1, "late", slot("2026-12-07T20:00:00.001Z", "2026-12-08T00:00:00.001Z"));
    expect([...w.summaries()]).toEqual([
      [
        "KB1",
        {
          hosts: 1,
          slaBy: "2026-12-08T00:00:00Z",
          latestWindowEnd: "2026-12-08T00:00:00.001Z",
          examples: ["late"],
        },
      ],
    ]);
  });

  it("overdue hosts, emergency slots and the synthetic payload are never at risk", () => {
    const w = new SlaWatch();
    w.record(KB1, "overdue", slot("2026-12-10T00:00:00Z", "2026-12-10T04:00:00Z", { overdue: true }));
    w.record(KB1, "emergency", slot("2026-12-10T00:00:00Z", "2026-12-10T04:00:00Z", { timeline: "emergency" }));
    const syn = entry("SYN", APPROVED, "synthetic");
    w.record(syn, "s", slot("2026-12-10T00:00:00Z", "2026-12-10T04:00:00Z", { late: "skipped" }));
    w.record(
      entry("EM"),
      "e",
      slot("2026-12-10T00:00:00Z", "2026-12-10T04:00:00Z", { timeline: "emergency", late: "skipped" }),
    );
    expect(w.summaries().size).toBe(0);
    expect(w.findings(7, new Set())).toEqual([]);
  });

  it("counts every host, names the first ten by name, keeps the latest end and the first slot's SLA", () => {
    const w = new SlaWatch();
    const hosts = ["h12", "h03", "h11", "h01", "h10", "h02", "h09", "h04", "h08", "h05", "h07", "h06"];
    hosts.forEach((h, i) =>
      w.record(KB1, h, slot("2026-12-10T00:00:00Z", i === 3 ? "2026-12-11T04:00:00Z" : "2026-12-10T04:00:00Z")),
    );
    w.record(KB1, "later-sla", slot("2026-12-10T00:00:00Z", "2026-12-10T04:00:00Z", { slaBy: SLA + 86_400_000 }));
    expect(w.summaries().get("KB1")).toEqual({
      hosts: 13,
      slaBy: "2026-12-08T00:00:00Z",
      latestWindowEnd: "2026-12-11T04:00:00Z",
      examples: ["h01", "h02", "h03", "h04", "h05", "h06", "h07", "h08", "h09", "h10"],
    });
  });
});

describe("SlaWatch.findings", () => {
  it("one pilot-skipped per patch and approval: skipped, shortened, or skipped for every reference host", () => {
    const w = new SlaWatch();
    const at = slot("2026-12-10T00:00:00Z", "2026-12-10T01:00:00Z", { slaBy: t("2026-12-31T00:00:00Z") });
    w.record(entry("KB4"), "h", at);
    w.record(entry("KB3"), "h", at);
    w.record(entry("KB2"), "h", { ...at, late: "shortened" });
    w.record(entry("KB1", t("2026-12-09T12:00:00Z")), "h", { ...at, late: "skipped" });
    w.record(entry("KB1", t("2026-12-09T12:00:00Z")), "h2", { ...at, late: "shortened" });
    w.record(entry("KB5"), "h", { ...at, late: "no-pilot" });
    // Two package versions of one patch with one approval: one finding; an unknown approval instant reads "?".
    w.record(entry("PKG-A"), "h", { ...at, late: "skipped" });
    w.record(entry("PKG-B"), "h", { ...at, late: "skipped" });
    w.record(entry("PKG-C", null), "h", { ...at, late: "skipped" });
    const patches = new Map([
      ["PKG-A", "USN-1"],
      ["PKG-B", "USN-1"],
      ["PKG-C", "USN-1"],
    ]);
    expect(w.findings(7, new Set(["KB3"]), patches).map(msg)).toEqual([
      "pilot-skipped policies/updates/kb1.yaml: KB1: approved at 2026-12-09T12:00:00Z, after its cycle's pilot window opened; to keep the 7-day SLA it deploys in this cycle's remaining periods, without a pilot wave",
      "pilot-skipped policies/updates/kb2.yaml: KB2: approved at 2026-12-01T00:00:00Z, after its cycle's pilot window opened; to keep the 7-day SLA it deploys in this cycle's remaining periods, with a pilot shortened to what is left of the window",
      "pilot-skipped policies/updates/kb3.yaml: KB3: approved at 2026-12-01T00:00:00Z, after its cycle's pilot window opened; to keep the 7-day SLA it deploys in this cycle's remaining periods, without a pilot wave",
      "pilot-skipped policies/updates/pkg-a.yaml: USN-1: approved at 2026-12-01T00:00:00Z, after its cycle's pilot window opened; to keep the 7-day SLA it deploys in this cycle's remaining periods, without a pilot wave",
      "pilot-skipped policies/updates/pkg-c.yaml: USN-1: approved at ?, after its cycle's pilot window opened; to keep the 7-day SLA it deploys in this cycle's remaining periods, without a pilot wave",
    ]);
  });

  it("one sla-at-risk per host and window, hosts by lower-case name then window; the earliest approval speaks", () => {
    const w = new SlaWatch();
    const win = (s: string, e: string, slaBy = SLA) => slot(s, e, { slaBy });
    w.record(entry("KB9"), "Beta", win("2026-12-10T00:00:00Z", "2026-12-10T04:00:00Z"));
    w.record(
      entry("KB2", t("2026-11-30T00:00:00Z")),
      "alpha",
      win("2026-12-11T00:00:00Z", "2026-12-11T04:00:00Z", t("2026-12-07T00:00:00Z")),
    );
    w.record(entry("KB1"), "alpha", win("2026-12-11T00:00:00Z", "2026-12-11T04:00:00Z"));
    w.record(entry("KB3"), "alpha", win("2026-12-10T00:00:00Z", "2026-12-10T04:00:00Z"));
    w.record(entry("KB4"), "alpha", win("2026-12-10T00:00:00Z", "2026-12-10T02:00:00Z"));
    expect(w.findings(7, new Set()).map(msg)).toEqual([
      "sla-at-risk policies/updates/kb4.yaml: alpha: its next window (2026-12-10T00:00:00Z – 2026-12-10T02:00:00Z) ends after the SLA: KB4 approved at 2026-12-01T00:00:00Z, due within 7 days (by 2026-12-08T00:00:00Z)",
      "sla-at-risk policies/updates/kb3.yaml: alpha: its next window (2026-12-10T00:00:00Z – 2026-12-10T04:00:00Z) ends after the SLA: KB3 approved at 2026-12-01T00:00:00Z, due within 7 days (by 2026-12-08T00:00:00Z)",
      "sla-at-risk policies/updates/kb2.yaml: alpha: its next window (2026-12-11T00:00:00Z – 2026-12-11T04:00:00Z) ends after the SLA: 2 patches (KB1, KB2), the first approved at 2026-11-30T00:00:00Z, due within 7 days (by 2026-12-07T00:00:00Z)",
      "sla-at-risk policies/updates/kb9.yaml: Beta: its next window (2026-12-10T00:00:00Z – 2026-12-10T04:00:00Z) ends after the SLA: KB9 approved at 2026-12-01T00:00:00Z, due within 7 days (by 2026-12-08T00:00:00Z)",
    ]);
  });

  it("the SLA is the window's earliest; equal approvals speak by id; an unknown approval reads ?", () => {
    const w = new SlaWatch();
    const win = (slaBy: number) => slot("2026-12-10T00:00:00Z", "2026-12-10T04:00:00Z", { slaBy });
    w.record(entry("KB8"), "h", win(t("2026-12-06T12:00:00Z")));
    w.record(entry("KB7"), "h", win(t("2026-12-09T00:00:00Z")));
    w.record(entry("KB6"), "h", win(SLA));
    w.record(entry("X", null), "n", win(SLA));
    expect(w.findings(7, new Set()).map(msg)).toEqual([
      "sla-at-risk policies/updates/kb6.yaml: h: its next window (2026-12-10T00:00:00Z – 2026-12-10T04:00:00Z) ends after the SLA: 3 patches (KB6, KB7, KB8), the first approved at 2026-12-01T00:00:00Z, due within 6 days (by 2026-12-06T12:00:00Z)",
      "sla-at-risk policies/updates/x.yaml: n: its next window (2026-12-10T00:00:00Z – 2026-12-10T04:00:00Z) ends after the SLA: X approved at ?, due within ? days (by 2026-12-08T00:00:00Z)",
    ]);
  });

  it("a window's patches: by patch name once each, at most ten listed, then how many more", () => {
    const w = new SlaWatch();
    const ids = ["P01", "P02", "P03", "P04", "P05", "P06", "P07", "P08", "P09", "P10", "P11", "P12"];
    for (const id of ids) w.record(entry(id), "h", slot("2026-12-10T00:00:00Z", "2026-12-10T04:00:00Z"));
    const patches = new Map([
      ["P11", "USN-9"],
      ["P12", "USN-9"],
    ]);
    expect(w.findings(7, new Set(), patches).map(msg)).toEqual([
      "sla-at-risk policies/updates/p01.yaml: h: its next window (2026-12-10T00:00:00Z – 2026-12-10T04:00:00Z) ends after the SLA: 11 patches (P01, P02, P03, P04, P05, P06, P07, P08, P09, P10, … and 1 more), the first approved at 2026-12-01T00:00:00Z, due within 7 days (by 2026-12-08T00:00:00Z)",
    ]);
    const ten = new SlaWatch();
    for (const id of ids.slice(0, 10)) ten.record(entry(id), "h", slot("2026-12-10T00:00:00Z", "2026-12-10T04:00:00Z"));
    expect(ten.findings(7, new Set()).map((d) => d.message)[0]).toContain(
      "10 patches (P01, P02, P03, P04, P05, P06, P07, P08, P09, P10), the first",
    );
    const one = new SlaWatch();
    for (const id of ["P11", "P12"]) one.record(entry(id), "h", slot("2026-12-10T00:00:00Z", "2026-12-10T04:00:00Z"));
    expect(one.findings(7, new Set(), patches).map((d) => d.message)[0]).toContain(
      "ends after the SLA: USN-9 approved",
    );
  });
});

describe("mergeSlaAtRisk", () => {
  const plan = (updates: Record<string, unknown>) => ({ summary: { updates } }) as unknown as Plan;
  const risk = (hosts: number, latest: string, examples: string[]) => ({
    slaAtRisk: { hosts, slaBy: "2026-12-08T00:00:00Z", latestWindowEnd: latest, examples },
  });

  it("adds the shards' counts, keeps the latest end and the ten smallest names; updates without risk are left out", () => {
    const merged = mergeSlaAtRisk([
      plan({ KB1: risk(6, "2026-12-10T04:00:00Z", ["h01", "h03", "h05", "h07", "h09", "h11"]), KB2: {} }),
      plan({ KB1: risk(6, "2026-12-11T04:00:00Z", ["h02", "h04", "h06", "h08", "h10", "h12"]), KB3: {} }),
      plan({ KB1: risk(1, "2026-12-09T04:00:00Z", ["a"]) }),
    ]);
    expect([...merged]).toEqual([
      [
        "KB1",
        {
          hosts: 13,
          slaBy: "2026-12-08T00:00:00Z",
          latestWindowEnd: "2026-12-11T04:00:00Z",
          examples: ["a", "h01", "h02", "h03", "h04", "h05", "h06", "h07", "h08", "h09"],
        },
      ],
    ]);
    const single = risk(2, "2026-12-10T04:00:00Z", ["x", "y"]).slaAtRisk;
    expect(mergeSlaAtRisk([plan({ KB1: { slaAtRisk: single } })]).get("KB1")).toBe(single);
  });
});
