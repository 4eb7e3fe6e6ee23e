import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diagnosticsAsGithub } from "../../reconciler/views/diagnostics.js";
import { cli, tempRepo } from "../helpers/repo.js";

const NOW = "2026-12-10T09:00:00Z";
const EVIL = "evil\n::error title=CAB approval::KB5035857 approved by the CAB (forged)\r\n::add-mask::pay-sql-01";

/** A line GitHub's runner would take as a workflow command (it trims leading white space first). */
const commandLines = (text: string) => text.split(/\r?\n|\r/).filter((l) => l.trimStart().startsWith("::"));

describe("workflow-command injection (issue 21, point 18)", () => {
  it("a host name from inventory never starts a line of its own in the plan's output", async () => {
    const repo = await tempRepo("example", {
      "inv.jsonl": [
        JSON.stringify({
          host: EVIL,
          scannedAt: "2026-12-10T04:00:00Z",
          os: { family: "windows", name: "Windows Server 2022", version: "10.0.20348.2113" },
          installed: [],
        }),
        // A malformed record naming a host: its name goes into a warning on stderr.
        JSON.stringify({ host: EVIL + "-2", scannedAt: 12 }),
      ].join("\n"),
    });
    for (const format of ["text", "markdown"]) {
      const r = await cli(
        "plan",
        "--repo",
        repo,
        "--inventory",
        join(repo, "inv.jsonl"),
        "--out",
        join(repo, "out"),
        "--now",
        NOW,
        "--no-verify-approvals",
        "--format",
        format,
      );
      expect(r.stderr).toContain("evil\\n::error title=CAB approval::");
      // Text shows the control character; Markdown (the step summary) escapes the name as Markdown text (D27).
      expect(r.stdout).toContain(format === "text" ? "evil\\n::error" : "evil \\:\\:error");
      expect(commandLines(r.stdout)).toEqual([]);
      expect(commandLines(r.stderr)).toEqual([]);
    }
  });

  it("validate escapes a file name in text and in GitHub annotations", async () => {
    const repo = await tempRepo("minimal", { "policies/updates/x\n::add-mask::y,z%0A.yaml": "kind: [" });
    const text = await cli("validate", "--repo", repo);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain("x\\n::add-mask::y,z%0A.yaml");
    expect(commandLines(text.stdout)).toEqual([]);
    const gh = await cli("validate", "--repo", repo, "--format", "github");
    // One annotation, then the summary line: the file name added no command of its own.
    expect(commandLines(gh.stdout)).toHaveLength(1);
    expect(gh.stdout.trim().split("\n")).toHaveLength(2);
    expect(gh.stdout).toContain("file=policies/updates/x%0A%3A%3Aadd-mask%3A%3Ay%2Cz%250A.yaml,");
  });

  it("the GitHub renderer escapes %, CR, LF in messages and : , in properties", () => {
    const out = diagnosticsAsGithub([
      {
        code: "inventory-malformed",
        severity: "warning",
        message: `host ${EVIL}: 100% bad`,
        file: "a,b:c\r\n::add-mask::d",
        line: 3,
        column: 1,
      },
    ]);
    expect(out).toBe(
      "::warning file=a%2Cb%3Ac%0D%0A%3A%3Aadd-mask%3A%3Ad,line=3,col=1,title=patchops inventory-malformed::" +
        "host evil%0A::error title=CAB approval::KB5035857 approved by the CAB (forged)%0D%0A::add-mask::pay-sql-01: 100%25 bad\n",
    );
  });
});
