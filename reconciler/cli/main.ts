// The patchops command line: builds the program, runs one command, maps failures to exit codes.
import { Command, CommanderError } from "commander";
import { GithubError } from "../github/client.js";
import { oneLine } from "../log-safe.js";
import { EXIT, OperationalError, systemErrorLine, UsageError } from "../errors.js";
import { processIo, type Io } from "./io.js";
import { registerApprovals } from "./approvals.js";
import { registerAudit } from "./audit.js";
import { registerCodeowners } from "./codeowners.js";
import { registerComment } from "./comment.js";
import { registerDiff } from "./diff.js";
import { registerExplain } from "./explain.js";
import { registerExport } from "./export.js";
import { registerIntake } from "./intake.js";
import { registerInventory } from "./inventory-convert.js";
import { registerMerge } from "./merge.js";
import { registerNotify } from "./notify.js";
import { registerPlan } from "./plan.js";
import { registerReport } from "./report.js";
import { registerStatus } from "./status.js";
import { registerValidate } from "./validate.js";
import { registerVerifySource } from "./verify-source.js";
import { registerWindows } from "./windows.js";

export function buildProgram(io: Io): Command {
  const program = new Command("patchops")
    .description("GitOps for update management: policy as YAML in Git, reconciled into deployment jobs")
    .option("--debug", "print stack traces of internal errors")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError("(run patchops --help for usage)");
  registerValidate(program, io);
  registerWindows(program, io);
  registerPlan(program, io);
  registerMerge(program, io);
  registerStatus(program, io);
  registerReport(program, io);
  registerNotify(program, io);
  registerIntake(program, io);
  registerVerifySource(program, io);
  registerExplain(program, io);
  registerExport(program, io);
  registerApprovals(program, io);
  registerDiff(program, io);
  registerComment(program, io);
  registerCodeowners(program, io);
  registerAudit(program, io);
  registerInventory(program, io);
  return program;
}

/** Runs the CLI with the given argv (as process.argv) and returns the exit code. */
export async function main(argv: readonly string[], io: Io & { code: number } = processIo()): Promise<number> {
  const program = buildProgram(io);
  const debug = argv.includes("--debug");
  try {
    await program.parseAsync([...argv]);
    return io.code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help")
        return EXIT.ok;
      return EXIT.usage;
    }
    if (err instanceof UsageError || err instanceof GithubError || err instanceof OperationalError) {
      io.err(`patchops: ${oneLine(err.message)}\n`);
      if (debug) io.err(`${err.stack ?? ""}\n`);
      return EXIT.usage;
    }
    // The disk, the file system or the operating system said no (full, read-only, a file in the way): exit 2.
    const system = systemErrorLine(err);
    if (system) {
      io.err(`patchops: ${oneLine(system)}\n`);
      if (debug) io.err(`${(err as Error)?.stack ?? ""}\n`);
      return EXIT.usage;
    }
    io.err(`patchops: internal error: ${oneLine((err as Error)?.message ?? String(err))}\n`);
    if (debug) io.err(`${(err as Error)?.stack ?? ""}\n`);
    else io.err("(run again with --debug for details, and please report it)\n");
    return EXIT.internal;
  }
}
