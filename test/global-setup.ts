// Before the suite: the CLI that tests start as a child process, compiled to JavaScript under out/test-cli/ (ignored by
// git, prettier and eslint, like all of out/). TypeScript's own transpiler (no type check: `npm test` type-checks first)
// turns each source into the module tsx would run, so a child starts with plain node instead of a TypeScript loader:
// about half a second of CPU less for each of the thirty-odd children the suite starts. Only sources changed since the
// last run are compiled again. Children: test/helpers/child.ts.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type * as TS from "typescript";
import { CLI_BUILD } from "./helpers/child.js";

const ROOT = join(import.meta.dirname, "..");
const SOURCES = ["reconciler", "test/helpers/plan-child.ts"];
// ES2022 and ESNext modules (ts.ScriptTarget.ES2022, ts.ModuleKind.ESNext), as tsconfig.json's target.
const OPTIONS: TS.CompilerOptions = { target: 9, module: 99, verbatimModuleSyntax: true, sourceMap: false };

function sources(): string[] {
  const out: string[] = [];
  for (const s of SOURCES) {
    const full = join(ROOT, s);
    if (s.endsWith(".ts")) out.push(s);
    else
      for (const f of readdirSync(full, { recursive: true, encoding: "utf8" }))
        if (f.endsWith(".ts")) out.push(join(s, f));
  }
  return out.sort();
}

export async function setup(): Promise<void> {
  const manifestFile = join(CLI_BUILD, "manifest.json");
  const version = (
    JSON.parse(readFileSync(join(ROOT, "node_modules/typescript/package.json"), "utf8")) as { version: string }
  ).version;
  const key = `${version} ${JSON.stringify(OPTIONS)}`;
  let manifest: { key: string; files: Record<string, string> } = { key, files: {} };
  try {
    const read = JSON.parse(readFileSync(manifestFile, "utf8")) as typeof manifest;
    if (read.key === key) manifest = read;
  } catch {
    // No build yet, or a damaged manifest: everything is compiled.
  }
  const files: Record<string, string> = {};
  let ts: typeof TS | undefined;
  for (const src of sources()) {
    const text = readFileSync(join(ROOT, src), "utf8");
    const hash = createHash("sha256").update(text).digest("hex");
    const dest = join(CLI_BUILD, src.replace(/\.ts$/, ".js"));
    files[src] = hash;
    if (manifest.files[src] === hash && existsSync(dest)) continue;
    // Loaded only when something is to be compiled: the compiler itself takes half a second to load.
    ts ??= (await import("typescript")) as typeof TS;
    const js = ts.transpileModule(text, { compilerOptions: OPTIONS, fileName: src }).outputText;
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(`${dest}.${process.pid}.tmp`, js);
    renameSync(`${dest}.${process.pid}.tmp`, dest);
  }
  // A module whose source is gone must not be found by an import that a stale module still makes.
  const kept = new Set(Object.keys(files).map((f) => f.replace(/\.ts$/, ".js")));
  for (const f of readdirSync(CLI_BUILD, { recursive: true, encoding: "utf8" }))
    if (f.endsWith(".js") && !kept.has(f)) rmSync(join(CLI_BUILD, f));
  writeFileSync(manifestFile, JSON.stringify({ key, files }));
}
