// `npm run bench`: plan throughput, peak memory and the parse floor at fleet scale, and validate on 10,000 files.
import { execFileSync } from "node:child_process";
import { createReadStream } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { parseDocument } from "yaml";
import { readInventory } from "../reconciler/inventory/read.js";
import { workingTreeSource } from "../reconciler/load/source.js";
import { planFiles } from "../reconciler/output/plan-files.js";
import { writeFilesAtomically } from "../reconciler/output/atomic.js";
import { reconcile } from "../reconciler/plan/reconcile.js";
import { validateSource } from "../reconciler/validate/validate.js";
import { generateFleet } from "./fleet.js";

const NOW = Date.parse("2026-12-10T09:00:00Z");

async function parseFloor(file: string): Promise<number> {
  const t = performance.now();
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity }))
    if (line) JSON.parse(line);
  return performance.now() - t;
}

/** Runs in a child process so its peak RSS is its own. */
async function child(dir: string): Promise<void> {
  const inventory = join(dir, "inventory.jsonl");
  const floor = await parseFloor(inventory);
  const t = performance.now();
  const { set, diagnostics } = await validateSource(workingTreeSource(dir), NOW);
  if (diagnostics.some((d) => d.severity === "error"))
    throw new Error(`generated policy invalid: ${diagnostics[0]?.message}`);
  const inv = await readInventory([inventory]);
  const result = reconcile({
    set,
    inventory: inv.inventory,
    now: NOW,
    approvals: new Map(),
    verification: "off",
    unverified: new Map(),
    revision: null,
  });
  await writeFilesAtomically(join(dir, "out"), planFiles(result.plan, result.hosts, result.jobs));
  const planMs = performance.now() - t;
  process.stdout.write(
    JSON.stringify({
      hosts: result.hosts.length,
      jobs: result.jobs.length,
      floorMs: floor,
      planMs,
      maxRssMiB: process.resourceUsage().maxRSS / 1024,
    }) + "\n",
  );
}

async function validateBench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "patchops-bench-validate-"));
  try {
    await generateFleet(dir, { hosts: 100, updates: 10_000 });
    const files = (await readdir(join(dir, "policies/updates"))).map((f) => join(dir, "policies/updates", f));
    const t0 = performance.now();
    for (const f of files) parseDocument(await readFile(f, "utf8")).toJS();
    const yamlMs = performance.now() - t0;
    const t1 = performance.now();
    await validateSource(workingTreeSource(dir), NOW);
    const validateMs = performance.now() - t1;
    console.log(
      `validate: ${files.length} Update files in ${(validateMs / 1000).toFixed(2)} s; yaml alone ${(yamlMs / 1000).toFixed(2)} s; ratio yaml/validate ${(yamlMs / validateMs).toFixed(2)}`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === "--child") return child(args[1]!);
  const sizes = args.length ? args.map(Number) : [10_000, 100_000, 300_000, 1_000_000];
  console.log(`patchops bench on node ${process.version}: 2,000 updates; sizes ${sizes.join(", ")}`);
  console.log("hosts      jobs      plan s   hosts/s    peak RSS MiB   parse floor s   floor/plan");
  const points: { n: number; ms: number }[] = [];
  for (const n of sizes) {
    const dir = await mkdtemp(join(tmpdir(), "patchops-bench-"));
    try {
      await generateFleet(dir, { hosts: n, updates: 2000 });
      let out: string;
      try {
        out = execFileSync(process.execPath, ["--max-old-space-size=12288", process.argv[1]!, "--child", dir], {
          encoding: "utf8",
          maxBuffer: 1 << 20,
          stdio: ["ignore", "pipe", "pipe"],
        });
      } catch (err) {
        const e = err as { status?: number; signal?: string; stderr?: string };
        const oom = /heap out of memory|Allocation failed/i.test(e.stderr ?? "");
        console.log(`${String(n).padEnd(10)} failed: ${oom ? "out of memory" : `exit ${e.status ?? e.signal}`}`);
        continue;
      }
      const r = JSON.parse(out.trim().split("\n").pop()!) as {
        hosts: number;
        jobs: number;
        floorMs: number;
        planMs: number;
        maxRssMiB: number;
      };
      points.push({ n, ms: r.planMs });
      console.log(
        `${String(n).padEnd(10)} ${String(r.jobs).padEnd(9)} ${(r.planMs / 1000).toFixed(2).padStart(7)}  ${Math.round(
          n / (r.planMs / 1000),
        )
          .toString()
          .padStart(
            8,
          )}  ${r.maxRssMiB.toFixed(0).padStart(13)}  ${(r.floorMs / 1000).toFixed(2).padStart(14)}  ${(r.floorMs / r.planMs).toFixed(2).padStart(10)}`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  if (points.length >= 2) {
    const xs = points.map((p) => Math.log(p.n));
    const ys = points.map((p) => Math.log(p.ms));
    const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
    const my = ys.reduce((a, b) => a + b, 0) / ys.length;
    const k = xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0);
    console.log(`fitted exponent of plan time in hosts: ${k.toFixed(2)} (1.00 is linear)`);
  }
  await validateBench();
}

await main();
