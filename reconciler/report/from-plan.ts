// The report of a written plan without holding its hosts: the plan's lines are read in passes, figures are counted,
// per-host text is spilled to sorted runs on disk, and the files per host are made while they are written.
import type { HostResult, Job, Plan } from "../model/plan.js";
import { compareText } from "../order.js";
import type { FileContent } from "../output/atomic.js";
import type { PlanReader } from "../output/plan-reader.js";
import { DEFAULT_RUN_BUDGET } from "../output/plan-stream.js";
import { SortedRuns } from "../output/sorted-runs.js";
import { ComplianceCounts, type Compliance } from "./compliance.js";
import { OwnerDigests, summaryMarkdown, digestFileName } from "./digest.js";
import { jobSuccessMarkdown } from "./job-metrics.js";
import type { Metrics } from "./metrics.js";
import { buildSite, OpenHosts, type HostJobs, type SiteHosts } from "./site/build.js";
import type { SiteFacts } from "./site/policy-facts.js";
import type { UpdateInfo } from "./update-info.js";

/** What the passes over a plan found: the figures, and the hosts to read again in the site's order. */
export interface PlanTally {
  plan: Plan;
  compliance: Compliance;
  hosts: SiteHosts;
  open: OpenHosts;
  digests: OwnerDigests;
}

/** A job spilled for the join with its host: keyed by the host's lower-case name (the order of hosts.ndjson). */
interface JobOf {
  key: string;
  line: number;
  job: Job;
}

/** Joins hosts (in the order of hosts.ndjson) with their jobs sorted the same way; jobs of no listed host are left out. */
function* withJobs(hosts: Iterable<HostResult>, jobs: Iterable<string>): Generator<HostJobs> {
  const lines = jobs[Symbol.iterator]();
  let head = null as JobOf | null;
  const next = () => {
    const r = lines.next();
    head = r.done ? null : (JSON.parse(r.value) as JobOf);
  };
  try {
    next();
    for (const h of hosts) {
      const key = h.host.toLowerCase();
      const list: Job[] = [];
      while (head && head.key <= key) {
        if (head.key === key && head.job.host === h.host) list.push(head.job);
        next();
      }
      yield [h, list];
    }
  } finally {
    lines.return?.();
  }
}

/**
 * Reads the plan's lines and counts everything the report needs before writing: jobs.ndjson once (windows, and each
 * job spilled by host), then hosts.ndjson once, joined with the jobs (compliance, open hosts, digests). The site lists
 * hosts in the order of hosts.ndjson (by lower-case name), so its pages are made by reading that file again. A line
 * that does not parse or is out of order is a UsageError, raised here, before anything is written.
 */
export function tallyPlan(reader: PlanReader, spillDir: string, budget = DEFAULT_RUN_BUDGET): PlanTally {
  const { plan } = reader;
  const compliance = new ComplianceCounts(plan);
  const jobs = new SortedRuns<JobOf>({
    compare: (a, b) => compareText(a.key, b.key) || a.line - b.line,
    keyOf: (j) => [j.key, String(j.line).padStart(15, "0")],
    dir: spillDir,
    name: "jobs",
    budget,
  });
  let line = 0;
  for (const job of reader.jobs()) {
    compliance.addJob(job);
    jobs.add({ key: job.host.toLowerCase(), line: line++, job });
  }
  const open = new OpenHosts();
  const digests = new OwnerDigests(plan, spillDir, budget);
  let count = 0;
  for (const [h, list] of withJobs(reader.hosts(), jobs.lines())) {
    compliance.addHost(h);
    open.add(h);
    digests.add(h, list);
    count++;
  }
  const hosts: SiteHosts = {
    count,
    hosts: () => reader.hosts(),
    withJobs: () => withJobs(reader.hosts(), jobs.lines()),
    ...(reader.hasExposure ? { exposure: () => reader.exposure()! } : {}),
  };
  return { plan, compliance: compliance.result(), hosts, open, digests };
}

/** Every file of the report: the site, compliance.json, metrics.json, summary.md and the owner digests. */
export function reportFiles(
  t: PlanTally,
  o: { metrics: Metrics; info: ReadonlyMap<string, UpdateInfo>; refusedSnapshots?: number; facts?: SiteFacts },
): Map<string, FileContent> {
  const { plan, compliance: c } = t;
  const files = buildSite({ plan, hosts: t.hosts, open: t.open, compliance: c, ...o });
  files.set("compliance.json", JSON.stringify(c, null, 2) + "\n");
  files.set("metrics.json", JSON.stringify(o.metrics, null, 2) + "\n");
  files.set("summary.md", summaryMarkdown(plan, c, o.metrics) + jobSuccessMarkdown(o.metrics.jobs));
  // One file per owner: digestFileName never gives two owners one name.
  for (const [owner, text] of t.digests.digests()) files.set(digestFileName(owner), text);
  return files;
}
