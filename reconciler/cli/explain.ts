// `patchops explain`: why a host gets (or does not get) an update, when, and which file decided it.
import type { Command } from "commander";
import { reconcile } from "../plan/reconcile.js";
import { explainHost } from "../views/explain-text.js";
import { explainHostData } from "../report/explain-data.js";
import { EXIT, UsageError } from "../errors.js";
import { addPlanInputOptions, cabRootOption, githubFromEnvironment } from "./github-options.js";
import type { Io } from "./io.js";
import { loadPlanInputs, type LoadedPlanInputs } from "../app/plan-inputs.js";
import { addInventoryOptions, addResultsOption, formatOption, nowOption, repoDir } from "./options.js";
import { diagnosticsAsText } from "../views/diagnostics.js";
import type { Plan } from "../model/plan.js";
import type { PolicySet } from "../model/policy-set.js";
import { readPlanJson } from "../output/plan-reader.js";
import { partialNames } from "../plan/hosts.js";
import type { ReconcileInput } from "../plan/reconcile.js";

export function registerExplain(program: Command, io: Io): void {
  addPlanInputOptions(
    addResultsOption(
      addInventoryOptions(
        program
          .command("explain")
          .description("explain why a host gets (or does not get) an update, when, and which file decided it"),
        "the inventory the plan is made from",
      ),
    )
      .requiredOption("--host <name>", "the host")
      .option("--update <id>", "one update (default: every update the host is measured against)"),
  )
    .option(
      "--plan <dir>",
      "a plan written from the same policy, inventory and --now: its reference collection is used, and only this host's lines of the inventory are read (fast on a large fleet)",
    )
    .option("--format <format>", "text or json", "text")
    .action(
      async (opts: {
        host: string;
        update?: string;
        inventory: string[];
        inventoryFormat?: string;
        scannedAt?: string;
        repo?: string;
        ref?: string;
        now?: string;
        verifyApprovals: boolean;
        trustLocalApprovals?: boolean;
        githubRepo?: string;
        cacheDir?: string;
        results?: string[];
        cabRoot?: string;
        plan?: string;
        format?: string;
      }) => {
        const format = formatOption(opts.format, ["text", "json"] as const, "text");
        const repo = repoDir(opts.repo);
        const asked = new Set([opts.host.toLowerCase()]);
        const written = opts.plan ? await readPlanJson(opts.plan) : null;
        const scope = written ? writtenScope(written, opts.plan!, asked) : null;
        const loaded = await loadPlanInputs({
          ...opts,
          repo,
          now: scope ? scope.now(opts.now) : nowOption(opts.now),
          only: scope ? (set) => scope.only(set) : undefined,
          // The plan was written, so its policy passed every rule at its instant (which is this one).
          validatedPolicy: written?.inputs?.policy,
          github: opts.verifyApprovals ? githubFromEnvironment(opts) : null,
          cacheDir: opts.cacheDir,
          cabRoot: opts.verifyApprovals ? await cabRootOption(repo, opts) : null,
          warn: (t) => io.err(t),
          // The same pilot history as plan's default, so explain tells the plan's story.
          statusHistory: "patchops-status",
          // Pass one holds summaries; only the host's unit and the reference hosts are read again whole.
          summaries: true,
        });
        try {
          if (scope && loaded.input) {
            scope.check(loaded.input);
            loaded.input.partial = { hosts: asked, reference: written!.pilot.hosts };
          }
          explainUnit(io, opts, asked, loaded, format);
        } finally {
          loaded.input?.inventory.dispose?.();
        }
      },
    );
}

/**
 * What a written plan lends explain: its instant, the hosts worth reading (the asked host, its cluster's nodes and
 * the plan's reference collection), and the check that the plan was made from exactly the inputs explain read.
 */
function writtenScope(plan: Plan, dir: string, asked: ReadonlySet<string>) {
  const again = "; plan again, or explain without --plan";
  let read: { names: ReadonlySet<string>; assignments: PolicySet["assignments"] } | undefined;
  return {
    now(given: string | undefined): number {
      const at = Date.parse(plan.now);
      if (given !== undefined && nowOption(given) !== at)
        throw new UsageError(`--now ${given} is not the instant ${dir} was planned for (${plan.now})${again}`);
      return at;
    },
    only(set: PolicySet): ReadonlySet<string> | undefined {
      // Every line is read where the fleet's lines say more than their own hosts' scans: a selector gives a clustered
      // host its period by the other nodes the inventory reports, and Linux updates found in scans (name=version ids)
      // take their release date, title and classification from every host that offers them.
      if (set.assignments.some((a) => a.spec.selectors.length > 0)) return undefined;
      if (Object.keys(plan.summary.updates).some((id) => id.includes("="))) return undefined;
      const names = partialNames(set, new Map(), { hosts: asked, reference: plan.pilot.hosts });
      read = { names, assignments: set.assignments };
      return names;
    },
    check(input: ReconcileInput): void {
      if (!plan.inputs)
        throw new UsageError(
          `${dir}/plan.json records no fingerprints of its inputs (an older patchops wrote it)${again}`,
        );
      if (input.inputs?.policy !== plan.inputs.policy)
        throw new UsageError(`the policy read is not the one ${dir} was planned from${again}`);
      if (input.inputs?.inventory !== plan.inputs.inventory)
        throw new UsageError(
          `the inventory read is not the one ${dir} was planned from (other bytes, files in another order or split otherwise, --inventory-format or --scanned-at)${again}`,
        );
      if (input.inputs?.applied !== plan.inputs.applied)
        throw new UsageError(
          `approval verification kept another policy than when ${dir} was planned (${input.verification === plan.approvalVerification ? "the reviews it found differ" : `verification ${input.verification} here, ${plan.approvalVerification} in the plan`})${again}`,
        );
      // Verification may restore an assignment (the planned set then holds other assignments than the set read):
      // the lines read must still cover the host's cluster as planned.
      if (!read || input.set.assignments === read.assignments) return;
      const { names } = read;
      const needed = partialNames(input.set, new Map(), { hosts: asked, reference: plan.pilot.hosts });
      if ([...needed].some((n) => !names.has(n)))
        throw new UsageError(
          `approval verification restored an assignment that changes this host's cluster; explain without --plan`,
        );
    },
  };
}

function explainUnit(
  io: Io,
  opts: { host: string; update?: string },
  asked: ReadonlySet<string>,
  loaded: LoadedPlanInputs,
  format: "text" | "json",
): void {
  if (!loaded.input) {
    io.err(diagnosticsAsText(loaded.policyErrors, 0));
    io.exitCode(EXIT.invalid);
    return;
  }
  // Only the host's unit (the host, or its cluster's nodes) is planned, with the fleet-wide facts of pass one.
  const result = reconcile({ ...loaded.input, explainHosts: asked }, { hosts: asked });
  const unknownHost = () => new UsageError(`host '${opts.host}' is neither assigned nor in the inventory`);
  if (format === "json") {
    const data = explainHostData(result, opts.host, opts.update ?? null);
    if (data === null) throw unknownHost();
    io.out(JSON.stringify(data, null, 2) + "\n");
    return;
  }
  const text = explainHost(result, opts.host, opts.update ?? null);
  if (text === null) throw unknownHost();
  io.out(text);
}
