// The deploy turn (scripts/deploy.sh, the action's `deploy` command) in a scaffolded policy repository: it runs the
// real ansible-playbook (--list-hosts: it resolves the groups and both inventories without connecting) for exactly
// the windows open at the turn's instant (patchops deploy due), and records the turn on the status branch.
import { execFile, execFileSync } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cli, commitAll, copyRepo, ROOT, tempDir } from "../helpers/repo.js";

let scaffolded = "";
let lastRepo = "";
beforeAll(async () => {
  scaffolded = await tempDir("patchops-deploy-");
  expect((await cli("init", scaffolded)).code).toBe(0);
  // Approved shortly before the turns below: the emergency windows then start at 10:00 and 11:00 UTC.
  commitAll(scaffolded, "patchops init", "2026-12-10T08:30:00Z");
}, 60_000);

async function deployAt(now: string) {
  const repo = await copyRepo(scaffolded);
  const results = join(repo, "results");
  await mkdir(results);
  const env = {
    ...process.env,
    GITHUB_TOKEN: "",
    PATCHOPS_CMD: `node ${join(ROOT, "bin/patchops.js")}`,
    PATCHOPS_PACKAGE_DIR: ROOT,
    PATCHOPS_INVENTORY_PATH: "examples/inventory.jsonl",
    PATCHOPS_RESULTS_DIR: results,
    PATCHOPS_VERIFY: "off",
    PATCHOPS_NOW: now,
    PATCHOPS_PLAYBOOK_ARGS: "--list-hosts",
    ANSIBLE_NOCOLOR: "1",
  };
  return new Promise<{ repo: string; code: number; out: string; err: string }>((done) => {
    execFile("bash", [join(ROOT, "scripts/deploy.sh")], { cwd: repo, env, encoding: "utf8" }, (error, out, err) =>
      done({ repo, code: error ? Number(error.code) : 0, out, err }),
    );
  });
}

/** The window groups ansible-playbook was asked to run, in order. */
function windowPatterns(out: string): string[] {
  // Each run lists the playbook's four plays with the same pattern.
  const runs = [...out.matchAll(/pattern: \['([^']+)'\]/g)].map((m) => m[1]!).filter((p) => /_\d{8}t/.test(p));
  return [...new Set(runs)];
}

describe("the deploy turn", () => {
  it("runs the window groups open at the turn's instant (deploy due), on both sides of each window's bounds", async () => {
    const instants = ["2026-12-10T09:59:59Z", "2026-12-10T10:00:00Z", "2026-12-10T10:59:59Z", "2026-12-10T11:00:00Z"];
    const [t0959, t1000, t1059, t1100] = await Promise.all(instants.map(deployAt));
    lastRepo = t1000!.repo;
    for (const turn of [t0959!, t1000!, t1059!, t1100!]) {
      expect(turn.err).toBe("");
      expect(turn.code).toBe(0);
    }
    expect(windowPatterns(t0959!.out)).toEqual([]);
    expect(windowPatterns(t1000!.out)).toEqual(["patchops_20261210t100000z_emergency"]);
    expect(windowPatterns(t1059!.out)).toEqual(["patchops_20261210t100000z_emergency"]);
    expect(windowPatterns(t1100!.out)).toEqual(["patchops_20261210t110000z_emergency"]);
    // The playbook saw the export and the connection inventory together: the window's hosts are listed.
    expect(t1000!.out).toMatch(/pattern: \['patchops_20261210t100000z_emergency'\]\n\s+hosts \(\d+\):\n\s+app-0\d/);
    // Nothing opens at 09:59:59 and nobody is past the SLA: no playbook runs at all.
    expect(t0959!.out).not.toContain("playbook:");
    expect(
      execFileSync("git", ["log", "--format=%s", "patchops-status"], { cwd: t1000!.repo, encoding: "utf8" }),
    ).toMatch(/^status 2026-12-10T10:00:00Z: /);
  }, 180_000);

  it("merges the scaffold's connection settings into the export: WinRM over HTTPS with Kerberos, credentials from the environment", async () => {
    expect(lastRepo, "the deploy turns ran").not.toBe("");
    const repo = lastRepo;
    // The export holds the jobs due at 10:00: the hosts of the 10:00 emergency window.
    const groups = JSON.parse(
      execFileSync("ansible-inventory", ["-i", "out/ansible-inventory.yml", "--list"], { cwd: repo, encoding: "utf8" }),
    ) as Record<string, { hosts?: string[] }>;
    const due = groups.patchops_20261210t100000z_emergency?.hosts ?? [];
    expect(due.length).toBeGreaterThan(0);
    const host = JSON.parse(
      execFileSync(
        "ansible-inventory",
        ["-i", "out/ansible-inventory.yml", "-i", "deploy/connection.yml", "--host", due[0]!],
        { cwd: repo, encoding: "utf8" },
      ),
    ) as Record<string, unknown>;
    expect(host).toMatchObject({
      ansible_connection: "winrm",
      ansible_port: 5986,
      ansible_winrm_scheme: "https",
      ansible_winrm_transport: "kerberos",
      ansible_password: "{{ lookup('ansible.builtin.env', 'PATCHOPS_WINRM_PASSWORD') }}",
    });
    expect(host.patchops_jobs).toBeDefined();
  }, 60_000);
});
