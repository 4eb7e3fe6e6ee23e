// `npm run bench`: the streaming plan users run, at fleet scale, each figure printed beside its target (issue 16);
// then explain for one host, validate on 10,000 Update files and a large assignment file against `yaml` alone.
//   npm run bench                 50k and 300k hosts, with 300 and 2,000 approved-ish updates
//   npm run bench -- --quick      10k and 50k hosts with 300 updates (a minute or two)
//   npm run bench -- --full       adds 1,000,000 hosts × 2,000 updates (slow; the memory target)
//   npm run bench -- --profile    one 50k × 300 plan under --cpu-prof; prints the top self-time functions
//   npm run bench -- 300000x300   only the cases named (hosts x updates)
// Figures go to stdout and, as a markdown table, to out/bench.md (scripts/bench-table.py puts it in the README);
// a quick run or named cases write out/bench-partial.md instead, so they never replace the whole run's table.
import { execFileSync } from "node:child_process";
import { createReadStream } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { parseDocument } from "yaml";
import { loadPlanInputs } from "../reconciler/app/plan-inputs.js";
import { workingTreeSource } from "../reconciler/load/source.js";
import { PlanDirWriter } from "../reconciler/output/plan-stream.js";
import { reconcileInto } from "../reconciler/plan/reconcile.js";
import { PlanDigest } from "../reconciler/report/plan-digest.js";
import { validateSource } from "../reconciler/validate/validate.js";
import { generateFleet } from "./fleet.js";

const NOW = Date.parse("2026-12-10T09:00:00Z");
const NOW_ISO = "2026-12-10T09:00:00Z";

async function parseFloor(file: string): Promise<number> {
  const t = performance.now();
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity }))
    if (line) JSON.parse(line);
  return performance.now() - t;
}

interface ChildFigures {
  hosts: number;
  jobs: number;
  floorMs: number;
  planMs: number;
  loadMs: number;
  reconcileMs: number;
  writeMs: number;
  maxRssMiB: number;
}

