// `npm run setup` and the test suite's system-tool checks: a missing tool is named in one line, with its install line.
import { spawnSync } from "node:child_process";
import { mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../helpers/repo.js";
import { chromiumPath, requireTool } from "../helpers/system-tools.js";

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe("npm run setup", () => {
  it("names every missing tool and the exact install line when it cannot install them", async () => {
    // A PATH holding only `id` and no HOME: no git, no ansible-inventory, no chromium, no apt-get, no pwsh, no curl.
    const bin = await mkdtemp(join(tmpdir(), "patchops-path-"));
    dirs.push(bin);
    const id = spawnSync("sh", ["-c", "command -v id"], { encoding: "utf8" }).stdout.trim();
    await symlink(id, join(bin, "id"));
    const env: Record<string, string> = { PATH: bin };
    const r = spawnSync("/bin/bash", [join(ROOT, "scripts/setup.sh")], { cwd: ROOT, encoding: "utf8", env });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(
      [
        "setup: missing git ansible ansible-lint chromium. Install them, then run npm test:",
        "  (no apt-get here) install the equivalents of the Debian packages: git ansible ansible-lint chromium;",
        "  or point CHROMIUM_PATH at an installed Chrome or Chromium",
        "setup: missing PowerShell 7. Install the .NET SDK, then: dotnet tool install --global PowerShell --version 7.6.10",
        "setup: missing Pester 5.7.1; installing it from NuGet needs curl sha256sum python3 mktemp mkdir mv rm",
        "",
      ].join("\n"),
    );
  });
});

describe("system tools in tests", () => {
  it("fail in one line naming the package, not with ENOENT", () => {
    expect(() => requireTool("patchops-no-such-tool", "ansible-core")).toThrow(
      "`patchops-no-such-tool` is not installed: run `npm run setup` (as root it installs it; otherwise `sudo apt-get install -y --no-install-recommends ansible-core`)",
    );
    const saved = process.env.CHROMIUM_PATH;
    process.env.CHROMIUM_PATH = "/nonexistent/chromium";
    try {
      expect(() => chromiumPath()).toThrow(
        /^Chromium \(\/nonexistent\/chromium\) is not installed: run `npm run setup`/,
      );
    } finally {
      if (saved === undefined) delete process.env.CHROMIUM_PATH;
      else process.env.CHROMIUM_PATH = saved;
    }
  });
});
