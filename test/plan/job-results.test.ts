import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { HostResult, Job, Plan } from "../../reconciler/model/plan.js";
import { parseResults } from "../../reconciler/results/parse.js";
import { sortResults } from "../../reconciler/results/read.js";
import { byHost, planFixture, readInventoryText } from "../helpers/plan-fixture.js";
import { cli, FIXTURES, tempRepo } from "../helpers/repo.js";

const NOW = "2026-12-10T18:00:00Z";
const line = (o: object) => JSON.stringify(o) + "\n";

/** Through the CLI: for what is about the command (its exit codes and messages for bad results files). */
async function planWith(repo: string, results: string[], extra: string[] = [], now = NOW) {
  const out = join(repo, "out");
  const r = await cli(
    "plan",
    "--repo",
    repo,
    "--inventory",
    join(repo, "inventory.jsonl"),
    "--out",
    out,
    "--now",
    now,
    "--no-verify-approvals",
    ...(results.length ? ["--results", ...results] : []),
    ...extra,
  );
  if (r.code === 2) return { r };
  const read = (f: string) => readFile(join(out, f), "utf8");
  const hosts = new Map(
    (await read("hosts.ndjson"))
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as HostResult)
      .map((h) => [h.host, h]),
  );
  const jobs = (await read("jobs.ndjson"))
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Job);
  return { r, hosts, jobs, plan: JSON.parse(await read("plan.json")) as Plan };
}

/**
 * In memory: test/fixtures/loop with `files` laid over it, its inventory (edited) read by the real reader, and the
 * results parsed and ordered as `plan --results` reads them.
 */
async function planLoop(
  o: { files?: Record<string, string>; results?: string; now?: string; editInventory?: (t: string) => string } = {},
) {
  const text = await readFile(join(FIXTURES, "loop", "inventory.jsonl"), "utf8");
  const { inventory, diagnostics } = await readInventoryText(o.editInventory ? o.editInventory(text) : text);
  expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const parsed = parseResults(o.results ?? "", "results.ndjson");
  expect(parsed.diagnostics).toEqual([]);
  const result = await planFixture({
    base: "loop",
    files: o.files,
    hosts: inventory,
    now: o.now ?? NOW,
    input: { results: sortResults(parsed.results) },
  });
  return { result, plan: result.plan, jobs: result.jobs, hosts: byHost(result.hosts) };
}