/** Runs in a child process so its peak RSS is its own: the same calls `patchops plan` makes. */
async function child(dir: string): Promise<void> {
  const inventory = join(dir, "inventory.jsonl");
  const floor = await parseFloor(inventory);
  const t0 = performance.now();
  const loaded = await loadPlanInputs({
    repo: dir,
    inventory: [inventory],
    now: NOW,
    verifyApprovals: false,
    summaries: true,
  });
  if (!loaded.input) throw new Error(`generated policy invalid: ${loaded.policyErrors[0]?.message}`);
  const t1 = performance.now();
  const writer = new PlanDirWriter();
  const digest = new PlanDigest();
  let hosts = 0;
  let jobs = 0;
  const { plan } = reconcileInto(loaded.input, {
    onHost: (h) => {
      hosts++;
      writer.onHost(h);
      digest.addHost(h);
    },
    onJob: (j) => {
      jobs++;
      writer.onJob(j);
      digest.addJob(j);
    },
  });
  const t2 = performance.now();
  await writer.write(join(dir, "out"), plan);
  loaded.input.inventory.dispose?.();
  const t3 = performance.now();
  const figures: ChildFigures = {
    hosts,
    jobs,
    floorMs: floor,
    planMs: t3 - t0,
    loadMs: t1 - t0,
    reconcileMs: t2 - t1,
    writeMs: t3 - t2,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(JSON.stringify(figures) + "\n");
}

/**
 * What any plan must do beyond the parse floor, in a child of its own: load and validate the policy, and turn the plan's
 * host and job lines into JSON text (timed on objects parsed back from the written files). No design that reads this
 * policy and writes these files can beat floor / (floor + both).
 */
async function boundChild(dir: string): Promise<void> {
  const t0 = performance.now();
  await validateSource(workingTreeSource(dir), NOW);
  const policyMs = performance.now() - t0;
  let stringifyMs = 0;
  for (const f of ["hosts.ndjson", "jobs.ndjson"])
    for await (const line of createInterface({ input: createReadStream(join(dir, "out", f)), crlfDelay: Infinity })) {
      if (!line) continue;
      const value: unknown = JSON.parse(line);
      const t = performance.now();
      JSON.stringify(value);
      stringifyMs += performance.now() - t;
    }
  process.stdout.write(JSON.stringify({ policyMs, stringifyMs }) + "\n");
}

/** Node's default heap limit on this machine (it grows with the machine's memory). */
function defaultHeapMiB(): number {
  return Number(
    execFileSync(process.execPath, ["-p", "Math.round(require('v8').getHeapStatistics().heap_size_limit / 1048576)"], {
      encoding: "utf8",
    }).trim(),
  );
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const n = (x: number) => x.toLocaleString("en-US");

interface Row {
  figure: string;
  measured: string;
  target: string;
  met: boolean | null;
}

/** The child's heap limit: Node's own default (as `patchops plan` runs), or PATCHOPS_BENCH_HEAP_MIB, or `heapMiB`. */
function runChild(args: string[], heapMiB = Number(process.env.PATCHOPS_BENCH_HEAP_MIB ?? 0)): string {
  return execFileSync(process.execPath, [...(heapMiB > 0 ? [`--max-old-space-size=${heapMiB}`] : []), ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 24,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

async function planCase(hosts: number, updates: number, rows: Row[], points: { n: number; ms: number }[]) {
  const dir = await mkdtemp(join(tmpdir(), "patchops-bench-"));
  try {
    await generateFleet(dir, { hosts, updates });
    let out: string;
    try {
      out = runChild([process.argv[1]!, "--child", dir]);
    } catch (err) {
      const e = err as { status?: number; signal?: string; stderr?: string };
      const oom = /heap out of memory|Allocation failed/i.test(e.stderr ?? "");
      rows.push({
        figure: `plan ${n(hosts)} hosts × ${n(updates)} updates`,
        measured: oom ? "out of memory" : `failed (exit ${e.status ?? e.signal})`,
        target: "completes",
        met: false,
      });
      return;
    }
    const r = JSON.parse(out.trim().split("\n").pop()!) as ChildFigures;
    if (updates === 2000) points.push({ n: hosts, ms: r.planMs });
    const ratio = r.floorMs / r.planMs;
    rows.push({
      figure: `floor/plan, ${n(hosts)} hosts × ${n(updates)} updates`,
      measured: `${ratio.toFixed(3)} (plan ${s(r.planMs)}: load ${s(r.loadMs)}, reconcile ${s(r.reconcileMs)}, write ${s(r.writeMs)}; floor ${s(r.floorMs)}; ${n(Math.round(hosts / (r.planMs / 1000)))} hosts/s; ${n(r.jobs)} jobs; peak ${n(Math.round(r.maxRssMiB))} MiB)`,
      target: "≥ 0.4",
      met: ratio >= 0.4,
    });
    const bound = JSON.parse(runChild([process.argv[1]!, "--bound", dir]).trim().split("\n").pop()!) as {
      policyMs: number;
      stringifyMs: number;
    };
    const most = r.floorMs / (r.floorMs + bound.policyMs + bound.stringifyMs);
    rows.push({
      figure: `the best floor/plan any plan could reach, ${n(hosts)} hosts × ${n(updates)} updates (floor / (floor + policy load + the output's JSON.stringify))`,
      measured: `${most.toFixed(2)} (policy ${s(bound.policyMs)}, stringify of ${n(hosts + r.jobs)} lines ${s(bound.stringifyMs)})`,
      target: "(a bound, not a target)",
      met: null,
    });
    if (hosts >= 1_000_000) {
      rows.push({
        figure: `peak RSS, ${n(hosts)} hosts × ${n(updates)} updates (Node's default heap limit, ${n(defaultHeapMiB())} MiB here)`,
        measured: `${n(Math.round(r.maxRssMiB))} MiB`,
        target: "< 2,048 MiB",
        met: r.maxRssMiB < 2048,
      });
      // The same plan under smaller heaps: Node's default on a 7 GiB CI runner (a quarter of its memory), and 1 GiB,
      // which shows what the plan holds rather than how long the collector lets garbage wait.
      for (const [heap, label] of [
        [1792, "Node's default heap limit on a 7 GiB runner, 1,792 MiB"],
        [1024, "heap capped at 1,024 MiB"],
      ] as const) {
        let capped: ChildFigures | null = null;
        try {
          capped = JSON.parse(
            runChild([process.argv[1]!, "--child", dir], heap).trim().split("\n").pop()!,
          ) as ChildFigures;
        } catch {
          capped = null;
        }
        rows.push({
          figure: `peak RSS, ${n(hosts)} hosts × ${n(updates)} updates (${label})`,
          measured: capped ? `${n(Math.round(capped.maxRssMiB))} MiB (plan ${s(capped.planMs)})` : "out of memory",
          target: "< 2,048 MiB",
          met: capped !== null && capped.maxRssMiB < 2048,
        });
      }
    }
    if (hosts === 300_000 && updates === 300) rows.push(...(await explainCases(dir, r.floorMs)));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * `patchops explain` for one host of the fleet, timed from outside like a user would (a fresh process): from the
 * inventory alone, and with `--plan` (the plan the child just wrote from the same inputs), which is the target's case.
 */
async function explainCases(dir: string, floorMs: number): Promise<Row[]> {
  const cli = join(process.argv[1]!, "..", "..", "reconciler", "cli", "main.js");
  const time = (extra: string[]) => {
    const args = ["explain", "--repo", dir, "--host", "h123", "--inventory", join(dir, "inventory.jsonl")];
    const argv = JSON.stringify(["node", "patchops", ...args, "--no-verify-approvals", ...extra]);
    const t = performance.now();
    runChild([
      "--input-type=module",
      "-e",
      `const { main } = await import(${JSON.stringify(cli)}); process.exitCode = await main(${argv});`,
    ]);
    return performance.now() - t;
  };
  const whole = time(["--now", NOW_ISO]);
  const planned = time(["--plan", join(dir, "out")]);
  return [
    {
      figure: "explain one host of 300,000, from the inventory alone",
      measured: `${s(whole)} (${(whole / floorMs).toFixed(1)} × the parse floor)`,
      target: "(no target: every line is read)",
      met: null,
    },
    {
      figure: "explain one host of 300,000, with --plan",
      measured: `${s(planned)} (${(planned / floorMs).toFixed(2)} × the parse floor)`,
      target: "< 2 × the parse floor",
      met: planned < 2 * floorMs,
    },
  ];
}

async function validateCase(rows: Row[]): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "patchops-bench-validate-"));
  try {
    await generateFleet(dir, { hosts: 40_000, updates: 10_000 });
    const files = (await readdir(join(dir, "policies/updates"))).map((f) => join(dir, "policies/updates", f));
    const t0 = performance.now();
    for (const f of files) parseDocument(await readFile(f, "utf8")).toJS();
    const yamlMs = performance.now() - t0;
    const assignments = (await readdir(join(dir, "windows/assignments"))).map((f) =>
      join(dir, "windows/assignments", f),
    );
    const ta = performance.now();
    for (const f of assignments) parseDocument(await readFile(f, "utf8")).toJS();
    const assignYamlMs = performance.now() - ta;
    const t1 = performance.now();
    await validateSource(workingTreeSource(dir), NOW);
    const validateMs = performance.now() - t1;
    rows.push({
      figure: `validate ${n(files.length)} Update files (+ assignments for 40,000 hosts)`,
      measured: `${s(validateMs)}; yaml alone ${s(yamlMs + assignYamlMs)} (yaml/validate ${((yamlMs + assignYamlMs) / validateMs).toFixed(2)})`,
      target: "≤ yaml's own time (ratio ≥ 1)",
      met: validateMs <= yamlMs + assignYamlMs,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Self time by function from a V8 CPU profile, top first. */
function topSelf(profile: {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}): { name: string; ms: number; share: number }[] {
  const byId = new Map(profile.nodes.map((x) => [x.id, x]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id)!;
    const f = node.callFrame;
    const where = f.url ? `${f.url.replace(/^.*\/(dist|node_modules)\//, "$1/")}:${f.lineNumber + 1}` : "";
    const key = `${f.functionName || "(anonymous)"} ${where}`.trim();
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    total += dt;
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  return [...self]
    .map(([name, ms]) => ({ name, ms, share: ms / total }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 15);
}

async function profileCase(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "patchops-bench-profile-"));
  try {
    await generateFleet(dir, { hosts: 50_000, updates: 300 });
    runChild(["--cpu-prof", "--cpu-prof-dir", join(dir, "prof"), process.argv[1]!, "--child", dir]);
    const file = (await readdir(join(dir, "prof")))[0]!;
    await mkdir("out", { recursive: true });
    const text = await readFile(join(dir, "prof", file), "utf8");
    await writeFile("out/bench.cpuprofile", text);
    console.log("top self time, plan of 50,000 hosts × 300 updates (out/bench.cpuprofile):");
    for (const t of topSelf(JSON.parse(text))) console.log(`  ${(t.share * 100).toFixed(1).padStart(5)} %  ${t.name}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === "--child") return child(args[1]!);
  if (args[0] === "--bound") return boundChild(args[1]!);
  if (args.includes("--profile")) return profileCase();
  const quick = args.includes("--quick");
  const chosen = args.filter((a) => /^\d+x\d+$/.test(a)).map((a) => a.split("x").map(Number) as [number, number]);
  const cases: [number, number][] = chosen.length
    ? chosen
    : quick
      ? [
          [10_000, 300],
          [50_000, 300],
        ]
      : [
          [50_000, 300],
          [50_000, 2000],
          [300_000, 300],
          [300_000, 2000],
          ...(args.includes("--full") ? ([[1_000_000, 2000]] as [number, number][]) : []),
        ];
  console.log(`patchops bench on node ${process.version}${quick ? " (quick)" : ""}`);
  const rows: Row[] = [];
  const points: { n: number; ms: number }[] = [];
  const line = (r: Row) =>
    console.log(
      `${r.figure}: ${r.measured}${r.met === null ? "" : `  [target ${r.target}: ${r.met ? "met" : "missed"}]`}`,
    );
  for (const [hosts, updates] of cases) {
    const before = rows.length;
    await planCase(hosts, updates, rows, points);
    rows.slice(before).forEach(line);
  }
  if (points.length >= 2) {
    const xs = points.map((p) => Math.log(p.n));
    const ys = points.map((p) => Math.log(p.ms));
    const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
    const my = ys.reduce((a, b) => a + b, 0) / ys.length;
    const k = xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0);
    rows.push({
      figure: `fitted exponent of plan time in hosts (2,000 updates, ${points.map((p) => n(p.n)).join(" / ")})`,
      measured: k.toFixed(2),
      target: "≤ 1.05",
      met: k <= 1.05,
    });
  }
  if (!quick && !chosen.length) await validateCase(rows);
  const table = [
    "| figure | measured | target | |",
    "|---|---|---|---|",
    ...rows.map(
      (r) => `| ${r.figure} | ${r.measured} | ${r.target} | ${r.met === null ? "" : r.met ? "met" : "missed"} |`,
    ),
  ].join("\n");
  console.log("\n" + table);
  await mkdir("out", { recursive: true });
  // Only a whole run (the default cases, or --full) replaces the figures the README shows.
  const target = quick || chosen.length ? "out/bench-partial.md" : "out/bench.md";
  await writeFile(
    target,
    `Measured ${new Date().toISOString().slice(0, 10)} on node ${process.version}${quick ? " (quick run)" : ""}:\n\n${table}\n`,
  );
  console.log(
    target === "out/bench.md"
      ? "\nwrote out/bench.md (python3 scripts/bench-table.py puts it in the README)"
      : `\nwrote ${target} (a partial run: the README's table comes from a whole run)`,
  );
}

await main();
