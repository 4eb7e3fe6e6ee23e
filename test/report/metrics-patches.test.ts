// Issue 31 point 9: metrics and compliance count patches, not package versions. The fleet is worked by hand (see
// test/fixtures/linux-patches/README.md): 11 package versions per Debian host make 3 patches.
import { describe, expect, it } from "vitest";
import type { JobResult } from "../../reconciler/model/job-result.js";
import { StatusSnapshot } from "../../reconciler/model/snapshot.js";
import { metrics } from "../../reconciler/report/metrics.js";
import { snapshotOf } from "../../reconciler/report/snapshot.js";
import { planSummary } from "../../reconciler/views/plan-summary.js";
import { assignmentDoc } from "../helpers/scenario.js";
import { complianceOf } from "../helpers/report.js";
import { DEB01, debHost, planLinux } from "../helpers/linux-patches.js";

type Rec = { packages: { name: string; version: string }[]; availableUpdates: { name: string }[] };
/** The host has `names` at the offered version already: installed there, no longer offered. */
const upgraded =
  (names: string[], version: string) =>
  (r: Record<string, unknown>): void => {
    const rec = r as unknown as Rec;
    for (const p of rec.packages) if (names.includes(p.name)) p.version = version;
    rec.availableUpdates = rec.availableUpdates.filter((u) => !names.includes(u.name));
  };

const CURL = ["curl", "libcurl3-gnutls", "libcurl3-nss", "libcurl4"];
const NOW = "2026-12-10T13:30:00Z";

async function fleet(input: Parameters<typeof planLinux>[3] = {}) {
  return planLinux(
    [
      DEB01,
      // deb-02 already has libexpat1 2.5.0-1+deb12u5, not libexpat1-dev: DSA-9002-1 is still open there.
      debHost("deb-02", upgraded(["libexpat1"], "2.5.0-1+deb12u5")),
      // deb-03 has every curl binary at 7.88.1-10+deb12u15: curl@2026-12-10 is done there.
      debHost("deb-03", upgraded(CURL, "7.88.1-10+deb12u15")),
    ],
    NOW,
    {
      "windows/assignments/team-a.yaml": assignmentDoc("team-a", "dc", [
        "{ name: deb-01, period: D1-00 }",
        "{ name: deb-02, period: D1-00 }",
        "{ name: deb-03, period: D1-00 }",
      ]),
      // Only the Linux fleet: the minimal fixture's Windows update would be a fourth patch.
      "policies/updates/kb5035857.yaml": null,
    },
    input,
  );
}

