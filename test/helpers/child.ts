// The CLI as a child process (for tests about the process itself: standard input, exit codes, a kill, a locale):
// test/helpers/plan-child.ts compiled to JavaScript by the global setup (test/global-setup.ts), run with plain node.
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..", "..");

/** Where the global setup writes the compiled CLI (under out/, which git, prettier and eslint ignore). */
export const CLI_BUILD = join(ROOT, "out", "test-cli");

/** The compiled test/helpers/plan-child.ts: `node CLI_JS plan …` runs the CLI in a process of its own. */
export const CLI_JS = join(CLI_BUILD, "test", "helpers", "plan-child.js");

/** The same as a command line, for scripts that take one (PATCHOPS_CMD of scripts/reconcile.sh). */
export const CLI_COMMAND = `node ${CLI_JS}`;
