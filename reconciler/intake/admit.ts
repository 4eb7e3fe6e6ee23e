// Intake never breaks the repository: every draft is checked by the same schema and cross-file rules `validate`
// applies, on the policy as it would be with the draft in it, before anything is written. A draft that would be
// rejected is reported with its findings, never written; the others are admitted.
import type { Diagnostic, DiagnosticCode } from "../diagnostics.js";
import type { PolicySource, SourceEntry } from "../load/source.js";
import { validateSource } from "../validate/validate.js";

export interface Candidate {
  /** Repository path, e.g. policies/updates/kb5034770.yaml. */
  file: string;
  text: string;
}

export interface Admission<C extends Candidate> {
  admitted: C[];
  /** Drafts the validator would reject, with the findings that reject them (the draft's file, line and column). */
  rejected: { draft: C; findings: Diagnostic[] }[];
}

/** The source with the drafts in it: a new file, or the proposed bytes of a file that exists (a re-check's edit). */
function withDrafts(source: PolicySource, drafts: readonly Candidate[]): PolicySource {
  return {
    ...source,
    async list() {
      const byPath = new Map(drafts.map((d) => [d.file, d]));
      const entry = (d: Candidate): SourceEntry => {
        const bytes = Buffer.from(d.text, "utf8");
        return { path: d.file, type: "file", size: bytes.length, read: () => Promise.resolve(bytes) };
      };
      const entries = (await source.list()).map((e) => {
        const d = byPath.get(e.path);
        byPath.delete(e.path);
        return d ? entry(d) : e;
      });
      return [...entries, ...[...byPath.values()].map(entry)];
    },
  };
}

const keyOf = (d: Diagnostic) => `${d.code}\u0000${d.file}\u0000${d.line}\u0000${d.column}\u0000${d.message}`;

/**
 * Validates the policy with the drafts in it. Errors in a draft's own file reject that draft; an error elsewhere that
 * the policy alone does not have is traced to the draft that causes it by validating with that draft alone.
 * `tolerate` names the codes a fresh draft is allowed (its RFC TODOs).
 */
export async function admitDrafts<C extends Candidate>(
  source: PolicySource,
  drafts: readonly C[],
  now: number,
  tolerate: readonly DiagnosticCode[],
): Promise<Admission<C>> {
  const errorsOf = async (list: readonly C[]) =>
    (await validateSource(withDrafts(source, list), now)).diagnostics.filter(
      (d) => d.severity === "error" && !tolerate.includes(d.code),
    );
  if (drafts.length === 0) return { admitted: [], rejected: [] };
  const before = new Set((await errorsOf([])).map(keyOf));
  const rejected: Admission<C>["rejected"] = [];
  let admitted = [...drafts];
  const all = await errorsOf(admitted);
  const own = new Map<string, Diagnostic[]>();
  for (const d of all) if (d.file) own.set(d.file, [...(own.get(d.file) ?? []), d]);
  admitted = admitted.filter((draft) => {
    const findings = own.get(draft.file);
    if (findings?.length) rejected.push({ draft, findings });
    return !findings?.length;
  });
  const draftFiles = new Set(drafts.map((d) => d.file));
  const elsewhere = all.some((d) => !draftFiles.has(d.file ?? "") && !before.has(keyOf(d)));
  if (elsewhere) {
    // Rare: a draft breaks another file's rule (a duplicate name, a cycle). Find which, one draft at a time.
    const kept: C[] = [];
    for (const draft of admitted) {
      const caused = (await errorsOf([draft])).filter((d) => !before.has(keyOf(d)));
      if (caused.length) rejected.push({ draft, findings: caused });
      else kept.push(draft);
    }
    admitted = kept;
  }
  return { admitted, rejected };
}
