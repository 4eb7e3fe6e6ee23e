// Issue 31 point 3: a no-force job (forceInstall: false) is staged, not installed, and its owner is told through
// `patchops notify`: "staged, waiting for you to install before DEADLINE", once per change, on every channel.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withFakeGithub } from "../helpers/github-server.js";
import { cli, tempRepo } from "../helpers/repo.js";

const NOW = "2026-12-10T09:00:00Z";

const UPDATE = `apiVersion: patchops/v1
kind: Update
metadata:
  name: kb5099001
spec:
  id: KB5099001
  title: December 2026 cumulative update for Windows Server 2022
  classification: security
  severity: important
  released: 2026-12-08
  decision: approved
  pilot: false
  appliesTo:
    os: [{ family: windows, versions: ">=10.0.20348 <10.0.20349" }]
  restart: required
`;

const NO_FORCE = `apiVersion: patchops/v1
kind: Exemption
metadata:
  name: host-01-no-force
spec:
  hosts: [host-01]
  updates: ["*"]
  type: no-force
  reason: payments database, the DBA installs by hand
  ticket: CHG-1234
  expires: 2027-01-31
`;

/** A scan of `host`; `pending`: KB5099001 is installed and waits for a restart. */
const record = (host: string, pending = false) =>
  JSON.stringify({
    host,
    scannedAt: "2026-12-10T04:00:00Z",
    os: { family: "windows", name: "Windows Server 2022", version: "10.0.20348.2113" },
    installed: pending ? ["KB5099001"] : [],
    ...(pending ? { pendingReboot: true, pendingRebootUpdates: ["KB5099001"] } : {}),
  });

/** team-a: host-01 (no-force, D1-04) and host-02 (D3-04), mail contact team-a@example.com; planned at NOW. */
async function planned(
  pending = false,
): Promise<{ repo: string; dir: string; noForceJob: { id: string; deadline: string } }> {
  const repo = await tempRepo("minimal", {
    "policies/updates/kb5099001.yaml": UPDATE,
    "policies/exemptions/host-01-no-force.yaml": NO_FORCE,
    "windows/assignments/team-a.yaml":
      "apiVersion: patchops/v1\nkind: Assignment\nmetadata:\n  name: team-a\nspec:\n  owner: team-a\n  contacts: [team-a@example.com]\n  timetable: dc\n  hosts:\n    - { name: host-01, period: D1-04 }\n    - { name: host-02, period: D3-04 }\n",
  });
  await rm(join(repo, "policies/updates/kb5035857.yaml"));
  await writeFile(join(repo, "inv.jsonl"), [record("host-01", pending), record("host-02", pending)].join("\n"));
  const dir = join(repo, "plan");
  const r = await cli(
    "plan",
    ...["--repo", repo, "--inventory", join(repo, "inv.jsonl"), "--out", dir, "--now", NOW, "--no-verify-approvals"],
  );
  expect(r.code, r.stderr).toBe(0);
  const jobs = (await readFile(join(dir, "jobs.ndjson"), "utf8"))
    .trim()
    .split("\n")
    .map(
      (l) =>
        JSON.parse(l) as {
          id: string;
          host: string;
          type: string;
          deadline: string;
          window: { start: string };
          enforcement: { forceInstall: boolean };
        },
    );
  if (pending) {
    // Installed, waiting for a restart: host-02 gets a restart job, host-01's owner controls its restarts.
    expect(jobs.map((j) => `${j.host} ${j.type}`)).toEqual(["host-02 restart"]);
    return { repo, dir, noForceJob: { id: "", deadline: "" } };
  }
  const job = jobs.find((j) => j.host === "host-01" && j.type === "install")!;
  // The exemption makes host-01's job no-force; host-02's is forced.
  expect(job.enforcement.forceInstall).toBe(false);
  expect(jobs.find((j) => j.host === "host-02" && j.type === "install")!.enforcement.forceInstall).toBe(true);
  return { repo, dir, noForceJob: job };
}

