import { describe, expect, it } from "vitest";
import { workingTreeSource } from "../../reconciler/load/source.js";
import { validateSource } from "../../reconciler/validate/validate.js";
import { cli, tempRepo } from "../helpers/repo.js";

const NOW = Date.parse("2026-12-01T00:00:00Z");

function update(name: string, spec: string): string {
  return `apiVersion: patchops/v1\nkind: Update\nmetadata:\n  name: ${name}\nspec:\n${spec}`;
}
const BASIC = (id: string, extra = "") =>
  `  id: ${id}\n  title: t\n  classification: update\n  released: 2024-01-01\n${extra}`;

async function codes(files: Record<string, string>, now = NOW) {
  const dir = await tempRepo("minimal", files);
  const { diagnostics } = await validateSource(workingTreeSource(dir), now);
  return diagnostics.map((d) => `${d.severity} ${d.code} ${d.file}:${d.line}:${d.column} ${d.message}`);
}

describe("cross-file rules", () => {
  it("the minimal fixture and the example repository are clean", async () => {
    expect(await codes({})).toEqual([]);
    const r = await cli("validate", "--repo", await tempRepo("example"), "--now", "2026-12-10T09:00:00Z");
    expect(r.stdout).toMatch(/✓ 38 documents valid\n$/);
    expect(r.code).toBe(0);
  });

  it("name must equal the file name", async () => {
    expect(await codes({ "policies/updates/kb1.yaml": update("kb2", BASIC("KB1")) })).toEqual([
      "error name-mismatch policies/updates/kb1.yaml:4:9 metadata.name is 'kb2' but the file is named 'kb1.yaml'",
    ]);
  });

  it("update ids are unique", async () => {
    expect(await codes({ "policies/updates/dup.yaml": update("dup", BASIC("kb5035857")) })).toEqual([
      "error duplicate-update-id policies/updates/kb5035857.yaml:6:7 update KB5035857 is also described by policies/updates/dup.yaml",
    ]);
  });

  it("requires policy.yaml and cab.yaml", async () => {
    const dir = await tempRepo("minimal");
    const { rm } = await import("node:fs/promises");
    await rm(`${dir}/policies/cab.yaml`);
    const { diagnostics } = await validateSource(workingTreeSource(dir), NOW);
    expect(diagnostics.map((d) => d.code)).toEqual(["missing-document"]);
  });

  it("assignments: unknown timetable, unknown period, a host twice, cluster nodes on one day", async () => {
    const out = await codes({
      "windows/assignments/team-b.yaml": [
        "apiVersion: patchops/v1\nkind: Assignment\nmetadata:\n  name: team-b\nspec:\n  owner: team-b\n  timetable: dc\n  hosts:",
        "    - { name: HOST-01, period: D2-04 }",
        "    - { name: sql-a, period: D2-00, cluster: sql }",
        "    - { name: sql-b, period: D2-20, cluster: sql }",
        "    - { name: odd, period: D5-04 }",
        "",
      ].join("\n"),
      "windows/assignments/team-c.yaml":
        "apiVersion: patchops/v1\nkind: Assignment\nmetadata:\n  name: team-c\nspec:\n  owner: team-c\n  timetable: nowhere\n  hosts:\n    - { name: c-1, period: D1-00 }\n",
    });
    expect(out).toEqual([
      "error host-assigned-twice windows/assignments/team-b.yaml:9:15 host HOST-01 is already assigned in windows/assignments/team-a.yaml",
      "error cluster-same-day windows/assignments/team-b.yaml:11:30 cluster 'sql': sql-b and sql-a are on the same day; put each node on a different day",
      "error unknown-period windows/assignments/team-b.yaml:12:28 period 'D5-04' of host odd is not in timetable 'dc' (periods look like D1-00, D1-04, D1-08, …)",
      "error unknown-timetable windows/assignments/team-c.yaml:7:14 timetable 'nowhere' does not exist (known: dc)",
    ]);
  });

  it("references: unknown requires is an error, unknown supersedes is information", async () => {
    const out = await codes({
      "policies/updates/kb1.yaml": update("kb1", BASIC("KB1", "  requires: [KB404]\n  supersedes: [KB0]\n")),
    });
    expect(out).toEqual([
      "error unknown-update policies/updates/kb1.yaml:10:14 KB1 requires KB404, which has no Update file",
      "info unknown-update policies/updates/kb1.yaml:11:16 KB1 supersedes KB0, which has no Update file",
    ]);
  });

  it("cycles in supersedes and requires", async () => {
    const out = await codes({
      "policies/updates/kb1.yaml": update("kb1", BASIC("KB1", "  supersedes: [KB2]\n")),
      "policies/updates/kb2.yaml": update("kb2", BASIC("KB2", "  supersedes: [KB1]\n")),
    });
    expect(out).toEqual(["error cycle policies/updates/kb1.yaml:10:15 supersedes forms a cycle: KB1 → KB2 → KB1"]);
  });

  it("an approved update superseded by an approved one warns", async () => {
    const out = await codes({
      "policies/updates/kb2.yaml": update("kb2", BASIC("KB2", "  decision: approved\n  supersedes: [KB5035857]\n")),
    });
    expect(out).toEqual([
      "warning superseded-approved policies/updates/kb5035857.yaml:11:13 KB5035857 is approved but superseded by approved KB2; only KB2 is deployed",
    ]);
  });

  it("security updates need a severity; emergency approvals need every RFC answer; TODO blocks a merge", async () => {
    const out = await codes({
      "policies/updates/kb1.yaml": update(
        "kb1",
        "  id: KB1\n  title: t\n  classification: security\n  released: 2024-01-01\n",
      ),
      "policies/updates/kb2.yaml": update(
        "kb2",
        "  id: KB2\n  title: t\n  classification: security\n  severity: critical\n  released: 2024-01-01\n  decision: approved\n  rfc:\n    change: patch it\n    testStrategy: TODO\n",
      ),
    });
    expect(out).toEqual([
      "error missing-severity policies/updates/kb1.yaml:8:19 KB1 is a security update without a severity (critical, important, moderate or low)",
      "error rfc-incomplete policies/updates/kb2.yaml:13:5 KB2 is approved on the emergency timeline but its RFC lacks: vulnerability, servicesImpacted, concurrentDeployment, countermeasures, impact",
      "error rfc-todo policies/updates/kb2.yaml:14:19 spec.rfc.testStrategy of KB2 still says TODO",
    ]);
  });

  it("exemptions: a target, not expired (warning), not beyond maxDays (error)", async () => {
    const ex = (name: string, expires: string, target = "  hosts: [host-01]\n") =>
      `apiVersion: patchops/v1\nkind: Exemption\nmetadata:\n  name: ${name}\nspec:\n${target}  updates: ["*"]\n  type: no-force\n  reason: r\n  ticket: T-1\n  expires: ${expires}\n`;
    const out = await codes({
      "policies/exemptions/old.yaml": ex("old", "2026-11-30"),
      "policies/exemptions/far.yaml": ex("far", "2027-06-01"),
      "policies/exemptions/none.yaml": ex("none", "2026-12-20", ""),
      "policies/exemptions/ok.yaml": ex("ok", "2026-12-31"),
    });
    expect(out).toEqual([
      "error exemption-too-long policies/exemptions/far.yaml:11:12 exemption 'far' expires 2027-06-01, more than exemptions.maxDays (90) ahead",
      "error exemption-no-target policies/exemptions/none.yaml:6:3 exemption 'none' names neither hosts nor a selector",
      "warning exemption-expired policies/exemptions/old.yaml:11:12 exemption 'old' expired on 2026-11-30 and no longer applies",
    ]);
  });

  it("timetables: a real zone, valid recurrences, an emergency timeline within the SLA", async () => {
    const out = await codes({
      "windows/timetables/bad.yaml": [
        "apiVersion: patchops/v1\nkind: Timetable\nmetadata:\n  name: bad\nspec:\n  timeZone: Mars/Olympus",
        "  cycle: { anchor: { weekday: tuesday, nth: 2 }, days: 6 }",
        "  emergency: { periodHours: 3, followUpHours: 6 }",
        "  windows:",
        "    - { name: both, rrule: FREQ=WEEKLY, cron: '0 1 * * 0', duration: PT1H }",
        "    - { name: junk, cron: 'not a cron', duration: PT1H }",
        "",
      ].join("\n"),
    });
    expect(out).toEqual([
      "error invalid-time-zone windows/timetables/bad.yaml:6:13 timeZone 'Mars/Olympus' is not an IANA time zone (e.g. Europe/Dublin)",
      "error emergency-sla windows/timetables/bad.yaml:8:14 the emergency timeline of 'bad' takes up to 25 hours, beyond sla.emergencyHours (24)",
      "error invalid-recurrence windows/timetables/bad.yaml:10:7 window 'both': give exactly one of rrule or cron",
      expect.stringMatching(/^error invalid-recurrence windows\/timetables\/bad.yaml:11:7 window 'junk': /),
    ]);
  });

  it("a baseline may not require a rejected update; overlapping rules must agree", async () => {
    const out = await codes({
      "policies/updates/kb9.yaml": update("kb9", BASIC("KB9", "  decision: rejected\n")),
      "baselines/b.yaml":
        "apiVersion: patchops/v1\nkind: Baseline\nmetadata:\n  name: b\nspec:\n  selector: { role: app }\n  requiredUpdates: [KB9]\n  revision: 2026-01-01\n",
      "policies/rules/a.yaml":
        "apiVersion: patchops/v1\nkind: ApprovalRule\nmetadata:\n  name: a\nspec:\n  classifications: [security]\n  approveAfterDays: 0\n",
      "policies/rules/b.yaml":
        "apiVersion: patchops/v1\nkind: ApprovalRule\nmetadata:\n  name: b\nspec:\n  severities: [important]\n  approveAfterDays: 7\n",
    });
    expect(out).toEqual([
      "error rejected-required baselines/b.yaml:7:21 baseline 'b' requires KB9, which is rejected",
      "warning rules-disagree policies/rules/b.yaml:6:3 rules 'a' and 'b' both match KB5035857 but imply different timelines or delays; the first by name wins",
    ]);
  });
});

