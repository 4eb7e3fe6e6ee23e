// The workflows' supply-chain and trigger conventions: pinned actions, current Node, checks that always report.
import { spawnSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { commitAll, ROOT, tempRepo } from "../helpers/repo.js";

const FOLDERS = [".github/workflows", "templates/policy-repo/.github/workflows"];

async function workflows(): Promise<[string, string][]> {
  const all: [string, string][] = [];
  for (const folder of FOLDERS)
    for (const f of (await readdir(join(ROOT, folder))).filter((n) => n.endsWith(".yml")).sort())
      all.push([`${folder}/${f}`, await readFile(join(ROOT, folder, f), "utf8")]);
  all.push(["action.yml", await readFile(join(ROOT, "action.yml"), "utf8")]);
  return all;
}

describe("workflow conventions", () => {
  it("pin every action by full commit SHA with its release tag in a comment", async () => {
    for (const [file, text] of await workflows())
      for (const m of text.matchAll(/uses: ([^\s#]+)(.*)/g)) {
        if (m[1]!.startsWith("./")) continue;
        expect(m[1], `${file}: ${m[1]}`).toMatch(/^[\w-]+\/[\w./-]+@[0-9a-f]{40}$/);
        expect(m[2], `${file}: ${m[1]}`).toMatch(/^ # v\d+\.\d+\.\d+$/);
      }
  });

  it("run Node 22 or 24 on the runners", async () => {
    for (const [file, text] of await workflows())
      for (const m of text.matchAll(/node-version: (.+)/g))
        expect(["22", "24", "${{ matrix.node }}"], `${file}: ${m[0]}`).toContain(m[1]);
    const ci = parse(await readFile(join(ROOT, ".github/workflows/ci.yml"), "utf8")) as {
      jobs: { test: { strategy: { matrix: { node: number[] } } } };
    };
    expect(ci.jobs.test.strategy.matrix.node).toEqual([22, 24]);
  });

  it("keep the RFC checks required-check safe: no paths filter, and a review never cancels the impact comment", async () => {
    for (const file of [
      ".github/workflows/pull-request.yml",
      "templates/policy-repo/.github/workflows/patchops-rfc.yml",
    ]) {
      const wf = parse(await readFile(join(ROOT, file), "utf8")) as {
        on: Record<string, { paths?: string[] } | null>;
        concurrency: { group: string };
      };
      expect(wf.on.pull_request?.paths, file).toBeUndefined();
      expect(Object.keys(wf.on), file).toContain("pull_request_review");
      expect(wf.concurrency.group, file).toContain("${{ github.event_name }}");
    }
  });

  it("persist the review cache between reconcile runs", async () => {
    for (const file of [".github/workflows/reconcile.yml", "action.yml"]) {
      const text = await readFile(join(ROOT, file), "utf8");
      expect(text, file).toMatch(/uses: actions\/cache@[0-9a-f]{40}/);
      // patchops keeps the cache outside the checkout (~/.cache/patchops): caching .patchops-cache saved nothing.
      expect(text, file).toContain("path: ~/.cache/patchops");
      expect(text, file).toContain("restore-keys: patchops-reviews-");
    }
  });

  it("give intake a token whose pull requests trigger the checks, and say so when the default token is used", async () => {
    for (const file of [".github/workflows/intake.yml", "action.yml"]) {
      const text = await readFile(join(ROOT, file), "utf8");
      expect(text, file).toMatch(/Intake used the default GITHUB_TOKEN/);
      expect(text, file).toContain("GITHUB_STEP_SUMMARY");
    }
    expect(await readFile(join(ROOT, ".github/workflows/intake.yml"), "utf8")).toMatch(
      /actions\/create-github-app-token@[0-9a-f]{40}/,
    );
  });
});

describe("the policy-change gate inside the RFC checks", () => {
  type Step = { id?: string; run?: string; env?: Record<string, string> };
  async function scopeScripts(): Promise<[string, Step][]> {
    const wf = parse(await readFile(join(ROOT, ".github/workflows/pull-request.yml"), "utf8")) as {
      env: Record<string, string>;
      jobs: Record<string, { steps: Step[] }>;
    };
    const action = parse(await readFile(join(ROOT, "action.yml"), "utf8")) as {
      inputs: Record<string, { default: string }>;
      runs: { steps: Step[] };
    };
    const scripts: [string, Step][] = Object.entries(wf.jobs).map(([job, j]) => [
      `pull-request.yml ${job}`,
      { ...j.steps.find((s) => s.id === "scope")!, env: { POLICY_PATHS: wf.env.PATCHOPS_POLICY_PATHS! } },
    ]);
    scripts.push([
      "action.yml",
      {
        ...action.runs.steps.find((s) => s.id === "scope")!,
        env: { POLICY_PATHS: action.inputs["policy-paths"]!.default },
      },
    ]);
    return scripts;
  }

  it("passes a pull request that changes no policy file and checks one that does", async () => {
    const repo = await tempRepo("minimal", { "README.md": "# policy\n" });
    const base = commitAll(repo, "base");
    await writeFile(join(repo, "README.md"), "# policy, reworded\n");
    commitAll(repo, "docs only", "2026-11-22T13:00:00Z");
    const docsOnly = await Promise.all((await scopeScripts()).map(([name, step]) => gate(repo, base, name, step)));
    await writeFile(
      join(repo, "policies/policy.yaml"),
      (await readFile(join(repo, "policies/policy.yaml"), "utf8")) + "\n",
    );
    commitAll(repo, "policy", "2026-11-22T14:00:00Z");
    const policy = await Promise.all((await scopeScripts()).map(([name, step]) => gate(repo, base, name, step)));
    for (const r of docsOnly) {
      expect(r.output, r.name).toBe("changed=false\n");
      expect(r.summary, r.name).toMatch(/No (policy file|file under .*) changed/);
    }
    for (const r of policy) expect(r.output, r.name).toBe("changed=true\n");
  });
});

async function gate(repo: string, base: string, name: string, step: { run?: string; env?: Record<string, string> }) {
  const dir = await mkdtemp(join(tmpdir(), "patchops-gate-"));
  const output = join(dir, "output");
  const summary = join(dir, "summary");
  await writeFile(output, "");
  await writeFile(summary, "");
  const policyPaths = step.env!.POLICY_PATHS!;
  const r = spawnSync("bash", ["-e", "-c", step.run!], {
    cwd: repo,
    encoding: "utf8",
    env: {
      ...process.env,
      BASE_SHA: base,
      POLICY_PATHS: policyPaths,
      PATCHOPS_POLICY_PATHS: policyPaths,
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: summary,
    },
  });
  expect(r.stderr, name).toBe("");
  const result = { name, output: await readFile(output, "utf8"), summary: await readFile(summary, "utf8") };
  await rm(dir, { recursive: true, force: true });
  return result;
}
