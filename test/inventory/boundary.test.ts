// The inventory boundary: host names, package names and versions are checked where a scan enters; a bad record is
// one diagnostic at file:line:column and the rest of the file is planned.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { readInventory } from "../../reconciler/inventory/read.js";
import { describe, expect, it } from "vitest";
import { hostRecord, readInventoryText } from "../helpers/plan-fixture.js";
import { cli, tempRepo } from "../helpers/repo.js";
import type { InventoryRecord } from "../../reconciler/model/inventory.js";

const line = (r: InventoryRecord | Record<string, unknown>) => JSON.stringify(r);

const debian = (host: string, over: Partial<InventoryRecord> = {}): InventoryRecord =>
  hostRecord(host, {
    os: { family: "linux", name: "Debian 12", version: "12" },
    packageFormat: "deb",
    packages: [{ name: "openssl", version: "3.0.15-1~deb12u1" }],
    ...over,
  });

async function read(...records: (InventoryRecord | Record<string, unknown>)[]) {
  return readInventoryText(records.map(line).join("\n") + "\n", "native");
}

/** The hosts kept, and each malformed diagnostic as "line:column message". */
async function outcome(...records: (InventoryRecord | Record<string, unknown>)[]) {
  const { inventory, diagnostics } = await read(...records);
  return {
    kept: [...inventory.records.values()].map((r) => r.host),
    stale: [...inventory.malformed.values()].map((m) => m.host),
    problems: diagnostics
      .filter((d) => d.code === "inventory-malformed")
      .map((d) => `${d.line}:${d.column} ${d.message}`),
  };
}

describe("host names (RFC 1123)", () => {
  const l63 = "a".repeat(63);
  const accepted = [
    "web-01",
    "WEB-RED-140",
    "web-red-140.corp.example.com",
    "1host",
    l63,
    // 253 characters: four labels of 62 and one of 1, with four dots.
    `${"b".repeat(62)}.${"c".repeat(62)}.${"d".repeat(62)}.${"e".repeat(62)}.f`,
  ];
  it.each(accepted)("accepts %s", async (host) => {
    expect(host.length).toBeLessThanOrEqual(253);
    const o = await outcome(hostRecord(host));
    expect(o.problems).toEqual([]);
    expect(o.kept).toEqual([host]);
  });

  const refused = [
    "web-{{lookup('pipe','touch /tmp/PWNED')}}",
    "web 01",
    "web-01%0A",
    'web"01',
    "web{%01",
    "-web-01",
    "web-01-",
    "web..01",
    ".web-01",
    "web-01.",
    "web_01",
    `${"a".repeat(64)}`,
    // 254 characters: every label within 63.
    `${"b".repeat(62)}.${"c".repeat(62)}.${"d".repeat(62)}.${"e".repeat(62)}.fg`,
  ];
  it.each(refused)("refuses %s and keeps the rest of the file", async (host) => {
    const o = await outcome(hostRecord("good-01"), hostRecord(host), hostRecord("good-02"));
    expect(o.kept).toEqual(["good-01", "good-02"]);
    expect(o.problems).toHaveLength(1);
    // The problem is on line 2, at the host's value (column of its opening quote: {"host": is 8 characters).
    expect(o.problems[0]).toMatch(/^2:9 /);
    expect(o.problems[0]).toContain("host");
  });

  it("a refused name that an assignment could hold (web_01) makes that host stale; a hostile one names no host", async () => {
    const o = await outcome(hostRecord("web_01"), hostRecord("web-{{ x }}"));
    expect(o.stale).toEqual(["web_01"]);
    expect(o.problems[0]).toContain('host web_01: host "web_01" is not a host name');
    expect(o.problems[0]).toContain("the host is treated as stale");
    expect(o.problems[1]).toContain("the record names no host patchops can plan");
    expect(o.problems[1]).not.toMatch(/^2:\d+ host web-/);
  });
});

