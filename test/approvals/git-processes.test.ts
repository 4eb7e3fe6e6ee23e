// Approval verification reads every version it needs through one `git cat-file --batch` and one history walk,
// whatever the number of files and versions (issue 33): the git processes a plan spawns on the example policy are
// counted through a shim on PATH that logs each call and runs the real git.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, cpSync, readFileSync, writeFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI_JS } from "../helpers/child.js";
import { commitAll, ROOT, tempDir } from "../helpers/repo.js";

const NOW = "2026-12-10T09:00:00Z";
const REAL_GIT = execFileSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).trim();
// Trailers stand in for reviews (trust-local): every version is then judged without GitHub.
const APPROVED = [
  "amara-okafor",
  "chen-wei",
  "bjorn-lindqvist",
  "farah-haddad",
  "gustavo-pereira",
  "hana-sato",
  "ivan-petrov",
  "jonas-meyer",
  "kavya-rao",
]
  .map((a) => `Approved-by: ${a}`)
  .join("\n");

/** Plans the example policy committed in `versions` commits (each changes every Update and Assignment file). */
async function gitCalls(versions: number): Promise<{ calls: string[]; plan: { approvalVerification: string } }> {
  const repo = await tempDir();
  for (const d of ["policies", "baselines", "windows", "examples"])
    cpSync(join(ROOT, d), join(repo, d), { recursive: true });
  commitAll(repo, `Example policy\n\n${APPROVED}`, "2026-11-20T12:00:00Z", "Root <root@example.com>");
  const changed = [
    ...(await readdir(join(repo, "policies/updates"))).map((f) => join(repo, "policies/updates", f)),
    ...(await readdir(join(repo, "windows/assignments"))).map((f) => join(repo, "windows/assignments", f)),
  ];
  for (let v = 2; v <= versions; v++) {
    for (const f of changed) writeFileSync(f, `${readFileSync(f, "utf8")}# version ${v}\n`);
    commitAll(repo, `Version ${v}\n\n${APPROVED}`, `2026-11-2${v}T12:00:00Z`, "Root <root@example.com>");
  }
  const shim = await tempDir();
  const log = join(shim, "log");
  writeFileSync(join(shim, "git"), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${REAL_GIT}' "$@"\n`);
  chmodSync(join(shim, "git"), 0o755);
  writeFileSync(log, "");
  const out = join(repo, "out");
  const r = spawnSync(
    process.execPath,
    [
      CLI_JS,
      ...["plan", "--repo", repo, "--inventory", join(repo, "examples/inventory.jsonl"), "--out", out, "--now", NOW],
      "--trust-local-approvals",
    ],
    {
      encoding: "utf8",
      env: { ...process.env, PATH: `${shim}:${process.env.PATH}`, GITHUB_TOKEN: "" },
      input: "",
    },
  );
  expect(r.status, r.stderr).toBeLessThan(2);
  return {
    calls: (await readFile(log, "utf8")).split("\n").filter(Boolean),
    plan: JSON.parse(await readFile(join(out, "plan.json"), "utf8")) as { approvalVerification: string },
  };
}

const kind = (call: string) => call.replace(/^-c \S+ /, "").split(" ")[0]!;

describe("approval verification's git processes", () => {
  it("are as many for four versions of every file as for one: one cat-file --batch and one history walk", async () => {
    const one = await gitCalls(1);
    const four = await gitCalls(4);
    expect(one.plan.approvalVerification).toBe("trusted-local");
    expect(four.plan.approvalVerification).toBe("trusted-local");
    expect(four.calls.length).toBe(one.calls.length);
    // Loading the policy at the ref reads through one; the verification through another, kept for its whole run.
    expect(four.calls.filter((c) => c === "cat-file --batch")).toHaveLength(2);
    expect(four.calls.filter((c) => kind(c) === "log")).toHaveLength(1);
    expect(four.calls.filter((c) => kind(c) === "rev-list")).toHaveLength(1);
    expect(four.calls.filter((c) => kind(c) === "diff")).toHaveLength(0);
  }, 60_000);
});
