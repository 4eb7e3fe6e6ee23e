// What an install job carries beyond its ids (plan/install-details.ts: win_updates categories, catalog-only downloads)
// and which rejected updates an uninstall job removes and when (plan/uninstall.ts), at their edges. Instants are worked
// out by hand; the timetable has one recurring window, 02:00–04:00 UTC every day.
import { describe, expect, it } from "vitest";
import type { UpdateState } from "../../reconciler/model/plan.js";
import { TimetableSpec } from "../../reconciler/model/timetable.js";
import { UpdateSpec } from "../../reconciler/model/update.js";
import type { CatalogEntry } from "../../reconciler/plan/catalog.js";
import { installDetails, WIN_UPDATES_CATEGORY } from "../../reconciler/plan/install-details.js";
import type { Failure } from "../../reconciler/plan/job-results.js";
import { removalSlot, removalsOf } from "../../reconciler/plan/uninstall.js";

const entry = (spec: Record<string, unknown>) =>
  ({ spec: UpdateSpec.parse({ title: "t", released: "2026-12-01", ...spec }) }) as unknown as CatalogEntry;
const SHA = "a".repeat(64);

describe("installDetails", () => {
  it("names every classification's win_updates category (the module's category_names)", () => {
    expect(WIN_UPDATES_CATEGORY).toEqual({
      security: "SecurityUpdates",
      critical: "CriticalUpdates",
      update: "Updates",
      hotfix: "Updates",
      rollup: "UpdateRollups",
      "service-pack": "ServicePacks",
      "feature-pack": "FeaturePacks",
      definition: "DefinitionUpdates",
      tool: "Tools",
      driver: "Drivers",
      upgrade: "Upgrades",
      other: "Updates",
    });
    const catalog = new Map<string, CatalogEntry>(
      ["critical", "definition", "driver", "feature-pack", "tool", "upgrade", "rollup"].map((c, i) => [
        `KB${i}`,
        entry({ id: `KB${i}`, classification: c }),
      ]),
    );
    // Sorted by code point, one each.
    expect(installDetails([...catalog.keys()], catalog)).toEqual({
      categories: [
        "CriticalUpdates",
        "DefinitionUpdates",
        "Drivers",
        "FeaturePacks",
        "Tools",
        "UpdateRollups",
        "Upgrades",
      ],
    });
  });

  it("an id the catalog does not know, or a classification the map lacks, installs as Updates; none: no downloads key", () => {
    const odd = { spec: { id: "KB7", classification: "firmware" } } as unknown as CatalogEntry;
    const catalog = new Map<string, CatalogEntry>([["KB7", odd]]);
    expect(installDetails(["KB404"], catalog)).toEqual({ categories: ["Updates"] });
    expect(installDetails(["KB7"], catalog)).toEqual({ categories: ["Updates"] });
    expect(installDetails([], catalog)).toEqual({ categories: [] });
  });

  it("only a catalog-only update with a sha256 is downloaded (and then has no category)", () => {
    const catalog = new Map<string, CatalogEntry>([
      // catalog-only with a hash: a download.
      [
        "KB1",
        entry({
          id: "KB1",
          classification: "rollup",
          catalogOnly: true,
          source: { url: "https://catalog.example/kb1.msu", sha256: SHA },
        }),
      ],
      // A hash but not catalog-only: win_updates installs it.
      [
        "KB2",
        entry({
          id: "KB2",
          classification: "security",
          source: { url: "https://catalog.example/kb2.msu", sha256: SHA },
        }),
      ],
      // catalog-only without a hash: never downloaded unverified.
      ["KB3", entry({ id: "KB3", classification: "driver", catalogOnly: true })],
    ]);
    expect(installDetails(["KB1"], catalog)).toEqual({
      categories: [],
      downloads: [{ id: "KB1", url: "https://catalog.example/kb1.msu", sha256: SHA }],
    });
    expect(installDetails(["KB2", "KB3"], catalog)).toEqual({ categories: ["Drivers", "SecurityUpdates"] });
  });
});

