// Reading the project's Markdown as GitHub renders it: headings to anchors, relative links, shell code blocks.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { ROOT } from "../helpers/repo.js";

/** Pages other engineers add on their branches: linked already, checked once they are merged. */
export const PENDING_PAGES = new Set([
  "docs/security-model.md",
  "docs/inventory-and-degradation.md",
  "docs/applicability.md",
  "docs/collectors.md",
  "docs/intake.md",
  "docs/execution.md",
  "docs/testing.md",
]);

/** README.md, the top-level policy files and every page under docs/, as repository-relative paths. */
export async function markdownFiles(): Promise<string[]> {
  const docs = (await readdir(join(ROOT, "docs"), { recursive: true }))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f.split("\\").join("/")}`);
  return ["README.md", "CHANGELOG.md", "SECURITY.md", "RELEASING.md", ...docs].sort();
}

/** The lines outside fenced code blocks, with their 1-based numbers. */
export function proseLines(text: string): [number, string][] {
  const out: [number, string][] = [];
  let fence = false;
  text.split("\n").forEach((line, i) => {
    if (/^\s*```/.test(line)) fence = !fence;
    else if (!fence) out.push([i + 1, line]);
  });
  return out;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens; repeats get -1, -2… */
export function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, line] of proseLines(text)) {
    const m = /^#{1,6} (.*)$/.exec(line);
    if (!m) continue;
    const plain = m[1]!.replace(/\[([^\]]*)\]\([^)]*\)/g, "$1");
    const slug = plain
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/ /g, "-");
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return out;
}

/** Relative links in prose: [label](target), with the line they are on. */
export function relativeLinks(text: string): { line: number; target: string }[] {
  const out: { line: number; target: string }[] = [];
  for (const [line, content] of proseLines(text)) {
    const code = content.replace(/`[^`]*`/g, "");
    for (const m of code.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1]!;
      if (/^[a-z][a-z+.-]*:/i.test(target)) continue;
      out.push({ line, target });
    }
  }
  return out;
}

/** The shell code blocks (sh, bash, shell, console) with each logical line (continuations joined). */
export function shellLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  const lines = text.split("\n");
  let inShell = false;
  let fence = false;
  let pending: { line: number; text: string } | null = null;
  lines.forEach((line, i) => {
    const open = /^\s*```(\w*)/.exec(line);
    if (open) {
      fence = !fence;
      inShell = fence && ["sh", "bash", "shell", "console"].includes(open[1]!);
      return;
    }
    if (!inShell) return;
    const body = line.replace(/(^|\s)#.*$/, "");
    if (pending) pending.text += " " + body.replace(/\\$/, "");
    else pending = { line: i + 1, text: body.replace(/\\$/, "") };
    if (!/\\$/.test(line)) {
      out.push(pending);
      pending = null;
    }
  });
  return out;
}

/** Each `patchops …` invocation on a shell line: its words up to the next pipe, list operator or redirection. */
export function invocations(line: string): string[][] {
  const out: string[][] = [];
  const re = /(?:^|[\s;&|(])(?:npx (?:--no-install )?patchops|patchops|node (?:\S*\/)?bin\/patchops\.js|\$PATCHOPS)((?:\s+[^\s|;&>]+)*)/g;
  for (const m of line.matchAll(re)) out.push(m[1]!.trim().split(/\s+/).filter(Boolean));
  return out;
}

export async function read(path: string): Promise<string> {
  return readFile(join(ROOT, path), "utf8");
}
