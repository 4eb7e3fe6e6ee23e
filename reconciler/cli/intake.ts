// `patchops intake`: advisories in (CISA KEV, MSRC CVRF, CSAF 2.0), draft Update files and RFC pull requests out.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Command } from "commander";
import type { AdvisoryUpdate, KnownExploited, NotDrafted } from "../intake/advisory.js";
import { mergeById } from "../intake/advisory.js";
import { admitDrafts } from "../intake/admit.js";
import { draftUpdates, type Draft } from "../intake/draft.js";
import { changeSummary, exploitedChanges, withExploited, type ExploitedChange } from "../intake/recheck.js";
import { isCsaf, parseCsaf } from "../intake/feeds/csaf.js";
import { parseCsafPackages } from "../intake/feeds/csaf-rpm.js";
import { isOsv, parseOsv } from "../intake/feeds/osv.js";
import { isMsrcCvrf, parseMsrcCvrf } from "../intake/feeds/cvrf.js";
import { cvrfXmlToJson, looksLikeCvrfXml } from "../intake/feeds/cvrf-xml.js";
import { isKev, parseKev } from "../intake/feeds/kev.js";
import { exploitedPullRequests, factsPullRequests, pullRequestPlans } from "../intake/pull-requests.js";
import { advisoryFacts, agentSightings, factsSummary, factsText, type FactsChange } from "../intake/facts.js";
import { targetsOf } from "../intake/targets.js";
import { applicability } from "../plan/applicability.js";
import { oneLine } from "../log-safe.js";
import { InventoryReadError, readInventory } from "../inventory/read.js";
import { isoUtc } from "../schedule/wall-clock.js";
import { EXIT, UsageError } from "../errors.js";
import { addGithubOptions, requireGithub, type GithubOptions } from "./github-options.js";
import type { Io } from "./io.js";
import { nowOption, repoDir } from "./options.js";
import { outputFormat, printResult } from "./output-format.js";
import { validPolicyAt } from "./valid-policy.js";
import { diagnosticsAsText } from "../views/diagnostics.js";

export const IRRELEVANT_LOG = "intake/irrelevant.jsonl";
/** What a fresh draft may still lack: its RFC answers and, for an unrated advisory, a severity a person sets. */
// A cluster overlap is planned around (cluster-held), never a reason to stop drafting.
const DRAFT_TOLERATED = ["rfc-todo", "rfc-incomplete", "missing-severity", "cluster-overlap"] as const;

