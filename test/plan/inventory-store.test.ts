// Pass one keeps hosts' update ids in a store with a byte budget (issue 33); hosts past it, and hosts with an agent
// scan, are read again from their line. Both paths must give the same plan files, byte for byte.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateFleet } from "../../bench/fleet.js";
import { loadPlanInputs } from "../../reconciler/app/plan-inputs.js";
import { readInventory } from "../../reconciler/inventory/read.js";
import { PlanDirWriter } from "../../reconciler/output/plan-stream.js";
import { reconcileInto } from "../../reconciler/plan/reconcile.js";
import { ROOT } from "../helpers/repo.js";

const NOW = Date.parse("2026-12-10T09:00:00Z");
const PLAN_FILES = ["plan.json", "hosts.ndjson", "jobs.ndjson"];

/** An agent scan as the contract shows it (test/fixtures/agent-scan/contract-record.json). */
const AGENT_SCAN = (
  JSON.parse(readFileSync(join(ROOT, "test/fixtures/agent-scan/contract-record.json"), "utf8")) as {
    agentScan: unknown;
  }
).agentScan;

describe("inventory store: update ids held in pass one, or read again past the budget", () => {
  let work: string;
  let fleetDir: string;
  let inventory: string;
  let lines: string[];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "patchops-inv-store-"));
    fleetDir = join(work, "fleet");
    await generateFleet(fleetDir, { hosts: 400, updates: 90, seed: 11 });
    // Mixed in: hosts with pending-reboot ids, ids spelled in lower case, and agent scans (never held).
    lines = readFileSync(join(fleetDir, "inventory.jsonl"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line, i) => {
        const r = JSON.parse(line) as Record<string, unknown> & { installed: string[] };
        if (i % 7 === 3 && r.installed.length > 0) {
          r.pendingReboot = true;
          r.pendingRebootUpdates = r.installed.slice(-2);
        }
        if (i % 5 === 1) r.installed = r.installed.map((id) => id.toLowerCase());
        if (i % 11 === 4) r.agentScan = AGENT_SCAN;
        return JSON.stringify(r);
      });
    inventory = join(fleetDir, "mixed.jsonl");
    writeFileSync(inventory, lines.join("\n") + "\n");
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  /** Plans as `patchops plan` does (summaries, streaming reconcile, the plan set written); the files' text. */
  async function planFiles(storeBytes: number | undefined, out: string): Promise<string[]> {
    const loaded = await loadPlanInputs({
      repo: fleetDir,
      inventory: [inventory],
      now: NOW,
      verifyApprovals: false,
      summaries: true,
      ...(storeBytes === undefined ? {} : { storeBytes }),
    });
    expect(loaded.policyErrors).toEqual([]);
    const input = loaded.input!;
    try {
      const writer = new PlanDirWriter();
      const { plan } = reconcileInto(input, { onHost: (h) => writer.onHost(h), onJob: (j) => writer.onJob(j) });
      await writer.write(join(work, out), plan);
    } finally {
      input.inventory.dispose?.();
    }
    return PLAN_FILES.map((f) => readFileSync(join(work, out, f), "utf8"));
  }

  /**
   * Which hosts pass two can still build after the file was emptied (their ids were held), and which are read again
   * (the emptied file no longer holds their scan: an error).
   */
  async function heldAndReread(storeBytes: number | undefined): Promise<{ held: string[]; reread: string[] }> {
    const file = join(work, `clobbered-${storeBytes ?? "default"}.jsonl`);
    writeFileSync(file, lines.join("\n") + "\n");
    const { inventory: inv } = await readInventory([file], { summaries: true, storeBytes });
    try {
      writeFileSync(file, "");
      const held: string[] = [];
      const reread: string[] = [];
      for (const rec of inv.records.values()) {
        if (!rec.place) continue;
        try {
          inv.whole!(rec);
          held.push(rec.host);
        } catch (err) {
          expect((err as Error).message).toMatch(/changed while it was being planned/);
          reread.push(rec.host);
        }
      }
      return { held, reread };
    } finally {
      inv.dispose?.();
    }
  }

  it("a tiny budget, no budget and the default budget give byte-identical plan files", async () => {
    const byDefault = await planFiles(undefined, "default");
    const tiny = await planFiles(2_000, "tiny");
    const none = await planFiles(0, "none");
    expect(tiny).toEqual(byDefault);
    expect(none).toEqual(byDefault);
    expect(byDefault[1]).toContain('"status":"noncompliant"');
    expect(byDefault[2]).toContain('"type":"install"');
  });

  it("the default budget holds every host without an agent scan; a tiny one holds the first hosts only", async () => {
    const agentScanned = new Set(
      lines.filter((l) => l.includes('"agentScan"')).map((l) => (JSON.parse(l) as { host: string }).host),
    );
    expect(agentScanned.size).toBeGreaterThan(30);
    const all = await heldAndReread(undefined);
    expect(all.held.length + all.reread.length).toBe(400);
    expect(new Set(all.reread)).toEqual(agentScanned);
    // 2,000 bytes hold 1,000 ids (16 bits each: the fleet's few hundred ids are numbered low). In file order, hosts
    // are held while their ids (installed, then pending-reboot ones) fit in what is left; the first that does not fit
    // is read again, and so is every later host that does not fit in the rest.
    const tiny = await heldAndReread(2_000);
    const held = new Set(tiny.held);
    expect(tiny.held.length).toBeGreaterThan(5);
    expect(tiny.reread.length).toBeGreaterThan(agentScanned.size + 100);
    let used = 0;
    let firstPast: string | null = null;
    for (const line of lines) {
      const r = JSON.parse(line) as { host: string; installed: string[]; pendingRebootUpdates?: string[] };
      if (agentScanned.has(r.host)) continue;
      const ids = r.installed.length + (r.pendingRebootUpdates?.length ?? 0);
      if (held.has(r.host)) used += ids;
      else if (firstPast === null) {
        firstPast = r.host;
        expect(used + ids, r.host).toBeGreaterThan(1_000);
      }
    }
    expect(used).toBeLessThanOrEqual(1_000);
    expect(firstPast).not.toBeNull();
    const none = await heldAndReread(0);
    expect(none.held).toEqual([]);
  });
});
