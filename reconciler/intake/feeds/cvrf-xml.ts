// Microsoft's CVRF 1.1 XML documents (the MSRC API's cvrf/2017-Mar, and archives of them), read into the same
// shape as the JSON the MSRC API serves, so one parser extracts both.
import { XMLParser } from "fast-xml-parser";

type Obj = Record<string, unknown>;
const arr = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
const obj = (v: unknown): Obj => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const PREDEFINED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/**
 * XML's own escapes: the five predefined entities and character references. Nothing else: an entity a DOCTYPE
 * declares stays as written ("&t;"), because the parser is told not to process entities at all.
 */
export function decodeXmlText(raw: string): string {
  return raw.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);/g, (whole, ref: string) => {
    if (!ref.startsWith("#")) return PREDEFINED[ref]!;
    const code = ref[1] === "x" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

const rawText = (v: unknown): string =>
  typeof v === "string"
    ? v
    : typeof v === "number"
      ? String(v)
      : typeof obj(v)["#text"] === "string"
        ? String(obj(v)["#text"])
        : typeof obj(v)["#text"] === "number"
          ? String(obj(v)["#text"])
          : "";
const text = (v: unknown): string => decodeXmlText(rawText(v));
const attr = (v: unknown, name: string): string => decodeXmlText(String(obj(v)[`@_${name}`] ?? ""));

/** CVRF XML names the threat and remediation types; the JSON API numbers them. */
const THREAT_TYPES: Record<string, number> = { Impact: 0, "Exploit Status": 1, "Target Set": 2, Severity: 3 };
const REMEDIATION_TYPES: Record<string, number> = {
  Workaround: 0,
  Mitigation: 1,
  "Vendor Fix": 2,
  "None Available": 3,
  "Will Not Fix": 4,
};

export function looksLikeCvrfXml(head: string): boolean {
  return /<(\w+:)?cvrfdoc\b/.test(head.slice(0, 4000));
}

export function cvrfXmlToJson(xml: string): unknown {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@_",
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    // Entities declared in a DOCTYPE are never expanded: an advisory is data, not a template. The parser processes no
    // entity at all; decodeXmlText undoes XML's own five escapes and character references.
    processEntities: false,
    htmlEntities: false,
    allowBooleanAttributes: true,
  });
  const doc = obj(obj(parser.parse(xml)).cvrfdoc);
  const products: { ProductID: string; Value: string }[] = [];
  const visit = (branch: unknown) => {
    for (const b of arr(branch)) {
      for (const p of arr(obj(b).FullProductName)) products.push({ ProductID: attr(p, "ProductID"), Value: text(p) });
      visit(obj(b).Branch);
    }
  };
  const tree = obj(doc.ProductTree);
  for (const p of arr(tree.FullProductName)) products.push({ ProductID: attr(p, "ProductID"), Value: text(p) });
  visit(tree.Branch);
  const tracking = obj(doc.DocumentTracking);
  return {
    DocumentTitle: { Value: text(doc.DocumentTitle) },
    DocumentTracking: {
      Identification: { ID: { Value: text(obj(tracking.Identification).ID) } },
      InitialReleaseDate: text(tracking.InitialReleaseDate),
      CurrentReleaseDate: text(tracking.CurrentReleaseDate),
    },
    ProductTree: { FullProductName: products },
    Vulnerability: arr(doc.Vulnerability).map((vv) => {
      const v = obj(vv);
      return {
        CVE: text(v.CVE),
        Title: { Value: text(v.Title) },
        Threats: arr(obj(v.Threats).Threat).map((t) => ({
          Type: THREAT_TYPES[attr(t, "Type")] ?? -1,
          Description: { Value: text(obj(t).Description) },
          ProductID: arr(obj(t).ProductID).map(text),
        })),
        Remediations: arr(obj(v.Remediations).Remediation).map((r) => ({
          Type: REMEDIATION_TYPES[attr(r, "Type")] ?? -1,
          Description: { Value: text(obj(r).Description) },
          URL: text(obj(r).URL),
          Supercedence: text(obj(r).Supercedence),
          ProductID: arr(obj(r).ProductID).map(text),
          RestartRequired: { Value: text(obj(r).RestartRequired) },
          SubType: text(obj(r).SubType),
          FixedBuild: text(obj(r).FixedBuild),
        })),
      };
    }),
  };
}
