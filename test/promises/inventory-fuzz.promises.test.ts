// Structured fuzzing: inventories of real shape (native Windows records with real builds and KB ids, Debian records
// with packages from a real dpkg-query capture, RHEL records in rpm -qa's shape, Get-HotFix CSV as Export-Csv writes
// it) with broken lines mixed in. Properties: each native line gives exactly one host or one diagnostic at its line;
// Get-HotFix rows give each host exactly its KB ids; the plan does not depend on the order of the lines.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { InventoryRecord } from "../../reconciler/model/inventory.js";
import { planFileTexts } from "../../reconciler/output/plan-files.js";
import { planFixture, readInventoryText } from "../helpers/plan-fixture.js";
import { FIXTURES } from "../helpers/repo.js";
import { assignmentDoc } from "../helpers/scenario.js";

// Builds and captions as real scans report them (test/fixtures/inventory, examples/inventory.jsonl).
const WINDOWS = [
  { name: "Windows Server 2022", version: "10.0.20348.2340" },
  { name: "Windows Server 2019", version: "10.0.17763.5458" },
  { name: "Microsoft Windows Server 2016 Standard", version: "10.0.14393.6709" },
];
const KBS = ["KB5035857", "KB890830", "KB5034127", "KB3042553", "KB3020369", "KB3011780"];
// Real installed packages: test/fixtures/linux/dpkg-query-W-debian12-node-image.tsv (a Debian 12 host, verbatim).
const DPKG = readFileSync(join(FIXTURES, "linux", "dpkg-query-W-debian12-node-image.tsv"), "utf8")
  .split("\n")
  .map((l) => l.split("\t"))
  .filter((c) => c[3]?.[1] === "i")
  .map(([name, version, arch]) => ({ name: name!, version: version!, arch: arch! }));
// rpm -qa --qf '%{NAME}\t%{EPOCH}\t%{VERSION}\t%{RELEASE}\t%{ARCH}' (test/fixtures/linux/rhel7-rpm-qa.tsv). An arch
// of (none) (gpg-pubkey) is left out as `inventory convert` leaves it out (parseRpmQa): the native record's arch
// grammar refuses it, so a record carrying it is not one a converter writes.
const RPM = readFileSync(join(FIXTURES, "linux", "rhel7-rpm-qa.tsv"), "utf8")
  .split("\n")
  .filter(Boolean)
  .map((l) => l.split("\t"))
  .map(([name, epoch, version, release, arch]) => ({
    name: name!,
    version: `${epoch === "(none)" ? "" : `${epoch}:`}${version}-${release}`,
    ...(arch === "(none)" ? {} : { arch: arch! }),
  }));

const SCANNED = "2026-12-10T04:00:00Z";
const NOW = "2026-12-10T09:00:00Z";

type Kind = "windows" | "debian" | "rhel";
const recordOf = (host: string, kind: Kind, pick: { kbs: string[]; win: number; pkgs: number[] }): InventoryRecord => {
  if (kind === "windows")
    return {
      host,
      scannedAt: SCANNED,
      os: { family: "windows", ...WINDOWS[pick.win % WINDOWS.length]! },
      installed: pick.kbs,
      pendingReboot: false,
      products: [],
      features: [],
    };
  const deb = kind === "debian";
  const source = deb ? DPKG : RPM;
  return {
    host,
    scannedAt: SCANNED,
    os: deb
      ? { family: "linux", name: "Debian GNU/Linux 12 (bookworm)", version: "12.8" }
      : { family: "linux", name: "Red Hat Enterprise Linux Server 7.9 (Maipo)", version: "7.9" },
    installed: [],
    pendingReboot: false,
    products: [],
    features: [],
    packageFormat: deb ? "deb" : "rpm",
    packages: [...new Set(pick.pkgs.map((i) => i % source.length))].map((i) => source[i]!),
  };
};

/** Ways a collector or a transfer breaks a line; each keeps the host name readable or not. */
const BREAKS = {
  truncated: (line: string) => line.slice(0, Math.floor(line.length / 2)),
  badInstant: (line: string) => line.replace(SCANNED, "2026-13-45T99:00:00Z"),
  badVersion: (line: string) => line.replace(/"version":"\d[^"]*"/, '"version":"ten"'),
  notJson: () => "<html>502 Bad Gateway</html>",
};

// Host names are unique: two scans of one host at the same instant are kept first-come (inventory/read.ts keep()), so
// the plan then depends on the order of the lines — a known gap reported to the lead, not asserted here.
const host = fc.stringMatching(/^[a-z][a-z0-9-]{0,14}[a-z0-9]$/);
const entry = fc.record({
  kind: fc.constantFrom<Kind>("windows", "windows", "debian", "rhel"),
  kbs: fc.uniqueArray(fc.constantFrom(...KBS), { maxLength: 4 }),
  win: fc.nat(),
  pkgs: fc.array(fc.nat(), { maxLength: 6 }),
  broken: fc.option(fc.constantFrom(...(Object.keys(BREAKS) as (keyof typeof BREAKS)[])), { freq: 4 }),
});
const fleet = fc
  .uniqueArray(host, { minLength: 1, maxLength: 12 })
  .chain((names) =>
    fc.tuple(fc.constant(names), fc.array(entry, { minLength: names.length, maxLength: names.length })),
  );

