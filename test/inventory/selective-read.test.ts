// Reading only some hosts' lines (explain --plan) and the digest of what was read (plan.json `inputs`).
import { Readable } from "node:stream";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { boundedLines } from "../../reconciler/inventory/input.js";
import { otherHostsLine, readInventory } from "../../reconciler/inventory/read.js";
import { tempDir } from "../helpers/repo.js";

const NAMES = ["web-01", "WEB-01", "Sql-02", "h\u00e9te", 'q"uote', "back\\slash", "host", "zz"];
const name = fc.oneof(fc.constantFrom(...NAMES), fc.string({ maxLength: 6 }));

/** A record-shaped value: its own host, and maybe other "host" keys nested in labels or products. */
const record = fc.record({
  host: name,
  nested: fc.option(name, { nil: undefined }),
  inProduct: fc.option(name, { nil: undefined }),
  spaced: fc.boolean(),
  hostFirst: fc.boolean(),
});

function lineOf(r: RecordShape): string {
  const body: Record<string, unknown> = {};
  const rest = {
    scannedAt: "2026-12-10T04:00:00Z",
    ...(r.nested !== undefined ? { labels: { host: r.nested } } : {}),
    ...(r.inProduct !== undefined ? { products: [{ name: "X", host: r.inProduct }] } : {}),
  };
  if (r.hostFirst) Object.assign(body, { host: r.host }, rest);
  else Object.assign(body, rest, { host: r.host });
  const text = JSON.stringify(body);
  return r.spaced ? text.replace(/":/g, '" :  ').replace(/,"/g, ', "') : text;
}

interface RecordShape {
  host: string;
  nested?: string;
  inProduct?: string;
  spaced: boolean;
  hostFirst: boolean;
}

describe("otherHostsLine: skipping a line unread", () => {
  it("never skips a line whose record is a wanted host's, whatever else the line names", () => {
    fc.assert(
      fc.property(record, fc.uniqueArray(name, { maxLength: 4 }), (r, wanted) => {
        const only = new Set(wanted.map((n) => n.toLowerCase()));
        const line = lineOf(r);
        if (otherHostsLine(only)(Buffer.from(line)))
          expect(only.has((JSON.parse(line) as { host: string }).host.toLowerCase())).toBe(false);
      }),
      { seed: 20261206, numRuns: 3000 },
    );
  });

  it("skips plainly written lines of other hosts, and reads lines it cannot judge", () => {
    const only = new Set(["web-01"]);
    const skip = otherHostsLine(only);
    expect(skip(Buffer.from('{"host":"web-02","installed":["KB1"]}'))).toBe(true);
    expect(skip(Buffer.from('{"installed":["KB1"], "host" : "db-9"}'))).toBe(true);
    expect(skip(Buffer.from('{"host":"WEB-01","installed":[]}'))).toBe(false);
    // A nested host naming a wanted one: read (and the parser tells whose record it is).
    expect(skip(Buffer.from('{"host":"web-02","labels":{"host":"web-01"}}'))).toBe(false);
    // An escape anywhere could spell the top-level key: read.
    expect(skip(Buffer.from('{"ho\\u0073t":"web-01","host2":"x","labels":{"host":"web-02"}}'))).toBe(false);
    // A "host" written any other way (a form feed before the colon, a value "host", null): read.
    expect(skip(Buffer.from('{"host"\f:"web-01","x":{"host":"h3"} BROKEN'))).toBe(false);
    expect(skip(Buffer.from('{"role":"host","host":"web-02"}'))).toBe(false);
    expect(skip(Buffer.from('{"host":null,"labels":{"host":"web-02"}}'))).toBe(false);
    // No host key at all (a broken line): read, so it is reported.
    expect(skip(Buffer.from('{"hostname":"web-01"'))).toBe(false);
    expect(skip(Buffer.from(""))).toBe(false);
  });
});

describe("boundedLines with unwanted lines", () => {
  it("counts skipped lines, so kept lines keep their numbers and byte offsets, however the input is chunked", async () => {
    const text = fc.array(fc.oneof(fc.constantFrom("skip me", "keep", "ké\u00e9p", ""), fc.string({ maxLength: 12 })), {
      maxLength: 30,
    });
    await fc.assert(
      fc.asyncProperty(
        text,
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1 }),
        fc.boolean(),
        async (lines, cuts, crlf) => {
          const bytes = Buffer.from(lines.map((l) => l.replace(/\n/g, " ")).join(crlf ? "\r\n" : "\n"));
          const chunked = function* () {
            let at = 0;
            for (let i = 0; at < bytes.length; i++) {
              const size = cuts[i % cuts.length]!;
              yield bytes.subarray(at, at + size);
              at += size;
            }
          };
          const unwanted = (line: Buffer) => line.toString("utf8").includes("skip");
          const all = [];
          for await (const l of boundedLines(Readable.from(chunked()))) all.push(l);
          const kept = [];
          for await (const l of boundedLines(Readable.from(chunked()), undefined, unwanted)) kept.push(l);
          expect(kept).toEqual(all.filter((l) => !("text" in l) || !l.text.includes("skip")));
        },
      ),
      { seed: 7, numRuns: 400 },
    );
  });
});

