// Microsoft's monthly CVRF documents as the MSRC API serves them in JSON (api.msrc.microsoft.com/cvrf/v3.0/cvrf/2024-Mar).
import {
  dottedVersion,
  kbOf,
  mergeById,
  productList,
  saysExploited,
  severityOf,
  versionFixedId,
  type AdvisoryUpdate,
  type NotDrafted,
} from "../advisory.js";

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "");
const value = (v: unknown): string => str(obj(v).Value) || str(v);

/** CVRF threat type 3 is "Impact"... MSRC uses type 3 for severity, with the rating as the description. */
const THREAT_SEVERITY = 3;
/** CVRF threat type 1 is "Exploit Status". */
const THREAT_EXPLOIT_STATUS = 1;
/** CVRF remediation type 2 is "Vendor Fix". */
const VENDOR_FIX = 2;

export function isMsrcCvrf(doc: unknown): boolean {
  const d = obj(doc);
  return "DocumentTitle" in d && Array.isArray(d.Vulnerability);
}

/** Vendor fixes become updates; one without a KB becomes a version-fixed update when it names a fixed build, else a report in `notDrafted`. */
export function parseMsrcCvrf(doc: unknown, source: string, notDrafted: NotDrafted[] = []): AdvisoryUpdate[] {
  const d = obj(doc);
  const tracking = obj(d.DocumentTracking);
  const id = value(obj(tracking.Identification).ID);
  const released = str(tracking.InitialReleaseDate).slice(0, 10);
  const names = new Map<string, string>();
  for (const p of arr(obj(d.ProductTree).FullProductName)) names.set(str(obj(p).ProductID), value(p));
  const out: AdvisoryUpdate[] = [];
  for (const vv of arr(d.Vulnerability)) {
    const v = obj(vv);
    const cve = str(v.CVE).toUpperCase();
    const severityByProduct = new Map<string, AdvisoryUpdate["severity"]>();
    // Microsoft's own word that the CVE is exploited: every update fixing it is exploited (urgent).
    const exploited = arr(v.Threats).some(
      (t) => Number(obj(t).Type) === THREAT_EXPLOIT_STATUS && saysExploited(value(obj(t).Description)),
    );
    for (const t of arr(v.Threats)) {
      const th = obj(t);
      if (Number(th.Type) !== THREAT_SEVERITY) continue;
      for (const p of arr(th.ProductID)) severityByProduct.set(str(p), severityOf(value(th.Description)));
    }
    for (const rr of arr(v.Remediations)) {
      const r = obj(rr);
      if (Number(r.Type) !== VENDOR_FIX) continue;
      const kb = kbOf(value(r.Description), str(r.URL));
      const fixedBuild = dottedVersion(str(r.FixedBuild));
      const productIds = arr(r.ProductID).map(str);
      let severity: AdvisoryUpdate["severity"] = null;
      for (const p of productIds) {
        const s = severityByProduct.get(p) ?? null;
        if (
          s &&
          (!severity ||
            ["low", "moderate", "important", "critical"].indexOf(s) >
              ["low", "moderate", "important", "critical"].indexOf(severity))
        )
          severity = s;
      }
      const restart = value(r.RestartRequired).toLowerCase();
      const productNames = productIds.map((p) => names.get(p) ?? p);
      if (!kb && !fixedBuild) {
        notDrafted.push({
          vendor: "Microsoft",
          bulletin: id,
          cve,
          product: productList(productNames),
          reason: `vendor fix "${value(r.Description) || str(r.SubType) || "(no description)"}" names no KB and no fixed build`,
          source,
        });
        continue;
      }
      const base = {
        vendor: "Microsoft",
        bulletin: id,
        released,
        severity,
        cves: cve ? [cve] : [],
        supersedes: str(r.Supercedence)
          .split(/[;,\s]+/)
          .map((s) => kbOf(s))
          .filter((s): s is string => !!s),
        restart: (restart.startsWith("yes")
          ? "required"
          : restart.startsWith("no")
            ? "never"
            : "maybe") as AdvisoryUpdate["restart"],
        url: str(r.URL) || null,
        ...(exploited ? { exploited: { sources: ["msrc" as const] } } : {}),
        source,
      };
      if (kb) {
        out.push({
          ...base,
          id: kb,
          title: `${value(d.DocumentTitle) || id}: ${str(r.SubType) || "Security Update"} ${kb}`,
          products: [...productNames].sort(),
          ...(fixedBuild ? { fixed: productNames.map((product) => ({ product, version: fixedBuild })) } : {}),
        });
        continue;
      }
      // No KB (Visual Studio, Edge, Office Click-to-Run): one version-fixed update per product and fixed build.
      for (const product of new Set(productNames))
        out.push({
          ...base,
          id: versionFixedId(product, fixedBuild!),
          title: `${product} ${fixedBuild} (${value(d.DocumentTitle) || id}, ${value(r.Description) || str(r.SubType) || "vendor fix"})`,
          products: [product],
          fixed: [{ product, version: fixedBuild! }],
          supersedes: [],
        });
    }
  }
  return mergeById(out);
}
