// `patchops init`: the scaffold a policy repository starts from, written from this checkout's templates.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli } from "../helpers/repo.js";

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe("patchops init", () => {
  it("writes the scaffold, keeps the user's package.json, and refuses to overwrite without --force", async () => {
    const dir = await mkdtemp(join(tmpdir(), "patchops-init-"));
    dirs.push(dir);
    const first = await cli("init", dir, "--format", "json");
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const written = (JSON.parse(first.stdout) as { written: string[] }).written;
    expect(written).toEqual([
      ".github/CODEOWNERS",
      ".github/ISSUE_TEMPLATE/exemption-request.yml",
      ".github/ISSUE_TEMPLATE/maintenance-period-change.yml",
      ".github/pull_request_template.md",
      ".github/workflows/patchops-deploy.yml",
      ".github/workflows/patchops-intake.yml",
      ".github/workflows/patchops-reconcile.yml",
      ".github/workflows/patchops-rfc.yml",
      ".gitignore",
      "baselines/windows-server-2022.yaml",
      "deploy/connection.yml",
      "examples/inventory.jsonl",
      "package.json",
      "policies/cab.yaml",
      "policies/policy.yaml",
      "policies/updates/kb5035857.yaml",
      "windows/assignments/app-team.yaml",
      "windows/timetables/datacenter.yaml",
    ]);
    const manifest = JSON.parse(await readFile(join(dir, "package.json"), "utf8")) as {
      devDependencies: Record<string, string>;
      allowScripts: Record<string, boolean>;
    };
    const { version } = JSON.parse(await readFile(join(import.meta.dirname, "../../package.json"), "utf8")) as {
      version: string;
    };
    // The release it was made from, by git URL and tag: never a file: path, never the bare registry name.
    expect(manifest.devDependencies).toEqual({ patchops: `git+https://github.com/patchops/patchops.git#v${version}` });
    expect(manifest.allowScripts).toEqual({ patchops: true });
    expect((await readFile(join(dir, "policies/updates/kb5035857.yaml"), "utf8")).split("\n")[0]).toBe(
      "# yaml-language-server: $schema=../../node_modules/patchops/schemas/update.json",
    );
    expect(await cli("validate", "--repo", dir)).toEqual({ code: 0, stdout: "✓ 6 documents valid\n", stderr: "" });

    // An edited file is never silently replaced.
    await writeFile(join(dir, "policies/policy.yaml"), "# mine\n");
    await writeFile(join(dir, "package.json"), '{ "name": "mine" }\n');
    const again = await cli("init", dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(
      /^patchops: init would overwrite 16 existing file\(s\) in .*\(use --force to overwrite\)\n$/,
    );
    expect(await readFile(join(dir, "policies/policy.yaml"), "utf8")).toBe("# mine\n");

    const forced = await cli("init", dir, "--force");
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/16 files written, kept your \.gitignore and package\.json\nOverwrote: /);
    expect(await readFile(join(dir, "policies/policy.yaml"), "utf8")).not.toBe("# mine\n");
    expect(await readFile(join(dir, "package.json"), "utf8")).toBe('{ "name": "mine" }\n');
  });
});