async function readFeeds(files: string[]): Promise<{
  updates: AdvisoryUpdate[];
  kev: Map<string, KnownExploited>;
  notDrafted: NotDrafted[];
  refusedKev: { id: string; reason: string }[];
}> {
  const refusedKev: { id: string; reason: string }[] = [];
  const updates: AdvisoryUpdate[] = [];
  const notDrafted: NotDrafted[] = [];
  const kev = new Map<string, KnownExploited>();
  for (const file of files) {
    let raw: string;
    try {
      raw = (await readFile(file, "utf8")).replace(/^\uFEFF/, "");
    } catch (err) {
      throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    let doc: unknown;
    try {
      doc = looksLikeCvrfXml(raw) ? cvrfXmlToJson(raw) : JSON.parse(raw);
    } catch (err) {
      throw new UsageError(`${file}: not valid JSON or CVRF XML (${(err as Error).message})`);
    }
    // Drafts name the feed by its file name only, never a path of the machine that ran intake.
    const name = basename(file);
    if (isKev(doc)) for (const [k, v] of parseKev(doc, refusedKev)) kev.set(k, v);
    // A loop, not push(...list): a feed with 100,000s of remediations would overflow the call stack.
    else if (isMsrcCvrf(doc)) for (const u of parseMsrcCvrf(doc, name, notDrafted)) updates.push(u);
    else if (isCsaf(doc)) {
      const packages = parseCsafPackages(doc, name);
      const reported: NotDrafted[] = [];
      for (const u of parseCsaf(doc, name, reported)) updates.push(u);
      for (const u of packages) updates.push(u);
      // Red Hat's rpm fixes are drafted by the package reader; only what it could not draft stays reported.
      for (const n of reported)
        if (!(packages.length > 0 && n.reason.startsWith("a Linux package fix"))) notDrafted.push(n);
    } else if (isOsv(doc)) for (const u of parseOsv(doc, name)) updates.push(u);
    else
      throw new UsageError(
        `${file}: not a CISA KEV catalog, an MSRC CVRF document, a CSAF 2.0 advisory or an OSV advisory`,
      );
  }
  return { updates: mergeById(updates), kev, notDrafted, refusedKev };
}

export function registerIntake(program: Command, io: Io): void {
  const cmd = program
    .command("intake")
    .description(
      "turn advisories (CISA KEV, MSRC CVRF as JSON or XML, CSAF 2.0) into draft Update files and RFC pull requests",
    )
    .requiredOption("--feed <file...>", "advisory documents")
    .option("--inventory <file...>", "the latest inventory, for relevance (without it every update is drafted)")
    .option("--repo <dir>", "policy repository (default: current directory)")
    .option("--now <iso>", "the date written into drafts (default: the clock)")
    .option("--dry-run", "print what would be drafted; write nothing")
    .option(
      "--open-prs",
      "open (or update) one pull request per update, or one monthly bundle for rule-covered updates",
    )
    .option("--base <branch>", "the branch pull requests target", "main")
    .option("--format <format>", "text or json", "text");
  addGithubOptions(cmd).action(
    async (
      opts: GithubOptions & {
        feed: string[];
        inventory?: string[];
        repo?: string;
        now?: string;
        dryRun?: boolean;
        openPrs?: boolean;
        base: string;
        format?: string;
      },
    ) => {
      const format = outputFormat(opts.format);
      const repo = repoDir(opts.repo);
      const now = nowOption(opts.now);
      // Drafts waiting for their RFC answers do not stop the next intake.
      const valid = await validPolicyAt(repo, undefined, now, io, DRAFT_TOLERATED);
      if (!valid) return;
      const { updates, kev, notDrafted, refusedKev } = await readFeeds(opts.feed);
      let inventory = null;
      if (opts.inventory) {
        try {
          inventory = (await readInventory(opts.inventory)).inventory;
        } catch (err) {
          if (err instanceof InventoryReadError) throw new UsageError(err.message);
          throw err;
        }
      }
      // What agents already report is enriched (an Advisory file), never drafted: rules decide it per host.
      const facts = advisoryFacts({ set: valid.set, updates, kev, sightings: agentSightings(inventory) });
      const factsChanges: (FactsChange & { text: string })[] = [];
      for (const c of facts.changes) {
        const existing = c.was ? await readFile(join(repo, c.file), "utf8") : null;
        const feeds = opts.feed.map((f) => basename(f)).join(", ");
        factsChanges.push({ ...c, text: factsText(c, existing, feeds, isoUtc(now).slice(0, 10)) });
      }
      const result = draftUpdates({
        updates: updates.filter((u) => !facts.handled.has(u.id)),
        notDrafted,
        kev,
        set: valid.set,
        inventory,
        now: isoUtc(now).slice(0, 10),
      });
      // Files already in the policy that feeds now call exploited: the edit that says so, proposed on its own.
      const feedById = new Map(updates.map((u) => [u.id.toUpperCase(), u]));
      const proposed: (ExploitedChange & { text: string })[] = [];
      for (const c of exploitedChanges({ set: valid.set, feed: feedById, kev })) {
        const text = await readFile(join(repo, c.file), "utf8");
        proposed.push({ ...c, text: withExploited(text, c) });
      }
      const rechecked = new Set(proposed.map((c) => c.id.toUpperCase()));
      result.known = result.known.filter((id) => !rechecked.has(id.toUpperCase()));
      // Nothing the validator would reject is written: such a draft (or edit) is reported with its findings instead.
      const admission = await admitDrafts<
        Draft | (ExploitedChange & { text: string }) | (FactsChange & { text: string })
      >(valid.source, [...result.drafts, ...proposed, ...factsChanges], now, DRAFT_TOLERATED);
      const admitted = new Set(admission.admitted);
      result.drafts = result.drafts.filter((d) => admitted.has(d));
      const changes = proposed.filter((c) => admitted.has(c));
      const factsWritten = factsChanges.filter((c) => admitted.has(c));
      const out: string[] = [
        `intake: ${updates.length} updates in ${opts.feed.length} feed${opts.feed.length === 1 ? "" : "s"}, ${kev.size} known-exploited CVEs, ${notDrafted.length} remediation${notDrafted.length === 1 ? "" : "s"} not drafted`,
      ];
      for (const d of result.drafts) {
        const who = d.relevance
          ? `${d.hosts} hosts (${d.relevance.map((r) => `${r.owner} ${r.hosts}`).join(", ")})`
          : "relevance not computed";
        out.push(
          `  + ${d.update.id.padEnd(10)} ${String(d.update.severity ?? "unrated").padEnd(9)} ${d.timeline === "emergency" ? "EMERGENCY" : "standard "} ${who}${d.kev.length ? `; known exploited, CISA due ${d.kev.map((k) => k.dueDate).join(", ")}` : ""}${d.update.exploited ? `; exploited (${d.update.exploited.sources.join(", ")})` : ""}${d.rule ? `; rule ${d.rule}` : ""}`,
        );
      }
      // A KEV entry no draft may carry is refused like an advisory: reported, the rest of the catalog used.
      result.refused = [...refusedKev, ...(result.refused ?? [])];
      for (const r of result.refused ?? [])
        io.err(`patchops: intake refused ${oneLine(r.id)}: ${oneLine(r.reason)}; the other advisories are drafted\n`);
      if (result.refused?.length) io.exitCode(EXIT.usage);
      for (const r of admission.rejected) {
        io.err(
          `patchops: intake did not write ${r.draft.file}: \`patchops validate\` would reject it; the other drafts are written\n`,
        );
        // The findings only: the summary line would count documents this check did not list.
        io.err(diagnosticsAsText(r.findings, 0).split("\n").slice(0, r.findings.length).join("\n") + "\n");
      }
      if (admission.rejected.length && !result.refused?.length) io.exitCode(EXIT.invalid);
      for (const u of result.unlinked ?? [])
        out.push(`  ! ${u.id} drafted without its advisory link: ${oneLine(u.reason)}`);
      for (const c of changes)
        out.push(`  ! ${changeSummary(c)}; ${opts.dryRun ? "would propose" : "proposed"} in ${c.file}`);
      for (const c of factsWritten)
        out.push(
          `  ~ ${c.id.padEnd(10)} reported by update agents, not drafted: ${factsSummary(c)}; facts ${c.was ? "updated" : "recorded"} in ${c.file}${opts.dryRun ? " (dry run: not written)" : ""}`,
        );
      if (facts.unchanged.length)
        out.push(`  = reported by update agents, facts already recorded: ${facts.unchanged.join(", ")}`);
      // Hosts without an agent scan that advisory text would match get nothing from agent-reported updates: said once.
      if (inventory)
        for (const u of updates) {
          if (!facts.handled.has(u.id)) continue;
          const appliesTo = targetsOf(u);
          if ((appliesTo.os?.length ?? 0) + (appliesTo.products?.length ?? 0) === 0) continue;
          let n = 0;
          for (const rec of inventory.records.values())
            if (!rec.agentScanned && applicability(appliesTo, rec).applies) n++;
          if (n)
            out.push(
              `  ? ${u.id}: ${n === 1 ? "1 host without an agent scan matches" : `${n} hosts without an agent scan match`} it by advisory text; ${n === 1 ? "it gets" : "they get"} it only once ${n === 1 ? "its" : "their"} agent reports it, or from an Update file a person writes`,
            );
        }
      if (result.known.length) out.push(`  = already in the policy: ${result.known.join(", ")}`);
      const logNote = opts.dryRun ? `not logged (dry run)` : `logged to ${IRRELEVANT_LOG}`;
      if (result.irrelevant.length)
        out.push(`  - irrelevant (no affected host), ${logNote}: ${result.irrelevant.map((i) => i.id).join(", ")}`);
      if (result.unknownOs.length)
        out.push(
          `  ? ${result.unknownOs.length} scanned Windows host${result.unknownOs.length === 1 ? "" : "s"} with an OS name patchops does not recognise, not counted for any OS update: ${result.unknownOs.slice(0, 10).join(", ")}${result.unknownOs.length > 10 ? ", …" : ""}`,
        );
      for (const n of result.notDrafted)
        out.push(`  ! not drafted: ${n.vendor} ${n.bulletin} ${n.cve || "(no CVE)"} ${n.product}: ${n.reason}`);
      if (result.notDrafted.length)
        out.push(
          opts.dryRun
            ? `    (dry run: nothing written, nothing logged to ${IRRELEVANT_LOG})`
            : `    (logged to ${IRRELEVANT_LOG} for problem management)`,
        );
      if (!opts.dryRun) {
        // With --open-prs the drafts go to their branches only; the working tree keeps the log.
        for (const d of opts.openPrs ? [] : result.drafts) {
          await mkdir(dirname(join(repo, d.file)), { recursive: true });
          await writeFile(join(repo, d.file), d.text, { flag: "wx" }).catch((err: NodeJS.ErrnoException) => {
            if (err.code !== "EEXIST") throw err;
          });
        }
        // The re-check's edits replace the files they change; the working tree's diff is the proposal.
        for (const c of opts.openPrs ? [] : changes) await writeFile(join(repo, c.file), c.text);
        for (const c of opts.openPrs ? [] : factsWritten) {
          await mkdir(dirname(join(repo, c.file)), { recursive: true });
          await writeFile(join(repo, c.file), c.text);
        }
        const logged = [
          ...result.irrelevant,
          ...result.notDrafted.map((n) => ({
            id: `${n.bulletin}:${n.cve}:${n.product}`,
            title: `${n.vendor} ${n.bulletin} ${n.cve}`,
            products: [n.product],
            reason: `not drafted: ${n.reason}`,
            vendor: n.vendor,
            cve: n.cve,
            source: n.source,
          })),
        ];
        if (logged.length) {
          const log = join(repo, IRRELEVANT_LOG);
          let existing = "";
          try {
            existing = await readFile(log, "utf8");
          } catch {
            // The first irrelevant update starts the log.
          }
          const seen = new Set(
            existing.split("\n").flatMap((l, i) => {
              if (!l.trim()) return [];
              try {
                return [(JSON.parse(l) as { id: string }).id];
              } catch {
                throw new UsageError(
                  `${IRRELEVANT_LOG}:${i + 1} is damaged (not a JSON line); fix or remove that line`,
                );
              }
            }),
          );
          const lines = logged
            .filter((i) => !seen.has(i.id))
            .map((i) => JSON.stringify({ date: isoUtc(now).slice(0, 10), ...i }) + "\n");
          if (lines.length) {
            await mkdir(dirname(log), { recursive: true });
            await writeFile(log, existing + lines.join(""));
          }
        }
      }
      const pullRequests: { url: string; action: "opened" | "updated"; files: number }[] = [];
      if (opts.openPrs && !opts.dryRun) {
        const gh = requireGithub(opts);
        for (const plan of [
          ...pullRequestPlans(result.drafts),
          ...exploitedPullRequests(changes),
          ...factsPullRequests(factsWritten, isoUtc(now).slice(0, 10)),
        ]) {
          await gh.ensureBranch(plan.branch, opts.base);
          for (const f of plan.files) await gh.putFile(plan.branch, f.path, f.text, `intake: ${f.path}`);
          const existing = await gh.openPullFrom(plan.branch);
          const pr = existing ?? (await gh.createPull(plan.branch, opts.base, plan.title, plan.body));
          if (existing) await gh.updatePull(existing.number, plan.title, plan.body);
          await gh.addLabels(pr.number, plan.labels);
          pullRequests.push({ url: pr.url, action: existing ? "updated" : "opened", files: plan.files.length });
          out.push(
            `  ${existing ? "updated" : "opened"} ${pr.url} (${plan.files.length} file${plan.files.length === 1 ? "" : "s"})`,
          );
        }
      }
      printResult(io, format, out.join("\n") + "\n", {
        updates: updates.length,
        feeds: opts.feed.length,
        knownExploitedCves: kev.size,
        drafts: result.drafts.map((d) => ({
          id: d.update.id,
          file: d.file,
          severity: d.update.severity ?? null,
          timeline: d.timeline,
          hosts: d.relevance ? d.hosts : null,
          relevance: d.relevance ?? null,
          knownExploitedDue: d.kev.map((k) => k.dueDate),
          rule: d.rule ?? null,
        })),
        exploited: changes.map((c) => ({
          id: c.id,
          file: c.file,
          sources: c.exploited.sources,
          since: c.exploited.since ?? null,
          was: c.was,
          timeline: c.timeline,
        })),
        advisories: factsWritten.map((c) => ({
          id: c.id,
          file: c.file,
          change: c.was ? "updated" : "new",
          severity: c.facts.severity ?? null,
          cves: c.facts.cves,
          exploited: c.facts.exploited ?? null,
          agents: c.sightings,
        })),
        advisoriesUnchanged: facts.unchanged,
        known: result.known,
        irrelevant: result.irrelevant.map((i) => i.id),
        refused: result.refused ?? [],
        rejected: admission.rejected.map((r) => ({ file: r.draft.file, findings: r.findings })),
        unlinked: result.unlinked ?? [],
        pullRequests,
        dryRun: opts.dryRun === true,
      });
    },
  );
}
