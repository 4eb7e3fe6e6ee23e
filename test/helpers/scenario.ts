// Scenario repositories for the seed's process under stress: committed approvals, a small fleet, plans at chosen instants.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { HostResult, Job, Plan } from "../../reconciler/model/plan.js";
import type { ReconcileInput, ReconcileResult } from "../../reconciler/plan/reconcile.js";
import { generateFleet } from "../../bench/fleet.js";
import { byHost, hostRecord, planFixture } from "./plan-fixture.js";
import { cli, commitAll, tempRepo } from "./repo.js";

export const LA_TIMETABLE = `apiVersion: patchops/v1
kind: Timetable
metadata:
  name: dc
spec:
  timeZone: America/Los_Angeles
  cycle:
    anchor: { weekday: tuesday, nth: 2 }
    offsetDays: 2
  pilot: { offsetDays: 0, startTime: "18:00", hours: 24 }
`;

export function policyDoc(spec: string): string {
  return `apiVersion: patchops/v1\nkind: PatchPolicy\nmetadata:\n  name: minimal\nspec:\n${spec}`;
}

export function assignmentDoc(name: string, timetable: string, hosts: string[]): string {
  return `apiVersion: patchops/v1
kind: Assignment
metadata:
  name: ${name}
spec:
  owner: ${name}
  timetable: ${timetable}
  hosts:
${hosts.map((h) => `    - ${h}\n`).join("")}`;
}

export function standardUpdate(id: string, extra = ""): string {
  return `apiVersion: patchops/v1
kind: Update
metadata:
  name: ${id.toLowerCase()}
spec:
  id: ${id}
  title: Standard update ${id}
  classification: security
  severity: important
  released: 2026-12-08
  decision: approved
  appliesTo: { os: [{ family: windows }] }
  restart: required
${extra}`;
}

/** A policy repository from test/fixtures/minimal with `files` written over it, committed at `at`. */
export async function scenarioRepo(files: Record<string, string | null>, at: string): Promise<string> {
  const repo = await tempRepo("minimal", {});
  await commitStep(repo, { "policies/updates/kb5035857.yaml": null, ...files }, at);
  return repo;
}

/** Writes (or with null deletes) files and commits them at `at`, the instant the change was merged. */
export async function commitStep(repo: string, files: Record<string, string | null>, at: string): Promise<string> {
  const { rm } = await import("node:fs/promises");
  for (const [path, content] of Object.entries(files)) {
    if (content === null) await rm(join(repo, path), { force: true });
    else {
      const { mkdir } = await import("node:fs/promises");
      const { dirname } = await import("node:path");
      await mkdir(dirname(join(repo, path)), { recursive: true });
      await writeFile(join(repo, path), content);
    }
  }
  return commitAll(repo, `change at ${at}`, at);
}

export interface ScanLine {
  host: string;
  installed?: string[];
  scannedAt: string;
  pendingReboot?: boolean;
}

export async function planAt(repo: string, now: string, scans: ScanLine[], extra: string[] = []) {
  const inventory = join(repo, `inventory-${now.replace(/:/g, "")}.jsonl`);
  await writeFile(
    inventory,
    scans
      .map((s) =>
        JSON.stringify({
          host: s.host,
          scannedAt: s.scannedAt,
          os: { family: "windows", name: "Windows Server 2022", version: "10.0.20348.2340" },
          installed: s.installed ?? [],
          pendingReboot: s.pendingReboot ?? false,
        }),
      )
      .join("\n") + "\n",
  );
  const out = join(repo, `out-${now.replace(/:/g, "")}`);
  const r = await cli(
    "plan",
    "--repo",
    repo,
    "--inventory",
    inventory,
    "--out",
    out,
    "--now",
    now,
    "--no-verify-approvals",
    ...extra,
  );
  if (r.code > 1) throw new Error(`plan failed (${r.code}): ${r.stderr}`);
  const read = (f: string) => readFile(join(out, f), "utf8");
  const lines = (text: string) => text.split("\n").filter(Boolean);
  const plan = JSON.parse(await read("plan.json")) as Plan;
  const jobs = lines(await read("jobs.ndjson")).map((l) => JSON.parse(l) as Job);
  const hosts = new Map(
    lines(await read("hosts.ndjson"))
      .map((l) => JSON.parse(l) as HostResult)
      .map((h) => [h.host, h]),
  );
  return { r, plan, jobs, hosts, out };
}

