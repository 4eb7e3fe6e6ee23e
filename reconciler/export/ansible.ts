// Jobs as an Ansible inventory: one group per window; host variables for deploy/ansible/patchops.yml.
import type { HostResult, Job, Plan } from "../model/plan.js";
import { clusterOverlaps } from "../plan/cluster-safety.js";
import { unsafeYaml } from "./ansible-yaml.js";
import { canonicalJson, sha256 } from "./canonical-json.js";

/** A group name Ansible accepts: letters, digits and underscores. */
export function windowGroup(job: Pick<Job, "window" | "timeline"> & { type?: Job["type"] }): string {
  const stamp = job.window.start.replace(/[-:]/g, "").replace(/Z$/, "z").toLowerCase();
  // An uninstall or restart job has a group of its own, so a host can hold it beside an install job in one window.
  const own = job.type === "uninstall" || job.type === "restart";
  return `patchops_${stamp}_${own ? job.type : job.timeline}`;
}

/** The group whose play runs the job: its window's group, or patchops_<type> for isolate, notify and healthcheck. */
export function groupOf(job: Job): string {
  const windowed = ["install", "synthetic", "uninstall", "restart"].includes(job.type);
  return windowed ? windowGroup(job) : `patchops_${job.type}`;
}

/** One step of a job on the host, in install order: a win_updates search-and-install, or one catalog download. */
type InstallStep =
  | { kind: "win_updates"; accept_list: string[]; category_names: string[] }
  | { kind: "catalog"; id: string; url: string; sha256: string; file: string };

interface JobVars {
  job_id: string;
  /** The host's name as the plan writes it (the inventory may know it under an alias, see inventoryName). */
  host: string;
  owner: string | null;
  type: string;
  timeline: string;
  window_start: string;
  window_end: string;
  deadline: string;
  /** The window in seconds since 1970 (UTC), for the playbook's time guard. */
  window_start_epoch: number;
  window_end_epoch: number;
  /** For win_updates' accept_list: the KB ids Windows Update offers, in install order. */
  accept_list: string[];
  /** win_updates category_names covering every classification in accept_list. */
  category_names: string[];
  /** Catalog-only updates: downloaded from url, checked against sha256, installed with win_hotfix or win_package. */
  downloads: { id: string; url: string; sha256: string; file: string }[];
  /** The whole job in install order (consecutive Windows Update ids batched into one win_updates call). */
  install_steps: InstallStep[];
  /** Every update of the job, in install order (what the job result reports on). */
  updates: string[];
  /** Synthetic payloads: the playbook writes an inert marker for each. */
  markers: string[];
  /** What an uninstall job removes (win_hotfix state=absent). */
  remove: string[];
  /** Linux hosts: name=version in install order, for deploy/ansible/tasks/linux.yml (apt, or dnf as name-version). */
  packages?: string[];
  /** "linux" when the job installs packages: which tasks/<platform>.yml the playbook includes. */
  platform?: string;
  reboot: boolean;
  force_install: boolean;
  priority: string;
  pre: string[];
  post: string[];
  /** What an isolate, notify or healthcheck job runs on the control node. */
  commands: string[];
  retry_attempt: number;
  /**
   * Rate control (deploy due --max-errors): once more jobs of this group have failed in this run of the playbook
   * than this count, or this percentage of the group's hosts (rounded down), the jobs not yet started are not run
   * (max-errors). Null: no limit.
   */
  max_errors: string | null;
  /** Provenance: the plan this job comes from (plan.json's now, inputs and policyRevision). */
  plan_now: string;
  plan_inputs: Plan["inputs"];
  policy_revision: string | null;
  /** SHA-256 of the job's line in jobs.ndjson, as written (UTF-8, without the newline). */
  job_line_digest: string;
  /** SHA-256 of canonicalJson of every other variable of the job: the playbook refuses a job edited after export. */
  job_digest: string;
}