describe("removalsOf", () => {
  const catalog = new Map<string, CatalogEntry>([
    ["KB9", entry({ id: "KB9", classification: "update", decision: "rejected", remove: true, uninstallable: true })],
    ["KB3", entry({ id: "KB3", classification: "update", decision: "rejected", remove: true, uninstallable: true })],
    ["KB8", entry({ id: "KB8", classification: "update", decision: "rejected", remove: true, uninstallable: false })],
    ["KB2", entry({ id: "KB2", classification: "update", decision: "rejected", remove: true, uninstallable: false })],
    ["KB5", entry({ id: "KB5", classification: "update", decision: "rejected", remove: false, uninstallable: true })],
  ]);

  it("rejected, installed and remove: true; split by uninstallable, each list sorted", () => {
    const states = new Map<string, UpdateState>([
      ["KB9", "rejected-installed"],
      ["KB8", "rejected-installed"],
      ["KB3", "rejected-installed"],
      ["KB2", "rejected-installed"],
      // remove: false stays installed.
      ["KB5", "rejected-installed"],
      // No catalog entry.
      ["KB404", "rejected-installed"],
    ]);
    expect(removalsOf(states, catalog)).toEqual({ remove: ["KB3", "KB9"], cannot: ["KB2", "KB8"] });
  });

  it("a rejected update that is not installed, or an installed one in another state, is not removed", () => {
    const states = new Map<string, UpdateState>([
      ["KB9", "missing"],
      ["KB8", "installed"],
    ]);
    expect(removalsOf(states, catalog)).toEqual({ remove: [], cannot: [] });
  });
});

describe("removalSlot", () => {
  const NOW = Date.parse("2026-12-10T09:00:00Z");
  const tt = TimetableSpec.parse({
    timeZone: "UTC",
    windows: [{ name: "nightly", rrule: "FREQ=DAILY;BYHOUR=2;BYMINUTE=0;BYSECOND=0", duration: "PT2H" }],
  });
  const day = (d: number) => ({
    start: Date.parse(`2026-12-${d}T02:00:00Z`),
    end: Date.parse(`2026-12-${d}T04:00:00Z`),
  });
  const fail = (at: string, attempts: number, code: string): Failure => ({
    code,
    at: Date.parse(at),
    atText: at,
    attempts,
  });

  it("no failure: the first window from now", () => {
    expect(removalSlot(tt, "nightly", ["KB1"], new Map(), 24, NOW)).toEqual({
      timeline: "recurring",
      window: day(11),
      retry: null,
    });
  });

  it("a failed removal waits its backoff: a window starting exactly when it ends is taken, 1 ms later is not", () => {
    // Failed at 02:00 on the 10th, first attempt, backoff 24 h: from 02:00 on the 11th, the window's start.
    const exact = fail("2026-12-10T02:00:00Z", 1, "0x1");
    expect(removalSlot(tt, "nightly", ["KB1"], new Map([["KB1", exact]]), 24, NOW)).toEqual({
      timeline: "recurring",
      window: day(11),
      retry: exact,
    });
    const late = fail("2026-12-10T02:00:00.001Z", 1, "0x1");
    expect(removalSlot(tt, "nightly", ["KB1"], new Map([["KB1", late]]), 24, NOW)!.window).toEqual(day(12));
    // The second attempt doubles it: 02:00 on the 10th + 48 h = 02:00 on the 12th.
    const second = fail("2026-12-10T02:00:00Z", 2, "0x1");
    expect(removalSlot(tt, "nightly", ["KB1"], new Map([["KB1", second]]), 24, NOW)!.window).toEqual(day(12));
  });

  it("a backoff over before now starts from now; the latest backoff of the job's ids wins; the retry is the most attempts", () => {
    const old = fail("2026-12-01T00:00:00Z", 1, "0xold");
    expect(removalSlot(tt, "nightly", ["KB1"], new Map([["KB1", old]]), 24, NOW)).toEqual({
      timeline: "recurring",
      window: day(11),
      retry: old,
    });
    // KB1 waits until 02:00 on the 12th (3 attempts: 12 h × 4 = 48 h from 02:00 on the 10th); KB2's one attempt
    // (12 h from 08:00 on the 10th) only until 20:00 on the 10th; KB3 has no failure.
    const kb1 = fail("2026-12-10T02:00:00Z", 3, "0xa");
    const kb2 = fail("2026-12-10T08:00:00Z", 1, "0xb");
    const failures = new Map([
      ["KB2", kb2],
      ["KB1", kb1],
    ]);
    expect(removalSlot(tt, "nightly", ["KB3", "KB2", "KB1"], failures, 12, NOW)).toEqual({
      timeline: "recurring",
      window: day(12),
      retry: kb1,
    });
    // In the other order too.
    expect(removalSlot(tt, "nightly", ["KB1", "KB2"], failures, 12, NOW)!.retry).toBe(kb1);
    // Equal attempts: the first id's failure is the retry.
    const kb4 = fail("2026-12-10T02:00:00Z", 3, "0xc");
    const tie = new Map([
      ["KB1", kb1],
      ["KB4", kb4],
    ]);
    expect(removalSlot(tt, "nightly", ["KB1", "KB4"], tie, 12, NOW)!.retry).toBe(kb1);
    expect(removalSlot(tt, "nightly", ["KB4", "KB1"], tie, 12, NOW)!.retry).toBe(kb4);
  });

  it("a period the timetable does not have: no slot", () => {
    expect(removalSlot(tt, "weekly", ["KB1"], new Map(), 24, NOW)).toBeNull();
  });
});
