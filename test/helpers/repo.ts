// Test helpers: throwaway policy repositories in temp folders, and the CLI run in-process.
import { execFileSync } from "node:child_process";
import { cp, mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { main } from "../../reconciler/cli/main.js";

export const ROOT = join(import.meta.dirname, "..", "..");
export const FIXTURES = join(ROOT, "test", "fixtures");

const made: string[] = [];

/**
 * Removes the temp folders made so far. test/setup.ts calls it after each test file: test files share this module
 * (isolate: false), so a hook registered here would run after the first file only.
 */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

/** An empty temp folder, removed after the test file. */
export async function tempDir(prefix = "patchops-test-"): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** A temp copy of a fixture repository (or of this repository's own policy), with extra files written over it. */
export async function tempRepo(from: string, files: Record<string, string | Buffer> = {}): Promise<string> {
  const dir = await tempDir();
  if (from === "example") {
    for (const sub of ["policies", "baselines", "windows", "examples", ".github"])
      await cp(join(ROOT, sub), join(dir, sub), { recursive: true });
  } else {
    await cp(join(FIXTURES, from), dir, { recursive: true });
  }
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}

/** A temp copy of a directory, .git included: a repository built once per test file, copied for each test. */
export async function copyRepo(from: string): Promise<string> {
  const dir = await tempDir();
  await cp(from, dir, { recursive: true, preserveTimestamps: true });
  return dir;
}

/** Makes a directory a git repository with everything committed at a fixed instant; returns the commit. */
export function commitAll(
  dir: string,
  message: string,
  at = "2026-11-22T12:00:00Z",
  author = "Admin <admin@example.com>",
): string {
  const env = {
    ...process.env,
    GIT_AUTHOR_DATE: at,
    GIT_COMMITTER_DATE: at,
    GIT_AUTHOR_NAME: author.split(" <")[0],
    GIT_AUTHOR_EMAIL: author.split("<")[1]!.slice(0, -1),
    GIT_COMMITTER_NAME: "patchops-test",
    GIT_COMMITTER_EMAIL: "test@example.com",
  };
  // One shell, one child of this (large) process: the git commands it runs are cheap to start from a small one.
  const script =
    'set -e; git rev-parse --git-dir >/dev/null 2>&1 || git init -q -b main; git add -A; git commit -q --allow-empty -m "$1"; git rev-parse HEAD';
  return execFileSync("sh", ["-c", script, "sh", message], {
    cwd: dir,
    env,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  }).trim();
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in-process with captured output. */
export async function cli(...args: string[]): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const io = {
    code: 0,
    out: (t: string) => void (stdout += t),
    err: (t: string) => void (stderr += t),
    exitCode: (c: number) => {
      io.code = Math.max(io.code, c);
    },
  };
  const code = await main(["node", "patchops", ...args], io);
  return { code, stdout, stderr };
}

/**
 * Puts the environment back as `saved` had it, key by key. Assigning a copy to `process.env` would replace Node's
 * live environment with a plain object: later changes (TMPDIR in another test file of the worker) would no longer
 * reach os.tmpdir() or anything else that reads the real environment.
 */
export function restoreEnv(saved: Readonly<Record<string, string | undefined>>): void {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
}

/** `patchops plan` as most tests call it: a repository, an inventory, an output folder, an instant, no verification (unless asked). */
export function planArgs(
  o: { repo: string; inventory: string; out: string; now: string; verifyApprovals?: boolean },
  ...extra: string[]
): string[] {
  return [
    "plan",
    "--repo",
    o.repo,
    "--inventory",
    o.inventory,
    "--out",
    o.out,
    "--now",
    o.now,
    ...(o.verifyApprovals ? [] : ["--no-verify-approvals"]),
    ...extra,
  ];
}
