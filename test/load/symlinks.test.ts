import { execFileSync } from "node:child_process";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { withoutSource } from "../../reconciler/load/yaml-file.js";
import { cli, commitAll, tempRepo } from "../helpers/repo.js";

// The working-tree source (what `validate` reads in the pull-request workflow) and symbolic links (issue 21, 15).
const SECRET = "basic eC1hY2Nlc3MtdG9rZW46Z2hzX1NFQ1JFVA==";

async function repoWithGit(): Promise<string> {
  const repo = await tempRepo("minimal");
  commitAll(repo, "policy");
  // What actions/checkout leaves in .git/config with persist-credentials.
  execFileSync("git", ["config", "http.https://github.com/.extraheader", `AUTHORIZATION: ${SECRET}`], { cwd: repo });
  return repo;
}

describe("symbolic links in the working tree", () => {
  it("a link to .git/config is refused and its content (a credential) is never echoed", async () => {
    const repo = await repoWithGit();
    await symlink("../../.git/config", join(repo, "policies/updates/cfg.yaml"));
    for (const format of ["text", "json", "github"]) {
      const r = await cli("validate", "--repo", repo, "--format", format);
      expect(r.code).toBe(1);
      const out = r.stdout + r.stderr;
      expect(out).toContain("symlink-refused");
      expect(out).toContain("policies/updates/cfg.yaml");
      expect(out).not.toContain("eC1hY2Nlc3M");
      expect(out).not.toContain("extraheader");
    }
  });

  it("a link to another file in the checkout outside the policy folders (.env) is refused, unread", async () => {
    const repo = await repoWithGit();
    await writeFile(join(repo, ".env.local"), `TOKEN="${SECRET}"\n`);
    await symlink("../../.env.local", join(repo, "policies/updates/env.yaml"));
    const r = await cli("validate", "--repo", repo, "--format", "json");
    const d = JSON.parse(r.stdout) as { diagnostics: { code: string; file: string; message: string }[] };
    expect(d.diagnostics).toEqual([
      expect.objectContaining({ code: "symlink-refused", file: "policies/updates/env.yaml" }),
    ]);
    expect(r.stdout).not.toContain("eC1h");
  });

  it("a link loop is one diagnostic, not a re-walk of the repository", async () => {
    const repo = await repoWithGit();
    await mkdir(join(repo, "node_modules/pkg"), { recursive: true });
    await writeFile(join(repo, "node_modules/pkg/x.yaml"), "a: 1\n");
    await symlink("..", join(repo, "policies/loop"));
    await symlink(".", join(repo, "policies/updates/self"));
    await symlink("me.yaml", join(repo, "policies/updates/me.yaml"));
    const r = await cli("validate", "--repo", repo, "--format", "json");
    expect(r.code).toBe(1);
    const d = JSON.parse(r.stdout) as { documents: number; diagnostics: { code: string; file: string }[] };
    expect(d.diagnostics.map((x) => [x.code, x.file])).toEqual([
      ["symlink-refused", "policies/loop"],
      ["symlink-refused", "policies/updates/me.yaml"],
      ["symlink-refused", "policies/updates/self"],
    ]);
    // The minimal repository's five documents, each read once.
    expect(d.documents).toBe(5);
    expect(r.stdout.length).toBeLessThan(5000);
  });

  it("a link to a policy folder already read is reported, not read twice", async () => {
    const repo = await repoWithGit();
    await mkdir(join(repo, "policies/shared"), { recursive: true });
    const r0 = await cli("validate", "--repo", repo, "--format", "json");
    const before = JSON.parse(r0.stdout) as { documents: number };
    await symlink("policies/updates", join(repo, "baselines"));
    const r = await cli("validate", "--repo", repo, "--format", "json");
    const d = JSON.parse(r.stdout) as { diagnostics: { code: string }[] };
    // baselines -> policies/updates is inside the policy folders: followed, but the folder is read only once.
    expect(d.diagnostics.map((x) => x.code)).toEqual(["symlink-refused"]);
    expect(before.documents).toBe(5);
  });

  it("a link to a file inside the policy folders is refused too, and its target is not called ignored", async () => {
    const repo = await repoWithGit();
    await writeFile(join(repo, "policies/updates/notes.txt"), "not policy\n");
    await symlink("notes.txt", join(repo, "policies/updates/kb1.yaml"));
    const r = await cli("validate", "--repo", repo, "--format", "json");
    const d = JSON.parse(r.stdout) as { diagnostics: { code: string; file: string; message: string }[] };
    expect(d.diagnostics.map((x) => [x.code, x.file])).toEqual([
      ["symlink-refused", "policies/updates/kb1.yaml"],
      ["stray-file", "policies/updates/notes.txt"],
    ]);
    expect(d.diagnostics[0]!.message).toContain("links are never followed");
    // Committed, the same link is mode 120000 in git: refused the same way when the policy is read at a ref.
    commitAll(repo, "link");
    const g = await cli("validate", "--repo", repo, "--ref", "HEAD", "--format", "json");
    const dg = JSON.parse(g.stdout) as { diagnostics: { code: string; file: string; message: string }[] };
    expect(dg.diagnostics.map((x) => [x.code, x.file])).toEqual([
      ["symlink-refused", "policies/updates/kb1.yaml"],
      ["stray-file", "policies/updates/notes.txt"],
    ]);
    expect(dg.diagnostics[0]!.message).toContain("mode 120000");
  });

  it("YAML errors never quote the offending text", () => {
    expect(withoutSource(`Unexpected scalar token in YAML stream: "${SECRET}"`)).toBe(
      "Unexpected scalar token in YAML stream",
    );
    expect(withoutSource(`Not a YAML token: ${SECRET}`)).toBe("Not a YAML token");
    expect(withoutSource("x".repeat(500)).length).toBeLessThanOrEqual(161);
  });
});

describe("encodings of policy files", () => {
  it("a UTF-16 file with a byte-order mark is named as such, not as binary", async () => {
    const text = "apiVersion: patchops/v1\nkind: Update\n";
    const repo = await tempRepo("minimal", {
      "policies/updates/u16.yaml": Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]),
    });
    const r = await cli("validate", "--repo", repo, "--format", "json");
    const d = JSON.parse(r.stdout) as { diagnostics: { code: string; message: string }[] };
    expect(d.diagnostics).toEqual([
      expect.objectContaining({ code: "not-utf8", message: expect.stringContaining("is UTF-16LE") }),
    ]);
  });
});
