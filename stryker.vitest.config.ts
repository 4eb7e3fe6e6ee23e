// The vitest run StrykerJS mutates against: only test files that call the core in the test's own process (a child
// process or a browser never sees the active mutant, so those tests cannot kill one and only cost time). Pick others
// with PATCHOPS_MUTATE_TESTS (comma-separated globs).
import { defineConfig } from "vitest/config";

const IN_PROCESS = [
  "test/promises/**/*.test.ts",
  "test/policy/**/*.test.ts",
  "test/plan/passes.test.ts",
  "test/plan/late-approval.test.ts",
  "test/plan/install-details.test.ts",
  "test/plan/pilot-cluster.test.ts",
  "test/plan/pilot-evidence.test.ts",
  "test/plan/agent-evidence.test.ts",
  "test/plan/agent-record.test.ts",
  "test/plan/agent-rules.test.ts",
  "test/plan/evaluation-memo.test.ts",
  "test/plan/linux-offers.test.ts",
  "test/plan/properties.test.ts",
  "test/plan/mutation-*.test.ts",
  "test/approvals/verify-*.test.ts",
  "test/report/mutation-*.test.ts",
  "test/schedule/**/*.test.ts",
  "test/versions/rpm.test.ts",
  "test/report/metrics.test.ts",
  "test/report/job-metrics.test.ts",
  "test/report/table4.test.ts",
  "test/report/snapshot.test.ts",
];

export default defineConfig({
  test: {
    include: process.env.PATCHOPS_MUTATE_TESTS?.split(",") ?? IN_PROCESS,
    setupFiles: ["test/setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 1,
  },
});
