// The pure rules of CAB approval (approvals/judge.ts), worked by hand: who approved, whether that meets a requirement,
// and which approvals went stale. What Stryker found no in-process test checked (test/mutation-survivors.md).
import { describe, expect, it } from "vitest";
import { approversOf, judge, staleApprovals, type Requirement } from "../../reconciler/approvals/judge.js";
import type { Review } from "../../reconciler/github/client.js";

let id = 0;
const review = (login: string, state: Review["state"], submittedAt: string | null, commitId = "head"): Review => ({
  id: ++id,
  login,
  state,
  submittedAt,
  commitId,
});

describe("approversOf: each reviewer's latest deciding review", () => {
  it("a later CHANGES_REQUESTED or DISMISSED undoes an approval; a later COMMENTED or PENDING does not", () => {
    const reviews = [
      review("alice", "APPROVED", "2026-11-23T10:00:00Z"),
      review("alice", "COMMENTED", "2026-11-23T11:00:00Z"),
      review("bob", "APPROVED", "2026-11-23T10:00:00Z"),
      review("bob", "CHANGES_REQUESTED", "2026-11-23T11:00:00Z"),
      review("carol", "APPROVED", "2026-11-23T10:00:00Z"),
      review("carol", "DISMISSED", "2026-11-23T10:30:00Z"),
      review("dan", "APPROVED", "2026-11-23T10:00:00Z"),
      review("dan", "PENDING", null),
    ];
    expect(approversOf(reviews, "erin")).toEqual(["alice", "dan"]);
  });

  it("orders by submission, not by list order: a re-approval listed first but made later counts", () => {
    const reviews = [
      review("bob", "APPROVED", "2026-11-23T12:00:00Z"),
      review("bob", "CHANGES_REQUESTED", "2026-11-23T11:00:00Z"),
    ];
    expect(approversOf(reviews, "erin")).toEqual(["bob"]);
  });

  it("at the same instant the later review (higher id) wins", () => {
    const first = review("bob", "APPROVED", "2026-11-23T12:00:00Z");
    const second = review("bob", "DISMISSED", "2026-11-23T12:00:00Z");
    expect(approversOf([second, first], "erin")).toEqual([]);
  });

  it("logins in any case are one reviewer; the author never counts, in any case; a review without a login is nobody's", () => {
    const reviews = [
      review("Alice", "APPROVED", "2026-11-23T10:00:00Z"),
      review("alice", "CHANGES_REQUESTED", "2026-11-23T11:00:00Z"),
      review("Erin", "APPROVED", "2026-11-23T10:00:00Z"),
      review("", "APPROVED", "2026-11-23T10:00:00Z"),
      review("zed", "APPROVED", "2026-11-23T10:00:00Z"),
      review("bob", "APPROVED", "2026-11-23T10:00:00Z"),
    ];
    expect(approversOf(reviews, "erin")).toEqual(["bob", "zed"]);
  });

  it("only fresh reviews count; staleApprovals names the others", () => {
    const reviews = [
      review("alice", "APPROVED", "2026-11-23T10:00:00Z", "old"),
      review("bob", "APPROVED", "2026-11-23T10:00:00Z", "head"),
    ];
    const fresh = (r: Review) => r.commitId === "head";
    expect(approversOf(reviews, "erin", fresh)).toEqual(["bob"]);
    expect(staleApprovals(reviews, "erin", fresh)).toEqual(["alice"]);
    expect(staleApprovals(reviews, "erin", () => true)).toEqual([]);
  });
});

describe("judge: any one requirement met by its members", () => {
  const cab: Requirement = { label: "the CAB (2 needed)", members: ["alice", "bob", "carol"], required: 2 };
  const committee: Requirement = { label: "the emergency committee (1 needed)", members: ["Carol"], required: 1 };

  it("met by the first requirement that holds, naming who counted", () => {
    expect(judge(["alice", "bob"], [cab, committee])).toEqual({
      ok: true,
      detail: "approved by alice, bob (the CAB (2 needed))",
      counted: ["alice", "bob"],
    });
    expect(judge(["CAROL"], [cab, committee])).toEqual({
      ok: true,
      detail: "approved by CAROL (the emergency committee (1 needed))",
      counted: ["CAROL"],
    });
  });

  it("not met: what each requirement lacks, and who approved without being a member", () => {
    expect(judge(["alice", "mallory"], [cab, committee])).toEqual({
      ok: false,
      detail:
        "1 of 2 needed from the CAB (2 needed) (alice); or 0 of 1 needed from the emergency committee (1 needed); approvals by non-members do not count (mallory)",
      counted: [],
    });
    expect(judge([], [cab])).toEqual({ ok: false, detail: "0 of 2 needed from the CAB (2 needed)", counted: [] });
  });
});
