// The bench's diverse fleet (issue 33): every host distinct, 250–300 installed ids from a catalogue of a few
// thousand, OS builds spread wide, and the same bytes for the same seed.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DIVERSE_UNKNOWN_IDS, generateFleet } from "../../bench/fleet.js";
import { tempDir } from "../helpers/repo.js";

interface Line {
  host: string;
  installed: string[];
  os: { name: string; version: string };
}

async function lines(dir: string): Promise<Line[]> {
  const text = await readFile(join(dir, "inventory.jsonl"), "utf8");
  return text
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Line);
}

describe("the diverse bench fleet", () => {
  it("has no two hosts alike, 250–300 ids each, from a catalogue of a few thousand, on many builds", async () => {
    const dir = await tempDir();
    const { updates } = await generateFleet(dir, { hosts: 2000, updates: 300, diverse: true });
    const hosts = await lines(dir);
    expect(hosts).toHaveLength(2000);
    const sets = new Set(hosts.map((h) => [...h.installed].sort().join(",")));
    expect(sets.size).toBe(2000);
    for (const h of hosts) {
      expect(h.installed.length).toBeGreaterThanOrEqual(250);
      expect(h.installed.length).toBeLessThanOrEqual(300);
      expect(new Set(h.installed).size).toBe(h.installed.length);
    }
    const lengths = new Set(hosts.map((h) => h.installed.length));
    // 51 possible lengths; 2,000 draws leave few of them unseen.
    expect(lengths.size).toBeGreaterThan(40);
    const all = new Set(hosts.flatMap((h) => h.installed));
    expect(all.size).toBeGreaterThan(2500);
    expect(all.size).toBeLessThanOrEqual(DIVERSE_UNKNOWN_IDS + 300);
    // Each host lists some of the policy's own updates besides unknown KBs.
    const policy = new Set(updates.map((u) => u.id));
    for (const h of hosts.slice(0, 50)) expect(h.installed.some((id) => policy.has(id))).toBe(true);
    expect(new Set(hosts.map((h) => h.os.version)).size).toBeGreaterThan(1800);
    expect(new Set(hosts.map((h) => h.os.name)).size).toBe(4);
    // Some Update files apply from one build revision on.
    const versioned = await readFile(join(dir, "policies/updates", `${updates[1]!.id.toLowerCase()}.yaml`), "utf8");
    expect(versioned).toContain('versions: ">=10.0.14393.1007"');
  });

  it("gives the same bytes for the same seed, other bytes for another", async () => {
    const [a, b, c] = [await tempDir(), await tempDir(), await tempDir()];
    await generateFleet(a, { hosts: 300, updates: 300, diverse: true });
    await generateFleet(b, { hosts: 300, updates: 300, diverse: true });
    await generateFleet(c, { hosts: 300, updates: 300, diverse: true, seed: 7 });
    const read = (d: string) => readFile(join(d, "inventory.jsonl"), "utf8");
    expect(await read(a)).toBe(await read(b));
    expect(await read(c)).not.toBe(await read(a));
  });
});
