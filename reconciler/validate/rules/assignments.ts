// Rules on assignments: timetables and periods resolve, each host once, cluster nodes apart.
import { diagnostic, type Diagnostic } from "../../diagnostics.js";
import { periodDay, timetablePeriods } from "../../schedule/periods.js";
import type { RuleContext } from "../context.js";
import { timetablesByName } from "../../policy/timetables.js";

export function assignmentsResolve({ set }: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const timetables = timetablesByName(set);
  const hostSeen = new Map<string, string>();
  const clusters = new Map<
    string,
    { host: string; bucket: string; at: () => ReturnType<(typeof set.assignments)[number]["at"]> }[]
  >();
  for (const a of set.assignments) {
    const tt = timetables.get(a.spec.timetable);
    if (!tt) {
      out.push(
        diagnostic(
          "unknown-timetable",
          "error",
          `timetable '${a.spec.timetable}' does not exist (known: ${[...timetables.keys()].join(", ") || "none"})`,
          a.at(["spec", "timetable"]),
        ),
      );
    }
    const periods = tt ? timetablePeriods(tt.spec) : null;
    a.spec.hosts.forEach((h, i) => {
      const key = h.name.toLowerCase();
      const first = hostSeen.get(key);
      if (first)
        out.push(
          diagnostic(
            "host-assigned-twice",
            "error",
            `host ${h.name} is already assigned in ${first}`,
            a.at(["spec", "hosts", i, "name"]),
          ),
        );
      else hostSeen.set(key, a.file);
      if (periods && !periods.has(h.period)) {
        const sample = [...periods.keys()].slice(0, 3).join(", ");
        out.push(
          diagnostic(
            "unknown-period",
            "error",
            `period '${h.period}' of host ${h.name} is not in timetable '${a.spec.timetable}' (periods look like ${sample}, …)`,
            a.at(["spec", "hosts", i, "period"]),
          ),
        );
      }
      if (h.cluster && tt) {
        const day = periodDay(tt.spec, h.period);
        const bucket = day === null ? `window:${h.period}` : `day:${day}`;
        const list = clusters.get(h.cluster) ?? [];
        list.push({
          host: h.name,
          bucket: `${a.spec.timetable}/${bucket}`,
          at: () => a.at(["spec", "hosts", i, "period"]),
        });
        clusters.set(h.cluster, list);
      }
    });
  }
  for (const [cluster, nodes] of clusters) {
    const byBucket = new Map<string, string>();
    for (const n of nodes) {
      const other = byBucket.get(n.bucket);
      if (other) {
        out.push(
          diagnostic(
            "cluster-same-day",
            "error",
            `cluster '${cluster}': ${n.host} and ${other} are on the same ${n.bucket.includes("/day:") ? "day" : "recurring window"}; put each node on a different day`,
            n.at(),
          ),
        );
      } else byBucket.set(n.bucket, n.host);
    }
  }
  return out;
}
