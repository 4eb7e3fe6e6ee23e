import { execFileSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, parseDocument } from "yaml";
import type { Job } from "../../reconciler/model/plan.js";
import { FIXTURES, ROOT, cli, tempRepo } from "../helpers/repo.js";

const NOW = "2026-12-10T09:00:00Z";
const SCANNED = "2026-12-10T08:00:00Z";
const LINUX = join(FIXTURES, "linux");

const ASSIGNMENT = `apiVersion: patchops/v1
kind: Assignment
metadata:
  name: team-a
spec:
  owner: team-a
  timetable: dc
  hosts:
    - { name: rhel7-app, period: D2-04, role: app }
    - { name: woody-web, period: D3-04, role: web }
`;

async function convert(...args: string[]): Promise<string> {
  const r = await cli("inventory", "convert", "--scanned-at", SCANNED, ...args);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return r.stdout;
}

/** What a person does to a draft before the CAB reviews it: answer the TODOs, rate it if the vendor did not, decide. */
async function answerDraft(repo: string, file: string): Promise<void> {
  const path = join(repo, file);
  const doc = parseDocument(await readFile(path, "utf8"));
  for (const q of ["servicesImpacted", "concurrentDeployment", "countermeasures", "testStrategy"])
    if (String(doc.getIn(["spec", "rfc", q])).startsWith("TODO"))
      doc.setIn(["spec", "rfc", q], "Answered by the patch administrator");
  if (!doc.hasIn(["spec", "severity"])) doc.setIn(["spec", "severity"], "important");
  // Released years ago: its pilot window is long past, so the RFC sends it without a pilot wave.
  doc.setIn(["spec", "decision"], "approved");
  doc.setIn(["spec", "pilot"], false);
  await writeFile(path, doc.toString());
}

async function planAndExport(repo: string): Promise<{ jobs: Job[]; inventoryFile: string }> {
  const out = join(repo, "out");
  const p = await cli(
    "plan",
    "--repo",
    repo,
    "--inventory",
    join(repo, "inv.jsonl"),
    "--out",
    out,
    "--now",
    NOW,
    "--no-verify-approvals",
  );
  expect(p.stderr).not.toContain("error");
  expect(p.code).toBe(0);
  const jobs = (await readFile(join(out, "jobs.ndjson"), "utf8"))
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Job);
  const inventoryFile = join(repo, "inventory.yml");
  expect((await cli("export", "ansible", "--plan", out, "--out", inventoryFile)).code).toBe(0);
  return { jobs, inventoryFile };
}

function ansibleList(repo: string, file: string): Record<string, unknown> {
  return JSON.parse(
    execFileSync("ansible-inventory", ["-i", file, "--list"], {
      encoding: "utf8",
      env: { ...process.env, ANSIBLE_HOME: join(repo, ".ansible"), ANSIBLE_LOCAL_TEMP: join(repo, ".ansible-tmp") },
    }),
  ) as Record<string, unknown>;
}

