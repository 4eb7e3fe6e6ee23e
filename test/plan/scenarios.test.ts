import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { HostResult, Job, Plan } from "../../reconciler/model/plan.js";
import { readInventory } from "../../reconciler/inventory/read.js";
import { byHost, planFixture, planSummaryText, readInventoryText } from "../helpers/plan-fixture.js";
import { cli, commitAll, FIXTURES, tempRepo } from "../helpers/repo.js";

const NOW = "2026-12-10T09:00:00Z";

async function plan(repo: string, inventory: string, extra: string[] = []) {
  const out = join(repo, "out");
  const r = await cli(
    "plan",
    "--repo",
    repo,
    "--inventory",
    inventory,
    "--out",
    out,
    "--now",
    NOW,
    "--no-verify-approvals",
    ...extra,
  );
  const read = async (f: string) => readFile(join(out, f), "utf8");
  const hosts = (await read("hosts.ndjson"))
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as HostResult);
  const jobs = (await read("jobs.ndjson"))
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Job);
  return {
    r,
    plan: JSON.parse(await read("plan.json")) as Plan,
    hosts: new Map(hosts.map((h) => [h.host, h])),
    jobs,
    out,
    read,
  };
}

/** In memory: a fixture's policy (with `files` over it) planned against its inventory, read by the real reader. */
async function planMemory(base: string, files: Record<string, string> = {}, inventoryFile = "inventory.jsonl") {
  const { inventory, diagnostics } = await readInventory([join(FIXTURES, base, inventoryFile)]);
  expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const result = await planFixture({ base, files, hosts: inventory, now: NOW });
  return { result, plan: result.plan, hosts: byHost(result.hosts), jobs: result.jobs };
}

