// The facts each golden file exists for, worked out by hand from its fixture and asserted on the committed file, so a
// golden regenerated with UPDATE_GOLDEN=1 cannot quietly carry a wrong answer. Also: the rewrite prints its diff.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { HostResult, Plan } from "../../reconciler/model/plan.js";
import { DIFF_MARKER } from "../../reconciler/views/diff-markdown.js";
import { goldenDiff } from "../helpers/golden.js";
import { FIXTURES } from "../helpers/repo.js";

const read = (path: string) => readFile(join(FIXTURES, path), "utf8");

describe("test/fixtures/plan-basic/expected (plan of the fixture at 2026-12-10T09:00Z)", () => {
  it("12 hosts: the 11 of team-a plus the rogue scan; silent is unscanned, rogue unmanaged", async () => {
    const plan = JSON.parse(await read("plan-basic/expected/plan.json")) as Plan;
    expect(plan.summary.hosts).toBe(12);
    expect(plan.summary.byStatus).toMatchObject({ unmanaged: 1, unscanned: 1 });
    const hosts = (await read("plan-basic/expected/hosts.ndjson"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as HostResult);
    expect(hosts).toHaveLength(12);
    const by = new Map(hosts.map((h) => [h.host, h]));
    expect(by.get("silent")?.status).toBe("unscanned");
    expect(by.get("rogue")?.status).toBe("unmanaged");
  });

  it("KB100 by hand: installed on a, h, sql-1, sql-2; superseded on b (KB101); pending reboot on g; deferred on d; exempt (no-force) on e; missing on c, f (its exemption expired 1 Dec) and rogue", async () => {
    const plan = JSON.parse(await read("plan-basic/expected/plan.json")) as Plan;
    expect(plan.summary.updates.KB100?.states).toEqual({
      installed: 4,
      superseded: 1,
      "pending-reboot": 1,
      deferred: 1,
      exempt: 1,
      missing: 3,
    });
    // expected-full/ (plan --detail full) lists every state; expected/ (compact) only the unsettled ones.
    const lines = async (dir: string) =>
      (await read(`plan-basic/${dir}/hosts.ndjson`))
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as HostResult);
    const full = await lines("expected-full");
    expect(JSON.parse(await read("plan-basic/expected-full/plan.json"))).toEqual({ ...plan, detail: "full" });
    const compact = Object.fromEntries((await lines("expected")).map((h) => [h.host, h.updates.KB100 ?? null]));
    expect(compact).toEqual({
      "host-a": null,
      "host-b": null,
      "host-c": "missing",
      "host-d": "deferred",
      "host-e": "exempt",
      "host-f": "missing",
      "host-g": "pending-reboot",
      "host-h": null,
      rogue: "missing",
      silent: null,
      "sql-1": null,
      "sql-2": null,
    });
    const kb100 = Object.fromEntries(full.map((h) => [h.host, h.updates.KB100 ?? null]));
    expect(kb100).toEqual({
      "host-a": "installed",
      "host-b": "superseded",
      "host-c": "missing",
      "host-d": "deferred",
      "host-e": "exempt",
      "host-f": "missing",
      "host-g": "pending-reboot",
      "host-h": "installed",
      rogue: "missing",
      silent: null,
      "sql-1": "installed",
      "sql-2": "installed",
    });
    // Installed ids nobody approved, by hand from the inventory: KB101 (pending) on b, KB200 (rejected) on f, KB9999
    // (no file) on h. A full line lists them, a compact line counts them.
    const above = (list: HostResult[]) =>
      Object.fromEntries(
        list
          .filter((h) => h.aboveBaseline?.length || h.aboveBaselineCount)
          .map((h) => [h.host, h.aboveBaseline ?? h.aboveBaselineCount]),
      );
    expect(above(full)).toEqual({ "host-b": ["KB101"], "host-f": ["KB200"], "host-h": ["KB9999"] });
    expect(above(await lines("expected"))).toEqual({ "host-b": 1, "host-f": 1, "host-h": 1 });
    expect(full.every((h) => Array.isArray(h.aboveBaseline) && h.aboveBaselineCount === undefined)).toBe(true);
    expect(plan.findings.map((f) => [f.code, f.file])).toContainEqual([
      "exemption-expired-ignored",
      "policies/exemptions/expired-f.yaml",
    ]);
  });
});

describe("test/fixtures/diff (pull-request comments)", () => {
  it("small.md: alice's approval is 1 of the 2 the CAB needs; the author erin never counts", async () => {
    const md = await read("diff/small.md");
    expect(md.startsWith(DIFF_MARKER)).toBe(true);
    expect(md).toContain("approved so far by alice (the author, erin, never counts)");
    expect(md).toContain("policies/updates/kb5035857.yaml: 1 of 2 needed from the CAB \\(2 needed\\) \\(alice\\)");
    expect(md).toContain("6 gain a job, 0 get a changed job, 0 lose one");
  });

  it("emergency.md: the CAB or the emergency committee, neither met", async () => {
    const md = await read("diff/emergency.md");
    expect(md).toContain(
      "0 of 2 needed from the CAB \\(2 needed\\); or 0 of 1 needed from the emergency committee \\(1 needed\\)",
    );
    expect(md).toContain("8 gain a job");
  });

  it("big.md: 60 hosts gain a job", async () => {
    expect(await read("diff/big.md")).toContain("**Job changes:** 60 jobs gained, 0 changed, 0 lost on 60 hosts.");
  });

  it("hostile.md: one marker, at the top; no live markup", async () => {
    const md = await read("diff/hostile.md");
    expect(md.split(DIFF_MARKER)).toHaveLength(2);
    expect(md.indexOf(DIFF_MARKER)).toBe(0);
    expect(md).not.toMatch(/<img|<script|<\/details><\/summary>|\]\(https?:|\]\(javascript:/);
  });

  it("approve-ssu.md: approves KB3020369; one host gains a job", async () => {
    const md = await read("diff/approve-ssu.md");
    expect(md.split("\n")[4]).toBe(
      "**Approves 1 update (KB3020369); jobs change for 1 host in 1 window (1 gain a job, 0 get a changed job, 0 lose one); maintenance period changes for 1 host; 1 exemption change.**",
    );
  });
});

describe("UPDATE_GOLDEN prints what it rewrites", () => {
  it("as a unified diff under the golden's path", async () => {
    const d = await goldenDiff("test/fixtures/x.md", "a\nb\nc\n", "a\nB\nc\n");
    expect(d).toContain("--- a/test/fixtures/x.md\n+++ b/test/fixtures/x.md\n");
    expect(d).toContain("-b\n+B\n");
  });

  it("nothing when the bytes are equal", async () => {
    expect(await goldenDiff("x", "same\n", "same\n")).toBe("");
  });
});
