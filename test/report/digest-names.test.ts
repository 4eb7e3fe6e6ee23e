// Owner digests never share a file (review D23): `web platform` and `web_platform` are two teams, two files.
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { digestFileName } from "../../reconciler/report/digest.js";
import { cli, tempRepo } from "../helpers/repo.js";

describe("digestFileName", () => {
  it("keeps a safe lower-case owner name as it is", () => {
    expect(digestFileName("payments-dba")).toBe("digests/payments-dba.md");
    expect(digestFileName("web_platform")).toBe("digests/web_platform.md");
  });

  it("gives every other name its safe form plus a hash of the exact name: no two owners share a file", () => {
    const owners = [
      "web platform",
      "web_platform",
      "Web_Platform",
      "WEB PLATFORM",
      "..",
      "../../etc/passwd",
      "__proto__",
      "web/platform",
      ".hidden",
    ];
    const names = owners.map(digestFileName);
    expect(new Set(names).size).toBe(owners.length);
    // Distinct also on a case-insensitive disk.
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(owners.length);
    for (const n of names) {
      expect(n).toMatch(/^digests\/[a-z0-9_-][a-z0-9._-]*\.md$/);
      expect(n.slice("digests/".length)).not.toContain("/");
    }
    expect(digestFileName("web platform")).toMatch(/^digests\/web_platform-[0-9a-f]{12}\.md$/);
  });
});

describe("report", () => {
  it("writes one digest per owner for web platform and web_platform", async () => {
    const assignment = (name: string, owner: string, host: string) => `apiVersion: patchops/v1
kind: Assignment
metadata:
  name: ${name}
spec:
  owner: ${owner}
  timetable: dc
  hosts:
    - { name: ${host}, period: D1-04 }
`;
    const repo = await tempRepo("minimal", {
      "windows/assignments/team-a.yaml": assignment("team-a", "web platform", "host-01"),
      "windows/assignments/team-b.yaml": assignment("team-b", "web_platform", "host-02"),
    });
    const inv = join(repo, "inv.jsonl");
    await writeFile(
      inv,
      ["host-01", "host-02"]
        .map((host) =>
          JSON.stringify({
            host,
            scannedAt: "2026-12-10T04:00:00Z",
            os: { family: "windows", name: "Windows Server 2022", version: "10.0.20348.2113" },
            installed: [],
          }),
        )
        .join("\n") + "\n",
    );
    const plan = join(repo, "plan");
    const p = await cli(
      "plan",
      "--repo",
      repo,
      "--inventory",
      inv,
      "--out",
      plan,
      "--now",
      "2026-12-10T09:00:00Z",
      "--no-verify-approvals",
    );
    expect(p.code, p.stderr).toBeLessThan(2);
    const site = join(repo, "site");
    const r = await cli("report", "--repo", repo, "--plan", plan, "--out", site);
    expect(r.code, r.stderr).toBe(0);
    const files = (await readdir(join(site, "digests"))).sort();
    expect(files).toHaveLength(2);
    expect(files).toContain("web_platform.md");
    const texts = await Promise.all(files.map((f) => readFile(join(site, "digests", f), "utf8")));
    expect(texts.filter((t) => t.includes("host-01"))).toHaveLength(1);
    expect(texts.filter((t) => t.includes("host-02"))).toHaveLength(1);
  });
});