/** Every host scanned two hours before `now`. */
export function scans(now: string, hosts: string[], installed: Record<string, string[]> = {}): ScanLine[] {
  const at = new Date(Date.parse(now) - 2 * 3_600_000).toISOString().replace(".000Z", "Z");
  return hosts.map((host) => ({ host, scannedAt: at, installed: installed[host] ?? [] }));
}

/** What a plan in memory gives a scenario test: the plan, its jobs, and host lines by name. */
export interface MemoryPlan {
  result: ReconcileResult;
  plan: Plan;
  jobs: Job[];
  hosts: Map<string, HostResult>;
}

/**
 * In memory, what scenarioRepo, commitStep and planAt do through git and the CLI (verification off): the policy of
 * test/fixtures/minimal without its update, each step's files laid over it, and every `decision: approved` dated by the
 * step that wrote it, as git history dates it (the newest commit whose diff adds the line, git/decision-times.ts).
 */
export class Scenario {
  private readonly files: Record<string, string | null> = { "policies/updates/kb5035857.yaml": null };
  private readonly approvedAt: Record<string, number> = {};

  constructor(files: Record<string, string | null>, at: string) {
    this.step(files, at);
  }

  /** Writes (or with null deletes) files at `at`, the instant the change was merged. */
  step(files: Record<string, string | null>, at: string): this {
    const approvals = (text: string | null | undefined) =>
      (text ?? "").split("\n").filter((l) => /^\s+decision:\s*approved/.test(l));
    for (const [path, text] of Object.entries(files)) {
      const before = approvals(this.files[path]);
      if (path.startsWith("policies/updates/") && approvals(text).some((l) => !before.includes(l)))
        this.approvedAt[path] = Date.parse(at);
      this.files[path] = text;
    }
    return this;
  }

  /** Plans at `now` against the scans (Windows Server 2022 records, as planAt writes them). */
  async planAt(now: string, lines: ScanLine[], input: Partial<ReconcileInput> = {}): Promise<MemoryPlan> {
    const result = await planFixture({
      files: this.files,
      hosts: lines.map((s) =>
        hostRecord(s.host, {
          scannedAt: s.scannedAt,
          os: { family: "windows", name: "Windows Server 2022", version: "10.0.20348.2340" },
          installed: s.installed ?? [],
          pendingReboot: s.pendingReboot ?? false,
        }),
      ),
      now,
      approvedAt: this.approvedAt,
      input,
    });
    return { result, plan: result.plan, jobs: result.jobs, hosts: byHost(result.hosts) };
  }
}

/**
 * A generated fleet under stress: isolation past the SLA (only one node of a cluster may be cut off, the other's owner
 * is notified) and an update approved two days before `2026-12-10T09:00:00Z`, whose running pilot wave holds the rest.
 */
export async function stressedFleet(
  repo: string,
  spec: { hosts: number; updates: number; seed: number },
): Promise<void> {
  await generateFleet(repo, spec);
  const policy = join(repo, "policies/policy.yaml");
  await writeFile(policy, (await readFile(policy, "utf8")).replace("action: notify", "action: isolate"));
  await writeFile(
    join(repo, "policies/updates/kb5999999.yaml"),
    [
      "apiVersion: patchops/v1",
      "kind: Update",
      "metadata: { name: kb5999999 }",
      "spec:",
      "  id: KB5999999",
      "  title: A fresh security update",
      "  classification: security",
      "  severity: important",
      "  released: 2026-12-08",
      "  decision: approved",
      "  appliesTo: { os: [{ family: windows }] }",
      "  restart: required",
      "",
    ].join("\n"),
  );
}
