// Findings about many hosts, gathered as hosts flow past: counts and a few names in order, never every name.
import { diagnostic, type Diagnostic } from "../../diagnostics.js";
import { compareText } from "../../order.js";
import { belowBaselineFinding, type BaselineShortfall } from "../baseline-conformance.js";
import type { CatalogEntry } from "../catalog.js";
import { compareHostNames, NameSample } from "./sample.js";

const REMOVAL_EXAMPLES = 20;
const BELOW_EXAMPLES = 5;

export class FleetFindings {
  private readonly cannotRemove = new Map<string, NameSample>();
  private readonly below = new Map<string, NameSample<BaselineShortfall>>();

  /** A rejected update marked for removal that cannot be uninstalled from `host`. */
  cannotRemoveFrom(host: string, id: string): void {
    let s = this.cannotRemove.get(id);
    if (!s) this.cannotRemove.set(id, (s = new NameSample(REMOVAL_EXAMPLES)));
    s.add(host, undefined);
  }

  belowBaseline(host: string, shortfalls: readonly BaselineShortfall[]): void {
    for (const s of shortfalls) {
      const key = `${s.file}\u0000${s.line ?? 0}`;
      let g = this.below.get(key);
      if (!g) this.below.set(key, (g = new NameSample<BaselineShortfall>(BELOW_EXAMPLES, compareHostNames)));
      g.add(host, s);
    }
  }

  findings(catalog: Map<string, CatalogEntry>): Diagnostic[] {
    const out: Diagnostic[] = [];
    for (const [id, names] of [...this.cannotRemove].sort(([a], [b]) => compareText(a, b))) {
      const e = catalog.get(id);
      const n = names.count;
      out.push(
        diagnostic(
          "rejected-not-uninstallable",
          "warning",
          `${id} is rejected with remove: true but cannot be uninstalled (uninstallable: false); installed on ${n} host${n === 1 ? "" : "s"}: ${names.names().join(", ")}${n > REMOVAL_EXAMPLES ? ", …" : ""}`,
          e?.doc ? e.doc.at(["spec", "uninstallable"]) : {},
        ),
      );
    }
    for (const g of this.below.values()) out.push(belowBaselineFinding(g.first()!, g.count, g.names()));
    return out;
  }
}
