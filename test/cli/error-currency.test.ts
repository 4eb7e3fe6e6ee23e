// One exception currency: every error patchops throws on purpose is a PatchopsError whose exit code main() returns
// with a one-line message; anything else is an internal error (exit 3).
import { describe, expect, it } from "vitest";
import { EXIT, InputError, OperationalError, PatchopsError, UsageError } from "../../reconciler/errors.js";
import { GithubError } from "../../reconciler/github/client.js";
import { WholeInputTooLarge } from "../../reconciler/inventory/input.js";
import { InventoryReadError } from "../../reconciler/inventory/read.js";
import { MergeError } from "../../reconciler/plan/merge.js";
import { ResultsReadError } from "../../reconciler/results/read.js";
import { cli } from "../helpers/repo.js";

describe("the exception currency", () => {
  it.each([
    ["UsageError", new UsageError("x"), UsageError],
    ["InputError", new InputError("x"), InputError],
    ["OperationalError", new OperationalError("x"), OperationalError],
    ["MergeError", new MergeError("x"), InputError],
    ["InventoryReadError", new InventoryReadError("x"), InputError],
    ["ResultsReadError", new ResultsReadError("x"), InputError],
    ["WholeInputTooLarge", new WholeInputTooLarge("x"), InputError],
    ["GithubError", new GithubError("x"), OperationalError],
  ])("%s is a PatchopsError with exit 2", (name, err, base) => {
    expect(err).toBeInstanceOf(PatchopsError);
    expect(err).toBeInstanceOf(base);
    expect(err.exit).toBe(EXIT.usage);
    expect(err.name).toBe(name);
  });

  it("main prints a PatchopsError in one line with its exit code, without a stack", async () => {
    const r = await cli("merge", "--out", "/nonexistent-dir/out", "/nonexistent-shard-a", "/nonexistent-shard-b");
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^patchops: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