describe("readInventory: only some hosts, and the digest of what was read", () => {
  const lines = [
    JSON.stringify({
      host: "web-01",
      scannedAt: "2026-12-10T04:00:00Z",
      os: { family: "windows", name: "Windows Server 2022", version: "10.0.20348.2340" },
      installed: ["KB1"],
    }),
    '{"host":"db-01","scannedAt":"not json',
    JSON.stringify({
      host: "db-02",
      scannedAt: "2026-12-10T04:00:00Z",
      os: { family: "windows", name: "Windows Server 2022", version: "10.0.20348.2340" },
      installed: [],
    }),
    '{"host":"web-02","scannedAt":"broken',
    JSON.stringify({
      host: "WEB-02",
      scannedAt: "2026-12-10T05:00:00Z",
      os: { family: "windows", name: "Windows Server 2019", version: "10.0.17763.1" },
      installed: ["KB2"],
    }),
  ];
  const text = lines.join("\n") + "\n";

  it("holds the wanted hosts' records with their lines, and reports only the lines it read", async () => {
    const dir = await tempDir();
    const file = join(dir, "inv.jsonl");
    await writeFile(file, text);
    const some = await readInventory([file], { only: new Set(["web-01", "web-02"]) });
    expect([...some.inventory.records.values()].map((r) => `${r.host} ${r.origin}`)).toEqual([
      `web-01 ${file}:1`,
      `WEB-02 ${file}:5`,
    ]);
    // db-01's broken line was skipped unread; web-02's was read and reported.
    expect(some.diagnostics.map((d) => `${d.code} ${d.line}`)).toEqual(["inventory-malformed 4"]);
    expect(some.inventory.malformed.has("web-02")).toBe(true);
    const all = await readInventory([file]);
    expect(all.inventory.records.size).toBe(3);
    expect(some.inventory.digest).toBe(all.inventory.digest);
  });

  it("gives one digest for the same text from a file, stdin or UTF-16, and another for any change", async () => {
    const dir = await tempDir();
    const file = join(dir, "inv.jsonl");
    await writeFile(file, text);
    const utf16 = join(dir, "inv16.jsonl");
    await writeFile(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]));
    const digest = async (files: string[], o: { stdin?: string; scannedAt?: string } = {}) =>
      (
        await readInventory(files, {
          ...(o.stdin !== undefined ? { stdin: Readable.from([Buffer.from(o.stdin)]) } : {}),
          ...(o.scannedAt ? { scannedAt: o.scannedAt } : {}),
        })
      ).inventory.digest;
    const base = await digest([file]);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(await digest(["-"], { stdin: text })).toBe(base);
    expect(await digest([utf16])).toBe(base);
    expect(await digest(["-"], { stdin: text.replace("KB1", "KB3") })).not.toBe(base);
    expect(await digest([file], { scannedAt: "2026-12-10T04:00:00Z" })).not.toBe(base);
    // Two inputs are not their concatenation in one.
    await writeFile(join(dir, "a.jsonl"), lines.slice(0, 2).join("\n") + "\n");
    await writeFile(join(dir, "b.jsonl"), lines.slice(2).join("\n") + "\n");
    const split = await digest([join(dir, "a.jsonl"), join(dir, "b.jsonl")]);
    expect(split).not.toBe(base);
    expect(await digest([join(dir, "a.jsonl"), join(dir, "b.jsonl")])).toBe(split);
  });
});
