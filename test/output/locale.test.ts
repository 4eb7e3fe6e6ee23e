import { execFile } from "node:child_process";
import { appendFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ROOT, tempRepo } from "../helpers/repo.js";
import { CLI_JS } from "../helpers/child.js";

const run = promisify(execFile);

// Names whose order differs between code-point order and a Danish collation ("aa" sorts after "z" there,
// and case is folded): if any written order came from the locale, these would move.
const EXTRA_HOSTS = ["zulu-db-01", "Zeta-db-01", "ab-web-01", "aa-web-01"].map((host) =>
  JSON.stringify({
    host,
    scannedAt: "2026-12-10T04:00:00Z",
    os: { family: "windows", name: "Windows Server 2022", version: "10.0.20348.2113" },
    installed: [],
  }),
);

function cliUnder(locale: string, ...args: string[]) {
  const env = { ...process.env, LANG: locale, LC_ALL: locale };
  return run(process.execPath, [CLI_JS, ...args], { cwd: ROOT, env });
}

async function planUnder(locale: string, repo: string, out: string): Promise<Record<string, Buffer>> {
  const inventory = join(repo, "examples", "inventory.jsonl");
  const args = ["plan", "--repo", repo, "--inventory", inventory, "--out", out, "--now", "2026-12-10T09:00:00Z"];
  await cliUnder(locale, ...args, "--no-verify-approvals");
  const files: Record<string, Buffer> = {};
  for (const f of ["plan.json", "hosts.ndjson", "jobs.ndjson"]) files[f] = await readFile(join(out, f));
  return files;
}

describe("output bytes do not depend on the machine's locale", () => {
  it("plans byte-identically under da_DK and en_US", async () => {
    const repo = await tempRepo("example");
    await appendFile(join(repo, "examples", "inventory.jsonl"), EXTRA_HOSTS.join("\n") + "\n");
    // Same period, so their jobs sort by host name within one window.
    const names = EXTRA_HOSTS.map((l) => JSON.parse(l).host as string);
    await writeFile(
      join(repo, "windows", "assignments", "locale.yaml"),
      ["apiVersion: patchops/v1", "kind: Assignment", "metadata:", "  name: locale", "spec:", "  owner: locale-team"]
        .concat(
          ["  timetable: datacenter", "  hosts:"],
          names.map((n) => `    - { name: "${n}", period: D2-08 }`),
        )
        .join("\n") + "\n",
    );
    // CODEOWNERS written under one locale passes the staleness check under another.
    await cliUnder("da_DK.UTF-8", "codeowners", "--repo", repo, "--write");
    await cliUnder("en_US.UTF-8", "validate", "--repo", repo);
    const [da, en] = await Promise.all([
      planUnder("da_DK.UTF-8", repo, join(repo, "out-da")),
      planUnder("en_US.UTF-8", repo, join(repo, "out-en")),
    ]);
    const hosts = da["hosts.ndjson"]!.toString()
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l).host);
    expect(hosts).toEqual(expect.arrayContaining(["aa-web-01", "zulu-db-01"]));
    // Host lines sort by lower-cased code point: "aa" before "ab" before "z".
    const extra = hosts.filter((h: string) => EXTRA_HOSTS.some((l) => l.includes(`"${h}"`)));
    expect(extra).toEqual(["aa-web-01", "ab-web-01", "Zeta-db-01", "zulu-db-01"]);
    const jobHosts = da["jobs.ndjson"]!.toString()
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .filter((j) => j.type === "install")
      .map((j) => j.host);
    expect(jobHosts.filter((h: string) => names.includes(h))).toEqual([
      "Zeta-db-01",
      "aa-web-01",
      "ab-web-01",
      "zulu-db-01",
    ]);
    for (const f of Object.keys(da)) expect(da[f]!.equals(en[f]!), f).toBe(true);
  });
});