type Entry = typeof entry extends fc.Arbitrary<infer T> ? T : never;
const linesOf = ([names, entries]: [string[], Entry[]]) =>
  names.map((n, i) => {
    const e = entries[i]!;
    const line = JSON.stringify(recordOf(n, e.kind, e));
    return e.broken ? BREAKS[e.broken](line) : line;
  });

describe("native inventories of real shape, with broken lines", () => {
  it("every line gives exactly one host or one diagnostic at that line", async () => {
    await fc.assert(
      fc.asyncProperty(fleet, async (f) => {
        const lines = linesOf(f);
        const { inventory, diagnostics } = await readInventoryText(lines.join("\n") + "\n", "native");
        const fromLine = new Map<number, number>();
        const count = (n: number) => fromLine.set(n, (fromLine.get(n) ?? 0) + 1);
        for (const r of inventory.records.values()) count(Number(/:(\d+)$/.exec(r.origin)?.[1]));
        // inventory-unusable is about the whole file (no line could be used), reported at its first line.
        for (const d of diagnostics) if (d.line && d.code !== "inventory-unusable") count(d.line);
        expect(
          [...fromLine.keys()].sort((a, b) => a - b),
          JSON.stringify(diagnostics),
        ).toEqual(lines.map((_, i) => i + 1));
        expect(
          [...fromLine.values()].every((c) => c === 1),
          JSON.stringify(diagnostics),
        ).toBe(true);
        // A line that is whole is a host under its own name.
        f[0].forEach((n, i) => {
          if (!f[1][i]!.broken) expect(inventory.records.has(n)).toBe(true);
        });
      }),
      { numRuns: 40 },
    );
  });

  it("the plan is the same whatever the order of the lines", async () => {
    await fc.assert(
      fc.asyncProperty(
        fleet.chain((f) => fc.tuple(fc.constant(f), fc.shuffledSubarray(linesOf(f), { minLength: linesOf(f).length }))),
        async ([f, shuffled]) => {
          const [names] = f;
          const files = {
            "windows/assignments/team-a.yaml": assignmentDoc(
              "team-a",
              "dc",
              // Every third host is in no assignment: a rogue scan, planned in the order of no file.
              names.filter((_, i) => i % 3 !== 2).map((n, i) => `{ name: ${n}, period: D${(i % 4) + 1}-04 }`),
            ),
          };
          const plan = async (lines: string[]) => {
            const { inventory } = await readInventoryText(lines.join("\n") + "\n", "native");
            const r = await planFixture({ files, hosts: inventory, now: NOW });
            // The inventory's digest is of its bytes, which the order changes; everything else must not change.
            const texts = [...planFileTexts(r.plan, r.hosts, r.jobs)].map(([name, text]) => {
              if (name !== "plan.json") return text;
              const p = JSON.parse(text) as { inputs?: Record<string, unknown> };
              if (p.inputs) delete p.inputs.inventory;
              return JSON.stringify(p);
            });
            return texts.join("\u0000").replace(/<stdin>:\d+/g, "<stdin>:N");
          };
          expect(await plan(shuffled)).toBe(await plan(linesOf(f)));
        },
      ),
      { numRuns: 15 },
    );
  });
});

describe("Get-HotFix CSV as Export-Csv writes it", () => {
  const csvRow = (cells: string[]) => cells.map((c) => `"${c.replace(/"/g, '""')}"`).join(",");
  it("each host gets exactly the KB ids of its rows, whatever their order", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(host, { minLength: 1, maxLength: 6 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(...KBS), fc.constantFrom("Security Update", "Update", "Hotfix")), {
          minLength: 1,
          maxLength: 20,
        }),
        async (names, rows) => {
          const want = new Map<string, Set<string>>();
          const body = rows.map(([i, kb, description]) => {
            const n = names[i % names.length]!.toUpperCase();
            want.set(n.toLowerCase(), (want.get(n.toLowerCase()) ?? new Set()).add(kb));
            return csvRow([
              n,
              description,
              kb,
              "NT AUTHORITY\\SYSTEM",
              "3/13/2024 12:00:00 AM",
              "Windows Server 2022",
              "10.0.20348.2340",
              SCANNED,
            ]);
          });
          const text = [
            "#TYPE Selected.System.Management.ManagementObject",
            csvRow([
              "Source",
              "Description",
              "HotFixID",
              "InstalledBy",
              "InstalledOn",
              "OSName",
              "OSVersion",
              "ScannedAt",
            ]),
            ...body,
          ].join("\r\n");
          const { inventory, diagnostics } = await readInventoryText(text + "\r\n", "hotfix-csv");
          expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
          const got = new Map([...inventory.records.values()].map((r) => [r.host.toLowerCase(), new Set(r.installed)]));
          expect(got).toEqual(want);
        },
      ),
      { numRuns: 30 },
    );
  });
});
