import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateFleet } from "../../bench/fleet.js";
import { cli, planArgs, ROOT } from "../helpers/repo.js";
import { CLI_JS } from "../helpers/child.js";

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

// Loaded into the child with --require: the process kills itself right after its first write to hosts.ndjson in the
// new set beside out/ (plan-dir.ts: .out.new-<run>/), so the kill always lands in the middle of writing that file.
const KILL_WHILE_WRITING = `const fsp = require("fs").promises;
const open = fsp.open;
fsp.open = async (path, ...rest) => {
  const fh = await open(path, ...rest);
  if (/[\\\\/]\\.out\\.new-[^\\\\/]+[\\\\/]hosts\\.ndjson$/.test(String(path))) {
    const write = fh.write.bind(fh);
    fh.write = async (...args) => {
      const r = await write(...args);
      process.kill(process.pid, "SIGKILL");
      return r;
    };
  }
  return fh;
};
require("module").syncBuiltinESMExports();
`;

const planOf = (repo: string, out: string, now: string) =>
  planArgs({ repo, inventory: join(repo, "inventory.jsonl"), out, now });

function runKilled(repo: string, out: string, now: string): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--require", join(repo, "kill-while-writing.cjs"), CLI_JS, ...planOf(repo, out, now)],
      { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
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
    // Big enough that hosts.ndjson is written in several chunks (writeContent writes 1 MiB at a time).
    await generateFleet(repo, { hosts: 3_000, updates: 100 });
    await writeFile(join(repo, "kill-while-writing.cjs"), KILL_WHILE_WRITING);
    const out = join(repo, "out");
    expect((await cli(...planOf(repo, out, "2026-12-10T09:00:00Z"))).code).toBe(0);
    const before = await snapshot(out);
    expect(before["hosts.ndjson"]!.split("\n").length).toBeGreaterThan(3_000);
    // Killed while the new set is being written beside out/.
    const killed = await runKilled(repo, out, "2026-12-11T09:00:00Z");
    expect(killed.signal).toBe("SIGKILL");
    expect(await snapshot(out)).toEqual(before);
    const fresh = (await readdir(repo)).filter((e) => e.startsWith(".out.new-"));
    expect(fresh).toHaveLength(1);
    const partial = (await stat(join(repo, fresh[0]!, "hosts.ndjson"))).size;
    expect(partial).toBeGreaterThan(0);
    expect((await cli(...planOf(repo, out, "2026-12-11T09:00:00Z"))).code).toBe(0);
    const after = await snapshot(out);
    expect(JSON.parse(after["plan.json"]!).now).toBe("2026-12-11T09:00:00Z");
    // The kill came in the middle of hosts.ndjson: the same run wrote it whole now.
    expect(partial).toBeLessThan(Buffer.byteLength(after["hosts.ndjson"]!));
    expect((await readdir(out)).filter((f) => f.includes(".tmp-"))).toEqual([]);
    expect((await readdir(repo)).filter((f) => f.startsWith(".out."))).toEqual([]);
  });
});
