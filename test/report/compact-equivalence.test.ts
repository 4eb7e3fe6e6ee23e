// The same fleet planned compact (the default) and full: every reader gives the same per-update compliance, counts
// and open items, since those come from plan.json and the unsettled ids a compact line still lists.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { HostResult } from "../../reconciler/model/plan.js";
import { diffPolicies } from "../../reconciler/report/policy-diff.js";
import { planFixture, readInventoryText } from "../helpers/plan-fixture.js";
import { cli, commitAll, FIXTURES, tempRepo } from "../helpers/repo.js";

const NOW = "2026-12-10T09:00:00Z";

async function files(dir: string, sub = ""): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(join(dir, sub), { withFileTypes: true })) {
    const rel = sub ? `${sub}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await files(dir, rel)));
    else out.push(rel);
  }
  return out.sort();
}

describe("compact and full plans of the embedded example", async () => {
  const repo = await tempRepo("example");
  commitAll(repo, "example policy");
  const inventory = join(repo, "examples", "inventory.jsonl");
  const plan = async (detail: string) => {
    const out = join(repo, `plan-${detail}`);
    const args = ["--repo", repo, "--inventory", inventory, "--out", out, "--now", NOW, "--no-verify-approvals"];
    const r = await cli("plan", ...args, "--detail", detail);
    expect(r.code, r.stderr).toBe(0);
    return out;
  };
  const compact = await plan("compact");
  const full = await plan("full");

  it("plan.json differs only in its detail; hosts.ndjson only in the settled ids", async () => {
    const c = JSON.parse(await readFile(join(compact, "plan.json"), "utf8")) as Record<string, unknown>;
    const f = JSON.parse(await readFile(join(full, "plan.json"), "utf8")) as Record<string, unknown>;
    expect(c.detail).toBe("compact");
    expect(f.detail).toBe("full");
    expect({ ...c, detail: "full" }).toEqual(f);
    expect(await readFile(join(compact, "jobs.ndjson"), "utf8")).toBe(
      await readFile(join(full, "jobs.ndjson"), "utf8"),
    );
    const size = async (d: string) => (await readFile(join(d, "hosts.ndjson"))).length;
    expect(await size(compact)).toBeLessThan(await size(full));
  });

  it("a compact line counts the ids above the baseline that the full line lists", async () => {
    const hosts = async (d: string) =>
      (await readFile(join(d, "hosts.ndjson"), "utf8"))
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as HostResult);
    const c = await hosts(compact);
    const f = await hosts(full);
    const listed = f.filter((h) => h.aboveBaseline!.length > 0).map((h) => [h.host, h.aboveBaseline!.length]);
    expect(listed.length).toBeGreaterThan(0);
    expect(c.filter((h) => h.aboveBaselineCount !== undefined).map((h) => [h.host, h.aboveBaselineCount])).toEqual(
      listed,
    );
    expect(c.some((h) => "aboveBaseline" in h)).toBe(false);
  });

  it("report: compliance, metrics, summary, digests, CSV and the site are the same but for the host lines", async () => {
    const site = async (p: string) => {
      const out = join(repo, `site-${p === compact ? "compact" : "full"}`);
      const r = await cli("report", "--plan", p, "--out", out, "--repo", repo);
      expect(r.code, r.stderr).toBe(0);
      return out;
    };
    const a = await site(compact);
    const b = await site(full);
    const names = await files(a);
    expect(names).toEqual(await files(b));
    expect(names).toContain("compliance.json");
    const differ: string[] = [];
    for (const n of names)
      if ((await readFile(join(a, n), "utf8")) !== (await readFile(join(b, n), "utf8"))) differ.push(n);
    // Only the chunks that carry each host's line (its `updates` as planned) differ, and the owner digests' lines of
    // hosts above the baseline: a full plan names the ids, a compact one gives their number.
    expect(differ.filter((n) => n.startsWith("data/")).length).toBeGreaterThan(0);
    expect(JSON.parse(await readFile(join(a, "compliance.json"), "utf8")).fleet.aboveBaseline).toBeGreaterThan(0);
    let aboveLines = 0;
    for (const n of differ) {
      if (/^data\/hosts-\d+\.js$/.test(n)) continue;
      expect(n).toMatch(/^digests\/[^/]+\.md$/);
      const x = (await readFile(join(a, n), "utf8")).split("\n");
      const y = (await readFile(join(b, n), "utf8")).split("\n");
      expect(x.length).toBe(y.length);
      x.forEach((line, i) => {
        if (line === y[i]) return;
        aboveLines++;
        const counted =
          /^- \*\*(.+)\*\*: (\d+) installed updates? \(patchops explain --host (.+) --inventory FILE lists them\) \(check for unauthorised changes\)$/.exec(
            line,
          );
        const named = /^- \*\*(.+)\*\*: (.+) \(check for unauthorised changes\)$/.exec(y[i]!);
        expect(counted, line).not.toBeNull();
        expect(named![1]).toBe(counted![1]);
        expect(counted![3]).toBe(counted![1]);
        expect(named![2]!.split(", ").length).toBe(Number(counted![2]));
      });
    }
    expect(aboveLines).toBeGreaterThan(0);
  });

  // explain --plan plans the host's unit again from the same inputs (two hosts: each call costs a second).
  it("explain --plan gives the same answer", async () => {
    for (const host of ["pay-app-06", "web-legacy-01"]) {
      const ask = (p: string) =>
        cli("explain", "--plan", p, "--host", host, "--repo", repo, "--inventory", inventory, "--no-verify-approvals");
      const c = await ask(compact);
      const f = await ask(full);
      expect(c.code, c.stderr).toBe(0);
      expect(c.stdout, host).toBe(f.stdout);
    }
  });
});

describe("diff on compact and full plans", () => {
  it("gives the same impact, per-update states included", async () => {
    const text = await readFile(join(FIXTURES, "plan-basic", "inventory.jsonl"), "utf8");
    const { inventory } = await readInventoryText(text);
    const side = async (detail: "compact" | "full", files: Record<string, string> = {}) => {
      const r = await planFixture({ base: "plan-basic", files, hosts: inventory, now: NOW, input: { detail } });
      return { label: "side", set: r.set, result: r };
    };
    // The head approves KB303, which unblocks KB302 on host-h.
    const kb303 =
      (await readFile(join(FIXTURES, "plan-basic", "policies", "updates", "kb303.yaml"), "utf8")).trimEnd() +
      "\n  decision: approved\n";
    const head = { "policies/updates/kb303.yaml": kb303 };
    const now = Date.parse(NOW);
    const c = diffPolicies(await side("compact"), await side("compact", head), now, []);
    const f = diffPolicies(await side("full"), await side("full", head), now, []);
    expect(c.hosts.total).toBeGreaterThan(0);
    expect(c).toEqual(f);
  });
});
