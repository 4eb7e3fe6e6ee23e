// The same fleet planned compact (the default) and full: every reader gives the same per-update compliance, counts
// and open items, since those come from plan.json and the unsettled ids a compact line still lists.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
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
    // Only the chunks that carry each host's line (its `updates` as planned) differ.
    expect(differ.length).toBeGreaterThan(0);
    for (const n of differ) expect(n).toMatch(/^data\/hosts-\d+\.js$/);
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