describe("package names and versions", () => {
  it("accepts the real Debian and RHEL shapes", async () => {
    const o = await outcome(
      debian("deb-01", {
        packages: [
          { name: "libc6", version: "2.36-9+deb12u9", arch: "amd64", source: "glibc" },
          { name: "libstdc++6", version: "12.2.0-14+deb12u1" },
          { name: "base-files", version: "12.4+deb12u11" },
          { name: "tzdata", version: "2025b-0+deb12u1" },
          { name: "libgcc-s1", version: "1:12.2.0-14" },
        ],
        availableUpdates: [
          {
            name: "openssl",
            version: "3.0.16-1~deb12u1",
            origin: "oldstable-security",
            security: true,
          },
        ],
      }),
      hostRecord("rhel-01", {
        os: { family: "linux", name: "Red Hat Enterprise Linux 9.2", version: "9.2" },
        packageFormat: "rpm",
        packages: [
          { name: "podman", version: "2:4.4.1-19.el9_2", arch: "x86_64" },
          { name: "NetworkManager", version: "1.42.2-8.el9_2", arch: "x86_64" },
          { name: "python3.11", version: "3.11.2-2.el9_2.1" },
          { name: "perl-Digest-MD5", version: "2.58-4.el9" },
        ],
        availableUpdates: [
          {
            name: "podman",
            version: "2:4.4.1-21.el9_2",
            origin: "RHSA-2024:8709",
            security: true,
            severity: "important",
          },
        ],
      }),
    );
    expect(o.problems).toEqual([]);
    expect(o.kept).toEqual(["deb-01", "rhel-01"]);
  });

  const debCases: [string, Partial<InventoryRecord>, string][] = [
    [
      "a Jinja package name",
      { packages: [{ name: "{{ lookup('pipe','touch /tmp/PWNED') }}", version: "3.0.15-1", source: "openssl" }] },
      "packages.0.name",
    ],
    ["an upper-case Debian name", { packages: [{ name: "OpenSSL", version: "3.0.15-1" }] }, "packages.0.name"],
    ["a one-letter Debian name", { packages: [{ name: "a", version: "1.0" }] }, "packages.0.name"],
    ["a name leading with '-'", { packages: [{ name: "-o", version: "1.0" }] }, "packages.0.name"],
    ["a Jinja source", { packages: [{ name: "openssl", version: "3.0.15-1", source: "{{x}}" }] }, "packages.0.source"],
    [
      "a version with quotes and spaces (M7)",
      {
        availableUpdates: [
          {
            name: "libc6",
            version: "2.36-9+deb12u9' -o APT::Update::Pre-Invoke::=/bin/touch pwn '",
            origin: "oldstable-security",
            security: true,
          },
        ],
      },
      "availableUpdates.0.version",
    ],
    [
      "a Debian version not starting with a digit",
      { packages: [{ name: "openssl", version: "abc-1" }] },
      "packages.0.version",
    ],
    ["a Debian version ending in '-'", { packages: [{ name: "openssl", version: "3.0-" }] }, "packages.0.version"],
    [
      "an origin with markup",
      { availableUpdates: [{ name: "openssl", version: "3.0.16-1", origin: "<img src=x>", security: true }] },
      "availableUpdates.0.origin",
    ],
  ];
  it.each(debCases)("refuses %s, with its column, and keeps the other hosts", async (_, over, field) => {
    const o = await outcome(debian("deb-02"), debian("deb-01", over), debian("deb-03"));
    expect(o.kept).toEqual(["deb-02", "deb-03"]);
    expect(o.stale).toEqual(["deb-01"]);
    expect(o.problems).toHaveLength(1);
    expect(o.problems[0]).toContain(field);
    // The column points at the offending value in line 2.
    const text = line(debian("deb-01", over));
    const column = Number(/^2:(\d+) /.exec(o.problems[0]!)![1]);
    expect(column).toBeGreaterThan(1);
    const value = field.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], debian("deb-01", over));
    expect(text.slice(column - 1).startsWith(JSON.stringify(value))).toBe(true);
  });

  it("judges names by the host's format: OpenSSL is an RPM name, not a Debian one; 1.0-2-3 is no RPM version", async () => {
    const rpm = (v: string, name = "OpenSSL"): InventoryRecord =>
      hostRecord("rhel-01", {
        os: { family: "linux", name: "Rocky Linux 9.3", version: "9.3" },
        packages: [{ name, version: v }],
      });
    expect((await outcome(rpm("3.0.7-25.el9"))).problems).toEqual([]);
    expect((await outcome(rpm("1.0-2-3"))).problems[0]).toContain("is not a rpm version");
    expect((await outcome(rpm("1.0", "-o"))).problems[0]).toContain("packages.0.name");
    expect(
      (await outcome(debian("deb-01", { packageFormat: undefined, packages: [{ name: "OpenSSL", version: "1.0" }] })))
        .problems[0],
    ).toContain("is not a dpkg package name");
  });
});

