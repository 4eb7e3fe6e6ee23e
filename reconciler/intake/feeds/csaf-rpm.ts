// Red Hat's CSAF advisories: vendor_fix remediations name rpm packages per product; they become one Linux update per advisory.
import { severityOf, type AdvisoryPackage, type AdvisoryUpdate } from "../advisory.js";
import { parseNevra } from "../../inventory/linux/upgradable.js";
import { compareText } from "../../order.js";

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === "string" ? v : "");

/**
 * "Red Hat Enterprise Linux AppStream (v. 9)" → "Red Hat Enterprise Linux 9"; a minor release's stream keeps its
 * release and stream, "Red Hat Enterprise Linux Server AUS (v. 7.6)" → "Red Hat Enterprise Linux 7.6 AUS" (its fixes
 * are for hosts on that stream alone); null for other products.
 */
export function rhelNameOf(product: string): string | null {
  if (!/^Red Hat Enterprise Linux\b/.test(product)) return null;
  const stream = /\b(EUS|E4S|AUS|TUS)\b/.exec(product);
  const release = /\(v\.\s?(\d+)\.(\d+)/.exec(product);
  if (stream && release) return `Red Hat Enterprise Linux ${release[1]}.${release[2]} ${stream[1]}`;
  // "(v. 7.6)" names the release; otherwise the first number not inside a word (E4S, AUS are variants).
  const m = /\(v\. (\d+)/.exec(product) ?? /(?<![A-Za-z\d])(\d+)(?![A-Za-z\d])/.exec(product);
  return m ? `Red Hat Enterprise Linux ${m[1]}` : null;
}

function productNames(tree: Obj): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (branch: Obj) => {
    const p = obj(branch.product);
    if (str(p.product_id)) out.set(str(p.product_id), str(p.name));
    for (const b of arr(branch.branches)) visit(obj(b));
  };
  for (const b of arr(tree.branches)) visit(obj(b));
  return out;
}

export function parseCsafPackages(doc: unknown, source: string): AdvisoryUpdate[] {
  const d = obj(doc);
  const document = obj(d.document);
  const tracking = obj(document.tracking);
  const tree = obj(d.product_tree);
  const names = productNames(tree);
  // product id of "package as a component of product" → the package (NEVRA) and the product's OS name.
  const components = new Map<string, { nevra: string; os: string | null }>();
  for (const rr of arr(tree.relationships)) {
    const r = obj(rr);
    const id = str(obj(r.full_product_name).product_id);
    const product = names.get(str(r.relates_to_product_reference)) ?? "";
    components.set(id, { nevra: str(r.product_reference), os: rhelNameOf(product) });
  }
  const packages = new Map<string, AdvisoryPackage>();
  const cves = new Set<string>();
  let severity = severityOf(str(obj(document.aggregate_severity).text));
  let url: string | null = null;
  for (const vv of arr(d.vulnerabilities)) {
    const v = obj(vv);
    if (str(v.cve)) cves.add(str(v.cve).toUpperCase());
    for (const t of arr(v.threats))
      if (str(obj(t).category) === "impact") severity = severity ?? severityOf(str(obj(t).details));
    for (const rr of arr(v.remediations)) {
      const r = obj(rr);
      if (str(r.category) !== "vendor_fix") continue;
      url = url ?? (str(r.url) || null);
      for (const pid of arr(r.product_ids)) {
        const c = components.get(str(pid));
        if (!c?.os) continue;
        const p = parseNevra(c.nevra);
        if (!p || p.arch === "src" || /-debug(info|source)$/.test(p.name)) continue;
        packages.set(`${c.os}|${p.name}`, { os: c.os, name: p.name, fixed: p.version, binary: true });
      }
    }
  }
  if (packages.size === 0) return [];
  const id = str(tracking.id);
  return [
    {
      id,
      title: str(document.title) || id,
      vendor: str(obj(document.publisher).name) || "Red Hat",
      bulletin: id,
      released: (str(tracking.initial_release_date) || str(tracking.current_release_date)).slice(0, 10),
      severity,
      cves: [...cves].sort(),
      products: [...new Set([...packages.values()].map((p) => p.os))].sort(compareText),
      supersedes: [],
      restart: "maybe",
      url,
      packages: [...packages.values()].sort((a, b) => compareText(a.os, b.os) || compareText(a.name, b.name)),
      source,
    },
  ];
}
