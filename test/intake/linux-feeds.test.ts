import { readFile } from "node:fs/promises";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCsafPackages, rhelNameOf } from "../../reconciler/intake/feeds/csaf-rpm.js";
import { isOsv, osNameOfEcosystem, parseOsv } from "../../reconciler/intake/feeds/osv.js";
import { convertLinux } from "../../reconciler/inventory/linux/convert.js";
import { FIXTURES } from "../helpers/repo.js";

const feed = async (name: string): Promise<unknown> =>
  JSON.parse(await readFile(join(FIXTURES, "feeds", name), "utf8")) as unknown;

describe("Linux advisory feeds", () => {
  it("Red Hat CSAF: rpm packages per RHEL release, without source and debug packages", async () => {
    const [u] = parseCsafPackages(await feed("csaf-rhsa-2022_0011.json"), "rhsa.json");
    expect(u).toMatchObject({
      id: "RHSA-2022:0011",
      severity: "important",
      cves: ["CVE-2020-10188"],
      released: "2022-01-04",
    });
    // RHSA-2022:0011 is for the 7.6 AUS, E4S and TUS streams only (its product tree names no other RHEL 7 product).
    expect(u!.packages).toEqual(
      ["AUS", "E4S", "TUS"].flatMap((stream) => [
        { os: `Red Hat Enterprise Linux 7.6 ${stream}`, name: "telnet", fixed: "1:0.17-65.el7_6", binary: true },
        { os: `Red Hat Enterprise Linux 7.6 ${stream}`, name: "telnet-server", fixed: "1:0.17-65.el7_6", binary: true },
      ]),
    );
    expect(rhelNameOf("Red Hat Enterprise Linux Server E4S (v. 7.6)")).toBe("Red Hat Enterprise Linux 7.6 E4S");
    expect(rhelNameOf("Red Hat Enterprise Linux AppStream (v. 9)")).toBe("Red Hat Enterprise Linux 9");
    expect(rhelNameOf("Red Hat OpenShift Container Platform 4.6")).toBeNull();
  });

  it("a CSAF advisory about container images and an OSV record for Alpine yield no Linux update", async () => {
    expect(parseCsafPackages(await feed("csaf-rhsa-2021_5186.json"), "x")).toEqual([]);
    const alpine = await feed("osv-alpine-CVE-2018-5407.json");
    expect(isOsv(alpine)).toBe(true);
    expect(parseOsv(alpine, "x")).toEqual([]);
  });

  it("OSV ecosystems map to the OS names hosts report", () => {
    expect(osNameOfEcosystem("Debian:12")).toBe("Debian 12");
    expect(osNameOfEcosystem("Ubuntu:22.04:LTS")).toBe("Ubuntu 22.04");
    expect(osNameOfEcosystem("Ubuntu:Pro:18.04:LTS")).toBe("Ubuntu 18.04");
    expect(osNameOfEcosystem("Red Hat:enterprise_linux:9::appstream")).toBe("Red Hat Enterprise Linux 9");
    expect(osNameOfEcosystem("Rocky Linux:9")).toBe("Rocky Linux 9");
    expect(osNameOfEcosystem("PyPI")).toBeNull();
  });

  it("the converter never throws on arbitrary text: it returns a record or line problems", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 300 }),
        fc.string({ maxLength: 300 }),
        fc.boolean(),
        (installed, upgradable, rpm) => {
          const r = convertLinux({
            from: rpm ? "rpm" : "dpkg",
            host: "h",
            scannedAt: "2026-11-22T10:00:00Z",
            osName: "Debian 12",
            osVersion: "12",
            installed: { file: "i", text: installed },
            upgradable: [{ file: "u", text: upgradable }],
          });
          expect(r.record !== null || r.problems.length > 0).toBe(true);
          for (const p of r.problems) expect(p.line).toBeGreaterThan(0);
        },
      ),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 60) * 5 },
    );
  });
});
