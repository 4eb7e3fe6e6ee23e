import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readInventory } from "../../reconciler/inventory/read.js";
import { workingTreeSource } from "../../reconciler/load/source.js";
import type { HostResult, Job } from "../../reconciler/model/plan.js";
import { planFileTexts } from "../../reconciler/output/plan-files.js";
import { reconcile, reconcileInto, type ReconcileInput } from "../../reconciler/plan/reconcile.js";
import { explainHost } from "../../reconciler/views/explain-text.js";
import { explainHostData } from "../../reconciler/report/explain-data.js";
import { validateSource } from "../../reconciler/validate/validate.js";
import { stressedFleet } from "../helpers/scenario.js";

const ROOT = join(import.meta.dirname, "../..");

async function planInput(repo: string, inventory: string, now: string): Promise<ReconcileInput> {
  const at = Date.parse(now);
  const { set, diagnostics } = await validateSource(workingTreeSource(repo), at);
  expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const inv = await readInventory([inventory]);
  return {
    set,
    inventory: inv.inventory,
    now: at,
    approvals: new Map(),
    verification: "off",
    unverified: new Map(),
    revision: "abc123",
  };
}

/** Explains each host from a full plan (trail kept for all of them) and from a plan of its unit alone. */
function expectSameExplanations(input: ReconcileInput, hosts: string[]): void {
  const asked = new Set(hosts.map((h) => h.toLowerCase()));
  const full = reconcile({ ...input, explainHosts: asked });
  for (const host of hosts) {
    const one = new Set([host.toLowerCase()]);
    const scoped = reconcile({ ...input, explainHosts: one }, { hosts: one });
    expect(scoped.hosts.length, host).toBeLessThan(full.hosts.length);
    expect(explainHost(scoped, host, null), host).toBe(explainHost(full, host, null));
    expect(explainHostData(scoped, host, null), host).toEqual(explainHostData(full, host, null));
  }
}

describe("reconcile as named passes", () => {
  it("explain of one host plans only its unit and tells the full plan's story (example, three instants)", async () => {
    for (const now of ["2026-12-10T09:00:00Z", "2026-12-20T09:00:00Z", "2026-11-25T09:00:00Z"]) {
      const input = await planInput(ROOT, join(ROOT, "examples/inventory.jsonl"), now);
      const full = reconcile(input);
      // Hosts held by a failed pilot, reference hosts, and one of each status.
      const held = full.hosts.filter((h) => h.held).map((h) => h.host);
      const byStatus = [...new Map(full.hosts.map((h) => [h.status, h.host])).values()];
      if (now === "2026-12-10T09:00:00Z") expect(held.length).toBeGreaterThan(0);
      expectSameExplanations(input, [...new Set([...held, ...full.plan.pilot.hosts.slice(0, 2), ...byStatus])]);
    }
  });

  it("explain of one host agrees with the full plan on a generated fleet with clusters, pilot hosts and overdue hosts", async () => {
    const repo = await mkdtemp(join(tmpdir(), "patchops-passes-"));
    await stressedFleet(repo, { hosts: 400, updates: 60, seed: 11 });
    const input = await planInput(repo, join(repo, "inventory.jsonl"), "2026-12-10T09:00:00Z");
    const full = reconcile(input);
    const pilot = full.plan.pilot.hosts.slice(0, 2);
    const staggered = full.jobs.filter((j) => j.type === "notify").map((j) => j.host);
    expect(full.plan.findings.some((f) => f.code === "escalation-staggered")).toBe(true);
    const clustered = full.hosts
      .filter((h) => h.cluster && staggered.includes(h.host))
      .slice(0, 2)
      .map((h) => h.host);
    const overdue = full.hosts
      .filter((h) => Object.values(h.updates).includes("overdue"))
      .slice(0, 2)
      .map((h) => h.host);
    const held = full.hosts
      .filter((h) => h.held)
      .slice(0, 2)
      .map((h) => h.host);
    expect(full.plan.summary.updates["KB5999999"]?.pilot?.state).toBe("running");
    expect(held.length).toBe(2);
    expect(pilot.length).toBe(2);
    expect(clustered.length).toBeGreaterThan(0);
    expect(overdue.length).toBe(2);
    expectSameExplanations(input, [...pilot, ...held, ...clustered, ...overdue, "h3"]);
  });

  it("the sink receives every host line and job exactly once; the in-memory wrapper only sorts them", async () => {
    const input = await planInput(ROOT, join(ROOT, "examples/inventory.jsonl"), "2026-12-10T09:00:00Z");
    const hosts: HostResult[] = [];
    const jobs: Job[] = [];
    const streamed = reconcileInto(
      { ...input, detail: "full" },
      { onHost: (h) => hosts.push(h), onJob: (j) => jobs.push(j) },
    );
    const whole = reconcile(input);
    expect(streamed.plan).toEqual(whole.plan);
    // The streaming default is compact: the same plan.json but for its detail, whatever the host lines leave out.
    const compact = reconcileInto(input, { onHost: () => {}, onJob: () => {} });
    expect(compact.plan.detail).toBe("compact");
    expect(whole.plan.detail).toBe("full");
    expect({ ...compact.plan, detail: "full" }).toEqual(whole.plan);
    expect(hosts.length).toBe(40);
    expect(new Set(hosts.map((h) => h.host)).size).toBe(40);
    expect(new Set(jobs.map((j) => j.id)).size).toBe(jobs.length);
    expect(whole.plan.summary.hosts).toBe(40);
    expect(Object.values(whole.plan.summary.jobs).reduce((a, b) => a + b, 0)).toBe(whole.jobs.length);
    expect([...hosts].sort((a, b) => (a.host.toLowerCase() < b.host.toLowerCase() ? -1 : 1))).toEqual(whole.hosts);
    expect(planFileTexts(whole.plan, whole.hosts, whole.jobs).get("jobs.ndjson")!.split("\n").length).toBe(
      jobs.length + 1,
    );
  });

  it("keeps the decision trail only for the hosts asked about", async () => {
    const input = await planInput(ROOT, join(ROOT, "examples/inventory.jsonl"), "2026-12-10T09:00:00Z");
    const r = reconcile({ ...input, explainHosts: new Set(["pay-sql-01"]) });
    expect([...r.trail.byHost.keys()]).toEqual(["pay-sql-01"]);
    expect(r.trail.of("pay-sql-01").size).toBeGreaterThan(0);
    expect(reconcile(input).trail.byHost.size).toBe(0);
  });
});
