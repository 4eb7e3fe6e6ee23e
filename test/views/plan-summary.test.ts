// The plan summary people read in a terminal and in the step summary: long lists are cut, and in Markdown every
// value from an inventory or a policy file is escaped (D27: a host named like an image must stay text).
import { appendFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { HostResult, Plan } from "../../reconciler/model/plan.js";
import { cutList, planSummary } from "../../reconciler/views/plan-summary.js";
import { cli, commitAll, tempDir, tempRepo } from "../helpers/repo.js";

const HOSTILE = "<img src=https://evil.example/p.png>[x](https://evil.example)";

describe("cutList", () => {
  const names = (n: number) => Array.from({ length: n }, (_, i) => `h${String(i).padStart(3, "0")}`);
  it("lists up to 20 names and cuts the 21st into '… and 1 more'", () => {
    expect(cutList(names(20))).toBe(names(20).join(", "));
    expect(cutList(names(21))).toBe(`${names(20).join(", ")} … and 1 more`);
    expect(cutList(names(296))).toBe(`${names(20).join(", ")} … and 276 more`);
    expect(cutList([])).toBe("");
  });
});

describe("plan --format markdown", () => {
  it("escapes host names and notes from the inventory; text keeps them as one log line", async () => {
    // A hostile host name is refused at the inventory boundary now (docs/inventory-and-degradation.md), so it cannot
    // reach the summary through `plan`; the view is what escapes, so it gets the hostile name and note directly.
    const repo = await tempRepo("example");
    commitAll(repo, "policy", "2026-11-22T12:00:00Z");
    const out = join(await tempDir(), "plan");
    const args = ["--repo", repo, "--inventory", join(repo, "examples/inventory.jsonl"), "--out", out];
    expect((await cli("plan", ...args, "--now", "2026-12-10T09:00:00Z", "--no-verify-approvals")).code).toBe(0);
    const plan = JSON.parse(await readFile(join(out, "plan.json"), "utf8")) as Plan;
    const hosts = (await readFile(join(out, "hosts.ndjson"), "utf8"))
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as HostResult);
    const unmanaged = hosts.find((h) => h.status === "unmanaged")!;
    const hostile = { ...unmanaged, host: HOSTILE, notes: [`scanned but in no assignment: ${HOSTILE}`] };
    const md = planSummary(plan, [hostile], [], "markdown", null);
    expect(md).not.toContain("<img");
    expect(md).not.toContain("](https");
    // Worked by hand from escapeMarkdown's rules: < > as entities, : [ ] ( ) backslashed.
    const escaped = "&lt;img src=https\\://evil.example/p.png&gt;\\[x\\]\\(https\\://evil.example\\)";
    expect(md).toContain(`- ${escaped} (unmanaged): scanned but in no assignment\\: ${escaped}\n`);
    const text = planSummary(plan, [hostile], [], "text", null);
    expect(text).toContain(`  ${HOSTILE} (unmanaged): scanned but in no assignment: ${HOSTILE}\n`);
  });

  it("a host name refused at the inventory boundary is planned nowhere and never reaches the summary", async () => {
    const repo = await tempRepo("example");
    commitAll(repo, "policy", "2026-11-22T12:00:00Z");
    const inventory = join(repo, "examples/inventory.jsonl");
    const first = (await readFile(inventory, "utf8")).split("\n")[0]!;
    await appendFile(inventory, first.replace(/"host": *"[^"]*"/, `"host": ${JSON.stringify(HOSTILE)}`) + "\n");
    const out = join(await tempDir(), "plan");
    const args = ["--repo", repo, "--inventory", inventory, "--out", out, "--now", "2026-12-10T09:00:00Z"];
    const md = await cli("plan", ...args, "--no-verify-approvals", "--format", "markdown");
    expect(md.code).toBe(0);
    expect(md.stdout).not.toContain("<img");
    expect(md.stdout).not.toContain("](https");
    expect(md.stdout).not.toContain("evil.example");
    expect(md.stderr).toContain("inventory-malformed");
    expect(await readFile(join(out, "hosts.ndjson"), "utf8")).not.toContain("evil.example");
  });

  it("cuts a long reference collection: 296 names print 20 and '… and 276 more'", async () => {
    const repo = await tempRepo("example");
    commitAll(repo, "policy", "2026-11-22T12:00:00Z");
    const out = join(await tempDir(), "plan");
    const args = ["--repo", repo, "--inventory", join(repo, "examples/inventory.jsonl"), "--out", out];
    expect((await cli("plan", ...args, "--now", "2026-12-10T09:00:00Z", "--no-verify-approvals")).code).toBe(0);
    const plan = JSON.parse(await readFile(join(out, "plan.json"), "utf8")) as Plan;
    const hosts = Array.from({ length: 296 }, (_, i) => `ref-${String(i).padStart(3, "0")}`);
    const text = planSummary({ ...plan, pilot: { ...plan.pilot, hosts } }, [], [], "text", null);
    const line = text.split("\n").find((l) => l.startsWith("  reference collection: "))!;
    expect(line).toBe(`  reference collection: ${hosts.slice(0, 20).join(", ")} … and 276 more`);
    const exact = planSummary({ ...plan, pilot: { ...plan.pilot, hosts: hosts.slice(0, 20) } }, [], [], "text", null);
    expect(exact).toContain(`  reference collection: ${hosts.slice(0, 20).join(", ")}\n`);
  });
});

describe("the plan summary's hosts above the baseline", () => {
  // test/fixtures/plan-basic, with host-h listing three installed ids no policy file names, out of order.
  it("plan names a compact plan's ids in id order; read from the compact lines, it counts them", async () => {
    const repo = await tempRepo("plan-basic");
    const inventory = join(repo, "inventory.jsonl");
    const text = await readFile(inventory, "utf8");
    await writeFile(
      inventory,
      text.replace('"KB100", "KB400", "KB9999"]', '"KB9999", "KB100", "KB5000", "KB400", "KB1234"]'),
    );
    expect(await readFile(inventory, "utf8")).not.toBe(text);
    const out = join(await tempDir(), "plan");
    const args = ["--repo", repo, "--inventory", inventory, "--out", out, "--now", "2026-12-10T09:00:00Z"];
    const r = await cli("plan", ...args, "--no-verify-approvals");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("  host-h: KB1234, KB5000, KB9999\n");
    const hosts = (await readFile(join(out, "hosts.ndjson"), "utf8"))
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as HostResult);
    const h = hosts.find((x) => x.host === "host-h")!;
    expect(h.aboveBaselineCount).toBe(3);
    expect(h.aboveBaseline).toBeUndefined();
    const plan = JSON.parse(await readFile(join(out, "plan.json"), "utf8")) as Plan;
    expect(planSummary(plan, [h], [], "text", null)).toContain(
      "  host-h: 3 installed updates (patchops explain --host host-h --inventory FILE lists them)\n",
    );
    // In Markdown the host's name is escaped in the hint too.
    const md = planSummary(plan, [{ ...h, host: HOSTILE, aboveBaselineCount: 1 }], [], "markdown", null);
    const escaped = "&lt;img src=https\\://evil.example/p.png&gt;\\[x\\]\\(https\\://evil.example\\)";
    expect(md).toContain(
      `- ${escaped}: 1 installed update (patchops explain --host ${escaped} --inventory FILE lists them)\n`,
    );
    // plan --detail full lists them on the line, in id order.
    const full = join(await tempDir(), "full");
    const f = await cli(
      "plan",
      ...args.slice(0, 4),
      "--out",
      full,
      "--now",
      "2026-12-10T09:00:00Z",
      "--no-verify-approvals",
      "--detail",
      "full",
    );
    expect(f.code, f.stderr).toBe(0);
    expect(await readFile(join(full, "hosts.ndjson"), "utf8")).toContain(
      '"aboveBaseline":["KB1234","KB5000","KB9999"],',
    );
  });
});
