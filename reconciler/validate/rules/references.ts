// Rules on ids that point at updates: requires, supersedes, baselines, exemptions and rules.
import { diagnostic, type Diagnostic } from "../../diagnostics.js";
import type { RuleContext } from "../context.js";

export function updateReferences({ set, updatesById }: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const known = (id: string) => updatesById.has(id.toUpperCase());
  for (const u of set.updates) {
    for (const field of ["requires", "supersedes"] as const) {
      u.spec[field].forEach((id, i) => {
        if (known(id)) return;
        // A superseded update need not be described: an old one may never have been approved here.
        const severity = field === "requires" ? "error" : "info";
        out.push(
          diagnostic(
            "unknown-update",
            severity,
            `${u.spec.id} ${field} ${id}, which has no Update file`,
            u.at(["spec", field, i]),
          ),
        );
      });
    }
  }
  for (const b of set.baselines) {
    b.spec.requiredUpdates.forEach((id, i) => {
      if (!known(id))
        out.push(
          diagnostic(
            "unknown-update",
            "warning",
            `baseline '${b.name}' requires ${id}, which has no Update file; it is deployed to every matching host`,
            b.at(["spec", "requiredUpdates", i]),
          ),
        );
      else if (updatesById.get(id.toUpperCase())!.spec.decision === "rejected") {
        out.push(
          diagnostic(
            "rejected-required",
            "error",
            `baseline '${b.name}' requires ${id}, which is rejected`,
            b.at(["spec", "requiredUpdates", i]),
          ),
        );
      }
    });
  }
  for (const e of set.exemptions) {
    e.spec.updates.forEach((id, i) => {
      if (id !== "*" && !known(id))
        out.push(
          diagnostic(
            "unknown-update",
            "warning",
            `exemption '${e.name}' names ${id}, which has no Update file`,
            e.at(["spec", "updates", i]),
          ),
        );
    });
  }
  for (const r of set.rules) {
    r.spec.exclude.forEach((id, i) => {
      if (!known(id))
        out.push(
          diagnostic(
            "unknown-update",
            "info",
            `rule '${r.name}' excludes ${id}, which has no Update file yet`,
            r.at(["spec", "exclude", i]),
          ),
        );
    });
  }
  return out;
}

/** No update may (transitively) supersede or require itself. */
export function noCycles({ set, updatesById }: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const field of ["supersedes", "requires"] as const) {
    const state = new Map<string, 1 | 2>();
    const reported = new Set<string>();
    const visit = (id: string, path: string[]): void => {
      const s = state.get(id);
      if (s === 2) return;
      if (s === 1) {
        const loop = path.slice(path.indexOf(id));
        const key = [...loop].sort().join(",");
        if (!reported.has(key)) {
          reported.add(key);
          const doc = updatesById.get(id)!;
          out.push(
            diagnostic(
              "cycle",
              "error",
              `${field} forms a cycle: ${[...loop, id].join(" → ")}`,
              doc.at(["spec", field]),
            ),
          );
        }
        return;
      }
      state.set(id, 1);
      const doc = updatesById.get(id);
      for (const next of doc?.spec[field] ?? [])
        if (updatesById.has(next.toUpperCase())) visit(next.toUpperCase(), [...path, id]);
      state.set(id, 2);
    };
    for (const u of set.updates) visit(u.spec.id.toUpperCase(), []);
  }
  return out;
}
