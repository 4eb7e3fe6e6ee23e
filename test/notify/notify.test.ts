import { execFileSync } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withFakeGithub, type FakeGithub } from "../helpers/github-server.js";
import { cli, commitAll, tempDir, tempRepo } from "../helpers/repo.js";

const NOW = "2026-12-10T09:00:00Z";

function record(host: string, installed: string[]) {
  return JSON.stringify({
    host,
    scannedAt: "2026-12-10T04:00:00Z",
    os: { family: "windows", name: "Windows Server 2022", version: "10.0.20348.2113" },
    installed,
  });
}

/** Two teams: team-a (host-01, host-02) with a mail contact, team-b (host-03); `installed` says who has KB5035857. */
async function fleet(): Promise<{ repo: string; plan: (installed: string[]) => Promise<string> }> {
  const repo = await tempRepo("minimal", {
    "windows/assignments/team-a.yaml":
      "apiVersion: patchops/v1\nkind: Assignment\nmetadata:\n  name: team-a\nspec:\n  owner: team-a\n  contacts: [team-a@example.com, '#team-a-chat']\n  timetable: dc\n  hosts:\n    - { name: host-01, period: D1-04 }\n    - { name: host-02, period: D3-04 }\n",
    "windows/assignments/team-b.yaml":
      "apiVersion: patchops/v1\nkind: Assignment\nmetadata:\n  name: team-b\nspec:\n  owner: team-b\n  timetable: dc\n  hosts:\n    - { name: host-03, period: D2-04 }\n",
  });
  let run = 0;
  const plan = async (installed: string[]) => {
    const inv = join(repo, `inv-${run}.jsonl`);
    const out = join(repo, `plan-${run++}`);
    await writeFile(
      inv,
      ["host-01", "host-02", "host-03"].map((h) => record(h, installed.includes(h) ? ["KB5035857"] : [])).join("\n"),
    );
    const r = await cli(
      "plan",
      "--repo",
      repo,
      "--inventory",
      inv,
      "--out",
      out,
      "--now",
      NOW,
      "--no-verify-approvals",
    );
    expect(r.code, r.stderr).toBe(0);
    return out;
  };
  return { repo, plan };
}

describe("owner notifications: one GitHub issue per team", () => {
  const fake = withFakeGithub({ beforeAll, afterAll });
  let gh: FakeGithub;
  beforeAll(() => {
    gh = fake.gh;
  });

  it("creates an issue per noncompliant team, leaves it alone when nothing changed, edits it, then closes it", async () => {
    const { repo, plan } = await fleet();
    const first = await cli("notify", "--repo", repo, "--plan", await plan([]), "--github-issues");
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain("issue created for team-a");
    expect(first.stdout).toContain("issue created for team-b");
    expect(gh.issues).toHaveLength(2);
    const a = gh.issues.find((i) => i.body.includes("team=team-a"))!;
    expect(a.labels).toEqual(["patchops-digest"]);
    expect(a.title).toBe("patchops: team-a has 2 of 2 hosts needing updates");
    expect(a.body).toMatch(
      /^<!-- patchops:owner-digest team=team-a fingerprint=[0-9a-f]{16} -->\n# Patch digest for team-a/,
    );

    const again = await cli("notify", "--repo", repo, "--plan", await plan([]), "--github-issues");
    expect(again.stdout).toBe("");
    const writes = gh.requests.filter((r) => r.method !== "GET" && r.path.includes("/issues")).length;
    expect(writes).toBe(2);

    const partly = await cli("notify", "--repo", repo, "--plan", await plan(["host-01", "host-03"]), "--github-issues");
    expect(partly.stdout).toContain("issue updated for team-a");
    expect(partly.stdout).toContain("issue closed for team-b");
    expect(gh.issues.find((i) => i.body.includes("team=team-b"))!.state).toBe("closed");
    expect(a.title).toBe("patchops: team-a has 1 of 2 hosts needing updates");

    const regress = await cli("notify", "--repo", repo, "--plan", await plan(["host-01"]), "--github-issues");
    expect(regress.stdout).toContain("issue reopened for team-b");
    expect(gh.issues).toHaveLength(2);

    const done = await cli(
      "notify",
      "--repo",
      repo,
      "--plan",
      await plan(["host-01", "host-02", "host-03"]),
      "--github-issues",
    );
    expect(done.stdout).toContain("issue closed for team-a");
    expect(gh.issues.every((i) => i.state === "closed")).toBe(true);
  });

  it("bounds the writes per run; the rest wait for the next run", async () => {
    gh.issues.length = 0;
    const { repo, plan } = await fleet();
    const dir = await plan([]);
    const r = await cli("notify", "--repo", repo, "--plan", dir, "--github-issues", "--max", "1");
    expect(r.stdout).toContain("1 issue changes wait for the next run (--max 1)");
    expect(gh.issues).toHaveLength(1);
    const next = await cli("notify", "--repo", repo, "--plan", dir, "--github-issues", "--max", "1");
    expect(next.stdout).toContain("issue created for team-b");
    expect(gh.issues).toHaveLength(2);
  });
});

