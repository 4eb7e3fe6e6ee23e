// The policy repository `patchops init` writes: the templates with each $schema line pointed at the installed schemas.
import { posix } from "node:path";
import { compareText } from "../order.js";

/** Where an installed patchops keeps its JSON Schemas, relative to the policy repository's root. */
export const INSTALLED_SCHEMAS = "node_modules/patchops/schemas";

const SCHEMA_PLACEHOLDER = "__SCHEMAS__";

/** Files the user owns once they exist: init never replaces them, even with --force. */
export const KEPT_IF_PRESENT = new Set(["package.json", ".gitignore"]);

export interface ScaffoldOptions {
  /** The patchops version the repository pins (its package.json names exactly this version). */
  version: string;
  /** The repository's package name, used only when init writes package.json. */
  name: string;
}

/** Turns the template tree (relative path → text) into the repository's files, sorted by path. */
export function scaffold(templates: ReadonlyMap<string, string>, options: ScaffoldOptions): Map<string, string> {
  const files = new Map<string, string>();
  for (const [path, text] of templates) {
    const fromDir = posix.dirname(path);
    const schemas = posix.relative(fromDir === "." ? "" : fromDir, INSTALLED_SCHEMAS);
    files.set(path, text.split(SCHEMA_PLACEHOLDER).join(schemas));
  }
  files.set("package.json", packageJson(options));
  files.set(".gitignore", "node_modules/\nout/\n.patchops-cache/\n");
  return new Map([...files].sort(([a], [b]) => compareText(a, b)));
}

function packageJson(options: ScaffoldOptions): string {
  const manifest = {
    name: options.name,
    private: true,
    description: "Patch policy as code, reconciled by patchops",
    scripts: {
      validate: "patchops validate",
      plan: "patchops plan --inventory examples/inventory.jsonl",
    },
    // One exact version: upgrading patchops (CLI, schemas and the GitHub Action) is this one bump.
    devDependencies: { patchops: options.version },
  };
  return JSON.stringify(manifest, null, 2) + "\n";
}

/** A package name npm accepts, from a folder name. */
export function packageNameFor(folder: string): string {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[._-]+/, "");
  return name === "" ? "patch-policy" : name.slice(0, 214);
}
