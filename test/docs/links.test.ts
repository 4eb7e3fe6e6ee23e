// Docs people can navigate: every relative link and anchor resolves, and every `patchops <command> --option` in a
// shell block names a real command and option.
import { existsSync, statSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { describe, expect, it } from "vitest";
import { cliCommands } from "../../scripts/docs-reference.js";
import { ROOT } from "../helpers/repo.js";
import {
  anchors,
  invocations,
  markdownFiles,
  PENDING_PAGES,
  read,
  relativeLinks,
  shellLines,
} from "./markdown.js";

describe("the documentation's links", () => {
  it("resolve: every relative link names a file that exists, and every anchor a heading of that file", async () => {
    const broken: string[] = [];
    for (const file of await markdownFiles()) {
      const text = await read(file);
      for (const { line, target } of relativeLinks(text)) {
        const [path, anchor] = target.split("#", 2) as [string, string | undefined];
        const resolved = path === "" ? file : normalize(join(dirname(file), decodeURIComponent(path)));
        if (PENDING_PAGES.has(resolved)) continue;
        if (!existsSync(join(ROOT, resolved))) {
          broken.push(`${file}:${line}: ${target} (no ${resolved})`);
          continue;
        }
        if (anchor === undefined || !resolved.endsWith(".md") || statSync(join(ROOT, resolved)).isDirectory()) continue;
        if (!anchors(await read(resolved)).has(anchor)) broken.push(`${file}:${line}: ${target} (no heading #${anchor})`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("the checker itself finds a missing file, a missing anchor and skips code", () => {
    const text = "# Title\n\n## A `code` heading, with: punctuation\n\n[x](#a-code-heading-with-punctuation) [y](#nope)\n```sh\n[z](#in-code)\n```\n";
    expect([...anchors(text)]).toEqual(["title", "a-code-heading-with-punctuation"]);
    expect(relativeLinks(text).map((l) => l.target)).toEqual(["#a-code-heading-with-punctuation", "#nope"]);
    expect([...anchors("## Same\n## Same\n")]).toEqual(["same", "same-1"]);
  });

  it("the front page fits on two screens and keeps the two commands that work on a fresh clone", async () => {
    const readme = await read("README.md");
    expect(readme.split("\n").length).toBeLessThanOrEqual(100);
    expect(readme).toContain("npm ci && npm run reconcile ");
    expect(readme).toContain("npm ci && npm run setup && npm test ");
    for (const page of ["docs/concepts.md", "docs/reference/cli.md", "docs/operations.md", "docs/security-model.md"])
      expect(readme, page).toContain(`](${page})`);
  });
});

describe("the documentation's shell examples", () => {
  it("name real commands and options", async () => {
    const commands = await cliCommands();
    const wrong: string[] = [];
    let checked = 0;
    for (const file of await markdownFiles())
      for (const { line, text } of shellLines(await read(file)))
        for (const words of invocations(text)) {
          const [first, second] = words;
          if (first === undefined || first.startsWith("-") || first.startsWith("<")) continue;
          const name = second !== undefined && commands.has(`${first} ${second}`) ? `${first} ${second}` : first;
          const options = commands.get(name);
          if (!options) {
            wrong.push(`${file}:${line}: no command 'patchops ${first}'`);
            continue;
          }
          checked++;
          for (const w of words.filter((x) => x.startsWith("--"))) {
            const option = w.replace(/=.*$/, "");
            if (!options.has(option)) wrong.push(`${file}:${line}: 'patchops ${name}' has no option ${option}`);
          }
        }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(12);
  });

  it("the checker reads continuations and stops at pipes and redirections", () => {
    const block = "```sh\nnpx patchops plan --inventory x \\\n  --out y | tee z --nope\npatchops export ansible --plan p > f # --comment\n```\n";
    expect(shellLines(block).flatMap((l) => invocations(l.text))).toEqual([
      ["plan", "--inventory", "x", "--out", "y"],
      ["export", "ansible", "--plan", "p"],
    ]);
  });
});
