// CSAF 2.0 advisories (Microsoft's and any vendor's): vendor_fix remediations become updates, or reports.
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
const str = (v: unknown): string => (typeof v === "string" ? v : "");

export function isCsaf(doc: unknown): boolean {
  return typeof obj(obj(doc).document).csaf_version === "string";
}

interface ProductInfo {
  name: string;
  /** The nearest product_name (or product_family) branch: what an inventory calls the product. */
  product: string;
  /** The upper bound of a product_version_range ("<120.0.2210.61", "vers:intdot/<1.2"), or a product_version. */
  rangeBelow: string | null;
  version: string | null;
}

/** product_id → its name, product and version facts, from the tree's branches and full_product_names. */
function productInfo(tree: Obj): Map<string, ProductInfo> {
  const out = new Map<string, ProductInfo>();
  // Branches nest without bound in hostile input; walk them with an explicit stack.
  const stack: { branch: Obj; product: string }[] = arr(tree.branches).map((b) => ({ branch: obj(b), product: "" }));
  while (stack.length > 0) {
    const { branch, product } = stack.pop()!;
    const category = str(branch.category);
    const name = str(branch.name);
    const here = category === "product_name" || category === "product_family" ? name : product;
    const p = obj(branch.product);
    if (str(p.product_id)) {
      const below = category === "product_version_range" ? (/<\s*=?\s*([^\s|<>=]+)\s*$/.exec(name)?.[1] ?? null) : null;
      out.set(str(p.product_id), {
        name: str(p.name),
        product: here || str(p.name),
        rangeBelow: below,
        version: category === "product_version" ? name : null,
      });
    }
    for (const b of arr(branch.branches)) stack.push({ branch: obj(b), product: here });
  }
  for (const p of arr(tree.full_product_names)) {
    const id = str(obj(p).product_id);
    if (!out.has(id))
      out.set(id, { name: str(obj(p).name), product: str(obj(p).name), rangeBelow: null, version: null });
  }
  return out;
}

/** The vendor's own rating wins (an impact threat worded as a severity, then aggregate_severity); CVSS only without one. */
function severityOfVulnerability(v: Obj, aggregate: AdvisoryUpdate["severity"]): AdvisoryUpdate["severity"] {
  for (const t of arr(v.threats)) {
    const th = obj(t);
    if (str(th.category) === "impact" || str(th.category) === "severity") {
      const s = severityOf(str(th.details));
      if (s) return s;
    }
  }
  if (aggregate) return aggregate;
  for (const s of arr(v.scores)) {
    const sc = obj(s);
    const cvss = severityOf(str(obj(sc.cvss_v3).baseSeverity)) ?? severityOf(str(obj(sc.cvss_v2).severity));
    if (cvss) return cvss;
  }
  return null;
}

const LINUX_VENDORS = /red ?hat|suse|debian|ubuntu|canonical|oracle linux|alma|rocky|fedora/i;

/** The dotted version a remediation fixes a product at: the details text, the range's bound, or a fixed sibling. */
function fixedVersionOf(
  details: string,
  info: ProductInfo | undefined,
  fixedByProduct: Map<string, string>,
): string | null {
  return (
    dottedVersion(details) ??
    dottedVersion(/(?:version|build)\s+([\w.+-]+)\s*$/i.exec(details)?.[1]) ??
    dottedVersion(info?.rangeBelow) ??
    (info ? dottedVersion(fixedByProduct.get(info.product)) : null)
  );
}