describe("metrics and compliance count patches, not package versions (issue 31, point 9)", () => {
  it("compliance by update has one row per patch, each host counted once at its worst state", async () => {
    const r = await fleet();
    const c = complianceOf(r.plan, r.hosts, r.jobs);
    expect(
      c.byUpdate.map((u) => [u.id, u.updates?.length ?? 1, u.installed, u.missing, u.notApplicable, u.percent]),
    ).toEqual([
      ["DSA-9001-1", 5, 0, 3, 0, 0],
      // Package by package this would be 1 of 6 installed (16.7 %): no host has the whole advisory.
      ["DSA-9002-1", 2, 0, 3, 0, 0],
      ["curl@2026-12-10", 4, 1, 2, 0, 33.3],
    ]);
    expect(c.byUpdate.find((u) => u.id === "DSA-9002-1")!.updates).toEqual([
      "LIBEXPAT1-DEV=2.5.0-1+DEB12U5",
      "LIBEXPAT1=2.5.0-1+DEB12U5",
    ]);
  });

  it("a compact plan counts the same patches: plan.json carries each patch's hosts per state, from every evaluation", async () => {
    const full = await fleet();
    const compact = await fleet({ detail: "compact" });
    // The compact lines leave installed versions out: deb-03's curl patch is done there, and only plan.json says so.
    expect(compact.hosts.find((h) => h.host === "deb-03")!.updates).not.toHaveProperty("CURL=7.88.1-10+DEB12U15");
    const byHand = {
      "DSA-9001-1": { missing: 3 },
      "DSA-9002-1": { missing: 3 },
      "curl@2026-12-10": { installed: 1, missing: 2 },
    };
    expect(compact.plan.summary.patches).toEqual(byHand);
    expect(full.plan.summary.patches).toEqual(byHand);
    const rows = (r: Awaited<ReturnType<typeof fleet>>) =>
      complianceOf(r.plan, r.hosts, r.jobs).byUpdate.map((u) => [u.id, u.installed, u.missing, u.percent]);
    expect(rows(compact)).toEqual([
      ["DSA-9001-1", 0, 3, 0],
      ["DSA-9002-1", 0, 3, 0],
      ["curl@2026-12-10", 1, 2, 33.3],
    ]);
    expect(rows(full)).toEqual(rows(compact));
    expect(snapshotOf(compact.plan, compact.hosts).patches).toEqual(snapshotOf(full.plan, full.hosts).patches);
  });

  it("the plan's summary lists the most-missing patches, each host once, not its package versions", async () => {
    const r = await fleet({ detail: "compact" });
    const text = planSummary(r.plan, r.hosts, r.jobs, "text", null);
    const section = text.slice(text.indexOf("Most-missing updates"));
    expect(section.split("\n").slice(1, 4)).toEqual([
      "  DSA-9001-1   3 hosts (5 package versions)",
      "  DSA-9002-1   3 hosts (2 package versions)",
      "  curl@2026-12-10 2 hosts (4 package versions)",
    ]);
    expect(section).not.toContain("=");
  });

  it("Table 4 metrics, approvals per month and the emergency ratio count 3 patches; job success is per patch", async () => {
    const r = await fleet();
    const result = (host: string, failed: string | null): JobResult => ({
      jobId: `job-${host}`,
      host,
      type: "install",
      status: failed ? "failed" : "succeeded",
      updates: Object.fromEntries(
        r.jobs
          .filter((j) => j.host === host && j.type === "install")
          .flatMap((j) => j.updates)
          .map((id) => [id, id === failed ? { status: "failed", code: "apt-dpkg-error" } : { status: "succeeded" }]),
      ),
      finishedAt: "2026-12-10T13:20:00Z",
    });
    const snapshot = StatusSnapshot.parse(
      JSON.parse(JSON.stringify(snapshotOf(r.plan, r.hosts, [result("deb-01", "LIBEXPAT1-DEV=2.5.0-1+DEB12U5")]))),
    );
    expect(snapshot.patches).toEqual({
      "DSA-9001-1": { missing: 3 },
      "DSA-9002-1": { missing: 3 },
      "curl@2026-12-10": { installed: 1, missing: 2 },
    });
    const m = metrics([snapshot], [result("deb-02", null)]);
    expect(m.approvedPerMonth).toEqual({ "2026-12": 3 });
    expect(m.emergencyRatio).toBe(0);
    expect(m.updates.map((u) => [u.id, u.approvedAt, u.successRatio])).toEqual([
      ["DSA-9001-1", "2026-12-10T13:00:00Z", 0],
      ["DSA-9002-1", "2026-12-10T13:00:00Z", 0],
      ["curl@2026-12-10", "2026-12-10T13:00:00Z", 0.333],
    ]);
    // deb-01: 11 versions in 3 patches, one failed (expat); deb-02: 10 versions in 3 patches, all succeeded.
    expect(m.jobs.updates).toEqual([
      { id: "DSA-9001-1", attempts: 2, succeeded: 2, failed: 0, successRatio: 1 },
      { id: "DSA-9002-1", attempts: 2, succeeded: 1, failed: 1, successRatio: 0.5 },
      { id: "curl@2026-12-10", attempts: 2, succeeded: 2, failed: 0, successRatio: 1 },
    ]);
    expect(m.jobs.failuresByCode).toEqual([{ code: "apt-dpkg-error", failures: 1 }]);
    expect(m.jobs.topFailingHosts).toEqual([{ host: "deb-01", failures: 1, updates: ["DSA-9002-1"] }]);
  });

  it("a snapshot written before patches were recorded still counts patches (states summed over the versions)", async () => {
    const r = await fleet();
    const { patches: _drop, ...old } = snapshotOf(r.plan, r.hosts);
    void _drop;
    const m = metrics([StatusSnapshot.parse(old)]);
    expect(m.approvedPerMonth).toEqual({ "2026-12": 3 });
    // Summed: curl has 4 of 12 host × version pairs installed.
    expect(m.updates.find((u) => u.id === "curl@2026-12-10")!.successRatio).toBe(0.333);
  });
});
