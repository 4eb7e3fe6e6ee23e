// The approval instant is the merge of the change that approved, not of a later reviewed edit (an override after a
// failed pilot, an exploitation flag): the SLA clock does not restart (issue 31, point 8; mission review N13). The
// override itself is recorded in plan.json with the change that added it.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { updateDoc } from "../helpers/documents.js";
import type { FakeGithub } from "../helpers/github-server.js";
import { cli, tempDir } from "../helpers/repo.js";
import { pilotOverrideNote, pilotSummary, type PilotVerdict } from "../../reconciler/plan/pilot.js";
import type { CatalogEntry } from "../../reconciler/plan/catalog.js";
import { base, change, makeTemplate, NOW, ok, pr, withFakeGithub } from "./trust-fixture.js";

let gh: FakeGithub;
withFakeGithub("ghs_instanttoken", (started) => (gh = started));

async function approvedAt(repo: string): Promise<string | null> {
  const scratch = await tempDir();
  const out = join(scratch, "out");
  const r = await cli(
    "plan",
    ...["--repo", repo, "--inventory", join(repo, "inv.jsonl"), "--out", out, "--now", NOW],
    ...["--cache-dir", join(scratch, "cache")],
  );
  expect(r.code, r.stderr).toBeLessThanOrEqual(1);
  const plan = JSON.parse(await readFile(join(out, "plan.json"), "utf8")) as {
    approvalVerification: string;
    summary: { updates: Record<string, { approvedAt: string | null }> };
  };
  expect(plan.approvalVerification).toBe("verified");
  return plan.summary.updates.KB100!.approvedAt;
}

describe("the approval instant of an Update file", () => {
  it("stays the merge of the pull request that approved it when a later reviewed edit changes the file", async () => {
    const t = await makeTemplate();
    const { repo, kb100 } = await base(gh, t);
    // PR #1 (alice, bob) approved KB100; it merged at 2026-11-23T18:00:00Z (trust-fixture's merge instant).
    expect(await approvedAt(repo)).toBe("2026-11-23T18:00:00Z");
    // PR #2, merged a week later, edits the approved file (its title): reviewed, but not a new approval.
    const edit = await change(repo, {
      "policies/updates/kb100.yaml": updateDoc("KB100").replace("title: Update KB100", "title: Update KB100 (v2)"),
    });
    gh.pulls.push({ ...pr(2, [edit], [ok("alice"), ok("bob")]), mergedAt: "2026-11-30T12:00:00Z" });
    expect(await approvedAt(repo)).toBe("2026-11-23T18:00:00Z");
    // Withdrawn (pending) and approved again in PR #4: the clock starts at the new approval.
    const pending = await change(repo, {
      "policies/updates/kb100.yaml": updateDoc("KB100", { decision: null }),
    });
    gh.pulls.push({ ...pr(3, [pending], [ok("alice"), ok("bob")]), mergedAt: "2026-12-01T09:00:00Z" });
    const again = await change(repo, { "policies/updates/kb100.yaml": updateDoc("KB100") });
    gh.pulls.push({ ...pr(4, [again], [ok("alice"), ok("bob")]), mergedAt: "2026-12-02T09:00:00Z" });
    expect(await approvedAt(repo)).toBe("2026-12-02T09:00:00Z");
    expect(kb100).not.toBe(again);
  }, 60_000);
});

describe("an overridden pilot in plan.json", () => {
  const verdict: PilotVerdict = {
    state: "overridden",
    hosts: 2,
    installed: 0,
    ratio: 0,
    required: 0.95,
    failedHosts: ["ref-1", "ref-2"],
    awaitingHosts: [],
    passedAt: null,
  };
  const entry = (override?: CatalogEntry["override"]) =>
    ({
      spec: { pilot: { override: "proceed", reason: "ref-1 had a full disk (INC-7)" } },
      ...(override ? { override } : {}),
    }) as unknown as CatalogEntry;

  it("names the reason, and the reviewed change that added the override when verification found it", () => {
    const change = {
      commit: "a".repeat(40),
      pull: 12,
      author: "dave",
      approvers: ["alice", "bob"],
      at: "2026-12-09T15:00:00Z",
      reason: "ref-1 had a full disk (INC-7)",
    };
    expect(pilotSummary(verdict, entry(change)).override).toEqual({
      reason: "ref-1 had a full disk (INC-7)",
      commit: "a".repeat(40),
      pull: 12,
      author: "dave",
      approvers: ["alice", "bob"],
      at: "2026-12-09T15:00:00Z",
    });
    // Without verification the reason is still there; who approved it is not known.
    expect(pilotSummary(verdict, entry()).override).toEqual({
      reason: "ref-1 had a full disk (INC-7)",
      commit: null,
      pull: null,
      author: null,
      approvers: [],
      at: null,
    });
    // explain's trail says the same.
    expect(pilotOverrideNote(verdict, entry(change))).toBe(
      `the pilot failed on ref-1, ref-2; the wave proceeds by override in PR #12 (commit ${"a".repeat(12)}) by dave, approved by alice, bob, merged 2026-12-09T15:00:00Z: ref-1 had a full disk (INC-7)`,
    );
    expect(pilotOverrideNote(verdict, entry())).toBe(
      "the pilot failed on ref-1, ref-2; the wave proceeds by override (the approval was not verified, so who decided is not known): ref-1 had a full disk (INC-7)",
    );
    // A pilot that did not fail carries no override, whatever the file says.
    expect(pilotSummary({ ...verdict, state: "running" }, entry(change)).override).toBeUndefined();
  });
});
