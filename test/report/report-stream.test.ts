// `patchops report` reads the plan's lines in passes and never holds the fleet: what it writes must still agree, file by
// file, with the lines of hosts.ndjson and jobs.ndjson, recomputed here from the lines themselves.
import { cp, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { generateFleet } from "../../bench/fleet.js";
import type { HostResult, Job, Plan } from "../../reconciler/model/plan.js";
import { compareText } from "../../reconciler/order.js";
import { compareJobs } from "../../reconciler/plan/reconcile.js";
import { csvCell } from "../../reconciler/report/csv.js";
import { escapeMarkdown } from "../../reconciler/report/markdown.js";
import { metrics } from "../../reconciler/report/metrics.js";
import { isOpenState } from "../../reconciler/report/states.js";
import { cli, commitAll, planArgs, tempDir, tempRepo } from "../helpers/repo.js";
import { writeReport } from "../helpers/report.js";

const NOW = "2026-12-10T09:00:00Z";

async function lines<T>(file: string): Promise<T[]> {
  return (await readFile(file, "utf8"))
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as T);
}

/** The value a data script assigns, per assignment (JSON never holds a raw newline). */
function assigned(text: string): unknown[] {
  return text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l.slice(l.indexOf(" = ") + 3, -1)) as unknown);
}

const round = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 1000) / 10);

function groups(hosts: readonly HostResult[], key: (h: HostResult) => string[]) {
  const m = new Map<string, HostResult[]>();
  for (const h of hosts) for (const k of key(h)) m.set(k, [...(m.get(k) ?? []), h]);
  return [...m]
    .sort(([a], [b]) => compareText(a, b))
    .map(([name, list]) => ({
      name,
      hosts: list.length,
      compliant: list.filter((h) => h.status === "compliant").length,
      noncompliant: list.filter((h) => h.status === "noncompliant").length,
      stale: list.filter((h) => h.status === "stale").length,
      unscanned: list.filter((h) => h.status === "unscanned").length,
      unmanaged: list.filter((h) => h.status === "unmanaged").length,
      belowBaseline: list.filter((h) => h.belowBaseline?.length).length,
      aboveBaseline: list.filter((h) => (h.aboveBaseline?.length ?? h.aboveBaselineCount ?? 0) > 0).length,
      estimated: list.filter((h) => h.estimated).length,
      percent: round(list.filter((h) => h.status === "compliant").length, list.length),
    }));
}

