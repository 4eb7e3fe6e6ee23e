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

type Job = {
  if?: string;
  "runs-on"?: string | string[];
  steps: { name?: string; uses?: string; run?: string; with?: Record<string, unknown>; "working-directory"?: string }[];
};
async function parsedWorkflows(): Promise<[string, { jobs: Record<string, Job> }][]> {
  const out: [string, { jobs: Record<string, Job> }][] = [];
  for (const [file, text] of await workflows())
    if (file !== "action.yml") out.push([file, parse(text) as { jobs: Record<string, Job> }]);
  return out;
}

describe("credentials and code provenance", () => {
  // The jobs that push (the status branch, the release tags) keep the checkout's credential; no other job does.
  const PUSHING = [
    ".github/workflows/reconcile.yml reconcile",
    ".github/workflows/reconcile-sharded.yml merge",
    ".github/workflows/release.yml release",
    "templates/policy-repo/.github/workflows/patchops-reconcile.yml reconcile",
    "templates/policy-repo/.github/workflows/patchops-deploy.yml deploy",
  ];

  it("persist no credential in any checkout except the jobs that push", async () => {
    const keeping: string[] = [];
    for (const [file, wf] of await parsedWorkflows())
      for (const [name, job] of Object.entries(wf.jobs))
        for (const step of job.steps.filter((s) => s.uses?.startsWith("actions/checkout@")))
          if (step.with?.["persist-credentials"] !== false) keeping.push(`${file} ${name}`);
    expect(keeping.sort()).toEqual([...PUSHING].sort());
  });

  it("judge a pull request with the base branch's patchops, reading the pull request's files only as data", async () => {
    for (const file of [
      ".github/workflows/pull-request.yml",
      "templates/policy-repo/.github/workflows/patchops-rfc.yml",
    ]) {
      const wf = parse(await readFile(join(ROOT, file), "utf8")) as { jobs: Record<string, Job> };
      for (const [name, job] of Object.entries(wf.jobs)) {
        const where = `${file} ${name}`;
        const checkouts = job.steps.filter((s) => s.uses?.startsWith("actions/checkout@"));
        expect(
          checkouts.map((s) => [s.with?.path, s.with?.ref]),
          where,
        ).toEqual([
          ["base", "${{ github.event.pull_request.base.sha }}"],
          ["head", "${{ github.event.pull_request.head.sha }}"],
        ]);
        // Installing and building happen in base/ only; patchops runs from base/ with head/ as its working directory.
        for (const s of job.steps.filter((s) => /\bnpm\b|\bnpx\b/.test(s.run ?? "")))
          expect(s["working-directory"], `${where}: ${s.run}`).toBe("base");
        const runsPatchops = job.steps.filter(
          (s) =>
            /\$PATCHOPS_FROM_BASE|patchops (validate|diff|comment|approvals)/.test(s.run ?? "") ||
            /patchops$/.test(s.uses ?? ""),
        );
        expect(runsPatchops.length, where).toBeGreaterThan(0);
        for (const s of runsPatchops) {
          if (s.uses) {
            expect(s.uses, where).toBe("./base/node_modules/patchops");
            expect(s.with?.["working-directory"], where).toBe("head");
          } else {
            expect(s.run, where).toMatch(/^node "\$GITHUB_WORKSPACE\/\$PATCHOPS_FROM_BASE" /);
            expect(s["working-directory"], where).toBe("head");
          }
        }
      }
    }
    const wf = parse(await readFile(join(ROOT, ".github/workflows/pull-request.yml"), "utf8")) as {
      env: Record<string, string>;
    };
    expect(wf.env.PATCHOPS_FROM_BASE).toBe("base/bin/patchops.js");
  });

  it("keep the status site private unless Pages is opted into, with the warning beside the switch", async () => {
    for (const file of [
      ".github/workflows/reconcile.yml",
      "templates/policy-repo/.github/workflows/patchops-reconcile.yml",
    ]) {
      const text = await readFile(join(ROOT, file), "utf8");
      const wf = parse(text) as { env: Record<string, string>; jobs: Record<string, Job> };
      expect(wf.env.PATCHOPS_PUBLISH_PAGES, file).toBe("false");
      expect(wf.jobs.pages?.if, file).toBe("needs.reconcile.outputs.pages == 'true'");
      const pagesStep = wf.jobs.reconcile!.steps.find((s) => s.uses?.startsWith("actions/upload-pages-artifact@"));
      expect((pagesStep as { if?: string }).if, file).toBe("env.PATCHOPS_PUBLISH_PAGES == 'true'");
      expect(text, file).toMatch(/Pages sites are PUBLIC even when/);
      // The site still leaves every run as an artifact.
      const artifact = wf.jobs.reconcile!.steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"));
      expect(String(artifact?.with?.path), file).toMatch(/^out\/$|out\/site\//m);
    }
  });

  it("notify after every scaffolded reconcile, with the channels as inputs", async () => {
    const wf = parse(
      await readFile(join(ROOT, "templates/policy-repo/.github/workflows/patchops-reconcile.yml"), "utf8"),
    ) as { jobs: Record<string, Job & { permissions: Record<string, string> }> };
    const step = wf.jobs.reconcile!.steps.find((s) => s.uses === "./node_modules/patchops")!;
    expect(step.with).toMatchObject({ command: "reconcile", "notify-github-issues": "true" });
    expect(step.with?.["notify-webhook"]).toBe("${{ secrets.PATCHOPS_NOTIFY_WEBHOOK }}");
    expect(wf.jobs.reconcile!.permissions.issues).toBe("write");
    const action = parse(await readFile(join(ROOT, "action.yml"), "utf8")) as {
      runs: { steps: { name: string; if?: string; run?: string }[] };
    };
    const notify = action.runs.steps.find((s) => /\$PATCHOPS notify /.test(s.run ?? ""))!;
    expect(notify.if).toMatch(/inputs\.command == 'reconcile'/);
    expect(notify.if).toMatch(/^!cancelled\(\)/);
  });
});