describe("Linux advisories end to end: intake, plan, export", () => {
  it("a RHEL 7.6 E4S record and Red Hat's CSAF RHSA-2022:0011: draft, approval, a dnf job at the fixed versions, the Ansible variables", async () => {
    const repo = await tempRepo("minimal", { "windows/assignments/team-a.yaml": ASSIGNMENT });
    // RHSA-2022:0011 fixes telnet for the 7.6 AUS, E4S and TUS streams only: the host is on 7.6 E4S.
    const repolist = join(repo, "repolist.txt");
    await writeFile(
      repolist,
      "repo id                          repo name\nrhel-7-server-e4s-rpms/7Server/x86_64  Red Hat Enterprise Linux 7 Server - Update Services for SAP Solutions (RPMs)\n",
    );
    const record = await convert(
      "--repolist",
      repolist,
      "--from",
      "rpm",
      "--host",
      "rhel7-app",
      "--os-name",
      "Red Hat Enterprise Linux 7",
      "--os-version",
      "7.6",
      join(LINUX, "rhel7-rpm-qa.tsv"),
      "--upgradable",
      join(LINUX, "rhel7-dnf-updateinfo.txt"),
      "--upgradable",
      join(LINUX, "rhel7-check-update.txt"),
    );
    const rec = JSON.parse(record) as { packages: { name: string; version: string }[]; availableUpdates: unknown[] };
    expect(rec.packages.find((p) => p.name === "telnet")).toMatchObject({ version: "1:0.17-64.el7" });
    expect(rec.availableUpdates).toContainEqual({
      name: "telnet",
      version: "1:0.17-65.el7_6",
      arch: "x86_64",
      origin: "RHSA-2022:0011",
      security: true,
      severity: "important",
    });
    expect(rec.availableUpdates).toContainEqual(
      expect.objectContaining({ name: "openssl-libs", origin: "RHBA-2021:4000", security: false }),
    );
    await writeFile(join(repo, "inv.jsonl"), record);

    const intake = await cli(
      "intake",
      "--repo",
      repo,
      "--now",
      NOW,
      "--inventory",
      join(repo, "inv.jsonl"),
      "--feed",
      join(FIXTURES, "feeds", "csaf-rhsa-2022_0011.json"),
    );
    expect(intake.code).toBe(0);
    expect(intake.stdout).toContain("RHSA-2022:0011");
    expect(intake.stdout).toContain("team-a 1");
    const draft = await readFile(join(repo, "policies/updates/rhsa-2022-0011.yaml"), "utf8");
    const applies = (parse(draft) as { spec: { appliesTo: { os: unknown; packages: unknown[] } } }).spec.appliesTo;
    expect(applies.os).toEqual([
      {
        family: "linux",
        names: [
          "Red Hat Enterprise Linux 7.6 AUS",
          "Red Hat Enterprise Linux 7.6 E4S",
          "Red Hat Enterprise Linux 7.6 TUS",
        ],
      },
    ]);
    expect(applies.packages).toContainEqual({
      os: "Red Hat Enterprise Linux 7.6 E4S",
      name: "telnet",
      fixed: "1:0.17-65.el7_6",
      binary: true,
    });
    expect(draft).not.toContain("debuginfo");

    await answerDraft(repo, "policies/updates/rhsa-2022-0011.yaml");
    const { jobs, inventoryFile } = await planAndExport(repo);
    const job = jobs.find((j) => j.host === "rhel7-app" && j.type === "install")!;
    expect(job.updates).toEqual(["RHSA-2022:0011"]);
    expect(job.packages).toEqual(["telnet=1:0.17-65.el7_6", "telnet-server=1:0.17-65.el7_6"]);
    const listed = ansibleList(repo, inventoryFile) as {
      _meta: {
        hostvars: Record<string, { patchops_jobs: Record<string, { packages: unknown[]; platform: unknown }> }>;
      };
    };
    const vars = Object.values(listed._meta.hostvars["rhel7-app"]!.patchops_jobs)[0]!;
    // The export writes every string !unsafe; ansible-inventory --list shows one as {"__ansible_unsafe": text}.
    expect(vars.packages).toEqual([
      { __ansible_unsafe: "telnet=1:0.17-65.el7_6" },
      { __ansible_unsafe: "telnet-server=1:0.17-65.el7_6" },
    ]);
    expect(vars.platform).toEqual({ __ansible_unsafe: "linux" });
  });

  it("an OSV advisory (Debian's DSA-135) reaches the one host with the affected source package on Debian 3.0", async () => {
    const repo = await tempRepo("minimal", { "windows/assignments/team-a.yaml": ASSIGNMENT });
    const dpkg = join(repo, "woody.tsv");
    // A Debian 3.0 host: the binary package of source libapache-mod-ssl, below the fixed 2.8.9-2.
    await writeFile(
      dpkg,
      "apache\t1.3.26-0woody1\ti386\tii \tapache\t1.3.26-0woody1\nlibapache-mod-ssl\t2.8.7-1\ti386\tii \tlibapache-mod-ssl\t2.8.7-1\n",
    );
    const woody = await convert(
      "--from",
      "dpkg",
      "--host",
      "woody-web",
      "--os-name",
      "Debian 3.0",
      "--os-version",
      "3.0",
      dpkg,
    );
    const bookworm = await convert(
      "--from",
      "dpkg",
      "--host",
      "rhel7-app",
      "--os-name",
      "Debian 12",
      "--os-version",
      "12",
      join(LINUX, "dpkg-query-W-debian12-node-image.tsv"),
    );
    await writeFile(join(repo, "inv.jsonl"), woody + bookworm);
    const intake = await cli(
      "intake",
      "--repo",
      repo,
      "--now",
      NOW,
      "--inventory",
      join(repo, "inv.jsonl"),
      "--feed",
      join(FIXTURES, "feeds", "osv-debian-DSA-135.json"),
    );
    expect(intake.code).toBe(0);
    expect(intake.stdout).toMatch(/DSA-135 .* 1 hosts? \(team-a 1\)/);
    const draft = await readFile(join(repo, "policies/updates/dsa-135.yaml"), "utf8");
    expect((parse(draft) as { spec: { appliesTo: { packages: unknown[] } } }).spec.appliesTo.packages).toEqual([
      { os: "Debian 3.0", name: "libapache-mod-ssl", fixed: "2.8.9-2", binary: false },
    ]);
    expect(draft).toContain("# severity: TODO");
    // Unrated, it cannot be planned: validate asks for a severity.
    const refused = await cli("validate", "--repo", repo);
    expect(refused.stdout + refused.stderr).toContain("missing-severity");
    await answerDraft(repo, "policies/updates/dsa-135.yaml");
    const { jobs, inventoryFile } = await planAndExport(repo);
    const install = jobs.filter((j) => j.type === "install");
    expect(install.map((j) => [j.host, j.updates, j.packages])).toEqual([
      ["woody-web", ["DSA-135"], ["libapache-mod-ssl=2.8.9-2"]],
    ]);
    const listed = ansibleList(repo, inventoryFile) as { _meta: { hostvars: Record<string, unknown> } };
    expect(JSON.stringify(listed._meta.hostvars["woody-web"])).toContain("libapache-mod-ssl=2.8.9-2");
  });

  it("deploy/ansible/tasks/linux.yml passes ansible-playbook --syntax-check", async () => {
    const repo = await tempRepo("minimal");
    const playbook = join(repo, "play.yml");
    await writeFile(
      playbook,
      `- hosts: all\n  gather_facts: true\n  tasks:\n    - ansible.builtin.set_fact:\n        patchops_job: "{{ patchops_jobs[window] }}"\n    - ansible.builtin.include_tasks: ${join(ROOT, "deploy/ansible/tasks/linux.yml")}\n`,
    );
    const out = execFileSync("ansible-playbook", ["--syntax-check", "-i", "localhost,", playbook], {
      encoding: "utf8",
      env: { ...process.env, ANSIBLE_HOME: join(repo, ".ansible"), ANSIBLE_LOCAL_TEMP: join(repo, ".ansible-tmp") },
    });
    expect(out).toContain("playbook: ");
    const tasks = await readFile(join(ROOT, "deploy/ansible/tasks/linux.yml"), "utf8");
    expect(tasks).toContain("/var/run/reboot-required");
    expect(tasks).toContain("needs-restarting -r");
    expect(tasks).toContain("patchops_outcomes");
  });

  it("tasks/linux.yml runs for real on this Debian machine: the pkg_mgr fact, the outcome per update, no restart", async () => {
    const repo = await tempRepo("minimal");
    await writeFile(
      join(repo, "play.yml"),
      // tasks/job.yml sets patchops_stage_only before it includes linux.yml: false for a job with force_install true.
      `- hosts: all\n  gather_facts: false\n  vars:\n    patchops_job: "{{ patchops_jobs[window] }}"\n    patchops_stage_only: "{{ patchops_job.type == 'install' and not patchops_job.force_install | bool }}"\n  tasks:\n    - ansible.builtin.include_tasks: ${join(ROOT, "deploy/ansible/tasks/linux.yml")}\n    - ansible.builtin.debug:\n        msg: "OUTCOMES={{ patchops_outcomes | to_json }} MGR={{ ansible_facts['pkg_mgr'] }}"\n`,
    );
    await writeFile(
      join(repo, "inv.yml"),
      `all:\n  hosts:\n    localhost:\n      ansible_connection: local\n      ansible_python_interpreter: /usr/bin/python3\n      patchops_jobs:\n        w1: { job_id: j1, type: install, updates: ["DSA-1"], packages: [], reboot: true, force_install: true, pre: [], post: [] }\n`,
    );
    const out = execFileSync(
      "ansible-playbook",
      ["-i", join(repo, "inv.yml"), join(repo, "play.yml"), "-e", "window=w1"],
      {
        encoding: "utf8",
        env: { ...process.env, ANSIBLE_HOME: join(repo, ".ansible"), ANSIBLE_LOCAL_TEMP: join(repo, ".ansible-tmp") },
      },
    );
    expect(out).toContain('OUTCOMES={\\"DSA-1\\": {\\"status\\": \\"succeeded\\"}} MGR=apt');
    expect(out).toMatch(/restart because the distribution asks for it\] \*+\nskipping/);
    expect(out).toMatch(/failed=0/);
  });
});
