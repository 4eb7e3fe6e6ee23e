#!/usr/bin/env node
// Entry point installed as `patchops`: runs the compiled CLI.
import { main } from "../dist/reconciler/cli/main.js";

process.exitCode = await main(process.argv);
