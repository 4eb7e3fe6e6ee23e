// Job results into one list: the playbook's NDJSON lines, or the output of Ansible's JSON stdout callback.
import { diagnostic, type Diagnostic } from "../diagnostics.js";
import { JobResult } from "../model/job-result.js";

export interface ParsedResults {
  results: JobResult[];
  diagnostics: Diagnostic[];
  format: "ndjson" | "ansible-json";
}

function problem(r: { error: { issues: { path: PropertyKey[]; message: string }[] } }): string {
  const i = r.error.issues[0]!;
  return `${i.path.length ? i.path.map(String).join(".") + ": " : ""}${i.message}`;
}

/** True for the single JSON document Ansible's `json` stdout callback prints (`{"plays": [...], "stats": {...}}`). */
function asAnsibleJson(text: string): { plays: unknown[] } | null {
  if (!/^\s*\{/.test(text)) return null;
  try {
    const doc = JSON.parse(text) as unknown;
    if (doc && typeof doc === "object" && Array.isArray((doc as { plays?: unknown }).plays))
      return doc as { plays: unknown[] };
  } catch {
    // JSON Lines: the first line parses, the whole text does not.
  }
  return null;
}

function fromNdjson(text: string, file: string): ParsedResults {
  const results: JobResult[] = [];
  const diagnostics: Diagnostic[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (line === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      diagnostics.push(
        diagnostic("results-malformed", "error", `not a JSON line: ${(err as Error).message}`, {
          file,
          line: i + 1,
          column: 1,
        }),
      );
      return;
    }
    const r = JobResult.safeParse(value);
    if (r.success) results.push(r.data);
    else
      diagnostics.push(
        diagnostic("results-malformed", "error", `not a job result: ${problem(r)}`, { file, line: i + 1, column: 1 }),
      );
  });
  return { results, diagnostics, format: "ndjson" };
}

/**
 * The JSON callback nests per-host task results under plays[].tasks[].hosts; the playbook's result task sets the
 * fact `patchops_result`, so every host that reached it carries one job result there.
 */
function fromAnsibleJson(doc: { plays: unknown[] }, file: string): ParsedResults {
  const results: JobResult[] = [];
  const diagnostics: Diagnostic[] = [];
  doc.plays.forEach((play, p) => {
    const tasks = (play as { tasks?: unknown[] })?.tasks ?? [];
    tasks.forEach((task, t) => {
      const hosts = (task as { hosts?: Record<string, unknown> })?.hosts ?? {};
      for (const host of Object.keys(hosts).sort()) {
        const facts = (hosts[host] as { ansible_facts?: Record<string, unknown> })?.ansible_facts;
        if (!facts || !("patchops_result" in facts)) continue;
        const r = JobResult.safeParse(facts.patchops_result);
        if (r.success) results.push(r.data);
        else
          diagnostics.push(
            diagnostic(
              "results-malformed",
              "error",
              `plays[${p}].tasks[${t}].hosts.${host}: patchops_result is not a job result: ${problem(r)}`,
              { file },
            ),
          );
      }
    });
  });
  return { results, diagnostics, format: "ansible-json" };
}

export function parseResults(text: string, file: string): ParsedResults {
  const doc = asAnsibleJson(text);
  return doc ? fromAnsibleJson(doc, file) : fromNdjson(text, file);
}
