// The policy predicates every reader shares (policy/decision.ts, selector.ts, codeowners.ts), pinned case by case with
// hand-written answers: what Stryker showed no in-process test ever checked (test/mutation-survivors.md).
import { describe, expect, it } from "vitest";
import type { Selector } from "../../reconciler/model/common.js";
import type { LoadedDoc, PolicySet } from "../../reconciler/model/policy-set.js";
import { PatchPolicySpec } from "../../reconciler/model/policy.js";
import { ApprovalRuleSpec } from "../../reconciler/model/rule.js";
import { UpdateSpec } from "../../reconciler/model/update.js";
import { codeowners } from "../../reconciler/policy/codeowners.js";
import { effectiveDecision, effectiveTimeline, ruleMatches } from "../../reconciler/policy/decision.js";
import { matchesSelector, type HostFacts } from "../../reconciler/policy/selector.js";

const update = (over: Record<string, unknown> = {}) =>
  UpdateSpec.parse({
    id: "KB5035857",
    title: "March 2024 cumulative update",
    vendor: "Microsoft",
    classification: "security",
    severity: "important",
    released: "2026-12-01",
    appliesTo: { os: [{ family: "windows", names: ["Windows Server 2022"] }], products: [{ name: "SQL Server 2019" }] },
    ...over,
  });
const rule = (over: Record<string, unknown> = {}) => ApprovalRuleSpec.parse({ approveAfterDays: 7, ...over });
const doc = <S>(name: string, spec: S): LoadedDoc<S> => ({
  kind: "ApprovalRule",
  file: `policies/rules/${name}.yaml`,
  name,
  spec,
  at: () => ({ file: `policies/rules/${name}.yaml`, line: 1, column: 1 }),
});

describe("ruleMatches: every condition of an approval rule", () => {
  it("a rule with no condition matches", () => expect(ruleMatches(rule(), update())).toBe(true));

  it("exclude names the update in any case", () => {
    expect(ruleMatches(rule({ exclude: ["kb5035857"] }), update())).toBe(false);
    expect(ruleMatches(rule({ exclude: ["KB5035858"] }), update())).toBe(true);
  });

  it("vendors: any one, in any case", () => {
    expect(ruleMatches(rule({ vendors: ["Adobe", "MICROSOFT"] }), update())).toBe(true);
    expect(ruleMatches(rule({ vendors: ["Adobe"] }), update())).toBe(false);
  });

  it("classifications", () => {
    expect(ruleMatches(rule({ classifications: ["security", "critical"] }), update())).toBe(true);
    expect(ruleMatches(rule({ classifications: ["update"] }), update())).toBe(false);
  });

  it("severities: an update without a severity never matches a rule that names some", () => {
    expect(ruleMatches(rule({ severities: ["important"] }), update())).toBe(true);
    expect(ruleMatches(rule({ severities: ["critical"] }), update())).toBe(false);
    expect(ruleMatches(rule({ severities: ["important"] }), update({ severity: undefined }))).toBe(false);
    expect(ruleMatches(rule(), update({ severity: undefined }))).toBe(true);
  });

  it("products: a product or OS name of appliesTo, any one, in any case", () => {
    expect(ruleMatches(rule({ products: ["sql server 2019"] }), update())).toBe(true);
    expect(ruleMatches(rule({ products: ["Exchange", "WINDOWS SERVER 2022"] }), update())).toBe(true);
    expect(ruleMatches(rule({ products: ["Exchange"] }), update())).toBe(false);
    expect(
      ruleMatches(rule({ products: ["Windows Server 2022"] }), update({ appliesTo: { os: [{ family: "windows" }] } })),
    ).toBe(false);
  });
});

