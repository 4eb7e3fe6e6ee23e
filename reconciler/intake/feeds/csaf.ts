// CSAF 2.0 advisories (Microsoft's and any vendor's): vendor_fix remediations become updates.
import { kbOf, mergeById, severityOf, type AdvisoryUpdate } from "../advisory.js";

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === "string" ? v : "");

export function isCsaf(doc: unknown): boolean {
  return typeof obj(obj(doc).document).csaf_version === "string";
}

/** product_id → full product name, from the product tree's branches and full_product_names. */
function productNames(tree: Obj): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (branch: Obj) => {
    const p = obj(branch.product);
    if (str(p.product_id)) out.set(str(p.product_id), str(p.name));
    for (const b of arr(branch.branches)) visit(obj(b));
  };
  for (const b of arr(tree.branches)) visit(obj(b));
  for (const p of arr(tree.full_product_names)) out.set(str(obj(p).product_id), str(obj(p).name));
  return out;
}

export function parseCsaf(doc: unknown, source: string): AdvisoryUpdate[] {
  const d = obj(doc);
  const document = obj(d.document);
  const tracking = obj(document.tracking);
  const names = productNames(obj(d.product_tree));
  const vendor = str(obj(document.publisher).name) || "unknown";
  const docSeverity = severityOf(str(obj(document.aggregate_severity).text));
  const released = (str(tracking.initial_release_date) || str(tracking.current_release_date)).slice(0, 10);
  const out: AdvisoryUpdate[] = [];
  for (const vv of arr(d.vulnerabilities)) {
    const v = obj(vv);
    const cve = str(v.cve).toUpperCase();
    // Severity: a CVSS v3 base severity, else Microsoft's threat of category "impact" text, else the document's.
    let severity: AdvisoryUpdate["severity"] = null;
    for (const s of arr(v.scores)) severity = severity ?? severityOf(str(obj(obj(s).cvss_v3).baseSeverity));
    for (const t of arr(v.threats))
      if (str(obj(t).category) === "severity") severity = severity ?? severityOf(str(obj(t).details));
    severity = severity ?? docSeverity;
    for (const rr of arr(v.remediations)) {
      const r = obj(rr);
      if (str(r.category) !== "vendor_fix") continue;
      const id = kbOf(str(r.details), str(r.url));
      if (!id) continue;
      out.push({
        id,
        title: str(document.title) ? `${str(document.title)}: ${id}` : id,
        vendor,
        bulletin: str(tracking.id),
        released,
        severity,
        cves: cve ? [cve] : [],
        products: arr(r.product_ids)
          .map((p) => names.get(str(p)) ?? str(p))
          .filter(Boolean)
          .sort(),
        supersedes: [],
        restart:
          /restart|reboot/i.test(JSON.stringify(r.restart_required ?? "")) &&
          !/none/i.test(JSON.stringify(r.restart_required ?? ""))
            ? "required"
            : "maybe",
        url: str(r.url) || null,
        source,
      });
    }
  }
  return mergeById(out);
}
