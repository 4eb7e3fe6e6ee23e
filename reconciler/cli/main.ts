// The patchops command line: builds the program, runs one command, maps failures to exit codes.
import { Command, CommanderError } from "commander";
import { oneLine } from "../log-safe.js";
import { EXIT, PatchopsError, systemErrorLine } from "../errors.js";
import { processIo, type Io } from "./io.js";
import { packageVersion } from "./package-root.js";

type Register = (program: Command, io: Io) => void;

/**
 * Each command's module, loaded only when that command runs: importing all of them (Octokit, ajv, luxon, the
 * reconcile…) cost about a second before any work began. Help and unknown commands load them all.
 */
const COMMANDS: ReadonlyArray<readonly [string, () => Promise<Register>]> = [
  ["init", async () => (await import("./init.js")).registerInit],
  ["validate", async () => (await import("./validate.js")).registerValidate],
  ["windows", async () => (await import("./windows.js")).registerWindows],
  ["plan", async () => (await import("./plan.js")).registerPlan],
  ["merge", async () => (await import("./merge.js")).registerMerge],
  ["status", async () => (await import("./status.js")).registerStatus],
  ["report", async () => (await import("./report.js")).registerReport],
  ["intake", async () => (await import("./intake.js")).registerIntake],
  ["verify-source", async () => (await import("./verify-source.js")).registerVerifySource],
  ["explain", async () => (await import("./explain.js")).registerExplain],
  ["exposure", async () => (await import("./exposure.js")).registerExposure],
  ["export", async () => (await import("./export.js")).registerExport],
  ["deploy", async () => (await import("./deploy.js")).registerDeploy],
  ["approvals", async () => (await import("./approvals.js")).registerApprovals],
  ["diff", async () => (await import("./diff.js")).registerDiff],
  ["comment", async () => (await import("./comment.js")).registerComment],
  ["codeowners", async () => (await import("./codeowners.js")).registerCodeowners],
  ["audit", async () => (await import("./audit.js")).registerAudit],
  ["notify", async () => (await import("./notify.js")).registerNotify],
  ["inventory", async () => (await import("./inventory-convert.js")).registerInventory],
];

/** The command argv names: the first argument that is not an option (global options take no value). */
function commandName(argv: readonly string[]): string | undefined {
  return argv.slice(2).find((a) => !a.startsWith("-"));
}

export async function buildProgram(io: Io, argv: readonly string[] = []): Promise<Command> {
  const program = new Command("patchops")
    .description("GitOps for update management: policy as YAML in Git, reconciled into deployment jobs")
    .version(packageVersion(), "-V, --version", "print the patchops version")
    .option("--debug", "print stack traces of internal errors")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError("(run patchops --help for usage; the README has examples)")
    .addHelpText("after", "\nEach command has --help. Documentation: README.md of the patchops package.");
  const name = commandName(argv);
  const chosen = COMMANDS.filter(([n]) => n === name);
  const versionOnly = name === undefined && (argv.includes("--version") || argv.includes("-V"));
  if (!versionOnly) for (const [, load] of chosen.length ? chosen : COMMANDS) (await load())(program, io);
  return program;
}

/** Runs the CLI with the given argv (as process.argv) and returns the exit code. */
export async function main(argv: readonly string[], io: Io & { code: number } = processIo()): Promise<number> {
  const debug = argv.includes("--debug");
  try {
    const program = await buildProgram(io, argv);
    await program.parseAsync([...argv]);
    return io.code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help")
        return EXIT.ok;
      return EXIT.usage;
    }
    if (err instanceof PatchopsError) {
      io.err(`patchops: ${oneLine(err.message)}\n`);
      if (debug) io.err(`${err.stack ?? ""}\n`);
      return err.exit;
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