describe("M7: one bad availableUpdates entry through the CLI", () => {
  it("is that line's inventory-malformed diagnostic: no internal error, the other host is planned, the plan is written", async () => {
    const assignment = `apiVersion: patchops/v1
kind: Assignment
metadata:
  name: team-a
spec:
  owner: team-a
  timetable: dc
  hosts:
    - { name: deb-01, period: D1-04 }
    - { name: deb-02, period: D3-04 }
`;
    const repo = await tempRepo("minimal", { "windows/assignments/team-a.yaml": assignment });
    // The review's line (M7): an apt option smuggled through an offered version.
    const evil = debian("deb-01", {
      availableUpdates: [
        {
          name: "libc6",
          version: "2.36-9+deb12u9' -o APT::Update::Pre-Invoke::=/bin/touch pwn '",
          origin: "oldstable-security",
          security: true,
        },
      ],
    });
    const good = debian("deb-02", {
      availableUpdates: [
        { name: "openssl", version: "3.0.16-1~deb12u1", origin: "oldstable-security", security: true },
      ],
    });
    const inv = join(repo, "inv.jsonl");
    await writeFile(inv, `${line(good)}\n${line(evil)}\n`);
    const out = join(repo, "out");
    const r = await cli(
      "plan",
      "--repo",
      repo,
      "--inventory",
      inv,
      "--out",
      out,
      "--now",
      "2026-12-10T09:00:00Z",
      "--no-verify-approvals",
    );
    expect(r.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
    expect(r.code).not.toBe(3);
    const col = line(evil).indexOf(JSON.stringify(evil.availableUpdates![0]!.version)) + 1;
    expect(r.stdout + r.stderr).toContain(`${inv}:2:${col}:`);
    expect(r.stdout + r.stderr).toContain("inventory-malformed");
    const hosts = (await readFile(join(out, "hosts.ndjson"), "utf8"))
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { host: string; status: string });
    expect(Object.fromEntries(hosts.map((h) => [h.host, h.status]))).toMatchObject({ "deb-01": "stale" });
    expect(hosts.find((h) => h.host === "deb-02")!.status).not.toBe("stale");
  });
});

describe("D22: duplicate scans of one host", () => {
  const NOW = Date.parse("2026-12-10T09:00:00Z");
  const at = (scannedAt: string, installed: string[] = []) => hostRecord("pay-sql-03", { scannedAt, installed });
  async function winner(now: number | undefined, ...records: InventoryRecord[]) {
    const text = records.map(line).join("\n") + "\n";
    const { inventory, diagnostics } = await readInventory(["-"], {
      stdin: Readable.from([Buffer.from(text)]),
      format: "native",
      ...(now !== undefined ? { now } : {}),
    });
    const rec = inventory.records.get("pay-sql-03");
    return {
      installed: rec ? [...rec.installed].sort() : null,
      stale: inventory.malformed.has("pay-sql-03"),
      messages: diagnostics.filter((d) => d.code === "inventory-duplicate").map((d) => `${d.line} ${d.message}`),
    };
  }

  it("a line dated 2099 never beats a fresh scan, in either order", async () => {
    for (const order of [
      [at("2099-01-01T00:00:00Z", ["KB1"]), at("2026-12-10T04:00:00Z", ["KB2"])],
      [at("2026-12-10T04:00:00Z", ["KB2"]), at("2099-01-01T00:00:00Z", ["KB1"])],
    ]) {
      const w = await winner(NOW, ...order);
      expect(w.installed).toEqual(["KB2"]);
      expect(w.stale).toBe(false);
      expect(w.messages[0]).toContain("dated 2099-01-01T00:00:00Z, after the plan's instant");
    }
  });

  it("at the plan's exact instant a scan is not in the future; one millisecond later it is", async () => {
    const older = at("2026-12-10T04:00:00Z", ["KB2"]);
    expect((await winner(NOW, older, at("2026-12-10T09:00:00Z", ["KB1"]))).installed).toEqual(["KB1"]);
    expect((await winner(NOW, older, at("2026-12-10T09:00:00.001Z", ["KB1"]))).installed).toEqual(["KB2"]);
  });

  it("equal timestamps: the same scan twice is one scan; two different scans make the host stale, in either order", async () => {
    const a = at("2026-12-10T04:00:00Z", ["KB1"]);
    const b = at("2026-12-10T04:00:00Z", ["KB2"]);
    const same = await winner(NOW, a, a);
    expect(same.stale).toBe(false);
    expect(same.messages[0]).toContain("with the same scan");
    const ab = await winner(NOW, a, b);
    const ba = await winner(NOW, b, a);
    expect(ab.stale && ba.stale).toBe(true);
    expect(ab.messages[0]).toMatch(
      /^2 host pay-sql-03: <stdin>:1 and <stdin>:2 are different scans dated 2026-12-10T04:00:00Z/,
    );
    expect(ba.messages[0]).toMatch(/^2 host pay-sql-03: <stdin>:1 and <stdin>:2 are different scans/);
  });
});
