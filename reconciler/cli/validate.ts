// `patchops validate`: syntax, schema and cross-file checks of every policy document.
import type { Command } from "commander";
import { hasErrors } from "../diagnostics.js";
import { validateSource } from "../validate/validate.js";
import { EXIT } from "../errors.js";
import { formatOption, nowOption, repoDir } from "./options.js";
import { diagnosticsAsGithub, diagnosticsAsJson, diagnosticsAsText, summaryLine } from "./render-diagnostics.js";
import type { Io } from "./io.js";
import { policySourceFor } from "./policy-source.js";

export function registerValidate(program: Command, io: Io): void {
  program
    .command("validate")
    .description("check every policy document: syntax, schema, cross-file rules")
    .option("--repo <dir>", "policy repository (default: current directory)")
    .option("--ref <ref>", "check the policy at a git ref instead of the working tree")
    .option("--now <iso>", "judge expiry dates at this instant (default: the clock)")
    .option("--format <format>", "text, json or github", "text")
    .action(async (opts: { repo?: string; ref?: string; now?: string; format?: string }) => {
      const format = formatOption(opts.format, ["text", "json", "github"] as const, "text");
      const now = nowOption(opts.now);
      const source = await policySourceFor(repoDir(opts.repo), opts.ref);
      const { set, diagnostics } = await validateSource(source, now);
      const documents =
        (set.policy ? 1 : 0) +
        (set.cab ? 1 : 0) +
        set.updates.length +
        set.rules.length +
        set.exemptions.length +
        set.baselines.length +
        set.timetables.length +
        set.assignments.length;
      if (format === "json") io.out(diagnosticsAsJson(diagnostics, documents));
      else if (format === "github")
        io.out(diagnosticsAsGithub(diagnostics) + summaryLine(diagnostics, documents) + "\n");
      else io.out(diagnosticsAsText(diagnostics, documents));
      io.exitCode(hasErrors(diagnostics) ? EXIT.invalid : EXIT.ok);
    });
}