/** Checks every file of the report in `site` against the plan in `planDir`; returns the hosts as the site lists them. */
async function expectReportOf(planDir: string, site: string): Promise<HostResult[]> {
  const plan = JSON.parse(await readFile(join(planDir, "plan.json"), "utf8")) as Plan;
  const hosts = await lines<HostResult>(join(planDir, "hosts.ndjson"));
  const jobs = await lines<Job>(join(planDir, "jobs.ndjson"));
  // The site lists hosts as hosts.ndjson does: by lower-case name.
  const sorted = [...hosts].sort((a, b) => compareText(a.host.toLowerCase(), b.host.toLowerCase()));
  const jobsOf = (h: HostResult) => jobs.filter((j) => j.host === h.host);
  const open = (h: HostResult) => Object.entries(h.updates).filter(([, s]) => isOpenState(s));

  // compliance.json: every group's counts, and each window's distinct hosts.
  const c = JSON.parse(await readFile(join(site, "compliance.json"), "utf8"));
  expect(c.fleet).toEqual(groups(hosts, () => ["fleet"])[0]);
  expect(c.byOwner).toEqual(groups(hosts, (h) => [h.owner ?? "(unassigned)"]));
  expect(c.byBaseline).toEqual(groups(hosts, (h) => (h.baselines.length ? h.baselines : ["(no baseline)"])));
  expect(c.byOs).toEqual(groups(hosts, (h) => [h.os ? (h.os.name ?? h.os.family) : "(not scanned)"]));
  const windows = new Map<string, { hosts: Set<string>; updates: Set<string> }>();
  for (const j of jobs.filter((j) => j.type === "install" || j.type === "synthetic")) {
    const key = `${j.window.start} – ${j.window.end}`;
    const w = windows.get(key) ?? { hosts: new Set(), updates: new Set() };
    w.hosts.add(j.host);
    j.updates.forEach((u) => w.updates.add(u));
    windows.set(key, w);
  }
  expect(
    c.byWindow.map((w: { window: string; hosts: number; updates: string[] }) => [w.window, w.hosts, w.updates]),
  ).toEqual(
    [...windows].sort(([a], [b]) => compareText(a, b)).map(([k, w]) => [k, w.hosts.size, [...w.updates].sort()]),
  );
  const scanned = hosts.filter((h) => h.scannedAt !== null).length;
  for (const u of c.byUpdate) {
    const listed = Object.entries(plan.summary.updates[u.id]!.states)
      .filter(([s]) => s !== "not-applicable")
      .reduce((a, [, n]) => a + (n ?? 0), 0);
    expect([u.unscanned, u.notApplicable], u.id).toEqual([
      hosts.filter((h) => h.status === "unscanned").length,
      Math.max(0, scanned - listed),
    ]);
  }

  // hosts.csv: one row per host line, in the site's order.
  const rows = (await readFile(join(site, "hosts.csv"), "utf8")).split("\r\n").slice(1, -1);
  expect(rows.length).toBe(hosts.length);
  sorted.forEach((h, i) =>
    expect(rows[i]!.startsWith([h.host, h.status, h.owner].map(csvCell).join(",") + ","), h.host).toBe(true),
  );
  expect(rows.map((r) => Number(r.match(/,(\d+),[^,]*$/)?.[1]))).toEqual(sorted.map((h) => open(h).length));

  // data/: the index in the site's order, and every host in exactly the bucket it names, with its line and its jobs.
  const [index] = assigned(await readFile(join(site, "data/index.js"), "utf8")) as [unknown[][]];
  expect(index.map((r) => [r[0], r[4], r[5]])).toEqual(
    sorted.map((h, i) => [h.host, open(h).length, Math.floor(i / 500)]),
  );
  const buckets = (await readdir(join(site, "data"))).filter((f) => f.startsWith("hosts-"));
  expect(buckets.length).toBe(Math.ceil(hosts.length / 500));
  const seen = new Map<string, number>();
  const bucketData: Record<string, unknown>[][] = [];
  for (let b = 0; b < buckets.length; b++) {
    const data = assigned(await readFile(join(site, `data/hosts-${b}.js`), "utf8")) as Record<string, unknown>[];
    bucketData.push(data);
    expect(Object.keys(data[1]!).sort()).toEqual(Object.keys(data[0]!).sort());
    for (const name of Object.keys(data[0]!)) {
      expect(seen.has(name), `${name} in two buckets`).toBe(false);
      seen.set(name, b);
    }
  }
  expect(seen.size).toBe(hosts.length);
  for (const [i, h] of sorted.entries()) {
    const b = seen.get(h.host)!;
    expect(b, h.host).toBe(Math.floor(i / 500));
    expect(bucketData[b]![0]![h.host], h.host).toEqual(h);
    expect(bucketData[b]![1]![h.host], h.host).toEqual(jobsOf(h));
  }

  // data/updates.js: per update, the first 200 open hosts in the site's order and how many more.
  const [updates] = assigned(await readFile(join(site, "data/updates.js"), "utf8")) as Record<
    string,
    { open: string[]; moreOpen: number }
  >[];
  for (const id of Object.keys(plan.summary.updates)) {
    const all = sorted.filter((h) => isOpenState(h.updates[id] ?? "")).map((h) => h.host);
    expect([updates![id]!.open, updates![id]!.moreOpen], id).toEqual([
      all.slice(0, 200),
      Math.max(0, all.length - 200),
    ]);
  }

  // digests/: per owner, the counts, a row per job of its hosts, and its hosts needing attention in order.
  const owners = [...new Set(hosts.flatMap((h) => (h.owner ? [h.owner] : [])))];
  expect((await readdir(join(site, "digests"))).length).toBe(owners.length);
  for (const owner of owners) {
    const text = await readFile(join(site, "digests", `${owner.replace(/[^A-Za-z0-9._-]/g, "_")}.md`), "utf8");
    const mine = sorted.filter((h) => h.owner === owner);
    const attention = mine.filter((h) => h.status !== "compliant");
    expect(text).toContain(
      `${mine.length} hosts: ${mine.length - attention.length} compliant, ${attention.length} need`,
    );
    const body = text.split("\n");
    const table = body.slice(
      body.indexOf("|---|---|---|---|---|") + 1,
      body.indexOf("## Hosts that need attention") - 1,
    );
    expect(table.map((r) => r.split(" | ")[0])).toEqual(
      mine.flatMap((h) => jobsOf(h).map(() => `| ${escapeMarkdown(h.host)}`)),
    );
    const listed = body.filter((l) => l.startsWith("- **")).slice(0, attention.length);
    expect(listed.map((l, i) => l.startsWith(`- **${escapeMarkdown(attention[i]!.host)}** (`))).toEqual(
      attention.map(() => true),
    );
  }
  return sorted;
}