describe("owner notifications: webhook and mail, only what changed", () => {
  let hook: Server;
  let hookUrl = "";
  const posts: { path: string; body: unknown }[] = [];
  let smtp: SMTPServer;
  let smtpPort = 0;
  const mails: { from: string; to: string[]; data: string }[] = [];
  beforeAll(async () => {
    hook = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        posts.push({ path: req.url!, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
        res.writeHead(req.url === "/fail" ? 500 : 200, { "content-type": "text/plain" }).end("ok");
      });
    });
    await new Promise<void>((ok) => hook.listen(0, "127.0.0.1", ok));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}`;
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      onData(stream, session, done) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to: session.envelope.rcptTo.map((r) => r.address),
            data: Buffer.concat(chunks).toString("utf8"),
          });
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

  it("posts a Slack message per changed team, and nothing when nothing changed", async () => {
    const { repo, plan } = await fleet();
    const state = join(repo, "notified.json");
    const args = ["--repo", repo, "--webhook", `${hookUrl}/slack`, "--state", state, "--interval-ms", "0"];
    const r = await cli("notify", "--plan", await plan([]), ...args);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("webhook: 2 sent, 0 unchanged");
    expect(posts.map((p) => (p.body as { text: string }).text.split("\n")[0])).toEqual([
      "patchops: team-a has 2 of 2 hosts needing updates",
      "patchops: team-b has 1 of 1 hosts needing updates",
    ]);
    const again = await cli("notify", "--plan", await plan([]), ...args);
    expect(again.stdout).toContain("webhook: 0 sent, 2 unchanged");
    expect(posts).toHaveLength(2);
    const fixed = await cli("notify", "--plan", await plan(["host-03"]), ...args);
    expect(fixed.stdout).toContain("webhook: 1 sent, 1 unchanged");
    expect((posts[2]!.body as { text: string }).text).toContain("patchops: team-b is compliant");
    expect(JSON.parse(await readFile(state, "utf8")).kind).toBe("NotificationLedger");
  });

  it("refuses a notification state that git tracks (L7): a committed ledger silences nothing, and is not rewritten", async () => {
    const { repo, plan } = await fleet();
    const dir = await plan([]);
    const args = ["--repo", repo, "--webhook", `${hookUrl}/slack`, "--interval-ms", "0"];
    // A first run writes the default state in the checkout; someone commits it (git add -f).
    const first = await cli("notify", "--plan", dir, ...args);
    expect(first.stdout).toContain("webhook: 2 sent, 0 unchanged");
    const state = join(repo, ".patchops-cache", "notifications.json");
    const committed = await readFile(state, "utf8");
    commitAll(repo, "policy");
    const git = (...a: string[]) =>
      execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...a], { cwd: repo });
    git("add", "-f", ".patchops-cache/notifications.json");
    git("commit", "-q", "--allow-empty", "-m", "state");
    expect(git("ls-files", ".patchops-cache").toString()).toContain("notifications.json");
    const before = posts.length;
    const r = await cli("notify", "--plan", dir, ...args);
    expect(r.stderr).toContain(`refusing the notification state ${state}: it is tracked by git`);
    expect(r.stdout).toContain("webhook: 2 sent, 0 unchanged");
    expect(posts.length - before).toBe(2);
    expect(await readFile(state, "utf8")).toBe(committed);
    // The same file reached through a symbolic link to the tracked folder is refused too.
    const link = join(await tempDir(), "state-link");
    await symlink(join(repo, ".patchops-cache"), link);
    const viaLink = await cli("notify", "--plan", dir, ...args, "--state", join(link, "notifications.json"));
    expect(viaLink.stderr).toContain("it is tracked by git");
    expect(viaLink.stdout).toContain("webhook: 2 sent, 0 unchanged");
    // An untracked state in the checkout is used as before.
    await mkdir(join(repo, "state"), { recursive: true });
    const own = join(repo, "state", "n.json");
    await cli("notify", "--plan", dir, ...args, "--state", own);
    expect((await cli("notify", "--plan", dir, ...args, "--state", own)).stdout).toContain(
      "webhook: 0 sent, 2 unchanged",
    );
  });

  it("refuses a plan with a broken host line before sending anything, naming file and line", async () => {
    const { repo, plan } = await fleet();
    const dir = await plan([]);
    const before = posts.length;
    await writeFile(join(dir, "hosts.ndjson"), (await readFile(join(dir, "hosts.ndjson"), "utf8")) + "{oops\n");
    const lines = (await readFile(join(dir, "hosts.ndjson"), "utf8")).trim().split("\n").length;
    const state = join(repo, "broken.json");
    const r = await cli("notify", "--plan", dir, "--repo", repo, "--webhook", `${hookUrl}/slack`, "--state", state);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`patchops: ${join(dir, "hosts.ndjson")}:${lines}: not a JSON line\n`);
    expect(posts).toHaveLength(before);
  });

  it("speaks the Teams Adaptive Card format, and a failing webhook exits 2 with a message", async () => {
    const { repo, plan } = await fleet();
    posts.length = 0;
    const dir = await plan([]);
    const state = join(repo, "teams.json");
    const r = await cli(
      "notify",
      "--repo",
      repo,
      "--plan",
      dir,
      "--webhook",
      `${hookUrl}/teams`,
      "--webhook-format",
      "teams",
      "--state",
      state,
      "--interval-ms",
      "0",
    );
    expect(r.code, r.stderr).toBe(0);
    const card = posts[0]!.body as { type: string; attachments: { contentType: string; content: { type: string } }[] };
    expect(card.type).toBe("message");
    expect(card.attachments[0]!.contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(card.attachments[0]!.content.type).toBe("AdaptiveCard");
    const bad = await cli(
      "notify",
      "--repo",
      repo,
      "--plan",
      dir,
      "--webhook",
      `${hookUrl}/fail`,
      "--state",
      join(repo, "x.json"),
      "--interval-ms",
      "0",
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("the webhook answered HTTP 500 for team team-a");
  });

  it("mails the digest to the team's mail contacts over SMTP, once per change", async () => {
    const { repo, plan } = await fleet();
    const state = join(repo, "mail.json");
    const args = [
      "--repo",
      repo,
      "--smtp",
      `smtp://127.0.0.1:${smtpPort}`,
      "--mail-from",
      "patchops@example.com",
      "--state",
      state,
      "--interval-ms",
      "0",
    ];
    const r = await cli("notify", "--plan", await plan([]), ...args);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("no mail contact for team team-b");
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual(["team-a@example.com"]);
    expect(mails[0]!.from).toBe("patchops@example.com");
    expect(mails[0]!.data).toContain("Subject: patchops: team-a has 2 of 2 hosts needing updates");
    expect(mails[0]!.data).toContain("# Patch digest for team-a");
    const again = await cli("notify", "--plan", await plan([]), ...args);
    expect(again.stdout).toContain("mail: 0 sent, 1 unchanged");
    expect(mails).toHaveLength(1);
  });
});
