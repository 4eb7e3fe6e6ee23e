// Intake never breaks the repository: drafts pass the project's own validator before they are written, links are
// URLs, drafts name the feed file only, and a dry run says it logged nothing. Real February 2024 MSRC data.
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { advisoryUrl } from "../../reconciler/intake/advisory-url.js";
import { RECORD_PREFIX } from "../../reconciler/intake/draft-record.js";
import { cli, FIXTURES, tempRepo } from "../helpers/repo.js";

const FEB = join(FIXTURES, "intake", "msrc-2024-Feb-slice.cvrf.xml");
const NOW = "2026-12-10T06:00:00Z";

const exists = (f: string) =>
  stat(f).then(
    () => true,
    () => false,
  );

describe("advisory links", () => {
  it("percent-encodes what a URL cannot hold and reports what is no URL", () => {
    // The Visual Studio link as the real February 2024 CVRF writes it (CVE-2024-21386).
    expect(advisoryUrl("https://my.visualstudio.com/Downloads?q=Visual Studio 2022 version 17.8")).toEqual({
      url: "https://my.visualstudio.com/Downloads?q=Visual%20Studio%202022%20version%2017.8",
    });
    expect(advisoryUrl("https://x.example/a%20b?c=d")).toEqual({ url: "https://x.example/a%20b?c=d" });
    expect(advisoryUrl("https://x.example/100%")).toEqual({ url: "https://x.example/100%25" });
    expect(advisoryUrl("https://x.example/é")).toEqual({ url: "https://x.example/%C3%A9" });
    expect(advisoryUrl(null)).toEqual({ url: null });
    expect(advisoryUrl("javascript:alert(1)")).toEqual({
      url: null,
      problem: 'its link "javascript:alert(1)" is not an http(s) URL',
    });
    expect(advisoryUrl("Release Notes")).toEqual({
      url: null,
      problem: 'its link "Release Notes" is not an http(s) URL',
    });
  });
});

describe("patchops intake on the real February 2024 document", () => {
  it("--dry-run writes nothing and says it logged nothing", async () => {
    const repo = await tempRepo("example");
    const before = (await readdir(join(repo, "policies/updates"))).sort();
    const r = await cli(
      "intake",
      "--repo",
      repo,
      "--now",
      NOW,
      "--feed",
      FEB,
      "--inventory",
      join(repo, "examples/inventory.jsonl"),
      "--dry-run",
    );
    expect(r.code).toBe(0);
    // No host runs Visual Studio or .NET in the example fleet.
    expect(r.stdout).toMatch(
      /- irrelevant \(no affected host\), not logged \(dry run\): .*visual-studio-2022-version-17-8-17\.8\.7/,
    );
    expect(r.stdout).not.toContain("logged to");
    expect(await exists(join(repo, "intake/irrelevant.jsonl"))).toBe(false);
    expect((await readdir(join(repo, "policies/updates"))).sort()).toEqual(before);
  });

  it("drafts name the feed file only, write the Visual Studio link encoded, and validate", async () => {
    const repo = await tempRepo("example");
    const r = await cli("intake", "--repo", repo, "--now", NOW, "--feed", FEB);
    expect(r.code).toBe(0);
    const text = await readFile(join(repo, "policies/updates/visual-studio-2022-version-17-8-17.8.7.yaml"), "utf8");
    expect(text).toContain("# Drafted by patchops intake from msrc-2024-Feb-slice.cvrf.xml on 2026-12-10.");
    expect(text).toContain(
      "# Advisory: https://my.visualstudio.com/Downloads?q=Visual%20Studio%202022%20version%2017.8\n",
    );
    expect(text).not.toContain(FIXTURES);
    const record = text.slice(text.indexOf(RECORD_PREFIX) + RECORD_PREFIX.length).trim();
    const decoded = Buffer.from(record, "base64url").toString("utf8");
    expect((JSON.parse(decoded) as { update: { source: string } }).update.source).toBe("msrc-2024-Feb-slice.cvrf.xml");
    expect(decoded).not.toContain(FIXTURES);
    const v = await cli("validate", "--repo", repo, "--now", NOW, "--format", "json");
    const errors = (JSON.parse(v.stdout) as { diagnostics: { code: string; severity: string }[] }).diagnostics.filter(
      (d) => d.severity === "error",
    );
    expect(new Set(errors.map((d) => d.code))).toEqual(new Set(["rfc-todo"]));
  });

  it("a draft the validator would reject is reported with its findings and not written; the others are", async () => {
    // A mistaken hand entry: January's KB5034127 says it supersedes February's KB5034768, which supersedes it.
    const repo = await tempRepo("example");
    const jan = join(repo, "policies/updates/kb5034127.yaml");
    await writeFile(
      jan,
      (await readFile(jan, "utf8")).replace(
        "  restart: required\n",
        "  supersedes: [KB5034768]\n  restart: required\n",
      ),
    );
    const r = await cli("intake", "--repo", repo, "--now", NOW, "--feed", FEB);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "patchops: intake did not write policies/updates/kb5034768.yaml: `patchops validate` would reject it; the other drafts are written",
    );
    expect(r.stderr).toContain(
      "policies/updates/kb5034127.yaml:21:15: error cycle: supersedes forms a cycle: KB5034127 → KB5034768 → KB5034127",
    );
    expect(r.stderr).not.toContain("documents");
    expect(r.stdout).not.toContain("KB5034768");
    expect(await exists(join(repo, "policies/updates/kb5034768.yaml"))).toBe(false);
    expect(await exists(join(repo, "policies/updates/kb5034765.yaml"))).toBe(true);
    const v = await cli("validate", "--repo", repo, "--now", NOW, "--format", "json");
    const codes = (JSON.parse(v.stdout) as { diagnostics: { code: string; severity: string }[] }).diagnostics
      .filter((d) => d.severity === "error")
      .map((d) => d.code);
    expect(new Set(codes)).toEqual(new Set(["rfc-todo"]));
  });
});
