// Fail closed at the last step: a plan whose jobs would take two nodes of one cluster down together (a hand-edited
// or mismatched plan) is never handed to a runner, by `export ansible` or by `deploy due`.
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { HostResult, Job } from "../../reconciler/model/plan.js";
import { cli, tempRepo } from "../helpers/repo.js";

let repo = "";
let plan = "";
let expected = "";
beforeAll(async () => {
  repo = await tempRepo("loop");
  plan = join(repo, "plan");
  const inv = join(repo, "inventory.jsonl");
  const args = ["--repo", repo, "--inventory", inv, "--out", plan, "--no-verify-approvals"];
  expect((await cli("plan", ...args, "--now", "2026-12-10T09:00:00Z")).code).toBe(0);
  const read = async <T>(f: string) =>
    (await readFile(join(plan, f), "utf8"))
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as T);
  const jobs = await read<Job>("jobs.ndjson");
  // Two hosts with windowed jobs become nodes of cluster c1, and the second node's job moves into the first's window.
  const first = jobs.find((j) => j.type === "install")!;
  const second = jobs.find((j) => (j.type === "install" || j.type === "synthetic") && j.host !== first.host)!;
  second.window = { ...first.window };
  const hosts = (await read<HostResult>("hosts.ndjson")).map((h) =>
    h.host === first.host || h.host === second.host ? { ...h, cluster: "c1" } : h,
  );
  await writeFile(join(plan, "jobs.ndjson"), jobs.map((j) => JSON.stringify(j) + "\n").join(""));
  await writeFile(join(plan, "hosts.ndjson"), hosts.map((h) => JSON.stringify(h) + "\n").join(""));
  const [a, b] = [first, second].sort((x, y) => (x.host < y.host ? -1 : 1));
  expected = `cluster 'c1': ${a!.host} (${a!.window.start} – ${a!.window.end}) and ${b!.host} (${b!.window.start} – ${b!.window.end}) overlap`;
}, 60_000);

describe("a plan with a cluster overlap is never exported", () => {
  it("export ansible: exit 1, the overlap named, nothing written", async () => {
    const out = join(repo, "export.yml");
    const r = await cli("export", "ansible", "--plan", plan, "--out", out);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(expected);
    expect(r.stderr).toContain("the plan holds 1 cluster overlap(s); nothing was exported");
    expect(existsSync(out)).toBe(false);
  });

  it("deploy due: the same refusal, at any instant", async () => {
    const out = join(repo, "due.yml");
    const r = await cli("deploy", "due", "--plan", plan, "--now", "2026-12-10T12:30:00Z", "--out", out);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(expected);
    expect(existsSync(out)).toBe(false);
  });
});
