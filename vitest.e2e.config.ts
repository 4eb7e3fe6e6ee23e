import { defineConfig } from "vitest/config";
import { SHARED, SLOW_END_TO_END } from "./vitest.config.js";

// The slow real end-to-end checks (SLOW_END_TO_END in vitest.config.ts): `npm run test:e2e`, which .ci/run runs after
// the README's test command.
export default defineConfig({ test: { include: [...SLOW_END_TO_END], ...SHARED } });
