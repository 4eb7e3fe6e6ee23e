// Runs the patchops CLI in a child process (for tests that kill it midway).
import { main } from "../../reconciler/cli/main.js";

process.exitCode = await main(process.argv);
