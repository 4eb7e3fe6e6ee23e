// A host's offer concerns that host (review H3): an upgrade one host's package manager offers is never another host's
// fix, never raises another host's classification or severity, and counts from patchops' own first sighting.
import { describe, expect, it } from "vitest";
import type { InventoryRecord } from "../../reconciler/model/inventory.js";
import { byHost, hostRecord, planFixture, readInventoryText } from "../helpers/plan-fixture.js";

const SCANNED = "2026-12-10T04:00:00Z";
const NOW = "2026-12-10T09:00:00Z";

const ASSIGNMENT = `apiVersion: patchops/v1
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

const rule = (days: number) => `apiVersion: patchops/v1
kind: ApprovalRule
metadata:
  name: debian-12-security
spec:
  products: ["Debian 12"]
  classifications: [security]
  approveAfterDays: ${days}
`;

type Offer = NonNullable<InventoryRecord["availableUpdates"]>[number];

/** A Debian 12 host with openssl and libc6 installed (versions as in Debian 12's archive), offering `offers`. */
const debian = (host: string, offers: Offer[]): InventoryRecord =>
  hostRecord(host, {
    scannedAt: SCANNED,
    os: { family: "linux", name: "Debian 12", version: "12" },
    packageFormat: "deb",
    packages: [
      { name: "openssl", version: "3.0.15-1~deb12u1" },
      { name: "libc6", version: "2.36-9+deb12u7", source: "glibc" },
    ],
    availableUpdates: offers,
  });

const LIBC6: Offer = {
  name: "libc6",
  version: "2.36-9+deb12u9",
  origin: "oldstable-security",
  security: true,
  firstSeen: "2020-01-01T00:00:00Z",
};
/** The review's forged offer: a version no archive has, claimed critical and seen in 2020. */
const EVIL: Offer = {
  name: "openssl",
  version: "9.9.9-evil",
  origin: "oldstable-security",
  security: true,
  severity: "critical",
  firstSeen: "2020-01-01T00:00:00Z",
};

async function planOf(days: number, records: InventoryRecord[], now = NOW) {
  const { inventory, diagnostics } = await readInventoryText(records.map((r) => JSON.stringify(r)).join("\n"));
  expect(diagnostics).toEqual([]);
  const r = await planFixture({
    files: { "windows/assignments/team-a.yaml": ASSIGNMENT, "policies/rules/debian-12-security.yaml": rule(days) },
    hosts: inventory,
    now,
  });
  const packagesOf = (host: string) =>
    r.jobs
      .filter((j) => j.host === host && j.type === "install")
      .flatMap((j) => j.packages ?? [])
      .sort();
  return { r, packagesOf, hosts: byHost(r.hosts) };
}

describe("one host's offer concerns that host only (the review's openssl 9.9.9-evil case)", () => {
  const records = [debian("deb-01", [EVIL, LIBC6]), debian("deb-02", [LIBC6])];

  it("approveAfterDays 3: the 2020 firstSeen claims are not believed, so nothing is approved yet and no pilot failed", async () => {
    const { r } = await planOf(3, records);
    expect(r.plan.summary.updates["OPENSSL=9.9.9-EVIL"]).toMatchObject({ decision: "pending" });
    expect(r.plan.summary.updates["LIBC6=2.36-9+DEB12U9"]).toMatchObject({ decision: "pending" });
    expect(r.jobs.filter((j) => j.type === "install" || j.type === "isolate")).toEqual([]);
    expect(r.plan.findings.map((f) => f.code)).not.toContain("pilot-failed");
    // Released is the day patchops first saw the offer (this scan), not 2020-01-01.
    const libc6 = r.plan.summary.updates["LIBC6=2.36-9+DEB12U9"] as Record<string, unknown>;
    expect(JSON.stringify(libc6)).not.toContain("2020");
  });

  it("approveAfterDays 0: deb-02 never gets openssl 9.9.9-evil, and libc6 is planned for both", async () => {
    const { r, packagesOf, hosts } = await planOf(0, records);
    expect(r.plan.summary.updates["OPENSSL=9.9.9-EVIL"]).toMatchObject({ decision: "approved" });
    expect(packagesOf("deb-02")).toEqual(["libc6=2.36-9+deb12u9"]);
    expect(packagesOf("deb-01")).toEqual(["libc6=2.36-9+deb12u9", "openssl=9.9.9-evil"]);
    // deb-02's own state list does not even mention the other host's offer.
    expect(JSON.stringify(hosts.get("deb-02"))).not.toContain("9.9.9-EVIL");
    expect(r.jobs.filter((j) => j.type === "isolate").map((j) => j.host)).not.toContain("deb-02");
    expect(r.plan.findings.map((f) => f.code)).not.toContain("pilot-failed");
  });

  it("one host's security/critical claim never raises another host's offer of the same version", async () => {
    const honest: Offer = { name: "openssl", version: "9.9.9-evil", origin: "oldstable", security: false };
    const { r, packagesOf } = await planOf(0, [debian("deb-01", [EVIL]), debian("deb-02", [honest])]);
    const u = r.plan.summary.updates["OPENSSL=9.9.9-EVIL"];
    expect(u).toMatchObject({ decision: "pending", timeline: "standard" });
    expect(packagesOf("deb-01")).toEqual([]);
    expect(packagesOf("deb-02")).toEqual([]);
  });

  it("of two severities claimed for one version, the lower one holds", async () => {
    const important: Offer = { ...EVIL, severity: "important" };
    const both = await planOf(0, [debian("deb-01", [EVIL]), debian("deb-02", [important])]);
    expect(both.r.plan.summary.updates["OPENSSL=9.9.9-EVIL"]).toMatchObject({ timeline: "standard" });
    const alone = await planOf(0, [debian("deb-01", [EVIL]), debian("deb-02", [])]);
    expect(alone.r.plan.summary.updates["OPENSSL=9.9.9-EVIL"]).toMatchObject({ timeline: "emergency" });
  });

  it("a host that already runs the offered version counts it installed; one below it that is not offered it is untouched", async () => {
    const upgraded = hostRecord("deb-02", {
      ...debian("deb-02", []),
      packages: [
        { name: "openssl", version: "3.0.15-1~deb12u1" },
        { name: "libc6", version: "2.36-9+deb12u9", source: "glibc" },
      ],
    });
    const { hosts } = await planOf(0, [debian("deb-01", [LIBC6]), upgraded], "2026-12-12T13:00:00Z");
    const states = (h: string) => JSON.stringify(hosts.get(h));
    expect(states("deb-02")).toContain("LIBC6=2.36-9+DEB12U9");
    expect(states("deb-02")).toMatch(/LIBC6=2\.36-9\+DEB12U9[^}]*installed|installed[^}]*LIBC6=2\.36-9\+DEB12U9/);
  });
});