describe("effectiveDecision", () => {
  const now = Date.parse("2026-12-09T00:00:00Z");

  it("the file's own decision wins over any rule", () => {
    expect(
      effectiveDecision(update({ decision: "rejected" }), [doc("all", rule({ approveAfterDays: 0 }))], now),
    ).toEqual({
      decision: "rejected",
      decidedBy: "file",
      approvableAt: null,
      rule: null,
      note: null,
    });
  });

  it("no rule matches: pending, and it says why", () => {
    expect(effectiveDecision(update(), [doc("none", rule({ vendors: ["Adobe"] }))], now)).toMatchObject({
      decision: "pending",
      decidedBy: null,
      note: "no decision in the file and no approval rule matches",
    });
  });

  it("the first matching rule by name decides, whatever the order given: a-quick (0 days) before b-slow (30 days)", () => {
    const quick = doc("a-quick", rule({ approveAfterDays: 0, timeline: "emergency" }));
    const slow = doc("b-slow", rule({ approveAfterDays: 30 }));
    const d = effectiveDecision(update(), [slow, quick], now);
    expect([d.decision, d.decidedBy, d.rule?.name]).toEqual(["approved", "rule:a-quick", "a-quick"]);
    expect(d.approvableAt).toBe(Date.parse("2026-12-01T00:00:00Z"));
  });

  it("before the delay ends: pending, with the day it will approve", () => {
    const d = effectiveDecision(update(), [doc("monthly", rule({ approveAfterDays: 30 }))], now);
    expect(d).toMatchObject({
      decision: "pending",
      decidedBy: null,
      approvableAt: Date.parse("2026-12-31T00:00:00Z"),
      note: "rule 'monthly' approves it on 2026-12-31 (30 days after release)",
    });
  });
});

describe("effectiveTimeline: the file's, else the rule's, else the policy's by severity", () => {
  const policy = PatchPolicySpec.parse({ timelines: { important: "emergency" } });
  it.each([
    [update({ timeline: "standard" }), rule({ timeline: "emergency" }), "standard"],
    [update(), rule({ timeline: "standard" }), "standard"],
    [update(), null, "emergency"],
    [update({ severity: "low" }), null, "standard"],
    [update({ severity: undefined }), null, "standard"],
  ] as const)("%#", (u, r, want) => {
    expect(effectiveTimeline(u, policy, r)).toBe(want);
  });
});

describe("matchesSelector: every given condition must hold", () => {
  const host: HostFacts = {
    name: "Pay-SQL-01",
    os: "windows",
    role: "sql",
    owner: "payments-dba",
    cluster: "paysql",
    labels: { env: "prod", tier: "1" },
  };
  it.each([
    [{}, true],
    [{ os: "windows" }, true],
    [{ os: "linux" }, false],
    [{ role: "sql" }, true],
    [{ role: ["web", "sql"] }, true],
    [{ role: "web" }, false],
    [{ owner: "payments-dba" }, true],
    [{ owner: "web-platform" }, false],
    [{ cluster: "paysql" }, true],
    [{ cluster: "websql" }, false],
    [{ hosts: ["pay-sql-01"] }, true],
    [{ hosts: ["pay-sql-02"] }, false],
    [{ hosts: ["web-01", "PAY-SQL-01"] }, true],
    [{ labels: { env: "prod" } }, true],
    [{ labels: { env: "prod", tier: "2" } }, false],
    [{ labels: { zone: "a" } }, false],
    [{ os: "windows", owner: "web-platform" }, false],
  ] as [Selector, boolean][])("%j → %s", (selector, want) => {
    expect(matchesSelector(selector, host)).toBe(want);
  });

  it("a host without a role never matches a role", () => {
    expect(matchesSelector({ role: "sql" }, { ...host, role: null })).toBe(false);
  });
});

describe("codeowners", () => {
  const set = (cab: { members: string[]; teams: Record<string, string[]> } | null, owners: [string, string][]) =>
    ({
      cab: cab ? { spec: { requiredApprovals: 1, ...cab } } : null,
      assignments: owners.map(([file, owner]) => ({ file, spec: { owner } })),
    }) as unknown as PolicySet;

  it("each assignment file to its team, a team without members to the CAB, files sorted", () => {
    const text = codeowners(
      set({ members: ["alice", "bob"], teams: { web: ["wendy", "walt"], empty: [] } }, [
        ["windows/assignments/web.yaml", "web"],
        ["windows/assignments/db.yaml", "empty"],
        ["windows/assignments/ops.yaml", "no-team"],
      ]),
    );
    expect(text.split("\n").slice(2)).toEqual([
      "* @alice @bob",
      "/policies/ @alice @bob",
      "/baselines/ @alice @bob",
      "/windows/timetables/ @alice @bob",
      "/windows/assignments/ @alice @bob",
      "/windows/assignments/db.yaml @alice @bob",
      "/windows/assignments/ops.yaml @alice @bob",
      "/windows/assignments/web.yaml @wendy @walt",
      "/.github/ @alice @bob",
      "",
    ]);
  });

  it("without a CAB file, no owners at all", () => {
    expect(codeowners(set(null, [["windows/assignments/a.yaml", "a"]])).split("\n")[2]).toBe("* ");
  });
});
