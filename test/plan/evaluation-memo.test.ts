// Hosts alike in everything their evaluation reads are evaluated once (issue 16). Hosts whose decision trail is kept
// are always evaluated alone, so planning with every host's trail kept is the memo-free reference: the plans must match.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromNative, type Inventory } from "../../reconciler/inventory/host-record.js";
import { parseLine } from "../../reconciler/inventory/native/parse.js";
import { overlaySource, workingTreeSource } from "../../reconciler/load/source.js";
import type { InventoryRecord } from "../../reconciler/model/inventory.js";
import { validateSource } from "../../reconciler/validate/validate.js";
import { planLines } from "../helpers/plan-fixture.js";
import { ROOT } from "../helpers/repo.js";

const NOW = Date.parse("2026-12-10T09:00:00Z");
const EXAMPLE: InventoryRecord[] = readFileSync(join(ROOT, "examples/inventory.jsonl"), "utf8")
  .split("\n")
  .filter(Boolean)
  .flatMap((l) => parseLine(l).record ?? []);

interface Copy {
  of: number;
  /** Which of the original's installed ids the copy lacks (bit i drops id i). */
  drop: number;
  /** The copy's build revision moves across the catalog's version conditions or stays. */
  build: "same" | "older" | "newer";
  reboot: "none" | "all" | "listed";
  exempt: "none" | "defer" | "no-force";
  role: "app" | "sql" | "web-legacy";
}

const copyArb: fc.Arbitrary<Copy> = fc.record({
  // Few originals and few variations, so that alike copies (the memo's hits) are common.
  of: fc.nat({ max: 3 }),
  drop: fc.nat({ max: 1 }),
  build: fc.constantFrom("same" as const, "same" as const, "older" as const, "newer" as const),
  reboot: fc.constantFrom("none" as const, "none" as const, "all" as const, "listed" as const),
  exempt: fc.constantFrom("none" as const, "none" as const, "defer" as const, "no-force" as const),
  role: fc.constantFrom("app" as const, "sql" as const, "web-legacy" as const),
});

function record(c: Copy, name: string): InventoryRecord {
  const base = EXAMPLE[c.of]!;
  const installed = base.installed.filter((_, i) => i >= 3 || !(c.drop & (1 << i)));
  const parts = base.os.version.split(".");
  if (c.build !== "same" && parts.length === 4) parts[3] = c.build === "older" ? "1" : "99999";
  return {
    ...base,
    host: name,
    os: { ...base.os, version: parts.join(".") },
    installed,
    pendingReboot: c.reboot !== "none",
    ...(c.reboot === "listed" ? { pendingRebootUpdates: installed.slice(0, 1) } : {}),
  };
}

describe("evaluation memo: alike hosts evaluated once give the answers each would get alone", () => {
  it("plans byte-identically with and without the memo (every host's trail kept disables it)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(copyArb, { minLength: 20, maxLength: 40 }), async (copies) => {
        const names = copies.map((_, i) => `copy-${String(i).padStart(2, "0")}`);
        const files = new Map<string, string>();
        files.set(
          "windows/assignments/copies.yaml",
          `apiVersion: patchops/v1\nkind: Assignment\nmetadata: { name: copies }\nspec:\n  owner: copies\n  timetable: datacenter\n  hosts:\n${copies
            .map((c, i) => `    - { name: ${names[i]}, period: D${(i % 4) + 1}-08, role: ${c.role} }`)
            .join("\n")}\n`,
        );
        // An update only for builds from revision 2000 on: a copy's revision decides whether it applies.
        files.set(
          "policies/updates/kb9000001.yaml",
          'apiVersion: patchops/v1\nkind: Update\nmetadata: { name: kb9000001 }\nspec:\n  id: KB9000001\n  title: A fix for late builds\n  classification: security\n  severity: important\n  released: 2026-10-13\n  decision: approved\n  timeline: standard\n  appliesTo:\n    os:\n      - { family: windows, versions: ">=10.0.17763.2000 <10.0.17764 || >=10.0.20348.2000" }\n  restart: required\n',
        );
        for (const type of ["defer", "no-force"] as const) {
          const hosts = names.filter((_, i) => copies[i]!.exempt === type);
          if (hosts.length)
            files.set(
              `policies/exemptions/copies-${type}.yaml`,
              `apiVersion: patchops/v1\nkind: Exemption\nmetadata: { name: copies-${type} }\nspec:\n  hosts: [${hosts.join(", ")}]\n  updates: ["*"]\n  type: ${type}\n  reason: test\n  ticket: CHG-1\n  expires: 2027-01-31\n`,
            );
        }
        const { set, diagnostics } = await validateSource(overlaySource(workingTreeSource(ROOT), files), NOW);
        expect(diagnostics.filter((d) => d.severity === "error" && d.code !== "codeowners-stale")).toEqual([]);
        const inventory: Inventory = { records: new Map(), malformed: new Map() };
        const records = [...EXAMPLE, ...copies.map((c, i) => record(c, names[i]!))];
        records.forEach((r, i) => inventory.records.set(r.host.toLowerCase(), fromNative(r, `memory:${i + 1}`)));
        const plan = (explainHosts?: Set<string>) => planLines({ set, inventory, now: NOW, explainHosts });
        const memo = plan();
        const alone = plan(new Set(records.map((r) => r.host.toLowerCase())));
        expect(memo).toEqual(alone);
      }),
      { numRuns: 25, seed: 16 },
    );
  });
});
