// Option parsing shared by commands: --repo, --now, --format.
import { resolve } from "node:path";
import type { Command } from "commander";
import { INVENTORY_FORMATS } from "../inventory/formats.js";
import { parseInstant } from "../schedule/wall-clock.js";
import { UsageError } from "../errors.js";

export function repoDir(repo: string | undefined): string {
  return resolve(repo ?? process.cwd());
}

/** `--now` as epoch milliseconds; the clock is read here, at the edge, and nowhere in the core. */
export function nowOption(now: string | undefined): number {
  if (now === undefined) return Date.now();
  const t = parseInstant(now);
  if (Number.isNaN(t)) throw new UsageError(`--now '${now}' is not an ISO-8601 instant (e.g. 2026-12-10T09:00:00Z)`);
  return t;
}

export function formatOption<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T): T {
  const v = (value ?? fallback) as T;
  if (!allowed.includes(v)) throw new UsageError(`--format must be one of ${allowed.join(", ")} (found '${value}')`);
  return v;
}

/** The inventory options of every command that reads one (plan, explain, diff). */
export function addInventoryOptions(cmd: Command, inventoryHelp: string): Command {
  return cmd
    .requiredOption("--inventory <file...>", inventoryHelp)
    .option("--inventory-format <format>", `auto, ${INVENTORY_FORMATS.join(", ")}`, "auto")
    .option("--scanned-at <iso>", "scan time for inputs that carry none (osqueryi, Get-HotFix)");
}