/** Every file under a folder, by relative path. */
async function tree(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const f of (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()))
    out.set(join(f.parentPath, f.name).slice(dir.length + 1), await readFile(join(f.parentPath, f.name)));
  return out;
}

/** A generated fleet; with `mixedCase`, names in both cases and with `_`, whose code point order is not hosts.ndjson's. */
async function fleetPlan(hosts: number, mixedCase: boolean): Promise<{ repo: string; plan: string }> {
  const repo = await tempDir();
  const { inventory } = await generateFleet(repo, { hosts, updates: 40 });
  if (mixedCase) {
    const rename = (i: number) => (i % 5 === 0 ? `H${i}` : i % 5 === 1 ? `Web-${i}` : i % 7 === 0 ? `h_${i}` : `h${i}`);
    await writeFile(
      inventory,
      (await readFile(inventory, "utf8")).replace(/"host":"h(\d+)"/g, (_, i) => `"host":"${rename(Number(i))}"`),
    );
    const dir = join(repo, "windows/assignments");
    for (const f of await readdir(dir))
      await writeFile(
        join(dir, f),
        (await readFile(join(dir, f), "utf8")).replace(/name: h(\d+),/g, (_, i) => `name: ${rename(Number(i))},`),
      );
  }
  const plan = join(repo, "plan");
  expect((await cli(...planArgs({ repo, inventory, out: plan, now: NOW }))).code).toBeLessThan(2);
  return { repo, plan };
}

