import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { NotDrafted } from "../../reconciler/intake/advisory.js";
import { parseMsrcCvrf } from "../../reconciler/intake/feeds/cvrf.js";
import { targetsOf } from "../../reconciler/intake/targets.js";
import { fromNative } from "../../reconciler/inventory/host-record.js";
import { windowsOsOf } from "../../reconciler/inventory/os-names.js";
import { applicability } from "../../reconciler/plan/applicability.js";
import { FIXTURES } from "../helpers/repo.js";

interface Fleet {
  Products: Record<string, string>;
  VendorFixes: Record<string, { FixedBuilds: string[]; ProductIDs: Record<string, boolean> }>;
}

/** The MSRC CVRF JSON shape of Fleet's real vendor fixes: one remediation per product, with its release's FixedBuild. */
function cvrfOf(fleet: Fleet, kbs: string[]): unknown {
  const remediations = kbs.flatMap((kb) => {
    const fix = fleet.VendorFixes[kb]!;
    return Object.keys(fix.ProductIDs).map((pid) => {
      const release = windowsOsOf(fleet.Products[pid]!)!.builds!;
      const base = />=(\S+)/.exec(release)![1]!;
      return {
        Type: 2,
        Description: { Value: kb },
        URL: `https://catalog.update.microsoft.com/v7/site/Search.aspx?q=KB${kb}`,
        ProductID: [pid],
        FixedBuild: fix.FixedBuilds.find((b) => b.startsWith(`${base}.`)) ?? fix.FixedBuilds[0],
        RestartRequired: { Value: "Yes" },
        SubType: "Security Update",
      };
    });
  });
  return {
    DocumentTitle: { Value: "January 2024 Security Updates" },
    DocumentTracking: { Identification: { ID: { Value: "2024-Jan" } }, InitialReleaseDate: "2024-01-09T08:00:00Z" },
    ProductTree: {
      FullProductName: Object.entries(fleet.Products).map(([ProductID, Value]) => ({ ProductID, Value })),
    },
    Vulnerability: [{ CVE: "CVE-2024-20653", Threats: [], Remediations: remediations }],
  };
}

const host = (version: string) =>
  fromNative(
    {
      host: "w11",
      scannedAt: "2026-12-10T04:00:00Z",
      os: { family: "windows", name: "Microsoft Windows 11 Enterprise", version },
      installed: [],
      pendingReboot: false,
      products: [],
      features: [],
    },
    "test:1",
  );

describe("version-fixed updates", () => {
  it("a CVRF FixedBuild (Fleet's real Windows 11 KB5034123) becomes a build condition per release", async () => {
    const fleet = JSON.parse(
      await readFile(join(FIXTURES, "feeds", "fleet-msrc-windows11-vendorfixes-excerpt-2024-01-31.json"), "utf8"),
    ) as Fleet;
    const [u] = parseMsrcCvrf(cvrfOf(fleet, ["5034123"]), "fleet.json");
    expect(u!.id).toBe("KB5034123");
    expect(targetsOf(u!)).toEqual({
      os: [
        { family: "windows", names: ["Windows 11"], versions: ">=10.0.22621 <10.0.22621.3007" },
        { family: "windows", names: ["Windows 11"], versions: ">=10.0.22631 <10.0.22631.3007" },
      ],
    });
    const appliesTo = targetsOf(u!);
    // Below the fixed build: needed. At or above it (a later cumulative update): not. Another release: not.
    expect(applicability(appliesTo, host("10.0.22631.2861")).applies).toBe(true);
    expect(applicability(appliesTo, host("10.0.22631.3007")).applies).toBe(false);
    expect(applicability(appliesTo, host("10.0.22631.3085")).applies).toBe(false);
    expect(applicability(appliesTo, host("10.0.22000.2652")).applies).toBe(false);
  });

  it("a vendor fix without a KB but with a fixed build is a version-fixed update; without either it is reported", () => {
    const doc = {
      DocumentTitle: { Value: "December 2023 Security Updates" },
      DocumentTracking: { Identification: { ID: { Value: "2023-Dec" } }, InitialReleaseDate: "2023-12-12T08:00:00Z" },
      ProductTree: {
        FullProductName: [
          { ProductID: "12085", Value: "Microsoft Visual Studio 2022 version 17.8" },
          { ProductID: "11655", Value: "Microsoft Edge (Chromium-based)" },
        ],
      },
      Vulnerability: [
        {
          CVE: "CVE-2023-35390",
          Threats: [{ Type: 3, Description: { Value: "Important" }, ProductID: ["12085"] }],
          Remediations: [
            {
              Type: 2,
              Description: { Value: "Release Notes" },
              URL: "https://learn.microsoft.com/visualstudio/releases/2022/release-notes-v17.8",
              ProductID: ["12085"],
              FixedBuild: "17.8.3",
            },
            {
              Type: 2,
              Description: { Value: "Release Notes" },
              URL: "https://learn.microsoft.com/deployedge/microsoft-edge-relnotes-security",
              ProductID: ["11655"],
            },
          ],
        },
      ],
    };
    const notDrafted: NotDrafted[] = [];
    const [vs, ...rest] = parseMsrcCvrf(doc, "msrc.json", notDrafted);
    expect(rest).toEqual([]);
    expect(vs).toMatchObject({
      id: "visual-studio-2022-version-17-8-17.8.3",
      severity: "important",
      fixed: [{ product: "Microsoft Visual Studio 2022 version 17.8", version: "17.8.3" }],
    });
    expect(targetsOf(vs!)).toEqual({ products: [{ name: "Visual Studio 2022 version 17.8", versions: "<17.8.3" }] });
    expect(notDrafted).toEqual([
      {
        vendor: "Microsoft",
        bulletin: "2023-Dec",
        cve: "CVE-2023-35390",
        product: "Microsoft Edge (Chromium-based)",
        reason: 'vendor fix "Release Notes" names no KB and no fixed build',
        source: "msrc.json",
      },
    ]);
  });
});