describe("validate output formats", () => {
  it("json lists every diagnostic with its position", async () => {
    const dir = await tempRepo("minimal", { "policies/updates/kb1.yaml": update("kb2", BASIC("KB1")) });
    const r = await cli("validate", "--repo", dir, "--format", "json", "--now", "2026-12-01T00:00:00Z");
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({
      valid: false,
      errors: 1,
      diagnostics: [{ code: "name-mismatch", file: "policies/updates/kb1.yaml", line: 4, column: 9 }],
    });
  });

  it("github prints workflow commands GitHub turns into inline annotations", async () => {
    const dir = await tempRepo("minimal", { "policies/updates/kb1.yaml": update("kb2", BASIC("KB1")) });
    const r = await cli("validate", "--repo", dir, "--format", "github", "--now", "2026-12-01T00:00:00Z");
    expect(r.stdout.split("\n")[0]).toBe(
      "::error file=policies/updates/kb1.yaml,line=4,col=9,title=patchops name-mismatch::metadata.name is 'kb2' but the file is named 'kb1.yaml'",
    );
  });

  it("a bad --now or --format is a usage error (exit 2)", async () => {
    expect((await cli("validate", "--now", "yesterday")).code).toBe(2);
    const r = await cli("validate", "--format", "xml");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--format must be one of text, json, github");
  });
});

