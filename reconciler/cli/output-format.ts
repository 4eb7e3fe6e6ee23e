// `--format` for the commands that write files or check something: a person reads text, a script reads JSON.
import type { Command } from "commander";
import type { Io } from "./io.js";
import { formatOption } from "./options.js";

export type OutputFormat = "text" | "json";

export function addFormatOption(cmd: Command): Command {
  return cmd.option("--format <format>", "text or json", "text");
}

export function outputFormat(value: string | undefined): OutputFormat {
  return formatOption(value, ["text", "json"] as const, "text");
}

/** Prints one result: the sentence for people, or the same facts as one JSON document. */
export function printResult(io: Io, format: OutputFormat, text: string, facts: Record<string, unknown>): void {
  io.out(format === "json" ? JSON.stringify(facts, null, 2) + "\n" : text);
}