describe("plan: one scenario per state and rule (test/fixtures/plan-basic)", async () => {
  const p = await planMemory("plan-basic");
  const state = (host: string, id: string) => p.hosts.get(host)?.updates[id];
  const jobsOf = (host: string) => p.jobs.filter((j) => j.host === host);

  it("has no error finding and says verification is off", () => {
    expect(p.plan.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(planSummaryText(p.result)).toContain("CAB approval verification is OFF");
    expect(p.plan.approvalVerification).toBe("off");
  });

  it("installed everywhere is compliant, with no job", () => {
    expect(p.hosts.get("host-a")).toMatchObject({
      status: "compliant",
      updates: { KB100: "installed", KB400: "installed" },
    });
    // An approved update that does not concern the host is not listed at all.
    expect(p.hosts.get("host-a")!.updates.KB300).toBeUndefined();
    expect(jobsOf("host-a")).toEqual([]);
  });

  it("an installed superseding update satisfies the old one; an unapproved install is above baseline", () => {
    expect(p.hosts.get("host-b")).toMatchObject({
      status: "compliant",
      updates: { KB100: "superseded" },
      aboveBaseline: ["KB101"],
    });
  });

  it("missing gets a forced install job in the host's period of the cycle after approval", () => {
    expect(state("host-c", "KB100")).toBe("missing");
    expect(jobsOf("host-c")).toEqual([
      expect.objectContaining({
        type: "install",
        updates: ["KB100"],
        timeline: "standard",
        period: "D2-04",
        window: { start: "2026-12-11T12:00:00Z", end: "2026-12-11T16:00:00Z" },
        deadline: "2026-12-11T16:00:00Z",
        enforcement: { forceInstall: true, forceRestart: true },
        priority: "normal",
        // The host's own file; the update's file is named once, in plan.json.
        reason: expect.objectContaining({ files: ["windows/assignments/team-a.yaml"] }),
      }),
    ]);
    expect(p.plan.summary.updates.KB100!.file).toBe("policies/updates/kb100.yaml");
  });

  it("defer exemption: deferred, no job; no-force exemption: exempt, a job that forces nothing", () => {
    expect(state("host-d", "KB100")).toBe("deferred");
    expect(jobsOf("host-d")).toEqual([]);
    expect(p.hosts.get("host-d")!.status).toBe("compliant");
    expect(state("host-e", "KB100")).toBe("exempt");
    expect(jobsOf("host-e")).toEqual([
      expect.objectContaining({ enforcement: { forceInstall: false, forceRestart: false } }),
    ]);
  });

  it("an expired exemption is ignored and reported; a rejected update found installed is flagged", () => {
    expect(state("host-f", "KB100")).toBe("missing");
    expect(jobsOf("host-f")[0]!.enforcement.forceInstall).toBe(true);
    expect(state("host-f", "KB200")).toBe("rejected-installed");
    expect(p.plan.findings).toContainEqual(expect.objectContaining({ code: "exemption-expired-ignored" }));
    expect(p.jobs.flatMap((j) => j.updates)).not.toContain("KB200");
  });

  it("pending reboot, and an emergency update past its hour is overdue and rescheduled with high priority", () => {
    expect(state("host-g", "KB100")).toBe("pending-reboot");
    expect(state("host-g", "KB400")).toBe("overdue");
    expect(jobsOf("host-g")).toEqual([
      expect.objectContaining({
        timeline: "emergency",
        priority: "high",
        updates: ["KB400"],
        window: { start: "2026-12-10T12:00:00Z", end: "2026-12-10T13:00:00Z" },
      }),
    ]);
  });

  it("a synthetic update gives a synthetic job; an unapproved prerequisite blocks, naming it", () => {
    expect(jobsOf("host-h").map((j) => [j.type, j.updates])).toEqual([["synthetic", ["SYN-1"]]]);
    expect(p.hosts.get("host-h")).toMatchObject({
      updates: { KB302: "blocked" },
      blockedBy: { KB302: ["KB303"] },
      aboveBaseline: ["KB9999"],
    });
  });

  it("an approved prerequisite goes first in the same job", () => {
    expect(jobsOf("sql-1").map((j) => j.updates)).toEqual([["KB300", "KB301"]]);
  });

  it("rogue and silent hosts are never dropped: unmanaged and unscanned, the latter with a healthcheck", () => {
    expect(p.hosts.get("rogue")!.status).toBe("unmanaged");
    expect(jobsOf("rogue")).toEqual([]);
    expect(p.hosts.get("silent")!.status).toBe("unscanned");
    expect(jobsOf("silent")).toEqual([
      expect.objectContaining({ type: "healthcheck", window: { start: NOW, end: "2026-12-10T13:00:00Z" } }),
    ]);
    expect(p.plan.summary.hosts).toBe(12);
  });
});

describe("plan: the same inputs (test/fixtures/plan-basic, through the CLI)", () => {
  it("give byte-identical files and the same job ids, from two copies of the repository", async () => {
    const repo = await tempRepo("plan-basic");
    const p = await plan(repo, join(repo, "inventory.jsonl"));
    expect(p.r.code).toBe(0);
    expect(p.r.stdout).toContain("CAB approval verification is OFF");
    const again = await plan(await tempRepo("plan-basic"), join(FIXTURES, "plan-basic", "inventory.jsonl"));
    for (const f of ["hosts.ndjson", "jobs.ndjson"]) expect(await again.read(f)).toBe(await p.read(f));
    const strip = (t: string) => t.replace(/"policyRevision": [^,]+,/, "");
    expect(strip(await again.read("plan.json"))).toBe(strip(await p.read("plan.json")));
  });
});

describe("plan: a deferred prerequisite", () => {
  it("blocks what needs it instead of being installed anyway", async () => {
    const p = await planMemory("plan-basic", {
      "policies/exemptions/defer-sp.yaml":
        "apiVersion: patchops/v1\nkind: Exemption\nmetadata:\n  name: defer-sp\nspec:\n  hosts: [sql-1]\n  updates: [KB300]\n  type: defer\n  reason: vendor support needs SP2\n  ticket: RISK-9\n  expires: 2026-12-31\n",
    });
    expect(p.hosts.get("sql-1")).toMatchObject({
      updates: { KB300: "deferred", KB301: "blocked" },
      blockedBy: { KB301: ["KB300"] },
    });
    expect(p.jobs.filter((j) => j.host === "sql-1")).toEqual([]);
  });
});

describe("plan: bad input", () => {
  it("a malformed record makes its host stale with file and line, never dropped nor compliant", async () => {
    const repo = await tempRepo("plan-basic", {
      "bad.jsonl": '{"host":"host-a","scannedAt":"2026-12-10T04:00:00Z","installed":[]}\n{not json\n',
    });
    const p = await plan(repo, join(repo, "bad.jsonl"));
    expect(p.r.stderr).toContain(
      "bad.jsonl:1:1: warning inventory-malformed: host host-a: the record is missing 'os'; the host is treated as stale",
    );
    expect(p.r.stderr).toContain("bad.jsonl:2:1: warning inventory-malformed");
    expect(p.hosts.get("host-a")).toMatchObject({ status: "stale" });
    expect(p.jobs.find((j) => j.host === "host-a")?.type).toBe("healthcheck");
  });

  it("a stale scan is never compliance", async () => {
    const { inventory } = await readInventoryText(
      JSON.stringify({
        host: "host-a",
        scannedAt: "2026-12-01T00:00:00Z",
        os: { family: "windows", version: "10.0.20348.1" },
        installed: ["KB100", "KB400"],
      }) + "\n",
    );
    const p = await planFixture({ base: "plan-basic", hosts: inventory, now: NOW });
    expect(byHost(p.hosts).get("host-a")!.status).toBe("stale");
  });

  it("an invalid policy writes nothing and keeps the previous plan; an unreadable inventory exits 2", async () => {
    const repo = await tempRepo("plan-basic");
    const first = await plan(repo, join(repo, "inventory.jsonl"));
    const before = await first.read("jobs.ndjson");
    const { writeFile } = await import("node:fs/promises");
    await writeFile(join(repo, "policies/updates/kb100.yaml"), "apiVersion: patchops/v1\nkind: Update\n  broken: [\n");
    const r = await cli(
      "plan",
      "--repo",
      repo,
      "--inventory",
      join(repo, "inventory.jsonl"),
      "--out",
      first.out,
      "--now",
      NOW,
      "--no-verify-approvals",
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no plan was written");
    expect(await first.read("jobs.ndjson")).toBe(before);
    const fresh = await tempRepo("plan-basic");
    const missing = await cli(
      "plan",
      "--repo",
      fresh,
      "--inventory",
      join(fresh, "nope.jsonl"),
      "--out",
      first.out,
      "--now",
      NOW,
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read inventory .*nope.jsonl: ENOENT/);
  });

  it("fails closed: without verification every approved update is reported unverified and gets no jobs", async () => {
    const repo = await tempRepo("plan-basic");
    const r = await cli(
      "plan",
      "--repo",
      repo,
      "--inventory",
      join(repo, "inventory.jsonl"),
      "--out",
      join(repo, "o"),
      "--now",
      NOW,
    );
    // The plan is written, and the unverified approvals are error findings: exit 1.
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/GitHub is not configured/);
    const jobs = (await readFile(join(repo, "o", "jobs.ndjson"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Job);
    expect(jobs.filter((j) => j.type === "install" || j.type === "synthetic")).toEqual([]);
    expect(r.stdout).toContain("Approved but unverified (no jobs)");
  });
});

describe("plan: the embedded example", () => {
  it("plans the repository's own policy against examples/inventory.jsonl", async () => {
    const repo = await tempRepo("example");
    commitAll(repo, "example policy");
    const p = await plan(repo, join(repo, "examples", "inventory.jsonl"));
    expect(p.r.code).toBe(0);
    const statuses = new Set([...p.hosts.values()].map((h) => h.status));
    expect(statuses).toEqual(new Set(["compliant", "noncompliant", "stale", "unscanned", "unmanaged"]));
    // A compact plan counts every state on each host line and lists only the unsettled ids.
    const states = new Set([...p.hosts.values()].flatMap((h) => Object.keys(h.counts)));
    const listed = new Set([...p.hosts.values()].flatMap((h) => Object.values(h.updates)));
    for (const settled of ["installed", "superseded", "not-applicable"]) expect(listed).not.toContain(settled);
    for (const s of [
      "installed",
      "superseded",
      "missing",
      "overdue",
      "not-applicable",
      "exempt",
      "deferred",
      "blocked",
      "pending-reboot",
      "rejected-installed",
    ])
      expect(states).toContain(s);
    expect(p.hosts.size).toBeGreaterThanOrEqual(40);
    expect(new Set(p.jobs.map((j) => j.type))).toEqual(
      new Set(["install", "synthetic", "healthcheck", "isolate", "restart"]),
    );
    // pay-app-06 reports KB5035857 installed with a restart pending: its period's next window restarts it (D3-12,
    // Saturday 12 December 12:00–16:00 in Los Angeles, PST), and no other host waits for one.
    expect(p.jobs.filter((j) => j.type === "restart").map((j) => [j.host, j.updates, j.window, j.enforcement])).toEqual(
      [
        [
          "pay-app-06",
          ["KB5035857"],
          { start: "2026-12-12T20:00:00Z", end: "2026-12-13T00:00:00Z" },
          { forceInstall: false, forceRestart: true },
        ],
      ],
    );
  });
});
