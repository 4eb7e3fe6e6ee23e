// The intake record is not a blank cheque: the shortcut covers only what a feed could say and no person must decide.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { AdvisoryUpdate, KnownExploited } from "../../reconciler/intake/advisory.js";
import {
  judgeIntakeDraft,
  replayDraft,
  shortcutContext,
  sealDraft,
  shortcutRisk,
  type DraftRecord,
} from "../../reconciler/intake/draft-record.js";
import { renderWindowsDraft } from "../../reconciler/intake/render.js";
import { targetsOf } from "../../reconciler/intake/targets.js";
import { loadPolicySet } from "../../reconciler/load/policy-set.js";
import { workingTreeSource } from "../../reconciler/load/source.js";
import { ROOT } from "../helpers/repo.js";

const rule = { approveAfterDays: 0, exclude: [] };
const none = { approved: new Set<string>(), rule };

function update(over: Partial<AdvisoryUpdate> = {}): AdvisoryUpdate {
  return {
    id: "KB5999999",
    title: "Update KB5999999",
    vendor: "Microsoft",
    bulletin: "",
    released: "2026-11-20",
    severity: "important",
    cves: ["CVE-2026-9999"],
    products: ["Windows Server 2022"],
    supersedes: [],
    restart: "required",
    url: null,
    source: "msrc",
    ...over,
  };
}

/** A draft exactly as intake (or a forger with the renderer) writes it from a record. */
function sealed(u: AdvisoryUpdate, over: Partial<DraftRecord> = {}): string {
  const r: DraftRecord = {
    platform: "windows",
    update: u,
    timeline: "standard",
    kev: [],
    hosts: null,
    now: "2026-11-21",
    rule: "all",
    ...over,
  };
  return sealDraft(renderWindowsDraft(u, r.timeline, r.kev, targetsOf(u), r.hosts, r.now, r.rule), r);
}

