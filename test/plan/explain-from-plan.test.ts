// explain --plan: the reference collection from a written plan and only the host's lines of the inventory read; every
// host's trail must be the one a read of the whole fleet gives.
import { appendFile, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateFleet } from "../../bench/fleet.js";
import { readInventory } from "../../reconciler/inventory/read.js";
import { workingTreeSource } from "../../reconciler/load/source.js";
import { partialNames } from "../../reconciler/plan/hosts.js";
import { reconcile, type ReconcileInput } from "../../reconciler/plan/reconcile.js";
import { explainHostData } from "../../reconciler/report/explain-data.js";
import { validateSource } from "../../reconciler/validate/validate.js";
import { cli, commitAll, planArgs, ROOT, tempDir, tempRepo } from "../helpers/repo.js";
import { hostRecord } from "../helpers/plan-fixture.js";
import { stressedFleet } from "../helpers/scenario.js";

const NOW = "2026-12-10T09:00:00Z";

/** Selectors pick the sel-* hosts; the inventory reports their clusters, so their periods depend on each other. */
const SELECTED = `apiVersion: patchops/v1
kind: Assignment
metadata:
  name: zz-selected
spec:
  owner: team-sel
  timetable: dc
  selectors:
    - match: { name: "sel-*" }
      periods: [D1-00, D2-00, D3-00, D4-00]
`;

function selectedHost(i: number): string {
  return JSON.stringify({
    host: `sel-${String(i).padStart(2, "0")}`,
    scannedAt: "2026-12-10T04:00:00Z",
    os: { family: "windows", name: "Windows Server 2022", version: "10.0.20348.4832" },
    installed: ["KB5000001"],
    ...(i < 6 ? { cluster: `sc${i % 2}` } : {}),
  });
}

/**
 * For every host (or, with `everyNth`, every clustered or reference host and every nth of the rest): the explain
 * data of a partial plan (written reference collection, only the wanted lines read, as `explain --plan` does; every
 * line read when `readAll`) equals the data of a plan of the whole fleet.
 */
async function expectEveryHostExplainedAlike(
  repo: string,
  inventory: string[],
  o: { readAll?: boolean; everyNth?: number } = {},
) {
  const now = Date.parse(NOW);
  const { set } = await validateSource(workingTreeSource(repo), now);
  const full = await readInventory(inventory);
  const base: Omit<ReconcileInput, "inventory"> = {
    set,
    now,
    approvals: new Map(),
    verification: "off",
    unverified: new Map(),
    revision: null,
  };
  const names = reconcile({ ...base, inventory: full.inventory }).hosts.map((h) => h.host);
  const whole = reconcile({
    ...base,
    inventory: full.inventory,
    explainHosts: new Set(names.map((n) => n.toLowerCase())),
  });
  const reference = whole.plan.pilot.hosts;
  const telling = new Set([...reference, ...whole.hosts.filter((h) => h.cluster !== null).map((h) => h.host)]);
  const checked = names.filter((n, i) => telling.has(n) || i % (o.everyNth ?? 1) === 0);
  let linesRead = 0;
  for (const name of checked) {
    const asked = new Set([name.toLowerCase()]);
    const only = partialNames(set, new Map(), { hosts: asked, reference });
    const part = await readInventory(inventory, o.readAll ? {} : { only });
    linesRead += part.inventory.records.size + part.inventory.malformed.size;
    const r = reconcile(
      { ...base, inventory: part.inventory, explainHosts: asked, partial: { hosts: asked, reference } },
      { hosts: asked },
    );
    expect(explainHostData(r, name, null), name).toEqual(explainHostData(whole, name, null));
  }
  return { whole, names: checked, linesRead };
}