/** What the export takes from plan.json, and the digest of each job line (by job id). */
export interface PlanProvenance {
  now: string;
  /** Each host's OS family from the plan's host lines: a restart job of a Linux host reboots with the Linux steps. */
  osFamily?: ReadonlyMap<string, string>;
  /** Where the playbook finds plan.json and jobs.ndjson to check each job against (absolute). */
  planDir: string;
  policyRevision: string | null;
  inputs: Plan["inputs"];
  lineDigests: ReadonlyMap<string, string>;
  /** `N` or `N%` (see JobVars.max_errors); absent: no limit. */
  maxErrors?: string;
}

/** The file name the download is saved as: the URL's last path segment when it names a package, else the id. */
function fileOf(d: { id: string; url: string }): string {
  const last = decodeURIComponent(new URL(d.url).pathname.split("/").pop() ?? "");
  return /^[A-Za-z0-9._-]+\.(msu|cab|msi|exe)$/i.test(last) ? last : `${d.id}.msu`;
}

function stepsOf(job: Job, downloads: JobVars["downloads"]): InstallStep[] {
  const byId = new Map(downloads.map((d) => [d.id, d]));
  const steps: InstallStep[] = [];
  for (const id of job.updates) {
    const d = byId.get(id);
    if (d) {
      steps.push({ kind: "catalog", ...d });
      continue;
    }
    const last = steps[steps.length - 1];
    if (last?.kind === "win_updates") last.accept_list.push(id);
    else steps.push({ kind: "win_updates", accept_list: [id], category_names: job.categories ?? [] });
  }
  return steps;
}

const epoch = (instant: string) => Math.floor(Date.parse(instant) / 1000);

function varsOf(job: Job, meta: PlanProvenance): JobVars {
  const installs = job.type === "install" || job.type === "synthetic";
  const downloads = (job.downloads ?? []).map((d) => ({ ...d, file: fileOf(d) }));
  const fromCatalog = new Set(downloads.map((d) => d.id));
  // A restart job installs nothing: the host's OS family says which steps restart it.
  const linux = job.packages !== undefined || (job.type === "restart" && meta.osFamily?.get(job.host) === "linux");
  const vars: Omit<JobVars, "job_digest"> = {
    job_id: job.id,
    host: job.host,
    owner: job.owner,
    type: job.type,
    timeline: job.timeline,
    window_start: job.window.start,
    window_end: job.window.end,
    window_start_epoch: epoch(job.window.start),
    window_end_epoch: epoch(job.window.end),
    deadline: job.deadline,
    // Linux jobs install packages (tasks/linux.yml); Windows Update's accept list and steps stay empty for them.
    accept_list: job.type === "install" && !linux ? job.updates.filter((id) => !fromCatalog.has(id)) : [],
    category_names: linux ? [] : (job.categories ?? []),
    downloads,
    install_steps: job.type === "install" && !linux ? stepsOf(job, downloads) : [],
    ...(linux ? { packages: job.packages ?? [], platform: "linux" } : {}),
    updates: job.updates,
    markers: job.type === "synthetic" ? job.updates : [],
    remove: job.type === "uninstall" ? job.updates : [],
    // A synthetic payload is inert: whatever an old plan says, it never restarts a host.
    reboot: job.type !== "synthetic" && job.enforcement.forceRestart,
    force_install: job.enforcement.forceInstall,
    priority: job.priority,
    pre: installs || job.type === "uninstall" || job.type === "restart" ? job.pre.map((s) => s.run) : [],
    post: installs || job.type === "uninstall" || job.type === "restart" ? job.post.map((s) => s.run) : [],
    commands: (job.commands ?? []).map((s) => s.run),
    retry_attempt: job.retry?.attempt ?? 1,
    max_errors: meta.maxErrors ?? null,
    plan_now: meta.now,
    plan_inputs: meta.inputs,
    policy_revision: meta.policyRevision,
    job_line_digest: meta.lineDigests.get(job.id) ?? "",
  };
  return { ...vars, job_digest: sha256(canonicalJson(vars)) };
}

