// Pass two of the streaming plan reads each host's line again instead of holding every installed set (issue 16):
// the plan must be byte-identical to one planned from whole records, whatever the inventory's shape or source.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateFleet } from "../../bench/fleet.js";
import { summaryOf } from "../../reconciler/inventory/host-record.js";
import { readInventory } from "../../reconciler/inventory/read.js";
import type { PolicySet } from "../../reconciler/load/policy-set.js";
import { workingTreeSource } from "../../reconciler/load/source.js";
import { validateSource } from "../../reconciler/validate/validate.js";
import { planArgs, ROOT } from "../helpers/repo.js";
import { hostRecord, planLines } from "../helpers/plan-fixture.js";

const NOW = Date.parse("2026-12-10T09:00:00Z");

async function policyAt(dir: string): Promise<PolicySet> {
  const { set, diagnostics } = await validateSource(workingTreeSource(dir), NOW);
  expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return set;
}

/** The plan's three files as text, from an inventory read whole or as summaries. */
async function planText(
  set: PolicySet,
  files: string[],
  summaries: boolean,
  stdin?: Readable,
  storeBytes?: number,
): Promise<{ text: string; diagnostics: string }> {
  const { inventory, diagnostics } = await readInventory(files, { summaries, stdin, storeBytes });
  try {
    if (summaries) {
      const summary = [...inventory.records.values()].find((r) => r.place);
      expect(summary, "at least one record is held as a summary").toBeDefined();
    }
    const text = planLines({ set, inventory, now: NOW }).join("\n");
    return { text, diagnostics: JSON.stringify(diagnostics) };
  } finally {
    inventory.dispose?.();
  }
}

