import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config.js";
import { SLOW_END_TO_END } from "./vitest.config.js";

// The slow real end-to-end checks (a real npm install from a packed tarball and from a git tag, each with a full
// dependency install and build): `npm run test:e2e`, run by .ci/run after the README's test command.
export default mergeConfig(base, defineConfig({ test: { include: [...SLOW_END_TO_END], exclude: [] } }));
