// `patchops init [DIR]`: scaffold a policy repository that depends on patchops instead of forking it.
import { existsSync, readFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { basename, join, relative, resolve, sep } from "node:path";
import type { Command } from "commander";
import {
  KEPT_IF_PRESENT,
  keptManifestProblems,
  packageNameFor,
  releaseSource,
  scaffold,
  sourceProblem,
} from "../app/scaffold.js";
import { writeTreeAtomically } from "../output/atomic.js";
import { UsageError } from "../errors.js";
import type { Io } from "./io.js";
import { formatOption } from "./options.js";
import { packageRoot, packageVersion } from "./package-root.js";

async function readTemplates(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    files.set(relative(dir, full).split(sep).join("/"), await readFile(full, "utf8"));
  }
  return files;
}

/** The git URL of the repository this patchops is released from (its package.json `repository`). */
function packageRepositoryUrl(): string {
  const manifest = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as {
    repository?: string | { url?: string };
  };
  const url = typeof manifest.repository === "string" ? manifest.repository : manifest.repository?.url;
  if (!url) throw new Error("patchops's package.json names no repository");
  return url;
}

export function registerInit(program: Command, io: Io): void {
  program
    .command("init")
    .description("scaffold a policy repository: example policy, inventory, workflows, CODEOWNERS and RFC forms")
    .argument("[dir]", "the folder to scaffold (default: current directory)")
    .option("--force", "overwrite files that already exist (package.json and .gitignore are always kept)")
    .option(
      "--source <spec>",
      "where the new package.json installs patchops from: a release tarball URL, a git URL with a tag, or npm:@org/patchops@VERSION (default: this release's git tag)",
    )
    .option("--format <format>", "text or json", "text")
    .action(async (dir: string | undefined, opts: { force?: boolean; format?: string; source?: string }) => {
      const format = formatOption(opts.format, ["text", "json"] as const, "text");
      const target = resolve(dir ?? ".");
      const source = opts.source ?? releaseSource(packageRepositoryUrl(), packageVersion());
      const problem = sourceProblem(source);
      if (problem) throw new UsageError(`init --source: ${problem}`);
      const files = scaffold(await readTemplates(join(packageRoot(), "templates", "policy-repo")), {
        source,
        name: packageNameFor(basename(target)),
      });
      const kept = [...files.keys()].filter((p) => KEPT_IF_PRESENT.has(p) && existsSync(join(target, p)));
      for (const p of kept) files.delete(p);
      const existing = [...files.keys()].filter((p) => existsSync(join(target, p)));
      if (existing.length > 0 && !opts.force)
        throw new UsageError(
          `init would overwrite ${existing.length} existing file(s) in ${target}: ${existing.join(", ")} (use --force to overwrite)`,
        );
      await writeTreeAtomically(target, files);
      // A kept package.json is the adopter's: init says what would break CI, and changes nothing in it.
      if (kept.includes("package.json"))
        for (const problem of keptManifestProblems(await readFile(join(target, "package.json"), "utf8")))
          io.err(`patchops: warning: ${problem}\n`);
      if (format === "json") {
        io.out(
          JSON.stringify({ dir: target, written: [...files.keys()], kept, overwritten: existing }, null, 2) + "\n",
        );
        return;
      }
      io.out(`Scaffolded a patchops policy repository in ${target}: ${files.size} files written`);
      io.out(kept.length ? `, kept your ${kept.join(" and ")}\n` : "\n");
      if (existing.length) io.out(`Overwrote: ${existing.join(", ")}\n`);
      io.out(
        [
          "Next:",
          "  npm install                      # if patchops is not installed here yet",
          "  npx patchops validate",
          "  npx patchops plan --inventory examples/inventory.jsonl --now 2026-12-10T09:00:00Z --no-verify-approvals",
          "Then put your CAB's GitHub logins in policies/cab.yaml and run `npx patchops codeowners --write`.",
          "",
        ].join("\n"),
      );
    });
}
