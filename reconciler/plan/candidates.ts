// An index from what a host runs (OS name, OS family, products) to the approved updates that may apply to it.
import type { HostRecord } from "../inventory/host-record.js";
import { canonicalKey } from "../inventory/os-names.js";
import { asAdvisoryNames } from "./applicability.js";
import { productKey } from "./baseline-conformance.js";
import type { CatalogEntry } from "./catalog.js";

export class CandidateIndex {
  private readonly byOsName = new Map<string, CatalogEntry[]>();
  private readonly byFamily = new Map<string, CatalogEntry[]>();
  private readonly byProduct = new Map<string, CatalogEntry[]>();
  private readonly byFeature = new Map<string, CatalogEntry[]>();
  private readonly everywhere: CatalogEntry[] = [];

  constructor(entries: Iterable<CatalogEntry>) {
    const push = (m: Map<string, CatalogEntry[]>, k: string, e: CatalogEntry) => {
      const list = m.get(k);
      if (list) list.push(e);
      else m.set(k, [e]);
    };
    for (const e of entries) {
      const a = e.spec.appliesTo;
      // Index each update under its narrowest required attribute: every host it applies to has that attribute.
      if (a.products && a.products.length > 0) for (const p of a.products) push(this.byProduct, productKey(p.name), e);
      else if (a.os && a.os.length > 0) {
        for (const o of a.os) {
          if (o.names && o.names.length > 0) for (const n of o.names) push(this.byOsName, canonicalKey(n), e);
          else push(this.byFamily, o.family, e);
        }
      } else if (a.features && a.features.length > 0) push(this.byFeature, a.features[0]!.toLowerCase(), e);
      else this.everywhere.push(e);
    }
  }

  /** Every entry that may apply to the host (a superset; applicability still decides). */
  candidates(host: HostRecord): Set<CatalogEntry> {
    const out = new Set<CatalogEntry>(this.everywhere);
    const add = (list: CatalogEntry[] | undefined) => {
      if (list) for (const e of list) out.add(e);
    };
    if (host.os.name) add(this.byOsName.get(canonicalKey(host.os.name)));
    // A RHEL host on an update stream is also named by its stream (applicability.ts).
    if (host.linux?.stream) add(this.byOsName.get(canonicalKey(host.linux.stream)));
    add(this.byFamily.get(host.os.family));
    for (const p of host.products) {
      add(this.byProduct.get(productKey(p.name)));
      // A .NET runtime as the Uninstall key names it is also the ".NET 8.0" advisories name (applicability.ts).
      add(this.byProduct.get(productKey(asAdvisoryNames(p).name)));
    }
    for (const f of host.features) add(this.byFeature.get(f));
    return out;
  }
}