describe("job results in the plan (test/fixtures/loop)", async () => {
  const RESULTS =
    line({
      jobId: "aaaa",
      host: "app-1",
      status: "failed",
      updates: { KB5004: { status: "failed", code: "0x80240022" } },
      finishedAt: "2026-12-10T13:00:00Z",
    }) +
    line({
      jobId: "bbbb",
      host: "app-1",
      status: "failed",
      updates: { KB5004: { status: "failed", code: "0x8024402C" } },
      finishedAt: "2026-12-10T17:00:00Z",
    }) +
    line({
      jobId: "cccc",
      host: "web-2",
      type: "synthetic",
      status: "succeeded",
      updates: { "SYN-1": { status: "succeeded" } },
      finishedAt: "2026-12-09T20:00:00Z",
    }) +
    line({
      jobId: "dddd",
      host: "web-1",
      type: "uninstall",
      status: "failed",
      updates: { KB6000: { status: "failed", code: "win-hotfix-absent" } },
      finishedAt: "2026-12-10T15:00:00Z",
    }) +
    line({ jobId: "eeee", host: "ghost-9", status: "succeeded", updates: {}, finishedAt: "2026-12-10T15:00:00Z" });
  const p = await planLoop({ results: RESULTS });
  const codes = () => p.plan.findings.map((f) => f.code);

  it("a failed update is `failed` with the installer's code, the time and the attempts", () => {
    expect(p.plan.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(p.hosts.get("app-1")).toMatchObject({
      status: "noncompliant",
      updates: { KB5004: "failed" },
      failures: { KB5004: { code: "0x8024402C", at: "2026-12-10T17:00:00Z", attempts: 2 } },
    });
    expect(p.plan.summary.updates.KB5004!.states.failed).toBe(1);
  });

  it("retries in the host's first window after the backoff (backoffHours × 2^(attempts−1))", () => {
    const job = p.jobs.find((j) => j.host === "app-1" && j.type === "install")!;
    expect(job.updates).toEqual(["KB5004"]);
    expect(job.retry).toEqual({ attempt: 3, after: "2026-12-10T17:00:00Z" });
    // 17:00 + 4 h × 2 = 01:00 the next day: this cycle's D1-08 window has passed, so next month's.
    expect(job.window.start >= "2026-12-11T01:00:00Z").toBe(true);
    expect(job.period).toBe("D1-08");
  });

  it("after maxFailures failures the owner gets a finding", () => {
    const f = p.plan.findings.find((x) => x.code === "update-failing")!;
    expect(f.message).toBe("app-1 (owner team-a): KB5004 failed 2 times, last at 2026-12-10T17:00:00Z with 0x8024402C");
  });

  it("a success the newer scan contradicts is a finding, and the scan wins", () => {
    expect(p.hosts.get("web-2")!.updates["SYN-1"]).toBe("missing");
    expect(p.plan.findings.find((x) => x.code === "result-contradicted")!.message).toContain(
      "web-2: job cccc reported SYN-1 installed at 2026-12-09T20:00:00Z, but the scan at 2026-12-10T04:00:00Z",
    );
  });

  it("a failed removal is retried after the backoff; a rejected update that cannot be uninstalled is a finding", () => {
    const web1 = p.hosts.get("web-1")!;
    expect(web1.updates.KB6000).toBe("rejected-installed");
    expect(web1.failures!.KB6000).toEqual({ code: "win-hotfix-absent", at: "2026-12-10T15:00:00Z", attempts: 1 });
    const job = p.jobs.find((j) => j.host === "web-1" && j.type === "uninstall")!;
    expect(job.updates).toEqual(["KB6000"]);
    expect(job.retry).toEqual({ attempt: 2, after: "2026-12-10T15:00:00Z" });
    expect(job.window.start >= "2026-12-10T19:00:00Z").toBe(true);
    expect(p.jobs.some((j) => j.type === "uninstall" && j.updates.includes("KB6001"))).toBe(false);
    expect(codes()).toContain("rejected-not-uninstallable");
  });

  it("a result for a host nobody knows is reported, not applied silently", () => {
    expect(p.plan.findings.find((x) => x.code === "results-unknown-host")!.message).toContain("ghost-9");
  });

  it("explain names the failed job, its code and the retry", async () => {
    const repo = await tempRepo("loop", { "results/a.ndjson": RESULTS });
    const r = await cli(
      "explain",
      "--repo",
      repo,
      "--inventory",
      join(repo, "inventory.jsonl"),
      "--now",
      NOW,
      "--no-verify-approvals",
      "--host",
      "app-1",
      "--update",
      "KB5004",
      "--results",
      join(repo, "results", "a.ndjson"),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("KB5004");
    expect(r.stdout).toContain("failed in job bbbb at 2026-12-10T17:00:00Z with 0x8024402C (attempt 2)");
    expect(r.stdout).toContain("retry 3 after the failure at 2026-12-10T17:00:00Z");
  });

  it("the same inputs give the same bytes", async () => {
    const q = await planLoop({ results: RESULTS });
    expect(q.jobs).toEqual(p.jobs);
    expect([...q.hosts.values()]).toEqual([...p.hosts.values()]);
  });
});

describe("retries by cause (docs/execution.md, Retries by cause)", async () => {
  const failed = (jobId: string, code: string | undefined, finishedAt: string) =>
    line({
      jobId,
      host: "app-1",
      status: "failed",
      updates: { KB5004: code === undefined ? { status: "failed" } : { status: "failed", code } },
      finishedAt,
    });
  const installJob = (q: Awaited<ReturnType<typeof planLoop>>) =>
    q.jobs.find((j) => j.host === "app-1" && j.type === "install" && j.updates.includes("KB5004"));
  const needsPerson = (q: Awaited<ReturnType<typeof planLoop>>) =>
    q.plan.findings.filter((f) => f.code === "update-needs-person").map((f) => f.message);

  it("a deterministic code (0x800F0922) is not retried after its first failure, and a person is asked", async () => {
    const q = await planLoop({ results: failed("j1", "0x800F0922", "2026-12-10T13:00:00Z") });
    expect(q.hosts.get("app-1")!.updates.KB5004).toBe("failed");
    expect(installJob(q)).toBeUndefined();
    expect(needsPerson(q)).toEqual([
      "app-1 (owner team-a): KB5004 failed once, last at 2026-12-10T13:00:00Z with 0x800F0922 (CBS_E_INSTALLERS_FAILED: the servicing stack could not install (System Reserved or recovery partition too small, a blocked .NET or VPN component)); it is not retried until a person fixes the cause",
    ]);
  });

  it("codes match whatever their case or notation: lower-case hex and signed decimal HRESULTs", async () => {
    for (const code of ["0x800f0922", "-2146498270"]) {
      const q = await planLoop({ results: failed("j1", code, "2026-12-10T13:00:00Z") });
      expect(installJob(q), code).toBeUndefined();
      expect(needsPerson(q), code).toHaveLength(1);
    }
  });

  it("a transient code (0x8024402C) is retried after the backoff, and nobody is asked", async () => {
    const q = await planLoop({ results: failed("j1", "0x8024402C", "2026-12-10T13:00:00Z") });
    expect(installJob(q)!.retry).toEqual({ attempt: 2, after: "2026-12-10T13:00:00Z" });
    expect(needsPerson(q)).toEqual([]);
  });

  it("an unknown code gets one retry: deterministic from its second consecutive failure on", async () => {
    const once = await planLoop({ results: failed("j1", "0x8024200B", "2026-12-10T13:00:00Z") });
    expect(installJob(once)!.retry).toEqual({ attempt: 2, after: "2026-12-10T13:00:00Z" });
    expect(needsPerson(once)).toEqual([]);
    const twice = await planLoop({
      results: failed("j1", "0x8024200B", "2026-12-10T09:00:00Z") + failed("j2", "0x8024200B", "2026-12-10T13:00:00Z"),
    });
    expect(installJob(twice)).toBeUndefined();
    expect(needsPerson(twice)).toEqual([
      "app-1 (owner team-a): KB5004 failed 2 times, last at 2026-12-10T13:00:00Z with 0x8024200B, a cause patchops does not know; it is not retried until a person fixes the cause",
    ]);
    // No code at all is unknown too.
    const bare = await planLoop({
      results: failed("j1", undefined, "2026-12-10T09:00:00Z") + failed("j2", undefined, "2026-12-10T13:00:00Z"),
    });
    expect(installJob(bare)).toBeUndefined();
  });

  it("a success after a deterministic failure clears it", async () => {
    const q = await planLoop({
      results:
        failed("j1", "0x800F0922", "2026-12-10T09:00:00Z") +
        line({
          jobId: "j2",
          host: "app-1",
          status: "succeeded",
          updates: { KB5004: { status: "succeeded" } },
          finishedAt: "2026-12-10T13:00:00Z",
        }),
    });
    expect(q.hosts.get("app-1")!.updates.KB5004).toBe("installed");
    expect(needsPerson(q)).toEqual([]);
  });
});

describe("a result from the future (the control node's clock is wrong)", async () => {
  const success = (finishedAt: string) =>
    line({
      jobId: "j1",
      host: "app-1",
      status: "succeeded",
      updates: { KB5004: { status: "succeeded" } },
      finishedAt,
    });
  const future = (q: Awaited<ReturnType<typeof planLoop>>) =>
    q.plan.findings.filter((f) => f.code === "result-from-the-future").map((f) => f.message);

  it("counts up to five minutes after now, and is ignored with a finding one second later", async () => {
    // NOW is 18:00:00Z: 18:05:00Z is within the skew, 18:05:01Z is not.
    const inSkew = await planLoop({ results: success("2026-12-10T18:05:00Z") });
    expect(inSkew.hosts.get("app-1")!.updates.KB5004).toBe("installed");
    expect(future(inSkew)).toEqual([]);
    const beyond = await planLoop({ results: success("2026-12-10T18:05:01Z") });
    expect(beyond.hosts.get("app-1")!.updates.KB5004).toBe("missing");
    expect(future(beyond)).toEqual([
      "job j1 on app-1 claims to have finished at 2026-12-10T18:05:01Z, after 2026-12-10T18:00:00Z: the control node's clock is wrong; the result is ignored",
    ]);
  });

  it("a result dated 2099 never makes an update installed", async () => {
    const q = await planLoop({ results: success("2099-01-01T00:00:00Z") });
    expect(q.hosts.get("app-1")!.updates.KB5004).toBe("missing");
    expect(future(q)).toHaveLength(1);
  });
});

describe("a failed pilot job fails the pilot at once", () => {
  it("holds the broad jobs and reports pilot-failed before the pilot window ends", async () => {
    const files = {
      "policies/updates/kb7000.yaml": [
        "apiVersion: patchops/v1",
        "kind: Update",
        "metadata: { name: kb7000 }",
        "spec:",
        "  id: KB7000",
        "  title: Update with a pilot wave",
        "  classification: update",
        "  released: 2026-12-05",
        "  decision: approved",
        "",
      ].join("\n"),
    };
    // Inside the reference hosts' pilot window (2026-12-09T02:00Z – 2026-12-10T02:00Z), scanned that morning.
    const editInventory = (t: string) => t.replaceAll("2026-12-10T04:00:00Z", "2026-12-09T08:00:00Z");
    const PILOT_NOW = "2026-12-09T12:00:00Z";
    const before = await planLoop({ files, editInventory, now: PILOT_NOW });
    const pilotHost = before.plan.pilot.hosts[0]!;
    expect(before.plan.findings.map((f) => f.code)).not.toContain("pilot-failed");
    const results = line({
      jobId: "ffff",
      host: pilotHost,
      status: "failed",
      updates: { KB7000: { status: "failed", code: "0x80070643" } },
      finishedAt: "2026-12-09T11:30:00Z",
    });
    const p = await planLoop({ files, editInventory, now: PILOT_NOW, results });
    expect(p.plan.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(p.hosts.get(pilotHost)!.updates.KB7000).toBe("failed");
    expect(p.plan.summary.updates.KB7000!.held).not.toBeNull();
    // Before its pilot window ends, the failed job alone fails the pilot.
    expect(p.plan.findings.find((f) => f.code === "pilot-failed")!.message).toContain(
      `KB7000: the pilot failed: ${pilotHost}`,
    );
  });
});

describe("bad results files", () => {
  it("a malformed line is reported with file:line and exits 1; the plan is still written", async () => {
    const repo = await tempRepo("loop", {
      "bad.ndjson":
        '{"jobId":"x","host":"web-1","status":"maybe","updates":{},"finishedAt":"2026-12-10T15:00:00Z"}\nnot json\n',
    });
    const p = await planWith(repo, [join(repo, "bad.ndjson")]);
    expect(p.r.code).toBe(1);
    expect(p.r.stderr).toContain("bad.ndjson:1:1");
    expect(p.r.stderr).toContain("results-malformed");
    expect(p.r.stderr).toContain("bad.ndjson:2:1");
    expect(p.r.stderr).not.toMatch(/\n\s+at /);
  });

  it("an unreadable results file is a usage error (exit 2)", async () => {
    const repo = await tempRepo("loop");
    const p = await planWith(repo, [join(repo, "missing.ndjson")]);
    expect(p.r.code).toBe(2);
    expect(p.r.stderr).toContain("cannot read the results file");
  });
});
