import { execFileSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { HostResult } from "../../reconciler/model/plan.js";
import { byHost, planFixture, readInventoryText } from "../helpers/plan-fixture.js";
import { cli, commitAll, tempRepo } from "../helpers/repo.js";

const NOW = "2026-12-10T09:00:00Z";
const PERIODS = ["D1-04", "D2-04", "D3-04", "D4-04"];

const TEAM_B = (extra = "") => `apiVersion: patchops/v1
kind: Assignment
metadata:
  name: team-b
spec:
  owner: team-b
  timetable: dc
  selectors:
    - match: { name: "web-*", os: windows, labels: { env: prod } }
      periods: [${PERIODS.join(", ")}]${extra}
`;

function rec(host: string, over: Record<string, unknown> = {}) {
  return JSON.stringify({
    host,
    scannedAt: "2026-12-10T04:00:00Z",
    os: { family: "windows", name: "Windows Server 2022", version: "10.0.20348.2113" },
    installed: ["KB5035857"],
    labels: { env: "prod" },
    ...over,
  });
}

/** In memory: the minimal fixture with `files` over it, planned against these inventory lines (the real reader). */
async function plan(files: Record<string, string>, lines: string[]): Promise<Map<string, HostResult>> {
  const { inventory, diagnostics } = await readInventoryText(lines.join("\n") + "\n");
  expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const r = await planFixture({ files, hosts: inventory, now: NOW });
  expect(r.plan.findings.filter((f) => f.severity === "error")).toEqual([]);
  return byHost(r.hosts);
}

describe("dynamic targeting: assignment selectors over inventory facts", () => {
  it("assigns matching hosts a stable period, explicit entries win, cluster nodes land on different days", async () => {
    const files = {
      "windows/assignments/team-b.yaml": TEAM_B(),
      // host-01 is named by team-a and matches nothing; web-named is named explicitly and also matches the selector.
      "windows/assignments/team-a.yaml":
        "apiVersion: patchops/v1\nkind: Assignment\nmetadata:\n  name: team-a\nspec:\n  owner: team-a\n  timetable: dc\n  hosts:\n    - { name: host-01, period: D1-04 }\n    - { name: web-named, period: D2-04 }\n",
    };
    const fleet = [
      rec("host-01"),
      rec("web-named"),
      ...Array.from({ length: 12 }, (_, i) => rec(`web-${String(i + 1).padStart(2, "0")}`)),
      rec("web-test-01", { labels: { env: "test" } }),
      rec("db-01"),
      ...["web-sql-a", "web-sql-b", "web-sql-c", "web-sql-d"].map((h) => rec(h, { cluster: "websql" })),
    ];
    const first = await plan(files, fleet);
    expect(first.get("web-named")).toMatchObject({ owner: "team-a", period: "D2-04" });
    expect(first.get("web-test-01")!.status).toBe("unmanaged");
    expect(first.get("db-01")!.status).toBe("unmanaged");
    const selected = [...first.values()].filter((h) => h.owner === "team-b");
    expect(selected).toHaveLength(16);
    for (const h of selected) expect(PERIODS).toContain(h.period);
    // The hash spreads the hosts: more than one period is used.
    expect(new Set(selected.map((h) => h.period)).size).toBeGreaterThan(1);
    const clusterDays = ["web-sql-a", "web-sql-b", "web-sql-c", "web-sql-d"].map((h) => first.get(h)!.period);
    expect(new Set(clusterDays).size).toBe(4);
    expect(first.get("web-sql-a")!.cluster).toBe("websql");

    // Stable: a new host does not move the others.
    const second = await plan(files, [...fleet, rec("web-99")]);
    for (const h of selected) expect(second.get(h.host)!.period).toBe(h.period);
    expect(second.get("web-99")!.owner).toBe("team-b");
  });

  it("validate refuses a selector period the timetable lacks; the PR comment counts hosts per selector", async () => {
    const repo = await tempRepo("minimal", { "windows/assignments/team-b.yaml": TEAM_B() });
    await writeFile(join(repo, "inv.jsonl"), [rec("web-01"), rec("web-02"), rec("web-03")].join("\n") + "\n");
    commitAll(repo, "base", "2026-11-22T12:00:00Z");
    execFileSync("git", ["checkout", "-q", "-b", "change"], { cwd: repo });
    await writeFile(
      join(repo, "windows/assignments/team-b.yaml"),
      TEAM_B()
        .replace('name: "web-*"', 'name: "web-0[12]*"')
        .replace("web-0[12]*", "web-0*")
        .replace("D4-04]", "D4-04]") + '    - match: { name: "web-03" }\n      periods: [D2-04]\n',
    );
    commitAll(repo, "narrow", "2026-11-23T12:00:00Z");
    const r = await cli(
      "diff",
      "--repo",
      repo,
      "--base",
      "main",
      "--head",
      "change",
      "--inventory",
      join(repo, "inv.jsonl"),
      "--now",
      NOW,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("**Assignment selectors** (hosts matched in this inventory):");
    expect(r.stdout).toContain("windows/assignments/team-b.yaml selector 1: 3 hosts");
    expect(r.stdout).toContain("windows/assignments/team-b.yaml selector 2: 0 hosts");

    const counted = await cli("validate", "--repo", repo, "--now", NOW, "--inventory", join(repo, "inv.jsonl"));
    expect(counted.code, counted.stdout + counted.stderr).toBe(0);
    expect(counted.stdout).toMatch(
      /team-b\.yaml:\d+:\d+.*selector-matches.*selector 1 matches 3 hosts in the inventory/,
    );
    expect(counted.stdout).toMatch(/selector 2 matches 0 hosts/);
    await writeFile(join(repo, "windows/assignments/team-b.yaml"), TEAM_B().replace("D4-04]", "D9-04]"));
    const v = await cli("validate", "--repo", repo, "--now", NOW);
    expect(v.code).toBe(1);
    expect(v.stdout + v.stderr).toMatch(/team-b\.yaml:\d+:\d+.*unknown-period.*period 'D9-04' of selector 1/);
  });
});
