// `patchops comment --pr N`: one pull-request comment carrying the diff, found again by a hidden marker and updated.
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { DIFF_MARKER } from "../views/diff-markdown.js";
import { UsageError } from "../errors.js";
import { addGithubOptions, requireGithub, type GithubOptions } from "./github-options.js";
import type { Io } from "./io.js";
import { addFormatOption, outputFormat, printResult } from "./output-format.js";

async function readBody(file: string | undefined): Promise<string> {
  try {
    if (file && file !== "-") return await readFile(file, "utf8");
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
    return Buffer.concat(chunks).toString("utf8");
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

export function registerComment(program: Command, io: Io): void {
  const cmd = addFormatOption(
    program
      .command("comment")
      .description("create or update the single patchops comment on a pull request (found by a hidden marker)")
      .requiredOption("--pr <number>", "pull request number")
      .option("--file <file>", "markdown to post (default: standard input), e.g. the output of patchops diff"),
  );
  addGithubOptions(cmd).action(async (opts: GithubOptions & { pr: string; file?: string; format?: string }) => {
    const format = outputFormat(opts.format);
    const pr = Number(opts.pr);
    if (!Number.isInteger(pr) || pr <= 0)
      throw new UsageError(`--pr must be a pull request number (found '${opts.pr}')`);
    const gh = requireGithub(opts);
    let body = await readBody(opts.file);
    if (!body.startsWith(DIFF_MARKER)) body = `${DIFF_MARKER}\n${body}`;
    // Ours starts with the marker; anyone can quote the marker inside their own comment, and that one is not ours.
    const existing = (await gh.comments(pr)).find((c) => c.body.startsWith(DIFF_MARKER));
    const c = existing ? await gh.updateComment(existing.id, body) : await gh.createComment(pr, body);
    printResult(io, format, `${existing ? "Updated" : "Created"} ${c.url}\n`, {
      action: existing ? "updated" : "created",
      url: c.url,
    });
  });
}
