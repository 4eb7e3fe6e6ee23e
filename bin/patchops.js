#!/usr/bin/env node
// Entry point installed as `patchops`: runs the compiled CLI (built by `npm run build`, shipped in the package).
let cli;
try {
  cli = await import("../dist/reconciler/cli/main.js");
} catch (err) {
  if (err?.code !== "ERR_MODULE_NOT_FOUND" || !String(err.message).includes("dist/reconciler/cli/main.js")) throw err;
  process.stderr.write("patchops: the CLI is not built yet: run `npm run build` in the patchops folder first\n");
  process.exit(2);
}
process.exitCode = await cli.main(process.argv);
