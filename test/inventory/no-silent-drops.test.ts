import { spawnSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { boundedLines, openInventoryStream } from "../../reconciler/inventory/input.js";
import { readInventory } from "../../reconciler/inventory/read.js";
import { CLI_JS } from "../helpers/child.js";
import { cli, FIXTURES, planArgs, ROOT, tempRepo } from "../helpers/repo.js";

// Issue 21, point 14: one bad line, an encoding, a huge line or a stream never costs the whole inventory.
const dir = join(FIXTURES, "inventory");
const EXAMPLE = join(ROOT, "examples", "inventory.jsonl");
const hosts = (r: Awaited<ReturnType<typeof readInventory>>) => [...r.inventory.records.keys()].sort();
const codes = (r: Awaited<ReturnType<typeof readInventory>>) =>
  r.diagnostics.map((d) => [d.code, d.severity, d.line] as const);

function utf16le(text: string, bom: boolean): Buffer {
  return Buffer.concat([bom ? Buffer.from([0xff, 0xfe]) : Buffer.alloc(0), Buffer.from(text, "utf16le")]);
}

describe("osquery: a broken line is reported at its line, the rest is kept", () => {
  it("a truncated last line (log rotation)", async () => {
    const good = await readFile(join(dir, "osquery-results.log"), "utf8");
    const repo = await tempRepo("minimal", {
      "osq.log": good + '{"name":"pack_patchops_patches","hostIdentifier":"web-02","unixTime":17968752',
    });
    const r = await readInventory([join(repo, "osq.log")], { format: "osquery" });
    expect(hosts(r)).toEqual(["web-01"]);
    expect(codes(r)).toEqual([["inventory-malformed", "warning", 4]]);
    expect(r.diagnostics[0]!.message).toContain("host web-02");
    expect(r.inventory.malformed.has("web-02")).toBe(true);
  });

  it("a junk line in the middle, and a line broken inside a string", async () => {
    const lines = (await readFile(join(dir, "osquery-results.log"), "utf8")).trimEnd().split("\n");
    const repo = await tempRepo("minimal", {
      "osq.log": [lines[0], "garbage line }}}", '{"hostIdentifier":"x-1","name":"cut', ...lines.slice(1)].join("\n"),
    });
    const r = await readInventory([join(repo, "osq.log")], { format: "osquery" });
    expect(hosts(r)).toEqual(["web-01"]);
    expect(codes(r)).toEqual([
      ["inventory-malformed", "warning", 2],
      ["inventory-malformed", "warning", 3],
    ]);
  });
});

describe("UTF-16 inventories are decoded", () => {
  it("JSON Lines in UTF-16LE with and without a byte-order mark read like UTF-8", async () => {
    const text = await readFile(EXAMPLE, "utf8");
    const utf8 = await readInventory([EXAMPLE]);
    expect(hosts(utf8).length).toBeGreaterThan(30);
    for (const bom of [true, false]) {
      const repo = await tempRepo("minimal", { "inv.jsonl": utf16le(text, bom) });
      const r = await readInventory([join(repo, "inv.jsonl")]);
      expect(codes(r)).toEqual(codes(utf8));
      expect(hosts(r)).toEqual(hosts(utf8));
    }
  });

  it("a Get-HotFix CSV written by PowerShell's Out-File (UTF-16LE with BOM, CRLF)", async () => {
    const csv = await readFile(join(dir, "hotfix.csv"), "utf8");
    const repo = await tempRepo("minimal", { "hf.csv": utf16le(csv, true) });
    const plain = await readInventory([join(dir, "hotfix.csv")]);
    const r = await readInventory([join(repo, "hf.csv")]);
    expect(hosts(r)).toEqual(hosts(plain));
    expect(hosts(r).length).toBeGreaterThan(0);
  });

  it("a file with no usable record is an error, not 39 unscanned hosts and exit 0", async () => {
    const repo = await tempRepo("minimal", { "inv.jsonl": '{"host": 1}\n{]\n' });
    const r = await readInventory([join(repo, "inv.jsonl")]);
    expect(codes(r)).toEqual([
      ["inventory-malformed", "warning", 1],
      ["inventory-malformed", "warning", 2],
      ["inventory-unusable", "error", 1],
    ]);
  });
});

describe("bounded lines and streamed standard input", () => {
  it("a line longer than the bound is skipped and reported with its host; the next lines still count", async () => {
    const lines = (await readFile(EXAMPLE, "utf8")).trimEnd().split("\n");
    const huge = lines[2]!.replace('"installed": [', `"installed": [${'"KB1",'.repeat(2000)}`);
    const repo = await tempRepo("minimal", { "inv.jsonl": [lines[0], huge, lines[1]].join("\n") });
    const r = await readInventory([join(repo, "inv.jsonl")], { maxLineBytes: 4096 });
    expect(hosts(r)).toEqual(["pay-sql-01", "pay-sql-02"]);
    expect(codes(r)).toEqual([["inventory-malformed", "warning", 2]]);
    expect(r.diagnostics[0]!.message).toMatch(/^host pay-sql-03: the line is \d+ bytes, longer than patchops reads/);
  });

  it("splits lines across chunk boundaries, CRLF included", async () => {
    const chunks = ["ab", "c\r", "\nde", "f\n\ng", "h"].map((s) => Buffer.from(s));
    const out = [];
    for await (const l of boundedLines(Readable.from(chunks), 2)) out.push(l);
    expect(out).toEqual([
      { n: 1, tooLong: 4, head: "abc\r" },
      { n: 2, tooLong: 3, head: "def" },
      { n: 3, text: "", offset: 9, bytes: 0 },
      { n: 4, text: "gh", offset: 10, bytes: 2 },
    ]);
    // Each line's byte offset and length in the stream (pass two of a streaming plan reads it again there).
    const all = [];
    for await (const l of boundedLines(Readable.from(chunks), 64)) all.push(l);
    expect(all).toEqual([
      { n: 1, text: "abc", offset: 0, bytes: 4 },
      { n: 2, text: "def", offset: 5, bytes: 3 },
      { n: 3, text: "", offset: 9, bytes: 0 },
      { n: 4, text: "gh", offset: 10, bytes: 2 },
    ]);
  });

  it("stdin is not read whole: only its head is read before records are parsed", async () => {
    const one = (await readFile(EXAMPLE, "utf8")).split("\n").filter(Boolean);
    const lines = Array.from({ length: 50 }, () => one).flat();
    let pulled = 0;
    const stream = Readable.from(
      (function* () {
        for (const l of lines) {
          pulled++;
          yield Buffer.from(l + "\n");
        }
      })(),
    );
    const input = await openInventoryStream(stream);
    expect(pulled).toBeLessThan(lines.length / 2);
    expect(input.head.startsWith('{"host": "pay-sql-01"')).toBe(true);
    let text = "";
    for await (const c of input.chunks()) text += c.toString("utf8");
    expect(text).toBe(lines.join("\n") + "\n");
    const r = await readInventory(["-"], { stdin: Readable.from(one.map((l) => l + "\n")) });
    expect(hosts(r)).toEqual(hosts(await readInventory([EXAMPLE])));
  });

  it("through the CLI: a 65 MiB line is one diagnostic (no stack trace), and `--inventory -` plans like the file", async () => {
    const repo = await tempRepo("example");
    const text = await readFile(EXAMPLE, "utf8");
    const big = `{"host": "pay-sql-03", "junk": "${"x".repeat(65 * 1024 * 1024)}"}\n`;
    await writeFile(join(repo, "big.jsonl"), text + big);
    const run = (inventory: string, input?: string) =>
      spawnSync(
        process.execPath,
        [
          CLI_JS,
          ...planArgs({ repo, inventory, out: join(repo, "out"), now: "2026-12-10T09:00:00Z" }, "--format", "json"),
        ],
        { cwd: ROOT, input, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
      );
    // From a file, the CLI runs in-process; what only a process has (standard input, a pipe) gets a child.
    const here = (inventory: string) =>
      cli(...planArgs({ repo, inventory, out: join(repo, "out"), now: "2026-12-10T09:00:00Z" }, "--format", "json"));
    const r = await here(join(repo, "big.jsonl"));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /big\.jsonl:40:1: warning inventory-malformed: host pay-sql-03: the line is 68157\d+ bytes/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const fromFile = await here(EXAMPLE);
    expect(fromFile.code).toBe(0);
    const fromStdin = run("-", text);
    expect(fromStdin.status).toBe(0);
    expect(fromStdin.stdout).toBe(fromFile.stdout);
    // A pipe named by path cannot be read twice (it was ESPIPE): it is streamed too.
    const fromDevStdin = spawnSync(
      "sh",
      [
        "-c",
        'cat "$0" | "$@"',
        EXAMPLE,
        process.execPath,
        CLI_JS,
        "plan",
        "--repo",
        repo,
        "--inventory",
        "/dev/stdin",
        "--out",
        join(repo, "out"),
        "--now",
        "2026-12-10T09:00:00Z",
        "--no-verify-approvals",
        "--format",
        "json",
      ],
      { cwd: ROOT, encoding: "utf8" },
    );
    expect(fromDevStdin.stderr).not.toContain("ESPIPE");
    expect(fromDevStdin.stdout).toBe(fromFile.stdout);
  }, 180_000);
});

describe("a broken line is attributed only to its own host", () => {
  it("a nested host key does not make another host stale", async () => {
    const { topLevelHost } = await import("../../reconciler/inventory/native/parse.js");
    expect(topLevelHost('{"products":[{"host":"dc-02"}],')).toBeUndefined();
    expect(topLevelHost('{"tags":{"host":"dc-02"}, "host": "web-01", "scannedAt": 1')).toBe("web-01");
    expect(topLevelHost('{"note":"a \\"host\\": \\"x\\"", "host":"pay-sql-03", "os": {')).toBe("pay-sql-03");
    const lines = (await readFile(EXAMPLE, "utf8")).trimEnd().split("\n");
    const repo = await tempRepo("minimal", { "inv.jsonl": [...lines, '{"products":[{"host":"dc-02"}],'].join("\n") });
    const r = await readInventory([join(repo, "inv.jsonl")]);
    expect(r.inventory.malformed.has("dc-02")).toBe(false);
    expect(r.diagnostics.at(-1)!.message).toContain("the record names no host");
  });
});
