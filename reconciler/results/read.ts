// Reads job result files (the playbook's NDJSON, or Ansible JSON callback output) for plan, explain, report and status.
import { InputError } from "../errors.js";
import { readFile } from "node:fs/promises";
import type { Diagnostic } from "../diagnostics.js";
import type { JobResult } from "../model/job-result.js";
import { compareText } from "../order.js";
import { parseResults } from "./parse.js";

export class ResultsReadError extends InputError {
  override name = "ResultsReadError";
}

/** Every result of every file, in a stable order (finish time, host, job); unreadable files throw. */
export async function readResults(
  files: readonly string[],
): Promise<{ results: JobResult[]; diagnostics: Diagnostic[] }> {
  const results: JobResult[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (err) {
      throw new ResultsReadError(
        `cannot read the results file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
    }
    const parsed = parseResults(text, file);
    results.push(...parsed.results);
    diagnostics.push(...parsed.diagnostics);
  }
  return { results: sortResults(results), diagnostics };
}

export function sortResults(results: JobResult[]): JobResult[] {
  return results.sort(
    (a, b) =>
      Date.parse(a.finishedAt) - Date.parse(b.finishedAt) ||
      compareText(a.host, b.host) ||
      compareText(a.jobId, b.jobId),
  );
}