describe("the owner is told about staged no-force jobs (issue 31, point 3)", () => {
  const fake = withFakeGithub({ beforeAll, afterAll });
  let hook: Server;
  let hookUrl = "";
  const posts: { text: string }[] = [];
  let smtp: SMTPServer;
  let smtpPort = 0;
  const mails: string[] = [];
  beforeAll(async () => {
    hook = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        posts.push(JSON.parse(Buffer.concat(chunks).toString("utf8")) as { text: string });
        res.writeHead(200).end("ok");
      });
    });
    await new Promise<void>((ok) => hook.listen(0, "127.0.0.1", ok));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/slack`;
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      onData(stream, _session, done) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          mails.push(Buffer.concat(chunks).toString("utf8"));
          done();
        });
      },
    });
    await new Promise<void>((ok) => smtp.listen(0, "127.0.0.1", ok));
    smtpPort = (smtp.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((ok) => hook.close(() => ok()));
    await new Promise<void>((ok) => smtp.close(() => ok()));
  });

  it("webhook and mail: planned, then staged by the playbook's result; each said once", async () => {
    const { repo, dir, noForceJob } = await planned();
    // host-01's D1-04 is 10 Dec 04:00–08:00 in Los Angeles = 12:00Z – 16:00Z; its deadline is its window's end.
    const state = join(repo, "state.json");
    const args = [
      ...["--repo", repo, "--plan", dir, "--state", state, "--interval-ms", "0", "--webhook", hookUrl],
      ...["--smtp", `smtp://127.0.0.1:${smtpPort}`, "--mail-from", "patchops@example.com"],
    ];
    const first = await cli("notify", ...args);
    expect(first.code, first.stderr).toBe(0);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.text.split("\n")).toEqual([
      "patchops: team-a has 2 of 2 hosts needing updates, 1 staged for you to install",
      "2 hosts: 0 compliant, 2 need something.",
      `host-01: KB5099001 will be staged in its window 2026-12-10T12:00:00Z – 2026-12-10T16:00:00Z, waiting for you to install before 2026-12-10T16:00:00Z`,
    ]);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toContain("## Staged, waiting for you to install");
    expect(mails[0]).toContain("host-01: KB5099001 will be staged");

    // Nothing new: nothing sent.
    const again = await cli("notify", ...args);
    expect(again.stdout).toContain("webhook: 0 sent, 1 unchanged");
    expect(again.stdout).toContain("mail: 0 sent, 1 unchanged");

    // The playbook staged it (win_updates state=downloaded): its result says so, and the owner is told.
    await writeFile(
      join(repo, "staged.ndjson"),
      JSON.stringify({
        jobId: noForceJob.id,
        host: "HOST-01",
        type: "install",
        status: "not-run",
        reason: "staged",
        message: "downloaded, not installed (forceInstall false)",
        updates: {},
        finishedAt: "2026-12-10T12:05:00Z",
      }) + "\n",
    );
    const staged = await cli("notify", ...args, "--results", join(repo, "staged.ndjson"));
    expect(staged.code, staged.stderr).toBe(0);
    expect(staged.stdout).toContain("webhook: 1 sent, 0 unchanged");
    expect(posts.at(-1)!.text.split("\n").at(-1)).toBe(
      `host-01: KB5099001 staged at 2026-12-10T12:05:00Z, waiting for you to install before 2026-12-10T16:00:00Z`,
    );
    expect(mails.at(-1)).toContain("host-01: KB5099001 staged at 2026-12-10T12:05:00Z");
    const same = await cli("notify", ...args, "--results", join(repo, "staged.ndjson"));
    expect(same.stdout).toContain("webhook: 0 sent, 1 unchanged");
    expect(mails).toHaveLength(2);
  });

  it("the team's GitHub issue lists the staged job; a results line that is not a job result is reported, the rest still sent", async () => {
    const { repo, dir } = await planned();
    const bad = join(repo, "bad.ndjson");
    await writeFile(bad, '{"jobId": "x"}\n');
    const r = await cli("notify", "--repo", repo, "--plan", dir, "--github-issues", "--results", bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad}:1:1`);
    expect(r.stdout).toContain("issue created for team-a");
    const issue = fake.gh.issues.find((i) => i.body.includes("team=team-a"))!;
    expect(issue.title).toBe("patchops: team-a has 2 of 2 hosts needing updates, 1 staged for you to install");
    expect(issue.body).toContain(
      `- host-01: KB5099001 will be staged in its window 2026-12-10T12:00:00Z – 2026-12-10T16:00:00Z, waiting for you to install before 2026-12-10T16:00:00Z`,
    );
  });
  it("a host waiting for a restart nothing will force: its owner is asked to restart it, once (issue 31, point 4)", async () => {
    const { repo, dir } = await planned(true);
    const state = join(repo, "state.json");
    const args = ["--repo", repo, "--plan", dir, "--state", state, "--interval-ms", "0", "--webhook", hookUrl];
    const before = posts.length;
    const r = await cli("notify", ...args);
    expect(r.code, r.stderr).toBe(0);
    expect(posts.slice(before).map((p) => p.text.split("\n"))).toEqual([
      [
        "patchops: team-a has 2 of 2 hosts needing updates, 1 to restart",
        "2 hosts: 0 compliant, 2 need something.",
        "host-01: waits for a restart to finish installing KB5099001; nothing restarts it for you",
      ],
    ]);
    expect((await cli("notify", ...args)).stdout).toContain("webhook: 0 sent, 1 unchanged");
  });
});
