// The outside world of scripts/e2e-adoption.sh, as one process: the fake GitHub API (issues), a chat webhook
// receiver and an SMTP server, all on 127.0.0.1. Run with tsx: `tsx test/e2e/adoption-servers.ts DIR`. It writes
// DIR/ports.json once all three listen, and DIR/received.json (issues, webhook posts, mail) after every delivery;
// it stops on SIGTERM.
import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { SMTPServer } from "smtp-server";
import { startFakeGithub } from "../helpers/github-server.js";

const dir = process.argv[2];
if (!dir) {
  process.stderr.write("usage: tsx test/e2e/adoption-servers.ts DIR\n");
  process.exit(2);
}

const posts: { path: string; body: unknown }[] = [];
const mails: { from: string; to: string[]; data: string }[] = [];
const github = await startFakeGithub();
const save = () =>
  writeFileSync(join(dir, "received.json"), JSON.stringify({ issues: github.issues, posts, mails }, null, 2) + "\n");

const hook = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    posts.push({ path: req.url ?? "", body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown });
    save();
    res.writeHead(200, { "content-type": "text/plain" }).end("ok");
  });
});
await new Promise<void>((ok) => hook.listen(0, "127.0.0.1", ok));

const smtp = new SMTPServer({
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
      save();
      done();
    });
  },
});
await new Promise<void>((ok) => smtp.listen(0, "127.0.0.1", ok));

// The fake GitHub keeps its issues in memory: they are saved every 200 ms, and once more on SIGTERM.
const seen = setInterval(save, 200);
save();
writeFileSync(
  join(dir, "ports.json"),
  JSON.stringify({
    github: github.url,
    webhook: `http://127.0.0.1:${(hook.address() as AddressInfo).port}`,
    smtp: (smtp.server.address() as AddressInfo).port,
  }) + "\n",
);

process.on("SIGTERM", () => {
  clearInterval(seen);
  save();
  void Promise.all([
    github.close(),
    new Promise<void>((ok) => hook.close(() => ok())),
    new Promise<void>((ok) => smtp.close(() => ok())),
  ]).then(() => process.exit(0));
});
