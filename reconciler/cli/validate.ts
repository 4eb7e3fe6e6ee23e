// `patchops validate`: syntax, schema and cross-file checks of every policy document.
import type { Command } from "commander";
import { diagnostic, hasErrors, sortDiagnostics, type Diagnostic } from "../diagnostics.js";
import { InventoryReadError, readInventory } from "../inventory/read.js";
import type { PolicySet } from "../model/policy-set.js";
import { selectorCounts } from "../plan/targeting.js";
import { validateSource } from "../validate/validate.js";
import { EXIT, UsageError } from "../errors.js";
import { formatOption, nowOption, repoDir } from "./options.js";
import { diagnosticsAsGithub, diagnosticsAsJson, diagnosticsAsText, summaryLine } from "../views/diagnostics.js";
import type { Io } from "./io.js";
import { policySourceFor } from "../app/policy-source.js";

export function registerValidate(program: Command, io: Io): void {
  program
    .command("validate")
    .description("check every policy document: syntax, schema, cross-file rules")
    .option("--repo <dir>", "policy repository (default: current directory)")
    .option("--ref <ref>", "check the policy at a git ref instead of the working tree")
    .option("--now <iso>", "judge expiry dates at this instant (default: the clock)")
    .option("--format <format>", "text, json or github", "text")
    .option("--inventory <file...>", "also say how many hosts each assignment selector matches in this inventory")
    .action(async (opts: { repo?: string; ref?: string; now?: string; format?: string; inventory?: string[] }) => {
      const format = formatOption(opts.format, ["text", "json", "github"] as const, "text");
      const now = nowOption(opts.now);
      const source = await policySourceFor(repoDir(opts.repo), opts.ref);
      const checked = await validateSource(source, now);
      const { set } = checked;
      const diagnostics = opts.inventory
        ? sortDiagnostics([...checked.diagnostics, ...(await selectorMatches(set, opts.inventory))])
        : checked.diagnostics;
      const documents =
        (set.policy ? 1 : 0) +
        (set.cab ? 1 : 0) +
        set.updates.length +
        set.advisories.length +
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

/** One info finding per selector: how many hosts it matches in the given inventory. */
async function selectorMatches(set: PolicySet, files: string[]): Promise<Diagnostic[]> {
  let inventory;
  try {
    ({ inventory } = await readInventory(files));
  } catch (err) {
    if (err instanceof InventoryReadError) throw new UsageError(err.message);
    throw err;
  }
  const byFile = new Map(set.assignments.map((a) => [a.file, a]));
  return selectorCounts(set, inventory).map((c) =>
    diagnostic(
      "selector-matches",
      "info",
      `selector ${c.selector + 1} matches ${c.hosts} ${c.hosts === 1 ? "host" : "hosts"} in the inventory`,
      byFile.get(c.file)!.at(["spec", "selectors", c.selector]),
    ),
  );
}
