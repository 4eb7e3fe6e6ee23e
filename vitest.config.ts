import { defineConfig } from "vitest/config";

/**
 * Real end-to-end checks too slow for the README's test command (each installs patchops with npm and builds it):
 * `npm run test:e2e` (vitest.e2e.config.ts) runs them, and .ci/run after the suite.
 */
export const SLOW_END_TO_END = ["test/package/install.test.ts", "test/package/release.test.ts"];

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["**/node_modules/**", ...SLOW_END_TO_END],
    // Compiles the CLI that tests start as a child process (test/helpers/child.ts).
    globalSetup: ["test/global-setup.ts"],
    // Removes each file's temp repositories after it (test/helpers/repo.ts).
    setupFiles: ["test/setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Test files share a worker's modules: the core's module state is value-keyed memos only (checked), and each
    // test builds its own repositories, servers and environment. Isolation cost more than half of the suite's time.
    isolate: false,
    // The suite mostly waits on child processes (git, ansible, chromium, npm pack): two workers on two cores.
    maxWorkers: 2,
  },
});
