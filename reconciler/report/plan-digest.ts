// What the plan summary shows of hosts and jobs, gathered as they stream past: counts, windows and a few names each.
import type { HostResult, Job } from "../model/plan.js";
import { compareJobs } from "../plan/reconcile.js";
import { compareHostNames, NameSample } from "../plan/passes/sample.js";

const EXAMPLES = 10;

interface WindowFacts {
  /** The window's first job in jobs.ndjson order: the windows are listed in that order. */
  first: Job;
  hosts: Set<string>;
  /** Each update with the first job (and position in it) that carries it: updates are listed in that order. */
  updates: Map<string, { job: Job; index: number }>;
}

export interface HostSample {
  count: number;
  /** The first hosts in hosts.ndjson order. */
  first: HostResult[];
}

/** A host above its baseline as the summary names it: its ids in id order, or only how many (a compact plan file). */
export interface AboveHost {
  host: string;
  count: number;
  ids: string[] | null;
}

export interface AboveSample {
  count: number;
  /** The first hosts in hosts.ndjson order. */
  first: AboveHost[];
}

interface Above {
  count: number;
  /** In no particular order: sorted only for the hosts the summary shows. */
  ids: readonly string[] | null;
}

export class PlanDigest {
  jobs = 0;
  private readonly windowsByKey = new Map<string, WindowFacts>();
  private readonly attentionSample = new NameSample<HostResult>(EXAMPLES, compareHostNames);
  private readonly belowSample = new NameSample<HostResult>(EXAMPLES, compareHostNames);
  private readonly aboveSample = new NameSample<Above>(EXAMPLES, compareHostNames);

  /** The digest of whole lists (for callers that hold them). */
  static of(hosts: readonly HostResult[], jobs: readonly Job[]): PlanDigest {
    const d = new PlanDigest();
    hosts.forEach((h) => d.addHost(h));
    jobs.forEach((j) => d.addJob(j));
    return d;
  }

  /**
   * `aboveBaseline`: the host's ids above its baseline when the caller has them (plan passes every host's, a compact
   * line only counts them); otherwise those its line lists.
   */
  addHost(h: HostResult, aboveBaseline: readonly string[] | null = h.aboveBaseline ?? null): void {
    if (h.status === "stale" || h.status === "unscanned" || h.status === "unmanaged")
      this.attentionSample.add(h.host, h);
    if (h.belowBaseline?.length) this.belowSample.add(h.host, h);
    const count = aboveBaseline?.length ?? h.aboveBaselineCount ?? 0;
    if (count > 0) this.aboveSample.add(h.host, { count, ids: aboveBaseline });
  }

  addJob(job: Job): void {
    this.jobs++;
    if (job.type !== "install" && job.type !== "synthetic") return;
    const key = `${job.window.start} → ${job.window.end}`;
    let w = this.windowsByKey.get(key);
    if (!w) this.windowsByKey.set(key, (w = { first: job, hosts: new Set(), updates: new Map() }));
    if (compareJobs(job, w.first) < 0) w.first = job;
    w.hosts.add(job.host);
    job.updates.forEach((u, index) => {
      const seen = w.updates.get(u);
      if (!seen || compareJobs(job, seen.job) < 0) w.updates.set(u, { job, index });
    });
  }

  /** Patching windows in jobs.ndjson order. */
  windows(): { key: string; timeline: string; hosts: number; updates: string[] }[] {
    return [...this.windowsByKey]
      .sort(([, a], [, b]) => compareJobs(a.first, b.first))
      .map(([key, w]) => ({
        key,
        timeline: w.first.timeline,
        hosts: w.hosts.size,
        updates: [...w.updates]
          .sort(([, a], [, b]) => compareJobs(a.job, b.job) || a.index - b.index)
          .map(([id]) => id),
      }));
  }

  /** Stale, unscanned and unmanaged hosts. */
  get attention(): HostSample {
    return sample(this.attentionSample);
  }

  get below(): HostSample {
    return sample(this.belowSample);
  }

  get above(): AboveSample {
    const names = this.aboveSample.names();
    return {
      count: this.aboveSample.count,
      // sort() without a comparer orders by UTF-16 code units, as compareText does.
      first: this.aboveSample.values().map(({ count, ids }, i) => ({
        host: names[i]!,
        count,
        ids: ids && [...ids].sort(),
      })),
    };
  }
}

function sample(s: NameSample<HostResult>): HostSample {
  return { count: s.count, first: s.values() };
}
