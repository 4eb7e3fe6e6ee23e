import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateFleet } from "../../bench/fleet.js";
import { ROOT } from "../helpers/repo.js";

const CHILD = join(ROOT, "test", "helpers", "plan-child.ts");
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

function runPlan(
  repo: string,
  out: string,
  now: string,
  killWhen?: (out: string) => Promise<boolean>,
): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        CHILD,
        "plan",
        "--repo",
        repo,
        "--inventory",
        join(repo, "inventory.jsonl"),
        "--out",
        out,
        "--now",
        now,
        "--no-verify-approvals",
      ],
      {
        cwd: ROOT,
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    let timer: NodeJS.Timeout | undefined;
    if (killWhen) {
      const poll = async () => {
        if (await killWhen(out)) child.kill("SIGKILL");
        else timer = setTimeout(poll, 1);
      };
      void poll();
    }
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (timer) clearTimeout(timer);
      if (code !== 0 && !signal) reject(new Error(`plan failed: ${stderr}`));
      else resolve({ code, signal });
    });
  });
}

const snapshot = async (out: string) =>
  Object.fromEntries(
    await Promise.all(
      ["plan.json", "hosts.ndjson", "jobs.ndjson"].map(async (f) => [f, await readFile(join(out, f), "utf8")] as const),
    ),
  );

describe("crash safety", () => {
  it("a plan killed while writing leaves the previous output intact, and the next run cleans up", async () => {
    const repo = await mkdtemp(join(tmpdir(), "patchops-crash-"));
    dirs.push(repo);
    await generateFleet(repo, { hosts: 20_000, updates: 200 });
    const out = join(repo, "out");
    await runPlan(repo, out, "2026-12-10T09:00:00Z");
    const before = await snapshot(out);
    expect(before["hosts.ndjson"]!.split("\n").length).toBeGreaterThan(20_000);
    // Killed while the new set is being written beside out/ (plan-dir.ts: .out.new-<run>/).
    const killed = await runPlan(repo, out, "2026-12-11T09:00:00Z", async () => {
      try {
        for (const e of await readdir(repo))
          if (e.startsWith(".out.new-") && (await readdir(join(repo, e))).includes("hosts.ndjson")) return true;
        return false;
      } catch {
        return false;
      }
    });
    expect(killed.signal).toBe("SIGKILL");
    expect(await snapshot(out)).toEqual(before);
    await runPlan(repo, out, "2026-12-11T09:00:00Z");
    const after = await snapshot(out);
    expect(JSON.parse(after["plan.json"]!).now).toBe("2026-12-11T09:00:00Z");
    expect((await readdir(out)).filter((f) => f.includes(".tmp-"))).toEqual([]);
    expect((await readdir(repo)).filter((f) => f.startsWith(".out."))).toEqual([]);
  }, 180_000);
});
