// `patchops codeowners`: print or write .github/CODEOWNERS generated from cab.yaml and the assignments.
import { join } from "node:path";
import type { Command } from "commander";
import { hasErrors } from "../diagnostics.js";
import { loadPolicySet } from "../load/policy-set.js";
import { writeFilesAtomically } from "../output/atomic.js";
import { CODEOWNERS_PATH, codeowners } from "../policy/codeowners.js";
import { EXIT } from "../errors.js";
import type { Io } from "./io.js";
import { outputFormat } from "./output-format.js";
import { repoDir } from "./options.js";
import { policySourceFor } from "../app/policy-source.js";
import { diagnosticsAsText } from "../views/diagnostics.js";

export function registerCodeowners(program: Command, io: Io): void {
  program
    .command("codeowners")
    .description("generate .github/CODEOWNERS: policy paths to the CAB, each assignment file to its owner team")
    .option("--repo <dir>", "policy repository (default: current directory)")
    .option("--write", "write .github/CODEOWNERS instead of printing it")
    .option("--format <format>", "text (the file) or json ({path, content, written})", "text")
    .action(async (opts: { repo?: string; write?: boolean; format?: string }) => {
      const format = outputFormat(opts.format);
      const repo = repoDir(opts.repo);
      const { set, diagnostics } = await loadPolicySet(await policySourceFor(repo, undefined));
      if (hasErrors(diagnostics) || !set.cab) {
        io.err(
          diagnosticsAsText(
            diagnostics.filter((d) => d.severity === "error"),
            0,
          ),
        );
        io.exitCode(EXIT.invalid);
        return;
      }
      const text = codeowners(set);
      if (opts.write) await writeFilesAtomically(join(repo, ".github"), new Map([["CODEOWNERS", text]]));
      if (format === "json")
        io.out(JSON.stringify({ path: CODEOWNERS_PATH, content: text, written: opts.write === true }, null, 2) + "\n");
      else io.out(opts.write ? `Wrote ${CODEOWNERS_PATH}\n` : text);
    });
}
