// The policy repository `patchops init` writes: the templates with each $schema line pointed at the installed schemas.
import { posix } from "node:path";
import { compareText } from "../order.js";

/** Where an installed patchops keeps its JSON Schemas, relative to the policy repository's root. */
export const INSTALLED_SCHEMAS = "node_modules/patchops/schemas";

const SCHEMA_PLACEHOLDER = "__SCHEMAS__";

/** Files the user owns once they exist: init never replaces them, even with --force. */
export const KEPT_IF_PRESENT = new Set(["package.json", ".gitignore"]);

export interface ScaffoldOptions {
  /**
   * Where npm fetches patchops from: a release's git URL with its tag (`git+https://…/patchops.git#v0.2.0`), the
   * release's tarball URL, or a scoped registry name with an exact version (`npm:@org/patchops@0.2.0`). Never a
   * `file:` path (it breaks `npm ci` on every other machine) and never the bare unscoped name (anyone may claim it).
   */
  source: string;
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
    // One pinned release: upgrading patchops (CLI, schemas and the GitHub Action) is this one bump.
    devDependencies: { patchops: options.source },
    // npm 12 runs a git dependency's build (its `prepare`) only when allowed here.
    allowScripts: { patchops: true },
  };
  return JSON.stringify(manifest, null, 2) + "\n";
}

/** The pin for a release: the repository's git URL (package.json `repository`) at the version's tag. */
export function releaseSource(repositoryUrl: string, version: string): string {
  const url = repositoryUrl.replace(/#.*$/, "");
  const git = /^(git\+|github:)/.test(url) ? url : `git+${url}`;
  return `${git}#v${version}`;
}

/** Why a dependency spec must not be pinned in a policy repository, or null when it may. */
export function sourceProblem(spec: string): string | null {
  if (/^(file:|link:|\.{0,2}\/)/.test(spec))
    return `'${spec}' is a local path: npm ci fails on every machine that does not have that file (use the release's git URL or tarball URL)`;
  if (/^(\d|[~^<>=*]|latest$)/.test(spec))
    return `'${spec}' would ask the public npm registry for the unscoped name patchops, which anyone may publish (use the release's git URL, its tarball URL, or npm:@your-org/patchops@VERSION)`;
  if (/^npm:patchops@/.test(spec)) return `'${spec}' names the unscoped registry package patchops (use a scoped name)`;
  return null;
}

/** A git dependency spec: npm builds it through its `prepare` script. */
function isGitSpec(spec: string): boolean {
  return /^(git\+|git:|github:|gitlab:|bitbucket:)/.test(spec) || /^[\w.-]+\/[\w.-]+(#.*)?$/.test(spec);
}

/**
 * What is wrong with how a package.json that init keeps installs patchops: a local path or the unscoped registry name
 * (as `sourceProblem`), or a git install whose build npm 12 will skip. Empty when nothing is, or when the text is not
 * a package.json npm would read (npm says so itself).
 */
export function keptManifestProblems(text: string): string[] {
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch {
    return [];
  }
  if (typeof manifest !== "object" || manifest === null) return [];
  const m = manifest as {
    dependencies?: Record<string, unknown>;
    devDependencies?: Record<string, unknown>;
    allowScripts?: Record<string, unknown>;
  };
  const spec = m.devDependencies?.patchops ?? m.dependencies?.patchops;
  if (typeof spec !== "string") return [];
  const problem = sourceProblem(spec);
  if (problem) return [`package.json's patchops dependency ${problem}`];
  if (isGitSpec(spec) && m.allowScripts?.patchops !== true)
    return [
      "package.json installs patchops from git, and npm 12 runs its build (prepare) only when allowed: npm pkg set allowScripts.patchops=true --json",
    ];
  return [];
}

/** A package name npm accepts, from a folder name. */
export function packageNameFor(folder: string): string {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[._-]+/, "");
  return name === "" ? "patch-policy" : name.slice(0, 214);
}