describe("report streams the plan and still writes what its lines say", () => {
  let repo: string;
  let example: string;
  /** `patchops report` of a plan, with the example's policy for titles (and no status history). */
  const report = (plan: string, out: string) => cli("report", "--repo", repo, "--plan", plan, "--out", out);
  beforeAll(async () => {
    repo = await tempRepo("example");
    commitAll(repo, "policy", "2026-11-22T12:00:00Z");
    example = join(repo, "plan");
    await cli(...planArgs({ repo, inventory: join(repo, "examples/inventory.jsonl"), out: example, now: NOW }));
  });

  it("the example: compliance, CSV, data files, open hosts and digests agree with hosts.ndjson and jobs.ndjson", async () => {
    const site = join(await tempDir(), "site");
    const r = await report(example, site);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("(40 hosts, 0 snapshots)");
    await expectReportOf(example, site);
  });

  it("counts a host once per window when it has several jobs there", async () => {
    const plan = join(await tempDir(), "plan");
    await cp(example, plan, { recursive: true });
    const jobs = await lines<Job>(join(plan, "jobs.ndjson"));
    const install = jobs.find((j) => j.type === "install")!;
    jobs.push({ ...install, id: "ffffffffffffffff", type: "synthetic", updates: ["SYN-EXTRA"] });
    await writeFile(
      join(plan, "jobs.ndjson"),
      jobs
        .sort(compareJobs)
        .map((j) => JSON.stringify(j) + "\n")
        .join(""),
    );
    const site = join(await tempDir(), "site");
    expect((await report(plan, site)).code).toBe(0);
    await expectReportOf(plan, site);
  });

  for (const mixedCase of [false, true])
    it(`a generated fleet${mixedCase ? " named in mixed case" : ""}: the same, and the same bytes when runs spill to disk`, async () => {
      const { repo: fleet, plan } = await fleetPlan(1_200, mixedCase);
      const site = join(await tempDir(), "site");
      expect((await cli("report", "--repo", fleet, "--plan", plan, "--out", site)).code).toBe(0);
      const sorted = await expectReportOf(plan, site);
      const fileOrder = (await lines<HostResult>(join(plan, "hosts.ndjson"))).map((h) => h.host);
      // The site follows hosts.ndjson, also where code point order would not (capitals, '_').
      expect(sorted.map((h) => h.host)).toEqual(fileOrder);
      expect([...fileOrder].sort(compareText).join() === fileOrder.join()).toBe(!mixedCase);

      const written = await readPlan(plan);
      const extras = { metrics: metrics([]), info: new Map() };
      const held = join(await tempDir(), "held");
      expect((await writeReport(written, extras, held)).spilledRuns).toBe(0);
      const spilled = join(await tempDir(), "spilled");
      expect((await writeReport(written, extras, spilled, 97)).spilledRuns).toBeGreaterThan(10);
      const a = await tree(held);
      const b = await tree(spilled);
      expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
      for (const [f, bytes] of a) expect(b.get(f)!.equals(bytes), f).toBe(true);
    });

  it("refuses an unparseable or out-of-order host line with exit 2, naming file and line, and writes nothing", async () => {
    const hostLines = (await readFile(join(example, "hosts.ndjson"), "utf8")).split("\n");
    const cases: [string, string[], (file: string) => string][] = [
      [
        "unparseable",
        hostLines.map((l, i) => (i === 4 ? l.slice(0, 40) : l)),
        (file) => `patchops: ${file}:5: not a JSON line\n`,
      ],
      [
        "out of order",
        hostLines.map((l, i) => (i === 6 ? hostLines[7]! : i === 7 ? hostLines[6]! : l)),
        (file) =>
          `patchops: ${file}:8: host '${JSON.parse(hostLines[6]!).host}' is out of order (after host '${JSON.parse(hostLines[7]!).host}'); a plan's lines are sorted, as \`patchops plan\` writes them\n`,
      ],
      [
        "a duplicate",
        [...hostLines.slice(0, 3), hostLines[2]!, ...hostLines.slice(3)],
        (file) => `patchops: ${file}:4: host '`,
      ],
    ];
    for (const [what, text, message] of cases) {
      const plan = join(await tempDir(), "plan");
      await cp(example, plan, { recursive: true });
      await writeFile(join(plan, "hosts.ndjson"), text.join("\n"));
      const fresh = join(await tempDir(), "site");
      const r = await report(plan, fresh);
      expect([r.code, r.stdout], what).toEqual([2, ""]);
      expect(r.stderr.startsWith(message(join(plan, "hosts.ndjson"))), `${what}: ${r.stderr}`).toBe(true);
      expect(await readdir(fresh).catch(() => "absent"), what).toBe("absent");
      // A site written before stays as it was, every byte.
      const old = join(await tempDir(), "site");
      expect((await report(example, old)).code).toBe(0);
      const before = await tree(old);
      expect((await report(plan, old)).code, what).toBe(2);
      expect(await tree(old), what).toEqual(before);
    }
  });
});

async function readPlan(dir: string): Promise<{ plan: Plan; hosts: HostResult[]; jobs: Job[] }> {
  return {
    plan: JSON.parse(await readFile(join(dir, "plan.json"), "utf8")) as Plan,
    hosts: await lines<HostResult>(join(dir, "hosts.ndjson")),
    jobs: await lines<Job>(join(dir, "jobs.ndjson")),
  };
}
