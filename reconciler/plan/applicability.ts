// Whether an update is relevant to a scanned host: OS family and version, products, features.
import type { HostRecord } from "../inventory/host-record.js";
import type { UpdateSpec } from "../model/update.js";
import { canonicalKey, impliedBuilds } from "../inventory/os-names.js";
import { productKey } from "./baseline-conformance.js";
import { concerns } from "./linux-updates.js";
import { unknownRelease } from "./os-recognition.js";
import { compareVersions, satisfies } from "./versions.js";

export type Applicability = { applies: true } | { applies: false; why: string };

export function applicability(u: UpdateSpec["appliesTo"], host: HostRecord): Applicability {
  // A RHEL host pinned to an update stream (EUS, E4S, AUS, TUS) is named by its stream: mainline advisories are not
  // for it, and its stream's are for it alone.
  const osName = host.linux?.stream ?? host.os.name;
  if (u.os && u.os.length > 0) {
    const ok = u.os.some(
      (o) =>
        o.family === host.os.family &&
        (!o.names ||
          (osName !== null &&
            o.names.some(
              (n) =>
                !unknownRelease(n) &&
                canonicalKey(n) === canonicalKey(osName) &&
                satisfies(host.os.version, impliedBuilds(n)),
            ))) &&
        satisfies(host.os.version, o.versions),
    );
    if (!ok) {
      const unknown = u.os.flatMap((o) => o.names ?? []).filter(unknownRelease);
      return {
        applies: false,
        why:
          unknown.length > 0 && unknown.length === u.os.flatMap((o) => o.names ?? []).length
            ? `it names only a Windows release patchops does not know (${unknown.join(", ")}), which is never widened to the family`
            : `the host runs ${osName ?? host.os.family} ${host.os.version}`,
      };
    }
  }
  if (u.products && u.products.length > 0) {
    const ok = u.products.some((p) =>
      host.products.some((hp) => {
        const named = asAdvisoryNames(hp);
        return (
          productKey(named.name) === productKey(p.name) &&
          (p.versions === undefined || (named.version !== null && satisfies(named.version, p.versions)))
        );
      }),
    );
    const branch = ok ? otherSqlBranch(u.products, host) : null;
    if (branch) return { applies: false, why: branch };
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
  if (u.packages && u.packages.length > 0 && !(host.linux && concerns(u.packages, host.linux)))
    return { applies: false, why: `none of ${u.packages.map((p) => p.name).join(", ")} is installed` };
  for (const f of u.features ?? [])
    if (!host.features.has(f.toLowerCase())) return { applies: false, why: `feature ${f} is not enabled` };
  return { applies: true };
}

/**
 * An installed product as advisories name it. The .NET runtimes appear in the Uninstall key (and osquery `programs`)
 * as "Microsoft .NET Runtime - 8.0.16 (x64)", "Microsoft ASP.NET Core 8.0.16 - Shared Framework (x64)" or "Microsoft
 * Windows Desktop Runtime - 8.0.16 (x64)", with a DisplayVersion that is not the runtime's; MSRC names ".NET 8.0" with
 * the fixed runtime version (8.0.17). Other names are kept as they are.
 */
export function asAdvisoryNames(hp: { name: string; version: string | null }): {
  name: string;
  version: string | null;
} {
  const m =
    /^(?:Microsoft\s+)?(?:\.NET(?: Core)? Runtime|Windows Desktop Runtime|ASP\.NET Core(?: Runtime)?)\s*-?\s*(\d+)\.(\d+)\.(\d+)\b/i.exec(
      hp.name,
    );
  return m ? { name: `.NET ${m[1]}.${m[2]}`, version: `${m[1]}.${m[2]}.${m[3]}` } : hp;
}

/**
 * SQL Server 2017 and later ship each fix twice, for the GDR branch and the CU branch, with build numbers in different thousands
 * (SQL Server 2022: GDR 16.0.1xxx, CU 16.0.4xxx). A fix whose upper bound lies in another thousand than the host's build
 * is for the other branch: a GDR host is not matched to the CU branch's fix, nor the reverse.
 */
function otherSqlBranch(products: NonNullable<UpdateSpec["appliesTo"]["products"]>, host: HostRecord): string | null {
  for (const p of products) {
    if (!/\bSQL Server\b/i.test(p.name) || !p.versions) continue;
    const bound = /<=?\s*(\d+\.\d+\.\d+(?:\.\d+)?)/.exec(p.versions)?.[1];
    if (!bound) continue;
    for (const hp of host.products) {
      if (productKey(hp.name) !== productKey(p.name) || hp.version === null || !satisfies(hp.version, p.versions))
        continue;
      const band = (v: string) =>
        v.split(".").slice(0, 2).join(".") + "." + Math.floor(Number(v.split(".")[2] ?? 0) / 1000);
      // SQL Server 2017 (14.x) and later have no service packs: a build in another thousand is another branch.
      if (
        Number(bound.split(".")[0]) >= 14 &&
        band(hp.version) !== band(bound) &&
        compareVersions(hp.version, bound) < 0
      )
        return `${hp.name} ${hp.version} is on another servicing branch than this fix (${bound}): a GDR and a CU build never take each other's update`;
    }
  }
  return null;
}
