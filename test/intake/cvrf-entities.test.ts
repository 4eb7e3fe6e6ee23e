// D24: entities a CVRF document's DOCTYPE declares are never expanded; XML's own escapes still read as text.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseMsrcCvrf } from "../../reconciler/intake/feeds/cvrf.js";
import { cvrfXmlToJson, decodeXmlText } from "../../reconciler/intake/feeds/cvrf-xml.js";
import { FIXTURES } from "../helpers/repo.js";

/** The real March 2017 slice with a DOCTYPE before its root and an entity reference in its title. */
async function withDoctype(doctype: string, title: string): Promise<string> {
  const real = await readFile(join(FIXTURES, "feeds", "msrc-2017-Mar-slice.cvrf.xml"), "utf8");
  return real
    .replace("<cvrf:cvrfdoc ", `${doctype}\n<cvrf:cvrfdoc `)
    .replace(
      "<cvrf:DocumentTitle>March 2017 Security Updates</cvrf:DocumentTitle>",
      `<cvrf:DocumentTitle>${title}</cvrf:DocumentTitle>`,
    );
}

describe("CVRF XML entities (D24)", () => {
  it("leaves an internal entity as written", async () => {
    const xml = await withDoctype('<!DOCTYPE cvrfdoc [<!ENTITY t "INTERNAL-ENTITY-EXPANDED">]>', "March 2017 &t;");
    const [u] = parseMsrcCvrf(cvrfXmlToJson(xml), "ent.xml");
    expect(u?.title).toBe("March 2017 &t;: Security Update KB4013429");
    expect(JSON.stringify(cvrfXmlToJson(xml))).not.toContain("INTERNAL-ENTITY-EXPANDED");
  });

  it("does not expand nested entities (billion laughs) either", async () => {
    const lol = [
      '<!ENTITY a "lollollollollollollollollollol">',
      ...Array.from(
        { length: 8 },
        (_, i) => `<!ENTITY ${String.fromCharCode(98 + i)} "${`&${String.fromCharCode(97 + i)};`.repeat(10)}">`,
      ),
    ].join("");
    const xml = await withDoctype(`<!DOCTYPE cvrfdoc [${lol}]>`, "&i;");
    const [u] = parseMsrcCvrf(cvrfXmlToJson(xml), "lol.xml");
    expect(u?.title).toBe("&i;: Security Update KB4013429");
  });

  it("reads XML's predefined escapes and character references", async () => {
    const xml = await withDoctype("", "Security &amp; Quality &lt;March&gt; &#8212; &#x2019;17 &amp;lt;");
    const [u] = parseMsrcCvrf(cvrfXmlToJson(xml), "esc.xml");
    expect(u?.title).toBe("Security & Quality <March> \u2014 \u201917 &lt;: Security Update KB4013429");
    expect(decodeXmlText("&#0; &#x110000; &t;")).toBe("&#0; &#x110000; &t;");
  });
});
