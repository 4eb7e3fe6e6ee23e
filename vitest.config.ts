import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
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
