// Reads every policy document of a source into a typed, positioned PolicySet.
import { createHash } from "node:crypto";
import type { z } from "zod";
import { diagnostic, sortDiagnostics, type Diagnostic } from "../diagnostics.js";
import { compareText } from "../order.js";
import type { AdvisorySpec } from "../model/advisory.js";
import type { AssignmentSpec } from "../model/assignment.js";
import type { BaselineSpec } from "../model/baseline.js";
import type { ChangeAdvisoryBoardSpec } from "../model/cab.js";
import { API_VERSION } from "../model/common.js";
import type { ExemptionSpec } from "../model/exemption.js";
import { KIND_BY_NAME, kindForPath } from "../model/kinds.js";
import type { PatchPolicySpec } from "../model/policy.js";
import type { ApprovalRuleSpec } from "../model/rule.js";
import type { TimetableSpec } from "../model/timetable.js";
import type { UpdateSpec } from "../model/update.js";
import { checkSchema } from "./schema-check.js";
import type { PolicySource, SourceEntry } from "./source.js";
import { MAX_FILE_BYTES, locate, parseYamlFile, positionsOf, type ParsedYaml } from "./yaml-file.js";

import type { LoadedDoc, PolicySet } from "../model/policy-set.js";
export type { LoadedDoc, Located, PolicySet } from "../model/policy-set.js";

const IGNORED = new Set([".gitkeep", "README.md", ".keep"]);

/**
 * Load errors that concern one file only, whose document is left out (or replaced by its last regular version): a
 * plan reports them as findings and plans everything else. Other load errors make the policy invalid.
 */
export const ITEM_LOAD_ERRORS: ReadonlySet<string> = new Set(["symlink-refused", "symlink-outside-repo"]);

function emptySet(source: PolicySource): PolicySet {
  return {
    source: { label: source.label, revision: source.revision, digest: "" },
    policy: null,
    cab: null,
    updates: [],
    advisories: [],
    rules: [],
    exemptions: [],
    baselines: [],
    timetables: [],
    assignments: [],
  };
}

function baseName(path: string): string {
  const file = path.slice(path.lastIndexOf("/") + 1);
  return file.replace(/\.ya?ml$/, "");
}

/** Files larger than this drop their document tree after loading and parse again when a position is asked. */
const KEEP_TREE_BELOW = 64 * 1024;

function docOf<S>(parsed: ParsedYaml, kind: string, name: string, spec: S): LoadedDoc<S> {
  return parsed.text.length < KEEP_TREE_BELOW
    ? { kind, file: parsed.file, name, spec, at: treeLocator(parsed) }
    : { kind, file: parsed.file, name, spec, at: textLocator(parsed.file, parsed.text) };
}

function treeLocator(parsed: ParsedYaml): LoadedDoc<unknown>["at"] {
  return (path) => ({ file: parsed.file, ...locate(parsed, path) });
}

/**
 * A large file (an assignment of thousands of hosts) keeps only its text: positions are for diagnostics and trails,
 * asked rarely, and the tree of a 20,000-host file costs far more memory than its text. (A separate function, so
 * the closure cannot hold the tree.)
 */
function textLocator(file: string, text: string): LoadedDoc<unknown>["at"] {
  let tree: Pick<ParsedYaml, "doc" | "lines"> | null = null;
  return (path) => ({ file, ...locate((tree ??= positionsOf(text)), path) });
}

