import { defineConfig } from "vitest/config";
import type { InlineConfig } from "vitest/node";

/**
 * The real end-to-end checks, which drive systems outside patchops for real and are too slow for the README's
 * two-minute test command: the real ansible-playbook (the deploy loop, the gate, hostile data, waves, restarts, the
 * deploy turn, tasks/linux.yml), headless Chromium (the status site, the pull-request comment as GitHub renders it),
 * PowerShell with Pester (the Windows collector), actionlint, full and read-only disks, and npm installs of the package. `npm run test:e2e`
 * (vitest.e2e.config.ts) runs them, and .ci/run runs it after the README's test command.
 */
export const SLOW_END_TO_END = [
  "test/package/install.test.ts",
  "test/package/release.test.ts",
  "test/deploy/loop.test.ts",
  "test/deploy/gate.test.ts",
  "test/deploy/hostile-data.test.ts",
  "test/deploy/rollout.test.ts",
  "test/deploy/restart.test.ts",
  "test/deploy/collector.test.ts",
  "test/workflows/deploy.test.ts",
  "test/intake/linux.test.ts",
  "test/report/site.test.ts",
  "test/report/site-hostile.test.ts",
  "test/report/site-truth.test.ts",
  "test/report/site-views.test.ts",
  "test/report/site-override.test.ts",
  "test/report/metrics-patches-site.test.ts",
  "test/report/diff-golden.test.ts",
  "test/e2e/real-inputs.test.ts",
  // Intake on two whole real MSRC months (3 MB each).
  "test/plan/held-out-whole-month.test.ts",
  // actionlint over every workflow, and full and read-only disks for real.
  "test/workflows/workflows.test.ts",
  "test/cli/operational-errors.test.ts",
  // The red-team attacks (copies of one real git repository verified against the local GitHub server, ~30 s in one
  // worker) and the count of git processes behind a verification (a PATH shim around the real git).
  "test/approvals/attacks.test.ts",
  "test/approvals/git-processes.test.ts",
  // The bench's own fleets and minimal program (tens of thousands of hosts each).
  "test/bench/fleet.test.ts",
  "test/bench/minimal.test.ts",
];

/** What both runs share (vitest.e2e.config.ts picks the other files). */
export const SHARED: InlineConfig = {
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
  // The suite waits on child processes (git, the CLI) much of the time: three workers keep two cores busier than
  // two (89 s against 97 s for the suite on the 2-core machine).
  maxWorkers: 3,
};

export default defineConfig({
  test: { include: ["test/**/*.test.ts"], exclude: ["**/node_modules/**", ...SLOW_END_TO_END], ...SHARED },
});