/** SHA-256 of each line of jobs.ndjson, by job id (lines that are not jobs are the plan reader's to refuse). */
export function jobLineDigests(jobsNdjson: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of jobsNdjson.split("\n")) {
    if (line.trim() === "") continue;
    const id = (JSON.parse(line) as { id?: unknown }).id;
    if (typeof id === "string") out.set(id, sha256(line));
  }
  return out;
}

/**
 * The name a host has in the inventory. Ansible reads a host key as a pattern (`web[1:3]` is three hosts) and
 * templates `inventory_hostname` where it is used, and a key cannot carry !unsafe through the YAML inventory plugin:
 * only a plain DNS-like name is written as is; any other name gets an alias, with the real name in the !unsafe
 * variables `ansible_host` (where to connect) and `patchops_host` (what results report).
 */
export function inventoryName(host: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/.test(host) ? host : `patchops_host_${sha256(host).slice(0, 16)}`;
}

/**
 * Builds the inventory. A host can sit in several windows, and Ansible merges a host's variables across
 * groups, so every host carries one `patchops_jobs` map keyed by group name, identical wherever it appears:
 * a play for a window reads `patchops_jobs[<group>]`.
 */
export function ansibleInventory(jobs: readonly Job[], meta: PlanProvenance): string {
  const hostJobs = new Map<string, Record<string, JobVars>>();
  const groups = new Map<string, Set<string>>();
  const add = (group: string, host: string) => {
    const g = groups.get(group) ?? new Set<string>();
    g.add(host);
    groups.set(group, g);
  };
  for (const job of jobs) {
    const group = groupOf(job);
    add(group, job.host);
    if (job.type === "install" || job.type === "synthetic")
      add(job.timeline === "emergency" ? "patchops_emergency" : "patchops_install", job.host);
    if (job.type === "uninstall") add("patchops_uninstall", job.host);
    if (job.type === "restart") add("patchops_restart", job.host);
    const vars = hostJobs.get(job.host) ?? {};
    vars[group] = varsOf(job, meta);
    hostJobs.set(job.host, vars);
  }
  const hosts: Record<string, Record<string, unknown>> = {};
  for (const host of [...hostJobs.keys()].sort()) {
    const name = inventoryName(host);
    hosts[name] = {
      ...(name === host ? {} : { ansible_host: host }),
      patchops_host: host,
      patchops_jobs: hostJobs.get(host)!,
    };
  }
  const children: Record<string, { hosts: Record<string, null> }> = {};
  for (const group of [...groups.keys()].sort())
    children[group] = {
      hosts: Object.fromEntries(
        [...groups.get(group)!]
          .map(inventoryName)
          .sort()
          .map((h) => [h, null]),
      ),
    };
  const doc = {
    all: {
      vars: {
        patchops_plan_now: meta.now,
        patchops_policy_revision: meta.policyRevision,
        patchops_plan_dir: meta.planDir,
      },
      hosts,
      children,
    },
  };
  return unsafeYaml(doc, `# Generated by patchops export ansible from the plan of ${meta.now}; do not edit.\n`);
}

/** Why a plan must not be handed to Ansible: two nodes of one cluster patched in overlapping windows (one line each). */
export function clusterOverlapProblems(jobs: readonly Job[], hosts: readonly HostResult[]): string[] {
  const clusterOf = new Map<string, string>();
  for (const h of hosts) if (h.cluster) clusterOf.set(h.host, h.cluster);
  return clusterOverlaps(jobs, clusterOf).map(
    ({ cluster, first, second }) =>
      `cluster '${cluster}': ${first.host} (${first.window.start} – ${first.window.end}) and ${second.host} (${second.window.start} – ${second.window.end}) overlap`,
  );
}
