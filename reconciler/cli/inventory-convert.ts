// `patchops inventory convert`: dpkg-query or rpm -qa output (plus apt/dnf upgrade lists) into one native inventory record.
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { checkRecord } from "../inventory/native/parse.js";
import { convertLinux } from "../inventory/linux/convert.js";
import type { UpgradableFormat } from "../inventory/linux/upgradable.js";
import { EXIT, UsageError } from "../errors.js";
import type { Io } from "./io.js";

interface ConvertOptions {
  from: string;
  host: string;
  scannedAt: string;
  osName: string;
  osVersion: string;
  upgradable: string[];
  upgradableFormat?: string;
  rebootRequired?: boolean;
  repolist?: string;
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

export function registerInventory(program: Command, io: Io): void {
  const inventory = program.command("inventory").description("convert scanner output into native inventory records");
  inventory
    .command("convert")
    .description("print one native inventory record from dpkg-query or rpm -qa output and apt/dnf upgrade lists")
    .argument("<installed>", "dpkg-query -W -f=... or rpm -qa --qf ... output (see the README)")
    .requiredOption("--from <tool>", "dpkg or rpm")
    .requiredOption("--host <name>", "the host's name as in its assignment")
    .requiredOption("--scanned-at <iso>", "when the lists were taken (ISO-8601 with offset)")
    .requiredOption("--os-name <name>", "the OS name rules and updates match, e.g. 'Debian 12'")
    .requiredOption("--os-version <version>", "dotted OS version, e.g. 12.7")
    .option(
      "--upgradable <file>",
      "apt list --upgradable, dnf updateinfo list --available or dnf check-update output (repeatable)",
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option("--upgradable-format <format>", "apt, dnf-updateinfo or dnf-check-update (default: detected)")
    .option(
      "--repolist <file>",
      "dnf repolist --enabled output: an EUS, E4S, AUS or TUS repository pins a RHEL host to its minor release's stream",
    )
    .option(
      "--reboot-required",
      "the host waits for a restart (/var/run/reboot-required, or needs-restarting -r exit 1)",
    )
    .action(async (installedFile: string, opts: ConvertOptions) => {
      if (opts.from !== "dpkg" && opts.from !== "rpm")
        throw new UsageError(`--from must be dpkg or rpm, not '${opts.from}'`);
      const fmt = opts.upgradableFormat;
      if (fmt !== undefined && fmt !== "apt" && fmt !== "dnf-updateinfo" && fmt !== "dnf-check-update")
        throw new UsageError(`--upgradable-format must be apt, dnf-updateinfo or dnf-check-update, not '${fmt}'`);
      if (Number.isNaN(Date.parse(opts.scannedAt)) || !/T.*(Z|[+-]\d\d:\d\d)$/.test(opts.scannedAt))
        throw new UsageError(`--scanned-at must be an ISO-8601 instant with offset, not '${opts.scannedAt}'`);
      const { record, problems, warnings } = convertLinux({
        from: opts.from,
        host: opts.host,
        scannedAt: opts.scannedAt,
        osName: opts.osName,
        osVersion: opts.osVersion,
        pendingReboot: opts.rebootRequired === true,
        installed: { file: installedFile, text: await readText(installedFile) },
        ...(opts.repolist ? { repolist: { file: opts.repolist, text: await readText(opts.repolist) } } : {}),
        upgradable: await Promise.all(
          opts.upgradable.map(async (file) => ({
            file,
            text: await readText(file),
            ...(fmt ? { format: fmt as UpgradableFormat } : {}),
          })),
        ),
      });
      for (const p of warnings) io.err(`${p.file}:${p.line}:${p.column}: warning dpkg-unfinished: ${p.reason}\n`);
      for (const p of problems) io.err(`${p.file}:${p.line}:${p.column}: error inventory-malformed: ${p.reason}\n`);
      if (!record) {
        io.err(`✗ no record written: ${problems.length} line${problems.length === 1 ? "" : "s"} not understood\n`);
        io.exitCode(EXIT.invalid);
        return;
      }
      const checked = checkRecord(record);
      if (!checked.record) {
        io.err(`✗ the record would be invalid: ${checked.error}\n`);
        io.exitCode(EXIT.invalid);
        return;
      }
      io.out(`${JSON.stringify(record)}\n`);
    });
}
