// `patchops codeowners`: print or write .github/CODEOWNERS generated from cab.yaml and the assignments.
import { join } from "node:path";
import type { Command } from "commander";
import { hasErrors } from "../diagnostics.js";
import { loadPolicySet } from "../load/policy-set.js";
import { writeFilesAtomically } from "../output/atomic.js";
import { CODEOWNERS_PATH, codeowners } from "../policy/codeowners.js";
import { EXIT } from "../errors.js";
import type { Io } from "./io.js";
import { repoDir } from "./options.js";
import { policySourceFor } from "./policy-source.js";
import { diagnosticsAsText } from "./render-diagnostics.js";

export function registerCodeowners(program: Command, io: Io): void {
  program
    .command("codeowners")
    .description("generate .github/CODEOWNERS: policy paths to the CAB, each assignment file to its owner team")
    .option("--repo <dir>", "policy repository (default: current directory)")
    .option("--write", "write .github/CODEOWNERS instead of printing it")
    .action(async (opts: { repo?: string; write?: boolean }) => {
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
      if (opts.write) {
        await writeFilesAtomically(join(repo, ".github"), new Map([["CODEOWNERS", text]]));
        io.out(`Wrote ${CODEOWNERS_PATH}\n`);
      } else io.out(text);
    });
}
