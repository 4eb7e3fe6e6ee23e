// The pinned CAB trust root reaches every patchops step of the shipped workflows and the composite action, and the
// review cache they keep between runs is the one patchops reads (outside the checkout).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROOT } from "../helpers/repo.js";

type Step = { run?: string; uses?: string; with?: Record<string, string>; env?: Record<string, string> };
type Workflow = { env?: Record<string, string>; jobs: Record<string, { env?: Record<string, string>; steps: Step[] }> };

describe("the CAB trust root in the workflows", () => {
  it.each(["reconcile.yml", "reconcile-sharded.yml", "pull-request.yml"])(
    "%s passes PATCHOPS_CAB_ROOT to every patchops step and caches ~/.cache/patchops",
    async (file) => {
      const wf = parse(await readFile(join(ROOT, ".github/workflows", file), "utf8")) as Workflow;
      let patchopsSteps = 0;
      for (const job of Object.values(wf.jobs))
        for (const step of job.steps) {
          if (
            !/patchops|\$PATCHOPS_FROM_BASE|reconcile\.sh/.test(step.run ?? "") ||
            /npm (ci|run build)/.test(step.run ?? "")
          )
            continue;
          patchopsSteps++;
          const env = { ...wf.env, ...job.env, ...step.env };
          expect(Object.keys(env), `${file}: ${step.run}`).toContain("PATCHOPS_CAB_ROOT");
        }
      expect(patchopsSteps).toBeGreaterThan(0);
      for (const job of Object.values(wf.jobs))
        for (const step of job.steps)
          if (step.uses?.startsWith("actions/cache")) expect(step.with?.path).toBe("~/.cache/patchops");
    },
  );

  it("the composite action takes a cab-root input and hands it to every step that runs patchops", async () => {
    const action = parse(await readFile(join(ROOT, "action.yml"), "utf8")) as {
      inputs: Record<string, unknown>;
      runs: { steps: Step[] };
    };
    expect(Object.keys(action.inputs)).toContain("cab-root");
    const running = action.runs.steps.filter((s) => /\$PATCHOPS|reconcile\.sh/.test(s.run ?? ""));
    expect(running.length).toBeGreaterThan(2);
    for (const s of running) expect(s.env?.PATCHOPS_CAB_ROOT, s.run).toBe("${{ inputs.cab-root }}");
    for (const s of action.runs.steps)
      if (s.uses?.startsWith("actions/cache")) expect(s.with?.path).toBe("~/.cache/patchops");
  });

  it.each(["patchops-reconcile.yml", "patchops-rfc.yml", "patchops-deploy.yml"])(
    "the scaffolded %s hands a cab-root to the action, for the adopter to pin",
    async (file) => {
      const wf = parse(await readFile(join(ROOT, "templates/policy-repo/.github/workflows", file), "utf8")) as Workflow;
      const uses = Object.values(wf.jobs).flatMap((j) =>
        j.steps.filter((s) => /^\.\/(base\/)?node_modules\/patchops$/.test(s.uses ?? "")),
      );
      expect(uses.length).toBeGreaterThan(0);
      for (const s of uses) expect(Object.keys(s.with ?? {})).toContain("cab-root");
    },
  );
});
