// The bench's minimal program (issue 33's reachable limit) writes the same hosts.ndjson as `patchops plan`, byte for
// byte, on both bench fleets; otherwise its figure would not be a limit of this plan's work.
import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateFleet } from "../../bench/fleet.js";
import { writeMinimalTable } from "../../bench/minimal-table.js";
import { cli, ROOT, tempDir } from "../helpers/repo.js";

const NOW = "2026-12-10T09:00:00Z";

async function planAndMinimal(
  diverse: boolean,
  detail: "compact" | "full",
): Promise<{ planned: string; minimal: string }> {
  const dir = await tempDir();
  const { inventory } = await generateFleet(dir, { hosts: 200, updates: 300, diverse, seed: 11 });
  const out = join(dir, "out");
  const r = await cli(
    "plan",
    "--repo",
    dir,
    "--inventory",
    inventory,
    "--out",
    out,
    "--now",
    NOW,
    "--no-verify-approvals",
    "--detail",
    detail,
  );
  expect(r.code, r.stderr).toBeLessThan(2);
  const planned = await readFile(join(out, "hosts.ndjson"), "utf8");
  const table = await writeMinimalTable(dir, Date.parse(NOW), detail === "compact");
  const written = join(dir, "minimal-hosts.ndjson");
  execFileSync(process.execPath, ["--import", "tsx", join(ROOT, "bench", "minimal.ts"), table, inventory, written], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  return { planned, minimal: await readFile(written, "utf8") };
}

describe("the bench's minimal program", () => {
  for (const [diverse, detail] of [
    [false, "compact"],
    [true, "compact"],
    [true, "full"],
  ] as const)
    it(`writes plan's hosts.ndjson byte for byte (${diverse ? "diverse" : "regular"} fleet, ${detail})`, async () => {
      const { planned, minimal } = await planAndMinimal(diverse, detail);
      // A compact line counts the installed ids nobody approved; a full line lists them.
      if (detail === "compact") {
        expect(planned).toMatch(/"aboveBaselineCount":\d+,/);
        expect(planned).not.toContain('"aboveBaseline":');
      } else {
        expect(planned).toMatch(/"aboveBaseline":\["/);
        expect(planned).not.toContain('"aboveBaselineCount":');
      }
      // The fleet exercises what the minimal program must get right.
      for (const state of [
        "installed",
        "overdue",
        "rejected-installed",
        "pending-reboot",
        ...(diverse ? ["superseded"] : []),
      ])
        expect(planned).toContain(`"${state}"`);
      expect(planned).toContain('"status":"stale"');
      expect(minimal.split("\n")).toHaveLength(201);
      expect(minimal).toBe(planned);
    });
});
