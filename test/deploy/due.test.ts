// `patchops deploy due`: exactly the jobs whose window is open at --now and that have no result that ends them.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { cli, tempRepo } from "../helpers/repo.js";

let repo = "";
let plan = "";

/**
 * test/fixtures/loop with its timetable in Asia/Kolkata (+05:30), planned at 2026-12-09T23:00Z. Worked by hand: the
 * cycle's day 1 is Thursday 2026-12-10 (second Tuesday 12-08, offsetDays 2); period D1-04 is 04:00-08:00 IST, i.e.
 * 2026-12-09T22:30Z-2026-12-10T02:30Z, already open when the plan is made; D1-08 is 02:30Z-06:30Z. The isolate
 * and healthcheck jobs run from the plan's instant (23:00Z) for one and four hours.
 */
beforeAll(async () => {
  repo = await tempRepo("loop");
  const tt = join(repo, "windows", "timetables", "dc.yaml");
  await writeFile(tt, (await readFile(tt, "utf8")).replace("America/Los_Angeles", "Asia/Kolkata"));
  const inv = join(repo, "inventory.jsonl");
  await writeFile(inv, (await readFile(inv, "utf8")).replaceAll("2026-12-10T04:00:00Z", "2026-12-09T20:00:00Z"));
  plan = join(repo, "plan");
  const args = ["--repo", repo, "--inventory", inv, "--out", plan, "--no-verify-approvals"];
  expect((await cli("plan", ...args, "--now", "2026-12-09T23:00:00Z")).code).toBe(0);
}, 60_000);

const unsafe = { tag: "!unsafe", resolve: (s: string) => s };

async function due(now: string, ...extra: string[]) {
  const out = join(repo, `due-${now.replace(/:/g, "")}-${extra.length}.yml`);
  const r = await cli("deploy", "due", "--plan", plan, "--now", now, "--out", out, "--format", "json", ...extra);
  const facts = JSON.parse(r.stdout || "{}") as { groups: string[]; due: { host: string; type: string }[] };
  const doc = parse(await readFile(out, "utf8"), { customTags: [unsafe] }) as {
    all: { hosts: Record<string, { patchops_jobs: Record<string, { window_start: string }> }> | null };
  };
  const inventory = Object.entries(doc.all.hosts ?? {}).flatMap(([h, v]) =>
    Object.keys(v.patchops_jobs).map((g) => `${h} ${g}`),
  );
  return {
    code: r.code,
    stderr: r.stderr,
    groups: facts.groups,
    jobs: facts.due.map((j) => `${j.host} ${j.type}`),
    inventory,
  };
}