export function parseCsaf(doc: unknown, source: string, notDrafted: NotDrafted[] = []): AdvisoryUpdate[] {
  const d = obj(doc);
  const document = obj(d.document);
  const tracking = obj(document.tracking);
  const products = productInfo(obj(d.product_tree));
  const vendor = str(obj(document.publisher).name) || "unknown";
  const aggregate = severityOf(str(obj(document.aggregate_severity).text));
  const released = (str(tracking.initial_release_date) || str(tracking.current_release_date)).slice(0, 10);
  const bulletin = str(tracking.id);
  const out: AdvisoryUpdate[] = [];
  const nameOf = (id: string) => products.get(id)?.name || id;
  for (const vv of arr(d.vulnerabilities)) {
    const v = obj(vv);
    const cve = str(v.cve).toUpperCase();
    const severity = severityOfVulnerability(v, aggregate);
    const exploited = arr(v.threats).some(
      (t) => str(obj(t).category) === "exploit_status" && saysExploited(str(obj(t).details)),
    );
    // Fixed versions per product, from product_status.fixed / first_fixed (BSI and others name the fixed release).
    const fixedByProduct = new Map<string, string>();
    const status = obj(v.product_status);
    for (const id of [...arr(status.first_fixed), ...arr(status.fixed)]) {
      const info = products.get(str(id));
      if (info?.version && !fixedByProduct.has(info.product)) fixedByProduct.set(info.product, info.version);
    }
    const fixes = arr(v.remediations)
      .map(obj)
      .filter((r) => str(r.category) === "vendor_fix");
    if (fixes.length === 0) {
      const affected = [...arr(status.known_affected), ...arr(status.first_affected), ...arr(status.last_affected)];
      const others = arr(v.remediations)
        .map((r) => str(obj(r).category))
        .filter(Boolean);
      notDrafted.push({
        vendor,
        bulletin,
        cve,
        product: productList(affected.map((p) => nameOf(str(p)))),
        reason: `no vendor fix in the advisory${others.length ? ` (only ${[...new Set(others)].join(", ")})` : ""}`,
        source,
      });
      continue;
    }
    for (const r of fixes) {
      const ids = arr(r.product_ids).map(str);
      const names = ids.map(nameOf);
      const restart =
        /restart|reboot/i.test(JSON.stringify(r.restart_required ?? "")) &&
        !/none/i.test(JSON.stringify(r.restart_required ?? ""))
          ? "required"
          : "maybe";
      const id = kbOf(str(r.details), str(r.url));
      const base = {
        vendor,
        bulletin,
        released,
        severity,
        cves: cve ? [cve] : [],
        supersedes: [] as string[],
        restart: restart as AdvisoryUpdate["restart"],
        ...(exploited ? { exploited: { sources: ["csaf" as const] } } : {}),
        source,
      };
      if (id) {
        out.push({
          ...base,
          id,
          title: str(document.title) ? `${str(document.title)}: ${id}` : id,
          products: names.filter(Boolean).sort(),
          url: str(r.url) || null,
        });
        continue;
      }
      // No KB: a version-fixed update per product when the fixed version is a dotted number, else a report.
      const byProduct = new Map<string, string | null>();
      for (const pid of ids) {
        const info = products.get(pid);
        const product = info?.product || nameOf(pid);
        if (!byProduct.has(product) || byProduct.get(product) === null)
          byProduct.set(product, fixedVersionOf(str(r.details), info, fixedByProduct));
      }
      const linux = LINUX_VENDORS.test(vendor);
      for (const [product, version] of byProduct) {
        if (version && !linux) {
          out.push({
            ...base,
            id: versionFixedId(product, version),
            title: `${product} ${version}${str(document.title) ? ` (${str(document.title)})` : ""}`,
            products: [product],
            fixed: [{ product, version }],
            url: str(r.url) || null,
          });
          continue;
        }
        notDrafted.push({
          vendor,
          bulletin,
          cve,
          product: linux ? productList(names) : product,
          reason: linux
            ? "a Linux package fix: patchops drafts Windows KBs and version-fixed products; Linux packages belong to the package intake"
            : `vendor fix "${str(r.details).slice(0, 120)}" names no KB and no dotted fixed version`,
          source,
        });
        if (linux) break;
      }
    }
  }
  return mergeById(out);
}