describe("explain from a written plan", () => {
  it("gives a generated fleet's hosts (clusters, staggered isolation, a running pilot) the trail of a whole-fleet plan, reading few lines", async () => {
    const repo = await tempDir();
    await stressedFleet(repo, { hosts: 300, updates: 40, seed: 11 });
    const { whole, names, linesRead } = await expectEveryHostExplainedAlike(repo, [join(repo, "inventory.jsonl")], {
      everyNth: 5,
    });
    expect(whole.plan.pilot.hosts.length).toBeGreaterThan(3);
    expect(whole.plan.summary.updates["KB5999999"]?.pilot?.state).toBe("running");
    expect(whole.hosts.filter((h) => h.held).length).toBeGreaterThan(3);
    // Isolation is staggered across a cluster's nodes: an explanation needs the node's peers.
    expect(whole.plan.findings.some((f) => f.code === "escalation-staggered")).toBe(true);
    const clustered = new Set(whole.hosts.filter((h) => h.cluster).map((h) => h.host));
    expect(whole.jobs.some((j) => j.type === "notify" && clustered.has(j.host))).toBe(true);
    // Each explain read its host, its cluster's nodes and the reference collection: not the fleet.
    expect(linesRead / names.length).toBeLessThan(whole.plan.pilot.hosts.length + 4);
  });

  it("does so for the embedded example (pilot verdicts and holds, a Debian host, exemptions, a malformed line)", async () => {
    const { whole } = await expectEveryHostExplainedAlike(ROOT, [join(ROOT, "examples", "inventory.jsonl")]);
    const verdicts = Object.values(whole.plan.summary.updates).flatMap((u) => (u.pilot ? [u.pilot.state] : []));
    expect(new Set(verdicts)).toEqual(new Set(["passed", "failed"]));
    expect(whole.hosts.some((h) => (h.held ?? []).length > 0)).toBe(true);
  });

  it("does so where selectors pick clustered hosts (the whole inventory is read then)", async () => {
    const repo = await tempDir();
    await generateFleet(repo, { hosts: 60, updates: 20, seed: 3 });
    await writeFile(join(repo, "windows/assignments/zz-selected.yaml"), SELECTED);
    await appendFile(
      join(repo, "inventory.jsonl"),
      Array.from({ length: 8 }, (_, i) => selectedHost(i)).join("\n") + "\n",
    );
    const inventory = join(repo, "inventory.jsonl");
    const { whole } = await expectEveryHostExplainedAlike(repo, [inventory], { readAll: true });
    expect(whole.hosts.filter((h) => h.host.startsWith("sel-") && h.cluster).length).toBe(6);
    // The command reads every line here: a selected node's period depends on its cluster's other nodes.
    const out = join(repo, "out");
    expect((await cli(...planArgs({ repo, inventory, out, now: NOW }))).code).toBe(0);
    for (const host of ["sel-01", "sel-02", "sel-03"]) {
      const args = ["explain", "--repo", repo, "--host", host, "--inventory", inventory, "--no-verify-approvals"];
      const fast = await cli(...args, "--plan", out);
      expect(fast.code, fast.stderr).toBe(0);
      expect(fast.stdout, host).toBe((await cli(...args, "--now", NOW)).stdout);
    }
  });
});

