// The approval repository the second review's attacks start from (cab.yaml, a bootstrap PR #100, KB100 in PR #1),
// built once per test file in a real git repository, with the fake GitHub it is verified against.
import { execFileSync } from "node:child_process";
import { mkdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { HostResult, Job } from "../../reconciler/model/plan.js";
import { updateDoc } from "../helpers/documents.js";
import { afterAll, beforeAll } from "vitest";
import { startFakeGithub, type FakeGithub, type FakePull } from "../helpers/github-server.js";
import { cli, commitAll, copyRepo, restoreEnv, tempDir, tempRepo } from "../helpers/repo.js";

export const NOW = "2026-12-10T09:00:00Z";
export const CAB = `apiVersion: patchops/v1
kind: ChangeAdvisoryBoard
metadata:
  name: cab
spec:
  members: [alice, bob, carol]
  requiredApprovals: 2
  teams: { team-a: [tina], team-b: [tom] }
  intakeIdentity: patchops-intake[bot]
`;
export const INVENTORY =
  ["host-01", "host-02"]
    .map((h) =>
      JSON.stringify({
        host: h,
        scannedAt: "2026-12-10T04:00:00Z",
        os: { family: "windows", version: "10.0.20348.2113" },
        installed: [],
      }),
    )
    .join("\n") + "\n";
const MERGED = "2026-11-23T18:00:00Z";
export const ok = (login: string, commit?: string) => ({
  login,
  state: "APPROVED" as const,
  at: "2026-11-23T17:00:00Z",
  ...(commit ? { commit } : {}),
});

export const pr = (number: number, commits: string[], reviews: FakePull["reviews"], author = "dave"): FakePull => ({
  number,
  author,
  mergedAt: MERGED,
  commits,
  reviews,
});

let clock = Date.parse("2026-11-02T00:00:00Z");
/** Writes files (null deletes, `{ link }` makes a symbolic link) and commits them; returns the commit. */
export async function change(
  repo: string,
  files: Record<string, string | null | { link: string }>,
  author = "Dave <dave@example.com>",
): Promise<string> {
  for (const [p, t] of Object.entries(files)) {
    await rm(join(repo, p), { force: true });
    if (t === null) continue;
    await mkdir(dirname(join(repo, p)), { recursive: true });
    if (typeof t === "string") await writeFile(join(repo, p), t);
    else await symlink(t.link, join(repo, p));
  }
  clock += 3_600_000;
  return commitAll(repo, `change ${Object.keys(files).join(", ")}`, new Date(clock).toISOString(), author);
}

export const git = (repo: string, ...args: string[]) =>
  execFileSync("git", args, { cwd: repo, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();

export interface Template {
  dir: string;
  root: string;
  kb100: string;
}

/** The bootstrap (the CAB trust root) and KB100, committed once per test file. */
export async function makeTemplate(): Promise<Template> {
  const dir = await tempRepo("minimal", { "policies/cab.yaml": CAB, "inv.jsonl": INVENTORY });
  await rm(join(dir, "policies/updates/kb5035857.yaml"));
  const root = commitAll(dir, "Bootstrap", "2026-11-01T10:00:00Z");
  const kb100 = await change(dir, { "policies/updates/kb100.yaml": updateDoc("KB100") });
  return { dir, root, kb100 };
}

/** A copy of the template, with KB100 approved in PR #1 by alice and bob (and the bootstrap reviewed in PR #100). */
export async function base(gh: FakeGithub, t: Template): Promise<{ repo: string; root: string; kb100: string }> {
  const repo = await copyRepo(t.dir);
  gh.pulls.push(pr(100, [t.root], [ok("alice"), ok("bob"), ok("tina")]));
  gh.pulls.push(pr(1, [t.kb100], [ok("alice"), ok("bob")]));
  return { repo, root: t.root, kb100: t.kb100 };
}

export interface PlanRun {
  code: number;
  stdout: string;
  stderr: string;
  jobs: Job[];
  hosts: HostResult[];
  plan: {
    approvalVerification: string;
    findings: { code: string; file?: string; severity: string; message: string }[];
  };
}

export async function plan(repo: string, ...extra: string[]): Promise<PlanRun> {
  const scratch = await tempDir();
  const out = join(scratch, "out");
  const r = await cli(
    "plan",
    "--repo",
    repo,
    "--inventory",
    join(repo, "inv.jsonl"),
    "--out",
    out,
    "--now",
    NOW,
    "--cache-dir",
    join(scratch, "cache"),
    ...extra,
  );
  const lines = async (f: string) =>
    (await readFile(join(out, f), "utf8").catch(() => ""))
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as unknown);
  return {
    ...r,
    jobs: (await lines("jobs.ndjson")) as Job[],
    hosts: (await lines("hosts.ndjson")) as HostResult[],
    plan: JSON.parse(await readFile(join(out, "plan.json"), "utf8").catch(() => "null")) as PlanRun["plan"],
  };
}

export const installed = (jobs: Job[]) =>
  [...new Set(jobs.filter((j) => j.type === "install").flatMap((j) => j.updates))].sort();

export async function approvals(repo: string, ...extra: string[]) {
  return cli("approvals", "--repo", repo, "--now", NOW, "--cache-dir", join(await tempDir(), "c"), ...extra);
}

/**
 * Starts the fake GitHub before the test file's tests, with the environment verification reads (token, repository,
 * API address, short retries), and stops it and restores the environment after them.
 */
export function withFakeGithub(token: string, started: (gh: FakeGithub) => void): void {
  const saved = { ...process.env };
  let gh: FakeGithub | null = null;
  beforeAll(async () => {
    gh = await startFakeGithub();
    started(gh);
    Object.assign(process.env, {
      GITHUB_TOKEN: token,
      GITHUB_REPOSITORY: "acme/patch-policy",
      GITHUB_API_URL: gh.url,
      PATCHOPS_RETRY_SCALE: "0.01",
    });
  });
  afterAll(async () => {
    restoreEnv(saved);
    await gh?.close();
  });
}
