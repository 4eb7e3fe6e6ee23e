// Jobs as an Ansible inventory: one group per window; host variables for deploy/ansible/patchops.yml.
import { stringify } from "yaml";
import type { HostResult, Job } from "../model/plan.js";
import { clusterOverlaps } from "../plan/cluster-safety.js";

/** A group name Ansible accepts: letters, digits and underscores. */
export function windowGroup(job: Pick<Job, "window" | "timeline"> & { type?: Job["type"] }): string {
  const stamp = job.window.start.replace(/[-:]/g, "").replace(/Z$/, "z").toLowerCase();
  // An uninstall job has a group of its own, so a host can hold an install and an uninstall job in one window.
  return `patchops_${stamp}_${job.type === "uninstall" ? "uninstall" : job.timeline}`;
}

/** One step of a job on the host, in install order: a win_updates search-and-install, or one catalog download. */
type InstallStep =
  | { kind: "win_updates"; accept_list: string[]; category_names: string[] }
  | { kind: "catalog"; id: string; url: string; sha256: string; file: string };

interface JobVars {
  job_id: string;
  type: string;
  timeline: string;
  window_start: string;
  window_end: string;
  deadline: string;
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

function varsOf(job: Job): JobVars {
  const installs = job.type === "install" || job.type === "synthetic";
  const downloads = (job.downloads ?? []).map((d) => ({ ...d, file: fileOf(d) }));
  const fromCatalog = new Set(downloads.map((d) => d.id));
  const linux = job.packages !== undefined;
  return {
    job_id: job.id,
    type: job.type,
    timeline: job.timeline,
    window_start: job.window.start,
    window_end: job.window.end,
    deadline: job.deadline,
    // Linux jobs install packages (tasks/linux.yml); Windows Update's accept list and steps stay empty for them.
    accept_list: job.type === "install" && !linux ? job.updates.filter((id) => !fromCatalog.has(id)) : [],
    category_names: linux ? [] : (job.categories ?? []),
    downloads,
    install_steps: job.type === "install" && !linux ? stepsOf(job, downloads) : [],
    ...(linux ? { packages: job.packages, platform: "linux" } : {}),
    updates: job.updates,
    markers: job.type === "synthetic" ? job.updates : [],
    remove: job.type === "uninstall" ? job.updates : [],
    // A synthetic payload is inert: whatever an old plan says, it never restarts a host.
    reboot: job.type !== "synthetic" && job.enforcement.forceRestart,
    force_install: job.enforcement.forceInstall,
    priority: job.priority,
    pre: installs || job.type === "uninstall" ? job.pre.map((s) => s.run) : [],
    post: installs || job.type === "uninstall" ? job.post.map((s) => s.run) : [],
    commands: (job.commands ?? []).map((s) => s.run),
    retry_attempt: job.retry?.attempt ?? 1,
  };
}

/**
 * Builds the inventory. A host can sit in several windows, and Ansible merges a host's variables across
 * groups, so every host carries one `patchops_jobs` map keyed by group name, identical wherever it appears:
 * a play for a window reads `patchops_jobs[<group>]`.
 */
export function ansibleInventory(jobs: readonly Job[], meta: { now: string; policyRevision: string | null }): string {
  const hostJobs = new Map<string, Record<string, JobVars>>();
  const groups = new Map<string, Set<string>>();
  const add = (group: string, host: string) => {
    const g = groups.get(group) ?? new Set<string>();
    g.add(host);
    groups.set(group, g);
  };
  for (const job of jobs) {
    const windowed = job.type === "install" || job.type === "synthetic" || job.type === "uninstall";
    const group = windowed ? windowGroup(job) : `patchops_${job.type}`;
    add(group, job.host);
    if (job.type === "install" || job.type === "synthetic")
      add(job.timeline === "emergency" ? "patchops_emergency" : "patchops_install", job.host);
    if (job.type === "uninstall") add("patchops_uninstall", job.host);
    const vars = hostJobs.get(job.host) ?? {};
    vars[group] = varsOf(job);
    hostJobs.set(job.host, vars);
  }
  const hosts: Record<string, { patchops_jobs: Record<string, JobVars> }> = {};
  for (const host of [...hostJobs.keys()].sort()) hosts[host] = { patchops_jobs: hostJobs.get(host)! };
  const children: Record<string, { hosts: Record<string, null> }> = {};
  for (const group of [...groups.keys()].sort())
    children[group] = { hosts: Object.fromEntries([...groups.get(group)!].sort().map((h) => [h, null])) };
  const doc = {
    all: { vars: { patchops_plan_now: meta.now, patchops_policy_revision: meta.policyRevision }, hosts, children },
  };
  return (
    `# Generated by patchops export ansible from the plan of ${meta.now}; do not edit.\n` +
    stringify(doc, { lineWidth: 0, nullStr: "", defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN" })
  );
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
