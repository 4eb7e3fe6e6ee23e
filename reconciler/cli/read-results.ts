// --results for the readers of a written plan (report, status record): results, or exit 1 with the diagnostics.
import type { JobResult } from "../model/job-result.js";
import { readResults, ResultsReadError } from "../results/read.js";
import { EXIT, UsageError } from "../errors.js";
import type { Io } from "./io.js";
import { diagnosticsAsText } from "../views/diagnostics.js";

/** The results, or null after printing why they are unusable (exit 1); an unreadable file is a usage error (exit 2). */
export async function readResultsOrExit(files: string[] | undefined, io: Io): Promise<JobResult[] | null> {
  try {
    const { results, diagnostics } = await readResults(files ?? []);
    if (diagnostics.length === 0) return results;
    io.err(diagnosticsAsText(diagnostics, 0));
    io.exitCode(EXIT.invalid);
    return null;
  } catch (err) {
    if (err instanceof ResultsReadError) throw new UsageError(err.message);
    throw err;
  }
}
