// Where the running patchops is installed (the folder holding its package.json), and its version.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

let root: string | null = null;

/** The package root, found upward from this module: it sits at a different depth in dist/ than in the sources. */
export function packageRoot(): string {
  if (root !== null) return root;
  let dir = import.meta.dirname;
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "patchops")
      return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error("patchops cannot find its own package.json");
    dir = up;
  }
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string }).version;
}
