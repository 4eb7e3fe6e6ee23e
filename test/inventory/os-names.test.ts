import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cvrfXmlToJson } from "../../reconciler/intake/feeds/cvrf-xml.js";
import { canonicalOsName, splitOnWindows, windowsOsOf } from "../../reconciler/inventory/os-names.js";
import { satisfies } from "../../reconciler/plan/versions.js";
import { FIXTURES } from "../helpers/repo.js";

const text = (...p: string[]) => readFile(join(FIXTURES, ...p), "utf8");

describe("Windows OS names", () => {
  it("normalises real Win32_OperatingSystem captions (editions, Azure Edition, the Microsoft prefix, ®) to canonical names", async () => {
    const rows = (await text("os-names", "captions.tsv"))
      .split("\n")
      .filter((l) => l && !l.startsWith("#") && !l.startsWith("caption\t"))
      .map((l) => l.split("\t") as [string, string, string]);
    expect(rows.length).toBeGreaterThan(20);
    for (const [caption, version, canonical] of rows)
      expect([caption, canonicalOsName("windows", caption, version)]).toEqual([
        caption,
        { name: canonical, known: true },
      ]);
  });

  it("flags a Windows name it cannot recognise instead of guessing, and leaves other families alone", () => {
    expect(canonicalOsName("windows", "Contoso Server OS 7", "10.0.1")).toEqual({
      name: "Contoso Server OS 7",
      known: false,
    });
    expect(canonicalOsName("windows", null, "10.0.20348")).toEqual({ name: null, known: false });
    // A year-less server caption on a build that is no known release cannot be told apart.
    expect(canonicalOsName("windows", "Microsoft Windows Server Datacenter", "10.0.99999").known).toBe(false);
    expect(canonicalOsName("linux", "Debian GNU/Linux 12 (bookworm)", "12")).toEqual({
      name: "Debian GNU/Linux 12 (bookworm)",
      known: true,
    });
  });

  it("maps every OS of the real April 2016 MSRC product tree, client Windows included, and no application", async () => {
    const doc = cvrfXmlToJson(await text("feeds", "msrc-2016-Apr-trimmed.cvrf.xml")) as {
      ProductTree: { FullProductName: { ProductID: string; Value: string }[] };
    };
    const byName = new Map<string, string>();
    for (const p of doc.ProductTree.FullProductName) {
      const os = windowsOsOf(p.Value);
      byName.set(p.Value, os ? `${os.name}${os.builds ? ` ${os.builds}` : ""}` : "-");
    }
    expect(byName.get("Windows 10 for x64-based Systems")).toBe("Windows 10 >=10.0.10240 <10.0.10241");
    expect(byName.get("Windows 10 Version 1511 for 32-bit Systems")).toBe("Windows 10 >=10.0.10586 <10.0.10587");
    expect(byName.get("Windows 10 Version 1709 for x64-based Systems")).toBe("Windows 10 >=10.0.16299 <10.0.16300");
    expect(byName.get("Windows 8.1 for x64-based systems")).toBe("Windows 8.1");
    expect(byName.get("Windows RT 8.1")).toBe("Windows RT 8.1");
    expect(byName.get("Windows Vista x64 Edition Service Pack 2")).toBe("Windows Vista");
    expect(byName.get("Windows 7 for x64-based Systems Service Pack 1")).toBe("Windows 7");
    expect(byName.get("Windows Server 2012 R2 (Server Core installation)")).toBe("Windows Server 2012 R2");
    expect(byName.get("Windows Server 2012")).toBe("Windows Server 2012");
    expect(byName.get("Windows Server 2008 R2 for x64-based Systems Service Pack 1 (Server Core installation)")).toBe(
      "Windows Server 2008 R2",
    );
    expect(byName.get("Windows Server 2008 for Itanium-Based Systems Service Pack 2")).toBe("Windows Server 2008");
    // Applications are not operating systems, even when they name the Windows they run on.
    expect(byName.get("Microsoft Excel 2016 (64-bit edition)")).toBe("-");
    expect(byName.get("Microsoft .NET Framework 3.5 on Windows 8.1 for x64-based systems")).toBe("-");
    expect(byName.get("Internet Explorer 9 on Windows Vista Service Pack 2")).toBe("-");
    expect(splitOnWindows("Microsoft .NET Framework 3.5 on Windows 8.1 for x64-based systems")).toEqual({
      product: "Microsoft .NET Framework 3.5",
      os: "Windows 8.1 for x64-based systems",
    });
    const oses = [...byName.values()].filter((v) => v !== "-");
    const apps = [...byName].filter(([, v]) => v === "-").map(([k]) => k);
    expect(oses.length).toBe(27);
    expect(apps.every((a) => !/^Windows (Server|\d|RT|Vista)/.test(a))).toBe(true);
  });

  it("puts each real Windows 11 fixed build (Fleet's MSRC excerpt) inside the build range of its product", async () => {
    const fleet = JSON.parse(await text("feeds", "fleet-msrc-windows11-vendorfixes-excerpt-2024-01-31.json")) as {
      Products: Record<string, string>;
      VendorFixes: Record<string, { FixedBuilds: string[]; ProductIDs: Record<string, boolean> }>;
    };
    for (const name of Object.values(fleet.Products)) expect(windowsOsOf(name)?.name).toBe("Windows 11");
    let checked = 0;
    const quirks: string[] = [];
    for (const [kb, fix] of Object.entries(fleet.VendorFixes)) {
      const ranges = Object.keys(fix.ProductIDs).map((id) => windowsOsOf(fleet.Products[id]!)!.builds!);
      for (const build of fix.FixedBuilds) {
        checked++;
        if (!ranges.some((r) => satisfies(build, r))) quirks.push(`KB${kb} ${build}`);
      }
    }
    expect(checked).toBeGreaterThan(40);
    // The excerpt keeps one real quirk: a KB listing a 22H2 build for 21H2 products.
    expect(quirks.length).toBeLessThanOrEqual(1);
  });

  it("reads the OS from real Microsoft Update Catalog titles", async () => {
    for (const f of [
      "msuc-update-f39d68ab-1519-4df8-85c1-d985be7f49c3.json",
      "msuc-update-0b97c243-5833-4bf3-bcf8-77063e53c42a.json",
    ]) {
      const title = (JSON.parse(await text("feeds", f)) as { title: string }).title;
      const product = /for (Windows .*?Systems)/.exec(title)![1]!;
      expect(windowsOsOf(product)).toEqual({ name: "Windows 11", builds: ">=10.0.22621 <10.0.22622" });
    }
  });
});

describe("OS names in Update files", () => {
  it("a vendor's versioned name in appliesTo matches only hosts of that release", async () => {
    const { applicability } = await import("../../reconciler/plan/applicability.js");
    const { fromNative } = await import("../../reconciler/inventory/host-record.js");
    const host = (name: string, version: string) =>
      fromNative(
        {
          host: "h",
          scannedAt: "2026-12-10T04:00:00Z",
          os: { family: "windows", name, version },
          installed: [],
          pendingReboot: false,
          products: [],
          features: [],
        },
        "t:1",
      );
    const appliesTo = {
      os: [
        { family: "windows" as const, names: ["Windows 10 Version 1607 for x64-based Systems", "Windows Server 2016"] },
      ],
    };
    expect(applicability(appliesTo, host("Microsoft Windows 10 Enterprise", "10.0.14393.693")).applies).toBe(true);
    expect(applicability(appliesTo, host("Microsoft Windows 10 Enterprise", "10.0.19045.3803")).applies).toBe(false);
    expect(applicability(appliesTo, host("Microsoft Windows Server 2016 Standard", "10.0.14393.693")).applies).toBe(
      true,
    );
  });
});
