import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCsaf } from "../../reconciler/intake/feeds/csaf.js";
import { FIXTURES } from "../helpers/repo.js";

const edge = async () =>
  JSON.parse(await readFile(join(FIXTURES, "feeds", "msrc-csaf-edge-sample.json"), "utf8")) as {
    document: { aggregate_severity?: unknown };
    vulnerabilities: { threats: { category: string; details: string }[]; scores: unknown[] }[];
  };

describe("CSAF severity: the vendor's rating wins", () => {
  it("MSRC's aggregate_severity (Important) over a CRITICAL CVSS base severity", async () => {
    expect(parseCsaf(await edge(), "e.json")[0]!.severity).toBe("important");
  });

  it("an impact threat worded as a rating over aggregate_severity", async () => {
    const doc = await edge();
    doc.vulnerabilities[0]!.threats.push({ category: "impact", details: "Moderate" });
    expect(parseCsaf(doc, "e.json")[0]!.severity).toBe("moderate");
  });

  it("CVSS only when the vendor gives no rating", async () => {
    const doc = await edge();
    delete doc.document.aggregate_severity;
    expect(parseCsaf(doc, "e.json")[0]!.severity).toBe("critical");
    doc.vulnerabilities[0]!.scores = [];
    expect(parseCsaf(doc, "e.json")[0]!.severity).toBeNull();
  });
});