describe("validateSource with a validated digest", () => {
  it("skips the cross-file rules only for the policy a written plan validated", async () => {
    const now = Date.parse(NOW);
    // An assignment naming a timetable that does not exist: a cross-file error.
    const repo = await tempRepo("plan-basic");
    const file = join(repo, "windows/assignments/team-a.yaml");
    await writeFile(file, (await readFile(file, "utf8")).replace("timetable: dc", "timetable: nowhere"));
    const checked = await validateSource(workingTreeSource(repo), now);
    expect(checked.diagnostics.some((d) => d.severity === "error")).toBe(true);
    const trusted = await validateSource(workingTreeSource(repo), now, checked.set.source.digest);
    expect(trusted.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const other = await validateSource(workingTreeSource(repo), now, "0".repeat(64));
    expect(other.diagnostics).toEqual(checked.diagnostics);
  });
});

describe("patchops explain --plan", () => {
  async function planned() {
    const repo = await tempDir();
    await generateFleet(repo, { hosts: 120, updates: 20, seed: 5 });
    const inventory = join(repo, "inventory.jsonl");
    const out = join(repo, "out");
    const p = await cli(...planArgs({ repo, inventory, out, now: NOW }));
    expect(p.code, p.stderr).toBe(0);
    const explain = (host: string, ...extra: string[]) =>
      cli("explain", "--repo", repo, "--host", host, "--inventory", inventory, "--no-verify-approvals", ...extra);
    return { repo, inventory, out, explain };
  }

  it("tells the story explain tells from the whole inventory, for a cluster node and a reference host", async () => {
    const { out, explain } = await planned();
    const plan = JSON.parse(await readFile(join(out, "plan.json"), "utf8")) as { pilot: { hosts: string[] } };
    for (const host of ["h0", "h1", plan.pilot.hosts[2]!, "h57"]) {
      const fast = await explain(host, "--plan", out);
      const slow = await explain(host, "--now", NOW);
      expect(fast.code, fast.stderr).toBe(0);
      expect(fast.stdout, host).toBe(slow.stdout);
      // --now may be given, but only as the plan's own instant.
      expect((await explain(host, "--plan", out, "--now", NOW)).stdout).toBe(slow.stdout);
    }
  });

  it("refuses a plan made from other inputs: another inventory, policy or instant, or no fingerprints", async () => {
    const { repo, inventory, out, explain } = await planned();
    const other = await explain("h3", "--plan", out, "--now", "2026-12-11T09:00:00Z");
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(
      /--now 2026-12-11T09:00:00Z is not the instant .* was planned for \(2026-12-10T09:00:00Z\); plan again, or explain without --plan/,
    );

    const scanned = await explain("h3", "--plan", out, "--scanned-at", "2026-12-10T05:00:00Z");
    expect(scanned.code).toBe(2);
    expect(scanned.stderr).toMatch(/the inventory read is not the one .* was planned from/);

    const planJson = join(out, "plan.json");
    const text = await readFile(planJson, "utf8");
    await writeFile(planJson, text.replace(/"inputs": \{[^}]*\}/, '"inputs": null'));
    const old = await explain("h3", "--plan", out);
    expect(old.code).toBe(2);
    expect(old.stderr).toMatch(/records no fingerprints of its inputs/);
    await writeFile(planJson, text);

    // A host's line rescanned after the plan: another inventory, though every other line is the same.
    const lines = (await readFile(inventory, "utf8")).split("\n");
    lines[3] = lines[3]!.replace('"scannedAt":"2026-12-10T04:00:00Z"', '"scannedAt":"2026-12-10T04:30:00Z"');
    await writeFile(inventory, lines.join("\n"));
    const rescanned = await explain("h3", "--plan", out);
    expect(rescanned.code).toBe(2);
    expect(rescanned.stderr).toMatch(/the inventory read is not the one .* was planned from/);
    expect(rescanned.stderr).not.toMatch(/at .*\.js/);

    const update = join(repo, "policies/updates", "kb5000001.yaml");
    const original = await readFile(join(repo, "inventory.jsonl"), "utf8");
    expect(original).toContain("04:30:00Z");
    await writeFile(update, (await readFile(update, "utf8")) + "# touched\n");
    const edited = await explain("h3", "--plan", out);
    expect(edited.code).toBe(2);
    expect(edited.stderr).toMatch(/the policy read is not the one .* was planned from/);
  });

  it("reads every line where Linux updates come from the scans (their classification is the least any offer claims)", async () => {
    const deb = (host: string, security = true) =>
      JSON.stringify({
        host,
        scannedAt: "2026-12-01T08:00:00Z",
        os: { family: "linux", name: "Debian 12", version: "12" },
        installed: [],
        packageFormat: "deb",
        packages: [{ name: "openssl", version: "3.0.11-1", arch: "amd64" }],
        availableUpdates: [
          {
            name: "openssl",
            version: "3.0.15-1",
            arch: "amd64",
            origin: "oldstable-security",
            security,
          },
        ],
      });
    const repo = await tempRepo("minimal", {
      "policies/rules/debian-security.yaml":
        'apiVersion: patchops/v1\nkind: ApprovalRule\nmetadata:\n  name: debian-security\nspec:\n  products: ["Debian 12"]\n  classifications: [security]\n  approveAfterDays: 0\n',
      "windows/assignments/team-a.yaml":
        "apiVersion: patchops/v1\nkind: Assignment\nmetadata:\n  name: team-a\nspec:\n  owner: team-a\n  timetable: dc\n  hosts:\n    - { name: deb-a, period: D2-04, role: node }\n    - { name: deb-b, period: D3-04, role: node }\n    - { name: deb-c, period: D4-04, role: node }\n",
      // Only deb-c's scan says the offer is not a security update: that keeps it out of the rule for every host.
      "inv.jsonl": [deb("deb-a"), deb("deb-b"), deb("deb-c", false)].join("\n") + "\n",
    });
    await rm(join(repo, "policies/updates/kb5035857.yaml"));
    const inventory = join(repo, "inv.jsonl");
    const out = join(repo, "out");
    const now = "2026-12-01T09:00:00Z";
    expect((await cli(...planArgs({ repo, inventory, out, now }))).code).toBeLessThan(2);
    for (const host of ["deb-a", "deb-b", "deb-c"]) {
      const args = ["explain", "--repo", repo, "--host", host, "--inventory", inventory, "--no-verify-approvals"];
      const fast = await cli(...args, "--plan", out);
      expect(fast.code, fast.stderr).toBe(0);
      expect(fast.stdout, host).toBe((await cli(...args, "--now", now)).stdout);
      expect(fast.stdout).toContain(`${host}: compliant`);
    }
  });

  it("refuses a plan whose approval verification kept another policy (another mode), and agrees under the same", async () => {
    const repo = await tempRepo("minimal", { "inv.jsonl": JSON.stringify(hostRecord("host-01")) + "\n" });
    commitAll(repo, "policy");
    const inventory = join(repo, "inv.jsonl");
    const out = join(repo, "out");
    const planned = await cli(
      ...planArgs({ repo, inventory, out, now: NOW, verifyApprovals: true }, "--trust-local-approvals"),
    );
    expect(planned.code, planned.stderr).toBeLessThan(2);
    const args = ["explain", "--repo", repo, "--host", "host-01", "--inventory", inventory];
    const off = await cli(...args, "--plan", out, "--no-verify-approvals");
    expect(off.code).toBe(2);
    expect(off.stderr).toMatch(
      /approval verification kept another policy than when .* was planned \(verification off here, verified in the plan\)/,
    );
    const same = await cli(...args, "--plan", out, "--trust-local-approvals");
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toBe((await cli(...args, "--now", NOW, "--trust-local-approvals")).stdout);
  });

  it("says how to make a plan when the directory holds none", async () => {
    const { repo, explain } = await planned();
    const r = await explain("h3", "--plan", join(repo, "nowhere"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read the plan in .*nowhere: ENOENT \(run `patchops plan --inventory FILE` first/);
  });
});
