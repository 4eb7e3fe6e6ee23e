// Schedules cannot be weapons (review M6): validate refuses sub-hourly RRULE frequencies and huge COUNTs, and a plan
// never hangs on a recurring window, whatever validate let through.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  MAX_COUNT,
  nextOccurrences,
  occurrenceStartingAfter,
  recurrenceProblem,
} from "../../reconciler/schedule/recurring.js";
import { cli, tempRepo } from "../helpers/repo.js";

const w = (rrule: string, duration = "PT1H") => ({ name: "burst", rrule, duration, emergencyPeriod: 1 });
const NOW = Date.parse("2026-12-10T09:00:00Z");

describe("recurrenceProblem", () => {
  it.each(["FREQ=SECONDLY;INTERVAL=1", "FREQ=MINUTELY", "FREQ=MINUTELY;INTERVAL=59", "RRULE:FREQ=SECONDLY;COUNT=5"])(
    "refuses %s (sub-hourly)",
    (rule) => {
      expect(recurrenceProblem(w(rule))).toMatch(/finer than a maintenance window can recur/);
    },
  );

  it("accepts HOURLY and coarser", () => {
    for (const rule of ["FREQ=HOURLY;INTERVAL=6", "FREQ=DAILY;BYHOUR=2", "FREQ=WEEKLY;BYDAY=SA;BYHOUR=4"])
      expect(recurrenceProblem(w(rule)), rule).toBeNull();
  });

  it("bounds COUNT at exactly 10000", () => {
    expect(MAX_COUNT).toBe(10_000);
    expect(recurrenceProblem(w("FREQ=DAILY;COUNT=10000"))).toBeNull();
    expect(recurrenceProblem(w("FREQ=DAILY;COUNT=10001"))).toMatch(/COUNT=10001 is more than 10000/);
  });
});

/** This process's CPU time in ms (user + system): a bound on the walk's work that a busy machine does not stretch. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

describe("the plan's window search never hangs", () => {
  it("FREQ=SECONDLY (which validate refuses) is answered at once, its walk bounded", { timeout: 20_000 }, () => {
    const t0 = cpuMs();
    // Without the anchor near the query it would walk 843 million seconds from 2000 (the review's 60 s kill).
    const windows = nextOccurrences("UTC", w("FREQ=SECONDLY;INTERVAL=1", "PT1S"), NOW, 3);
    occurrenceStartingAfter("UTC", w("FREQ=SECONDLY;INTERVAL=1", "PT1S"), NOW);
    expect(cpuMs() - t0).toBeLessThan(2000);
    expect(windows.every((x) => x.start >= NOW - 1000)).toBe(true);
  });

  it(
    "FREQ=MINUTELY;COUNT=20000000 gives up after a bounded walk: no window, in a bounded CPU time",
    { timeout: 20_000 },
    () => {
      const t0 = cpuMs();
      expect(nextOccurrences("UTC", w("FREQ=MINUTELY;COUNT=20000000"), NOW, 3)).toEqual([]);
      expect(occurrenceStartingAfter("UTC", w("FREQ=MINUTELY;COUNT=20000000"), NOW)).toBeNull();
      expect(cpuMs() - t0).toBeLessThan(4000);
    },
  );

  it(
    "through the CLI: validate refuses the review's rules and plan stops at once with the reason",
    { timeout: 20_000 },
    async () => {
      const timetable = (rrule: string) => `apiVersion: patchops/v1
kind: Timetable
metadata:
  name: dc
spec:
  timeZone: America/Los_Angeles
  cycle:
    anchor: { weekday: tuesday, nth: 2 }
    offsetDays: 2
  pilot: { offsetDays: 0, startTime: "18:00", hours: 24 }
  windows:
    - { name: burst, rrule: "${rrule}", duration: PT1H }
`;
      for (const rule of ["FREQ=MINUTELY;COUNT=20000000"]) {
        const repo = await tempRepo("minimal", { "windows/timetables/dc.yaml": timetable(rule) });
        const v = await cli("validate", "--repo", repo);
        expect(v.code).toBe(1);
        expect(v.stdout + v.stderr).toContain("invalid-recurrence");
        const inv = join(repo, "inv.jsonl");
        await writeFile(
          inv,
          JSON.stringify({
            host: "host-02",
            scannedAt: "2026-12-10T04:00:00Z",
            os: { family: "windows", name: "Windows Server 2022", version: "10.0.20348.2113" },
            installed: [],
          }) + "\n",
        );
        const t0 = performance.now();
        const p = await cli(
          "plan",
          "--repo",
          repo,
          "--inventory",
          inv,
          "--out",
          join(repo, "out"),
          "--now",
          "2026-12-10T09:00:00Z",
          "--no-verify-approvals",
        );
        expect(performance.now() - t0).toBeLessThan(10_000);
        expect(p.code).toBe(1);
        expect(p.stderr).toContain("invalid-recurrence");
      }
    },
  );
});