describe("the intake record (H2)", () => {
  it("refuses the appendix's forged record: YAML injected through released stays one string and is refused", () => {
    // reliability.md, appendix "Record forgery" ($S/forge.mjs), verbatim values.
    const forged = update({
      released:
        '2026-11-20\n  catalogOnly: true\n  pilot: false\n  requires: []\n  source: { url: "https://evil.example/KB5999999.msu", sha256: "' +
        "a".repeat(64) +
        '" }',
      supersedes: ["KB100"],
    });
    const text = sealed(forged, { now: "2026-11-20T00:00:00Z" });
    const spec = (parse(text) as { spec: Record<string, unknown> }).spec;
    expect(spec.catalogOnly).toBeUndefined();
    expect(spec.pilot).toBeUndefined();
    expect(spec.source).toBeUndefined();
    expect(spec.released).toBe(forged.released);
    const v = replayDraft(text);
    expect(v.ok).toBe(false);
    expect(!v.ok && v.reason).toMatch(/^its intake record is not one a feed can produce \(update\.released: /);
  });

  it("passes a faithful draft with nothing a person must decide", () => {
    expect(judgeIntakeDraft(sealed(update()), none)).toEqual({ ok: true });
    expect(replayDraft(sealed(update()))).toEqual({ ok: true });
  });

  it.each([
    ["a CVE outside the grammar", { cves: ["CVE-2026-9999\n  pilot: false"] }, "update.cves.0"],
    ["an id that is no KB", { id: "KB5999999 #" }, "update.id"],
    ["a superseded id that is no KB", { supersedes: ["RHSA-2022:0011"] }, "update.supersedes.0"],
    ["a severity outside the scale", { severity: "urgent" as AdvisoryUpdate["severity"] }, "update.severity"],
    ["a product with a line break", { products: ["Windows Server 2022\n  pilot: false"] }, "update.products.0"],
    ["a link that is no URL", { url: "javascript:alert(1)" }, "update.url"],
    ["a feed path of the machine", { source: "/home/runner/feeds/msrc.xml" }, "update.source"],
  ])("refuses a record with %s", (_, over, field) => {
    const v = judgeIntakeDraft(sealed(update(over)), none);
    expect(v.ok).toBe(false);
    expect(!v.ok && v.reason).toMatch(
      new RegExp(`^its intake record is not one a feed can produce \\(${field.replace(/\./g, "\\.")}: `),
    );
  });

  it("refuses a record whose KEV entries do not belong to the update", () => {
    const kev: KnownExploited[] = [
      { cve: "CVE-2025-21418", name: "x", dateAdded: "2025-02-11", dueDate: "2025-03-04", ransomware: "Unknown" },
    ];
    expect(judgeIntakeDraft(sealed(update(), { kev }), none)).toEqual({
      ok: false,
      reason:
        "its intake record is not one intake writes (a KEV entry for CVE-2025-21418, which the update does not fix)",
    });
  });

  it("supersedes: refused when it names an approved update, or when verification cannot tell", () => {
    const text = sealed(update({ supersedes: ["KB100"] }));
    expect(judgeIntakeDraft(text, none)).toEqual({ ok: true });
    expect(judgeIntakeDraft(text, { approved: new Set(["KB100"]), rule })).toEqual({
      ok: false,
      reason: "the intake shortcut does not cover it: it supersedes KB100, an approved update",
    });
    expect(replayDraft(text)).toEqual({
      ok: false,
      reason:
        "the intake shortcut does not cover it: it supersedes KB100, and whether that update is approved is not known here",
    });
  });

  it("released: at most 35 days before the drafting day, to the day", () => {
    // 2026-11-20 + 35 days = 2026-12-25 (November has 30 days: 10 more to 11-30, 25 into December).
    expect(judgeIntakeDraft(sealed(update(), { now: "2026-12-25" }), none)).toEqual({ ok: true });
    expect(judgeIntakeDraft(sealed(update(), { now: "2026-12-26" }), none)).toEqual({
      ok: false,
      reason:
        "the intake shortcut does not cover it: it was released 2026-11-20, 36 days before intake drafted it on 2026-12-26 (the shortcut covers at most 35)",
    });
  });

  it("appliesTo: refused when it targets a product outside the rule's scope", () => {
    const text = sealed(update({ products: ["Windows Server 2019", "Windows Server 2022"] }));
    expect(
      judgeIntakeDraft(text, {
        approved: new Set(),
        rule: { ...rule, products: ["Windows Server 2022", "Windows Server 2019"] },
      }),
    ).toEqual({ ok: true });
    expect(
      judgeIntakeDraft(text, { approved: new Set(), rule: { ...rule, products: ["Windows Server 2022"] } }),
    ).toEqual({
      ok: false,
      reason:
        "the intake shortcut does not cover it: it targets windows server 2019, outside the products of the rule that approves it",
    });
  });

  it.each([
    ["catalogOnly", { catalogOnly: true }, "it sets catalogOnly (a download from the catalog is a CAB decision)"],
    [
      "source",
      { source: { url: "https://evil.example/KB5999999.msu" } },
      "it names a source (a download location is a CAB decision)",
    ],
    ["pilot: false", { pilot: false }, "it sets pilot (skipping or overriding the pilot is a CAB decision)"],
    ["requires of an approved update", { requires: ["KB100"] }, "it requires KB100, an approved update"],
    [
      "a whole OS family",
      { appliesTo: { os: [{ family: "windows" }] } },
      "it targets a whole OS family or nothing named",
    ],
  ])("the content judgement refuses %s", (_, extra, reason) => {
    const spec = {
      id: "KB5999999",
      title: "Update KB5999999",
      classification: "security",
      released: "2026-11-20",
      appliesTo: { os: [{ family: "windows", names: ["Windows Server 2022"] }] },
    };
    expect(shortcutRisk(spec, "2026-11-21", { approved: new Set(["KB100"]), rule })).toBeNull();
    expect(shortcutRisk({ ...spec, ...extra }, "2026-11-21", { approved: new Set(["KB100"]), rule })).toBe(reason);
  });

  it("shortcutContext: what the example policy approves at an instant, by file or by rule", async () => {
    const { set } = await loadPolicySet(workingTreeSource(ROOT));
    const rule = set.rules.find((r) => r.name === "windows-server-security-standard")!.spec;
    const ctx = shortcutContext(set, rule, Date.parse("2026-12-10T06:00:00Z"));
    // KB5034127 by its file, KB5034770 by the critical rule (released 2024-02-13); KB5034439 is rejected.
    expect(ctx.approved.has("KB5034127")).toBe(true);
    expect(ctx.approved.has("KB5034770")).toBe(true);
    expect(ctx.approved.has("KB5034439")).toBe(false);
    const draft = (id: string) => sealed(update({ supersedes: [id] }));
    expect(judgeIntakeDraft(draft("KB5034439"), ctx)).toEqual({ ok: true });
    expect(judgeIntakeDraft(draft("KB5034770"), ctx)).toEqual({
      ok: false,
      reason: "the intake shortcut does not cover it: it supersedes KB5034770, an approved update",
    });
  });

  it("an emergency timeline (no pilot) only where the policy gives it: by severity or exploitation", async () => {
    const { set } = await loadPolicySet(workingTreeSource(ROOT));
    const rule = set.rules.find((r) => r.name === "windows-server-security-standard")!.spec;
    const ctx = shortcutContext(set, rule, Date.parse("2026-12-10T06:00:00Z"));
    // The example policy: important → standard, exploited → emergency (the default).
    expect(judgeIntakeDraft(sealed(update(), { timeline: "emergency" }), ctx)).toEqual({
      ok: false,
      reason:
        "the intake shortcut does not cover it: it is on the emergency timeline, which skips the pilot, but the policy gives its severity (important) the standard timeline",
    });
    expect(judgeIntakeDraft(sealed(update(), { timeline: "standard" }), ctx)).toEqual({ ok: true });
    const exploited = update({ exploited: { sources: ["msrc"] } });
    expect(judgeIntakeDraft(sealed(exploited, { timeline: "emergency" }), ctx)).toEqual({ ok: true });
  });
});