describe("CODEOWNERS", () => {
  it("is generated from cab.yaml and the assignments, and validate flags a stale one", async () => {
    const dir = await tempRepo("minimal");
    const printed = await cli("codeowners", "--repo", dir);
    expect(printed.stdout).toContain("/policies/ @alice @bob @carol\n");
    expect(printed.stdout).toContain("/windows/assignments/team-a.yaml @alice @bob @carol\n");
    await cli("codeowners", "--repo", dir, "--write");
    expect((await cli("validate", "--repo", dir, "--now", "2026-12-01T00:00:00Z")).code).toBe(0);
    const { writeFile } = await import("node:fs/promises");
    await writeFile(
      `${dir}/policies/cab.yaml`,
      "apiVersion: patchops/v1\nkind: ChangeAdvisoryBoard\nmetadata:\n  name: cab\nspec:\n  members: [alice, bob, carol]\n  teams: { team-a: [tina] }\n",
    );
    const stale = await cli("validate", "--repo", dir, "--now", "2026-12-01T00:00:00Z");
    expect(stale.code).toBe(1);
    expect(stale.stdout).toContain(".github/CODEOWNERS:1:1: error codeowners-stale");
  });

  it("the repository's own CODEOWNERS is current", async () => {
    const r = await cli("validate", "--repo", await tempRepo("example", {}), "--now", "2026-12-10T09:00:00Z");
    expect(r.code).toBe(0);
  });
});