describe("streaming inventory: summaries read again in pass two", () => {
  let work: string;
  let fleetDir: string;
  let fleet: PolicySet;
  let example: PolicySet;
  const exampleLines = readFileSync(join(ROOT, "examples/inventory.jsonl"), "utf8").split("\n").filter(Boolean);

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "patchops-stream-inv-"));
    fleetDir = join(work, "fleet");
    // A generated fleet: supersedence chains, prerequisites, clusters, stale and lagging hosts.
    await generateFleet(fleetDir, { hosts: 600, updates: 90, seed: 7 });
    fleet = await policyAt(fleetDir);
    example = await policyAt(ROOT);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("a generated fleet plans byte-identically from summaries", async () => {
    const inv = join(fleetDir, "inventory.jsonl");
    const whole = await planText(fleet, [inv], false);
    const streamed = await planText(fleet, [inv], true);
    expect(streamed.text).toBe(whole.text);
    // Every line read again in pass two (no update ids held in pass one): the same plan.
    const reread = await planText(fleet, [inv], true, undefined, 0);
    expect(reread.text).toBe(whole.text);
    expect(whole.text).toContain('"type":"install"');
  });

  it("the same with CRLF, a byte-order mark, duplicates (the latest scan wins), blank and malformed lines", async () => {
    const older = exampleLines.map((l) => l.replace(/"scannedAt": "[^"]+"/, '"scannedAt": "2026-12-01T00:00:00Z"'));
    const newer = exampleLines.map((l) =>
      l.replace(/"installed": \[[^\]]*\]/, '"installed": ["KB5034127"]').replace(/04:00:00Z/, "05:00:00Z"),
    );
    const lines = [
      "\uFEFF" + exampleLines[0]!,
      ...older.slice(1, 10),
      "",
      '{"host": "pay-sql-02", "scannedAt": "not a time"}',
      "{not json",
      ...exampleLines.slice(1),
      ...newer.slice(5, 15),
      ...older.slice(15, 20),
    ];
    const file = join(work, "messy.jsonl");
    writeFileSync(file, lines.join("\r\n") + "\r\n");
    const whole = await planText(example, [file], false);
    const streamed = await planText(example, [file], true);
    expect(streamed.text).toBe(whole.text);
    expect(streamed.diagnostics).toBe(whole.diagnostics);
    const reread = await planText(example, [file], true, undefined, 0);
    expect(reread.text).toBe(whole.text);
    expect(reread.diagnostics).toBe(whole.diagnostics);
    expect(whole.diagnostics).toContain("inventory-duplicate");
    expect(whole.diagnostics).toContain("inventory-malformed");
  });

  it("the same from UTF-16 (decoded, spooled) and from standard input (spooled), with two inputs", async () => {
    const utf16 = join(work, "utf16.jsonl");
    writeFileSync(
      utf16,
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(exampleLines.slice(0, 20).join("\n"), "utf16le")]),
    );
    const rest = exampleLines.slice(20).join("\n") + "\n";
    const whole = await planText(example, [utf16, "-"], false, Readable.from([Buffer.from(rest)]));
    const streamed = await planText(example, [utf16, "-"], true, Readable.from([Buffer.from(rest)]));
    expect(streamed.text).toBe(whole.text);
    expect(whole.text.match(/"host":"[^"]+","status"/g)!.length).toBeGreaterThanOrEqual(exampleLines.length);
  });

  it("dispose closes the files and removes the spooled copy of standard input", async () => {
    const tmp = mkdtempSync(join(work, "tmp-"));
    const before = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    try {
      const { inventory } = await readInventory(["-"], {
        summaries: true,
        stdin: Readable.from([Buffer.from(exampleLines.join("\n"))]),
      });
      expect(readdirSync(tmp).filter((d) => d.startsWith("patchops-inventory-"))).toHaveLength(1);
      const rec = inventory.records.get("pay-sql-01")!;
      expect(inventory.whole!(rec).installed.has("KB5034127")).toBe(true);
      inventory.dispose!();
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
    }
  });

  it("patchops plan from standard input: the same plan as from the file, and no spooled copy left behind", async () => {
    const tmp = mkdtempSync(join(work, "cli-tmp-"));
    const args = (inventory: string, out: string) => [
      "--import",
      "tsx",
      join(ROOT, "test", "helpers", "plan-child.ts"),
      ...planArgs({ repo: fleetDir, inventory, out: join(work, out), now: "2026-12-10T09:00:00Z" }),
    ];
    const inv = join(fleetDir, "inventory.jsonl");
    const opts = { cwd: ROOT, encoding: "utf8" as const, env: { ...process.env, TMPDIR: tmp } };
    const fromFile = spawnSync(process.execPath, args(inv, "from-file"), opts);
    const fromStdin = spawnSync(process.execPath, args("-", "from-stdin"), { ...opts, input: readFileSync(inv) });
    expect(fromFile.status, fromFile.stderr).toBe(0);
    expect(fromStdin.status, fromStdin.stderr).toBe(0);
    for (const f of ["plan.json", "hosts.ndjson", "jobs.ndjson"])
      expect(readFileSync(join(work, "from-stdin", f), "utf8")).toBe(readFileSync(join(work, "from-file", f), "utf8"));
    // (tsx keeps its own cache there; patchops leaves nothing: no spooled input, no spill files.)
    expect(readdirSync(tmp).filter((d) => d.startsWith("patchops-"))).toEqual([]);
  });

  it("a summary's update ids cannot be read by mistake: reading them throws instead of answering 'none'", () => {
    const rec = summaryOf(hostRecord("a", { installed: ["KB1"] }), "x", 1, { source: 0, offset: 0, bytes: 1 });
    expect(rec.origin).toBe("x:1");
    expect(rec.place).toBeDefined();
    expect(() => rec.installed.has("KB1")).toThrow(/summary inventory record/);
    expect(() => [...rec.installed]).toThrow(/summary inventory record/);
    expect(() => rec.installed.size).toThrow(/summary inventory record/);
  });

  it("an inventory file rewritten between the passes is an error, never another scan planned", async () => {
    const file = join(work, "changing.jsonl");
    writeFileSync(file, exampleLines.join("\n") + "\n");
    // No update ids held in pass one (a store of 0 bytes): every line is read again, and checked to be the same scan.
    const { inventory } = await readInventory([file], { summaries: true, storeBytes: 0 });
    try {
      writeFileSync(file, [...exampleLines].reverse().join("\n") + "\n");
      const rec = inventory.records.get("pay-sql-01")!;
      expect(() => inventory.whole!(rec)).toThrow(/changed while it was being planned/);
    } finally {
      inventory.dispose?.();
    }
  });
});