/** Checks one entry's bytes, envelope and schema; returns the typed document or diagnostics. */
async function loadEntry(entry: SourceEntry): Promise<{ doc?: LoadedDoc<unknown>; diagnostics: Diagnostic[] }> {
  const file = entry.path;
  if (entry.type === "symlink-outside") {
    return {
      diagnostics: [
        diagnostic(
          "symlink-outside-repo",
          "error",
          `${file} is a symbolic link to ${entry.target}, outside the repository`,
          { file },
        ),
      ],
    };
  }
  if (entry.type === "symlink-refused") {
    const refused = `${file} is a symbolic link patchops does not follow: ${entry.reason}`;
    if (!entry.previous) return { diagnostics: [diagnostic("symlink-refused", "error", refused, { file })] };
    // From git: the path's last version as a regular file stands in, judged by the path's own history (the commit
    // that made it a link included), so a plan keeps what was reviewed instead of losing the document.
    const { commit, size, read } = entry.previous;
    const loaded = await loadEntry({ path: file, type: "file", size, read });
    return {
      ...loaded,
      diagnostics: [
        diagnostic(
          "symlink-refused",
          "error",
          `${refused}; its last version as a regular file (commit ${commit.slice(0, 12)}) is read instead`,
          { file },
        ),
        ...loaded.diagnostics,
      ],
    };
  }
  if (entry.type === "unreadable") {
    return {
      diagnostics: [diagnostic("unreadable-file", "error", `${file} could not be read: ${entry.reason}`, { file })],
    };
  }
  const leaf = file.slice(file.lastIndexOf("/") + 1);
  if (!/\.ya?ml$/.test(leaf)) {
    if (IGNORED.has(leaf)) return { diagnostics: [] };
    return {
      diagnostics: [diagnostic("stray-file", "warning", `${file} is not a .yaml file and is ignored`, { file })],
    };
  }
  if (entry.size > MAX_FILE_BYTES) {
    return {
      diagnostics: [
        diagnostic(
          "file-too-large",
          "error",
          `${file} is ${entry.size} bytes; policy files may be at most ${MAX_FILE_BYTES} bytes (1 MiB)`,
          { file },
        ),
      ],
    };
  }
  let bytes: Buffer;
  try {
    bytes = await entry.read();
  } catch (err) {
    return {
      diagnostics: [
        diagnostic("unreadable-file", "error", `${file} could not be read: ${(err as Error).message}`, { file }),
      ],
    };
  }
  const { parsed, diagnostics } = parseYamlFile(file, bytes);
  if (!parsed) return { diagnostics };
  const value = parsed.value;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return {
      diagnostics: [
        diagnostic("schema", "error", "the document must be a mapping with apiVersion, kind, metadata and spec", {
          file,
          ...locate(parsed, []),
        }),
      ],
    };
  }
  const v = value as Record<string, unknown>;
  const out: Diagnostic[] = [];
  if (v.apiVersion !== API_VERSION) {
    out.push(
      diagnostic(
        "api-version",
        "error",
        `apiVersion must be ${API_VERSION} (found ${v.apiVersion === undefined ? "nothing" : JSON.stringify(v.apiVersion)})`,
        {
          file,
          ...locate(parsed, v.apiVersion === undefined ? [] : ["apiVersion"]),
        },
      ),
    );
  }
  const info = typeof v.kind === "string" ? KIND_BY_NAME.get(v.kind) : undefined;
  if (!info) {
    out.push(
      diagnostic(
        "unknown-kind",
        "error",
        `kind must be one of ${[...KIND_BY_NAME.keys()].join(", ")} (found ${v.kind === undefined ? "nothing" : JSON.stringify(v.kind)})`,
        {
          file,
          ...locate(parsed, v.kind === undefined ? [] : ["kind"]),
        },
      ),
    );
    return { diagnostics: out };
  }
  const expected = kindForPath(file);
  if (expected?.kind !== info.kind) {
    const where = info.location.file ? `${info.location.dir}/${info.location.file}` : `${info.location.dir}/`;
    out.push(
      diagnostic("wrong-folder", "error", `a ${info.kind} belongs in ${where}, not ${file}`, {
        file,
        ...locate(parsed, ["kind"]),
      }),
    );
  }
  // With a foreign apiVersion the fields may mean something else: do not pile schema errors on it.
  if (out.some((d) => d.code === "api-version")) return { diagnostics: out };
  const schemaDiagnostics = checkSchema(parsed, info.schema);
  out.push(...schemaDiagnostics);
  if (schemaDiagnostics.length > 0) return { diagnostics: out };
  const typed = (info.schema as z.ZodType<{ metadata: { name: string }; spec: unknown }>).safeParse(value);
  if (!typed.success) {
    for (const issue of typed.error.issues) {
      out.push(
        diagnostic("schema", "error", `${issue.path.join(".")}: ${issue.message}`, {
          file,
          ...locate(parsed, issue.path as (string | number)[]),
        }),
      );
    }
    return { diagnostics: out };
  }
  const name = typed.data.metadata.name;
  if (!info.location.file && name !== baseName(file)) {
    out.push(
      diagnostic(
        "name-mismatch",
        "error",
        `metadata.name is '${name}' but the file is named '${baseName(file)}.yaml'`,
        {
          file,
          ...locate(parsed, ["metadata", "name"]),
        },
      ),
    );
  }
  return { doc: docOf(parsed, info.kind, name, typed.data.spec), diagnostics: out };
}

/** Loads and checks every file of the source; cross-file rules are the validator's. */
export async function loadPolicySet(source: PolicySource): Promise<{ set: PolicySet; diagnostics: Diagnostic[] }> {
  const hashes = new Map<string, string>();
  // Each file's bytes are hashed as they are read: the set's digest tells whether two runs read the same policy.
  const entries = (await source.list()).map((e): SourceEntry => {
    if (e.type !== "file") {
      const previous = e.type === "symlink-refused" && e.previous ? `:${e.previous.commit}` : "";
      hashes.set(e.path, `${e.type}:${"reason" in e ? e.reason : e.target}${previous}`);
      return e;
    }
    return {
      ...e,
      read: async () => {
        const bytes = await e.read();
        hashes.set(e.path, createHash("sha256").update(bytes).digest("hex"));
        return bytes;
      },
    };
  });
  const set = emptySet(source);
  const diagnostics: Diagnostic[] = [];
  const results: { doc?: LoadedDoc<unknown>; diagnostics: Diagnostic[] }[] = [];
  const BATCH = 64;
  for (let i = 0; i < entries.length; i += BATCH) {
    results.push(...(await Promise.all(entries.slice(i, i + BATCH).map(loadEntry))));
  }
  for (const r of results) {
    diagnostics.push(...r.diagnostics);
    const doc = r.doc;
    if (!doc) continue;
    switch (doc.kind) {
      case "PatchPolicy":
        set.policy = doc as LoadedDoc<PatchPolicySpec>;
        break;
      case "ChangeAdvisoryBoard":
        set.cab = doc as LoadedDoc<ChangeAdvisoryBoardSpec>;
        break;
      case "Update":
        set.updates.push(doc as LoadedDoc<UpdateSpec>);
        break;
      case "Advisory":
        set.advisories.push(doc as LoadedDoc<AdvisorySpec>);
        break;
      case "ApprovalRule":
        set.rules.push(doc as LoadedDoc<ApprovalRuleSpec>);
        break;
      case "Exemption":
        set.exemptions.push(doc as LoadedDoc<ExemptionSpec>);
        break;
      case "Baseline":
        set.baselines.push(doc as LoadedDoc<BaselineSpec>);
        break;
      case "Timetable":
        set.timetables.push(doc as LoadedDoc<TimetableSpec>);
        break;
      case "Assignment":
        set.assignments.push(doc as LoadedDoc<AssignmentSpec>);
        break;
    }
  }
  const digest = createHash("sha256");
  for (const path of [...hashes.keys()].sort(compareText)) digest.update(`${path}\t${hashes.get(path)}\n`);
  set.source.digest = digest.digest("hex");
  return { set, diagnostics: sortDiagnostics(diagnostics) };
}