describe("deploy due (+05:30 windows, a window already open when the plan appeared)", () => {
  it("selects by the window: start included, one second before excluded, end excluded", async () => {
    expect((await due("2026-12-09T22:29:59Z")).jobs).toEqual([]);
    const atStart = await due("2026-12-09T22:30:00Z");
    expect(atStart.code).toBe(0);
    expect(atStart.jobs).toEqual(["web-1 install"]);
    expect(atStart.groups).toEqual(["patchops_20261209t223000z_standard"]);
    expect(atStart.inventory).toEqual(["web-1 patchops_20261209t223000z_standard"]);

    // At the plan's own instant: the job whose window opened before the plan, and the jobs of the plan's hour.
    expect((await due("2026-12-09T23:00:00Z")).groups).toEqual([
      "patchops_20261209t223000z_standard",
      "patchops_healthcheck",
      "patchops_isolate",
    ]);
    expect((await due("2026-12-10T02:29:59Z")).jobs.sort()).toEqual(["old-1 healthcheck", "web-1 install"]);
    const atEnd = await due("2026-12-10T02:30:00Z");
    expect(atEnd.jobs.sort()).toEqual(["app-1 install", "old-1 healthcheck", "web-1 isolate"]);
    expect(atEnd.inventory.sort()).toEqual([
      "app-1 patchops_20261210t023000z_standard",
      "old-1 patchops_healthcheck",
      "web-1 patchops_isolate",
    ]);
  }, 60_000);

  it("leaves out a job that already ran or was staged, keeps one refused outside its window or for provenance", async () => {
    const id = (await readFile(join(plan, "jobs.ndjson"), "utf8"))
      .split("\n")
      .map((l) => (l ? (JSON.parse(l) as { id: string; host: string; type: string }) : null))
      .find((j) => j?.host === "web-1" && j.type === "install")!.id;
    const result = (extra: Record<string, unknown>) =>
      JSON.stringify({
        jobId: id,
        host: "WEB-1",
        type: "install",
        updates: {},
        finishedAt: "2026-12-09T22:45:00Z",
        ...extra,
      });
    const files: Record<string, string> = {
      succeeded: result({ status: "succeeded" }),
      failed: result({ status: "failed" }),
      staged: result({ status: "not-run", reason: "staged" }),
      early: result({ status: "not-run", reason: "outside-window" }),
      edited: result({ status: "not-run", reason: "provenance-mismatch" }),
      stopped: result({ status: "not-run", reason: "max-errors" }),
    };
    const dir = join(repo, "results");
    await mkdir(dir, { recursive: true });
    const seen: Record<string, string[]> = {};
    for (const [name, line] of Object.entries(files)) {
      await writeFile(join(repo, `${name}.ndjson`), line + "\n");
      seen[name] = (await due("2026-12-09T22:30:00Z", "--results", join(repo, `${name}.ndjson`))).jobs;
    }
    expect(seen).toEqual({
      succeeded: [],
      failed: [],
      staged: [],
      early: ["web-1 install"],
      edited: ["web-1 install"],
      stopped: ["web-1 install"],
    });
    // A results folder that does not exist yet holds no results; one that does is read whole.
    expect((await due("2026-12-09T22:30:00Z", "--results-dir", join(repo, "none"))).jobs).toEqual(["web-1 install"]);
    await writeFile(join(dir, "web-1.ndjson"), files.succeeded + "\n");
    expect((await due("2026-12-09T22:30:00Z", "--results-dir", dir)).jobs).toEqual([]);
    // A broken line is reported with its place (exit 1); the jobs no valid result ended are still exported.
    await writeFile(join(dir, "broken.ndjson"), '{"jobId": 1}\n');
    await writeFile(join(dir, "web-1.ndjson"), "");
    const broken = await due("2026-12-09T22:30:00Z", "--results-dir", dir);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`${join(dir, "broken.ndjson")}:1:1`);
    expect(broken.jobs).toEqual(["web-1 install"]);
  }, 60_000);

  it("keeps a command job due after a no-command result, so a hook added later still runs in its window", async () => {
    const job = (await readFile(join(plan, "jobs.ndjson"), "utf8"))
      .split("\n")
      .map((l) => (l ? (JSON.parse(l) as { id: string; host: string; type: string }) : null))
      .find((j) => j?.host === "web-1" && j.type === "isolate")!;
    const line = (extra: Record<string, unknown>) =>
      JSON.stringify({
        jobId: job.id,
        host: "web-1",
        type: "isolate",
        updates: {},
        finishedAt: "2026-12-10T02:31:00Z",
        ...extra,
      }) + "\n";
    await writeFile(join(repo, "no-command.ndjson"), line({ status: "not-run", reason: "no-command" }));
    await writeFile(join(repo, "isolated.ndjson"), line({ status: "succeeded" }));
    const at = "2026-12-10T02:30:00Z";
    const kept = await due(at, "--results", join(repo, "no-command.ndjson"));
    expect(kept.code).toBe(0); // the result model knows the reason
    expect(kept.jobs).toContain("web-1 isolate");
    expect((await due(at, "--results", join(repo, "isolated.ndjson"))).jobs).not.toContain("web-1 isolate");
  }, 60_000);

  it("refuses a --now that is not an instant (exit 2)", async () => {
    const r = await cli("deploy", "due", "--plan", plan, "--now", "tomorrow", "--out", join(repo, "x.yml"));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--now 'tomorrow' is not an ISO-8601 instant");
  });

  it("takes max_errors from the policy's rollout (plan.json) unless --max-errors says otherwise", async () => {
    const policy = join(repo, "policies", "policy.yaml");
    const original = await readFile(policy, "utf8");
    await writeFile(policy, original.replace("spec:\n", "spec:\n  rollout: { maxConcurrency: 2, maxErrors: 25% }\n"));
    const limited = join(repo, "plan-rollout");
    const inv = join(repo, "inventory.jsonl");
    const args = ["--repo", repo, "--inventory", inv, "--out", limited, "--no-verify-approvals"];
    try {
      expect((await cli("plan", ...args, "--now", "2026-12-09T23:00:00Z")).code).toBe(0);
    } finally {
      await writeFile(policy, original);
    }
    const recorded = JSON.parse(await readFile(join(limited, "plan.json"), "utf8")) as { rollout?: unknown };
    expect(recorded.rollout).toEqual({ maxConcurrency: 2, maxErrors: "25%" });
    const maxErrorsOf = async (...extra: string[]) => {
      const out = join(repo, `rollout-${extra.length}.yml`);
      const r = await cli("deploy", "due", "--plan", limited, "--now", "2026-12-09T22:30:00Z", "--out", out, ...extra);
      expect(r.code).toBe(0);
      const doc = parse(await readFile(out, "utf8"), { customTags: [unsafe] }) as {
        all: { hosts: Record<string, { patchops_jobs: Record<string, { max_errors: string | null }> }> };
      };
      return Object.values(doc.all.hosts).flatMap((h) => Object.values(h.patchops_jobs).map((j) => j.max_errors));
    };
    expect(await maxErrorsOf()).toEqual(["25%"]);
    expect(await maxErrorsOf("--max-errors", "1")).toEqual(["1"]);
    // The plan made without a rollout block sets no limit.
    const none = parse(
      await readFile((await due("2026-12-09T22:30:00Z"), join(repo, "due-2026-12-09T223000Z-0.yml")), "utf8"),
      { customTags: [unsafe] },
    ) as { all: { hosts: Record<string, { patchops_jobs: Record<string, { max_errors: string | null }> }> } };
    expect(
      Object.values(none.all.hosts).flatMap((h) => Object.values(h.patchops_jobs).map((j) => j.max_errors)),
    ).toEqual([null]);
  }, 60_000);
});
