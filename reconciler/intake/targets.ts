// What an advisory's product names target: canonical Windows OSes (with the builds a release or fixed build implies)
// and applications (with the fixed version below which a host needs the fix), through the table in os-names.ts.
import { splitOnWindows, windowsOsOf } from "../inventory/os-names.js";
import type { UpdateSpec } from "../model/update.js";
import { compareText } from "../order.js";
import type { AdvisoryUpdate } from "./advisory.js";

type AppliesTo = UpdateSpec["appliesTo"];

/** An application name as inventories report it: no vendor prefix, architecture, service pack or servicing branch. */
export function productNameOf(product: string): string {
  return (
    product
      .replace(/^Microsoft /, "")
      .replace(/\s*\(.*?\)\s*/g, " ")
      .replace(/ for (x64|x86|ARM64|32-bit|64-bit)[-\w ]*?Systems?/i, "")
      .replace(/ (Service Pack|SP) ?\d+\b.*$/i, "")
      // ".NET 8.0 installed on Windows" (and on Linux, on Mac OS): the product is .NET 8.0 wherever it runs.
      .replace(/ installed on (Windows|Linux|Mac OS)$/i, "")
      .replace(/\s+/g, " ")
      .trim()
  );
}

/** The first build of the release a range such as ">=10.0.22621 <10.0.22622" pins. */
function lowerBound(range: string): string | null {
  return />=\s*(\d+(?:\.\d+)*)/.exec(range)?.[1] ?? null;
}

/** appliesTo for a drafted update: every OS it names (client and server), and its applications with their fixed versions. */
export function targetsOf(u: AdvisoryUpdate): AppliesTo {
  const fixedOf = new Map((u.fixed ?? []).map((f) => [f.product, f.version]));
  const osByRange = new Map<string, Set<string>>();
  const products = new Map<string, string | undefined>();
  for (const raw of u.products) {
    const split = splitOnWindows(raw);
    const os = windowsOsOf(split ? split.os : raw);
    const fixed = fixedOf.get(raw);
    if (os && !split) {
      let range = os.builds ?? "";
      // A fixed build of the same release narrows the range: hosts already on it or newer need nothing.
      if (fixed) range = os.builds ? `>=${lowerBound(os.builds) ?? "0"} <${fixed}` : `<${fixed}`;
      const names = osByRange.get(range) ?? new Set<string>();
      names.add(os.name);
      osByRange.set(range, names);
      continue;
    }
    const name = productNameOf(split ? split.product : raw);
    if (!name) continue;
    const versions = fixed ? `<${fixed}` : undefined;
    // One name with and without a fixed version keeps the unconditional form: it is the wider, safer target.
    if (!products.has(name) || versions === undefined) products.set(name, products.has(name) ? undefined : versions);
  }
  const os = [...osByRange]
    .sort(([a], [b]) => compareText(a, b))
    .map(([range, names]) => ({
      family: "windows" as const,
      names: [...names].sort(),
      ...(range ? { versions: range } : {}),
    }));
  const prods = [...products]
    .sort(([a], [b]) => compareText(a, b))
    .map(([name, versions]) => ({ name, ...(versions ? { versions } : {}) }));
  // An update that names operating systems targets their hosts (applications riding on them are part of the OS update).
  return os.length ? { os } : prods.length ? { products: prods } : {};
}
