// Whether an update is relevant to a scanned host: OS family and version, products, features.
import type { HostRecord } from "../inventory/host-record.js";
import type { UpdateSpec } from "../model/update.js";
import { canonicalKey, impliedBuilds } from "../inventory/os-names.js";
import { productKey } from "./baseline-conformance.js";
import { satisfies } from "./versions.js";

export type Applicability = { applies: true } | { applies: false; why: string };

export function applicability(u: UpdateSpec["appliesTo"], host: HostRecord): Applicability {
  if (u.os && u.os.length > 0) {
    const ok = u.os.some(
      (o) =>
        o.family === host.os.family &&
        (!o.names ||
          (host.os.name !== null &&
            o.names.some(
              (n) => canonicalKey(n) === canonicalKey(host.os.name!) && satisfies(host.os.version, impliedBuilds(n)),
            ))) &&
        satisfies(host.os.version, o.versions),
    );
    if (!ok) return { applies: false, why: `the host runs ${host.os.name ?? host.os.family} ${host.os.version}` };
  }
  if (u.products && u.products.length > 0) {
    const ok = u.products.some((p) =>
      host.products.some(
        (hp) =>
          productKey(hp.name) === productKey(p.name) &&
          (p.versions === undefined || (hp.version !== null && satisfies(hp.version, p.versions))),
      ),
    );
    if (!ok) {
      const near = host.products.find((hp) => u.products!.some((p) => productKey(p.name) === productKey(hp.name)));
      const wanted = u.products.map((p) => `${p.name} ${p.versions ?? ""}`.trim()).join(", ");
      return {
        applies: false,
        why: near
          ? `${near.name} ${near.version ?? "(version unknown)"} is outside ${wanted}`
          : `no affected product (${wanted})`,
      };
    }
  }
  for (const f of u.features ?? [])
    if (!host.features.has(f.toLowerCase())) return { applies: false, why: `feature ${f} is not enabled` };
  return { applies: true };
}
