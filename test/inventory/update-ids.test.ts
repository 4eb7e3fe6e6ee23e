// Installed and pending-reboot ids are checked against UpdateId's pattern once per spelling a run sees (issue 33):
// a bad id is still a diagnostic at its column, every time it appears, and affects only its own record.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readInventory } from "../../reconciler/inventory/read.js";

const work = mkdtempSync(join(tmpdir(), "patchops-update-ids-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const head = (host: string) =>
  `{"host":"${host}","scannedAt":"2026-12-01T00:00:00Z","os":{"family":"windows","version":"10.0.20348.1"},`;

const LINES = [
  head("h1") + `"installed":["KB1","kb1","kb2"]}`,
  // Column 119: `"kb 2"` after the head's 99 characters, `"installed":[` (13) and `"KB1",` (6).
  head("h2") + `"installed":["KB1","kb 2"]}`,
  head("h3") + `"installed":["kb2","KB1"]}`,
  // The same bad spelling again: rejected again, never remembered as seen. Column 171: the head's 99 characters,
  // then `"installed":["KB1"],` (20), `"pendingReboot":true,` (21), `"pendingRebootUpdates":[` (24) and `"KB1",` (6).
  head("h4") + `"installed":["KB1"],"pendingReboot":true,"pendingRebootUpdates":["KB1","kb 2"]}`,
  head("h5") + `"installed":["KB1","kb 2"],"extra":1}`,
];

describe("update ids in an inventory line", () => {
  for (const summaries of [false, true])
    it(`a bad id is a diagnostic at its column, each time, and the other hosts are read (summaries: ${summaries})`, async () => {
      const file = join(work, `inv-${summaries}.jsonl`);
      writeFileSync(file, LINES.join("\n") + "\n");
      const { inventory, diagnostics } = await readInventory([file], { summaries });
      try {
        expect(diagnostics.map((d) => [d.code, d.message, d.line, d.column])).toEqual([
          [
            "inventory-malformed",
            'host h2: installed.1 "kb 2" is not in the expected form; the host is treated as stale',
            2,
            119,
          ],
          [
            "inventory-malformed",
            'host h4: pendingRebootUpdates.1 "kb 2" is not in the expected form; the host is treated as stale',
            4,
            171,
          ],
          [
            "inventory-malformed",
            "host h5: the record has an unknown field 'extra'; the host is treated as stale",
            5,
            1,
          ],
        ]);
        expect([...inventory.records.keys()]).toEqual(["h1", "h3"]);
        const h1 = inventory.whole ? inventory.whole(inventory.records.get("h1")!) : inventory.records.get("h1")!;
        expect([...h1.installed]).toEqual(["KB1", "KB2"]);
        const h3 = inventory.whole ? inventory.whole(inventory.records.get("h3")!) : inventory.records.get("h3")!;
        expect([...h3.installed]).toEqual(["KB2", "KB1"]);
        expect(h3.installed.has("KB2")).toBe(true);
        expect(h3.installed.has("kb2")).toBe(false);
      } finally {
        inventory.dispose?.();
      }
    });
});
