import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Job } from "../../reconciler/model/plan.js";
import { cli, tempRepo } from "../helpers/repo.js";
import { requireTool } from "../helpers/system-tools.js";

/** What ansible-inventory --list prints: groups by name, host variables under _meta. */
interface Listed {
  _meta: { hostvars: Record<string, { patchops_host: string; patchops_jobs: Record<string, unknown> }> };
  [group: string]: unknown;
}
const hostsOf = (listed: Listed, group: string) => (listed[group] as { hosts: string[] }).hosts;

/** The strings of host variables that Ansible would template (not wrapped as unsafe), with their paths. */
function plainStrings(listed: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown, path: string) => {
    if (typeof v === "string") out.push(`${path}: ${v}`);
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
    else if (v && typeof v === "object" && !("__ansible_unsafe" in v))
      for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
  };
  walk((listed as Listed)._meta.hostvars, "hostvars");
  return out;
}

function unwrapUnsafe(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(unwrapUnsafe);
  if (v && typeof v === "object") {
    if ("__ansible_unsafe" in v) return (v as { __ansible_unsafe: unknown }).__ansible_unsafe;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapUnsafe(x)]));
  }
  return v;
}

describe("export ansible", () => {
  it("writes an inventory the real ansible-inventory reads: a group per window, win_updates variables per job", async () => {
    const repo = await tempRepo("plan-basic");
    const out = join(repo, "plan");
    expect(
      (
        await cli(
          "plan",
          "--repo",
          repo,
          "--inventory",
          join(repo, "inventory.jsonl"),
          "--out",
          out,
          "--now",
          "2026-12-10T09:00:00Z",
          "--no-verify-approvals",
        )
      ).code,
    ).toBe(0);
    const file = join(repo, "inventory.yml");
    const r = await cli("export", "ansible", "--plan", out, "--out", file);
    expect(r.code).toBe(0);
    const jobs = (await readFile(join(out, "jobs.ndjson"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Job);
    requireTool("ansible-inventory", "ansible-core");
    const raw = JSON.parse(
      execFileSync("ansible-inventory", ["-i", file, "--list"], {
        encoding: "utf8",
        env: { ...process.env, ANSIBLE_HOME: join(repo, ".ansible"), ANSIBLE_LOCAL_TEMP: join(repo, ".ansible-tmp") },
      }),
    ) as unknown;
    // Ansible lists an !unsafe string as {"__ansible_unsafe": text}: every string of every host is one.
    expect(plainStrings(raw)).toEqual([]);
    const listed = unwrapUnsafe(raw) as Listed;
    expect(
      Object.keys(listed)
        .filter((k) => k !== "_meta")
        .sort(),
    ).toEqual([
      "all",
      "patchops_20261210t120000z_emergency",
      "patchops_20261210t200000z_standard",
      "patchops_20261211t120000z_standard",
      "patchops_20261212t120000z_standard",
      "patchops_20261212t160000z_standard",
      "patchops_20261213t160000z_standard",
      "patchops_emergency",
      "patchops_healthcheck",
      "patchops_install",
    ]);
    const sql = jobs.find((j) => j.host === "sql-1")!;
    const planJson = JSON.parse(await readFile(join(out, "plan.json"), "utf8"));
    const sqlLine = (await readFile(join(out, "jobs.ndjson"), "utf8")).split("\n").find((l) => l.includes(sql.id))!;
    expect(listed._meta.hostvars["sql-1"]!.patchops_host).toBe("sql-1");
    expect(listed._meta.hostvars["sql-1"]!.patchops_jobs["patchops_20261210t200000z_standard"]).toEqual({
      job_id: sql.id,
      host: "sql-1",
      owner: sql.owner,
      type: "install",
      timeline: "standard",
      window_start: "2026-12-10T20:00:00Z",
      window_end: "2026-12-11T00:00:00Z",
      // date -u -d 2026-12-10T20:00:00Z +%s
      window_start_epoch: 1796932800,
      window_end_epoch: 1796947200,
      deadline: "2026-12-11T00:00:00Z",
      accept_list: ["KB300", "KB301"],
      // win_updates validates accept_list only within category_names: the service pack needs ServicePacks.
      category_names: ["SecurityUpdates", "ServicePacks"],
      downloads: [],
      install_steps: [
        { kind: "win_updates", accept_list: ["KB300", "KB301"], category_names: ["SecurityUpdates", "ServicePacks"] },
      ],
      updates: ["KB300", "KB301"],
      markers: [],
      remove: [],
      reboot: true,
      force_install: true,
      priority: "normal",
      pre: [],
      post: [],
      commands: [],
      retry_attempt: 1,
      max_errors: null,
      plan_now: "2026-12-10T09:00:00Z",
      plan_inputs: planJson.inputs,
      policy_revision: null,
      job_line_digest: createHash("sha256").update(sqlLine).digest("hex"),
      job_digest: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(planJson.inputs.policy).toMatch(/^[0-9a-f]{64}$/);
    expect(listed._meta.hostvars["host-e"]!.patchops_jobs["patchops_20261212t120000z_standard"]).toMatchObject({
      reboot: false,
      force_install: false,
    });
    expect(hostsOf(listed, "patchops_healthcheck")).toEqual(["silent"]);
    expect(hostsOf(listed, "patchops_emergency")).toEqual(["host-g"]);
  });

  it("refuses a directory without a plan (exit 2)", async () => {
    const r = await cli("export", "ansible", "--plan", "/nonexistent", "--out", "/tmp/x.yml");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("cannot read the plan in /nonexistent: ENOENT");
  });
});
