// `patchops verify-source`: the downloaded update file must have the size and sha256 its Update file records.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { Command } from "commander";
import { EXIT, UsageError } from "../errors.js";
import type { Io } from "./io.js";
import { outputFormat, printResult } from "./output-format.js";
import { nowOption, repoDir } from "./options.js";
import { validPolicyAt } from "./valid-policy.js";

async function sha256(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

export function registerVerifySource(program: Command, io: Io): void {
  program
    .command("verify-source")
    .description("check a downloaded update file against the size and sha256 in its Update file")
    .argument("<file>", "the downloaded package (.msu, .cab, .exe)")
    .requiredOption("--update <id>", "the update, e.g. KB5035857")
    .option("--repo <dir>", "policy repository (default: current directory)")
    .option("--format <format>", "text or json", "text")
    .action(async (file: string, opts: { update: string; repo?: string; format?: string }) => {
      const format = outputFormat(opts.format);
      const valid = await validPolicyAt(repoDir(opts.repo), undefined, nowOption(undefined), io);
      if (!valid) return;
      const u = valid.set.updates.find((x) => x.spec.id.toUpperCase() === opts.update.toUpperCase());
      if (!u) throw new UsageError(`${opts.update} has no Update file`);
      const expected = u.spec.source;
      if (!expected?.sha256) {
        io.err(
          `✗ ${u.file} records no source.sha256 for ${u.spec.id}: nothing to verify against. Add it from the vendor's catalog before deploying.\n`,
        );
        io.exitCode(EXIT.invalid);
        return;
      }
      let size: number;
      try {
        size = (await stat(file)).size;
      } catch (err) {
        throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      const problems: string[] = [];
      if (expected.size !== undefined && size !== expected.size)
        problems.push(`size is ${size} bytes, ${u.file} says ${expected.size}`);
      const actual = await sha256(file);
      if (actual !== expected.sha256) problems.push(`sha256 is ${actual}, ${u.file} says ${expected.sha256}`);
      if (problems.length) {
        io.err(
          `✗ REFUSED: ${file} is not the ${u.spec.id} the CAB approved: ${problems.join("; ")}. Do not deploy it.\n`,
        );
        io.exitCode(EXIT.invalid);
        return;
      }
      printResult(io, format, `✓ ${file} matches ${u.spec.id} (${size} bytes, sha256 ${actual})\n`, {
        file,
        update: u.spec.id,
        verified: true,
        size,
        sha256: actual,
      });
    });
}
