// An owner digest's hosts above the baseline: a full line's ids are named, a compact line's are counted with the
// explain command that lists them; host names and ids go through the Markdown escaper.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { HostResult, Plan } from "../../reconciler/model/plan.js";
import { OwnerDigests } from "../../reconciler/report/digest.js";
import { FIXTURES, tempDir } from "../helpers/repo.js";

const line = (host: string, over: Partial<HostResult>): HostResult => ({
  host,
  status: "compliant",
  owner: "team-a",
  period: "D1-04",
  cluster: null,
  role: null,
  scannedAt: "2026-12-10T04:00:00Z",
  baselines: [],
  counts: { installed: 1 },
  updates: {},
  ...over,
});

describe("owner digests: above the baseline", () => {
  it("names a full line's ids, counts a compact line's, and escapes both", async () => {
    const plan = JSON.parse(await readFile(join(FIXTURES, "plan-basic", "expected", "plan.json"), "utf8")) as Plan;
    const digests = new OwnerDigests(plan, await tempDir());
    digests.add(line("full-1", { aboveBaseline: ["KB1", "pkg_a=1.0"] }), []);
    digests.add(line("web_[x](https://evil.example)", { aboveBaselineCount: 2 }), []);
    digests.add(line("one", { aboveBaselineCount: 1 }), []);
    digests.add(line("none", {}), []);
    digests.add(line("empty", { aboveBaseline: [] }), []);
    const [owner, text, counts] = digests.digests()[0]!;
    expect(owner).toBe("team-a");
    expect(counts.above).toBe(3);
    const md = [...text].join("");
    // By hand from escapeMarkdown: _ [ ] ( ) : and = kept.
    expect(md).toContain(
      "\n## Above baseline: installed updates nobody approved\n\n" +
        "- **full-1**: KB1, pkg\\_a=1.0 (check for unauthorised changes)\n" +
        "- **one**: 1 installed update (patchops explain --host one --inventory FILE lists them) (check for unauthorised changes)\n" +
        "- **web\\_\\[x\\]\\(https\\://evil.example\\)**: 2 installed updates (patchops explain --host web\\_\\[x\\]\\(https\\://evil.example\\) --inventory FILE lists them) (check for unauthorised changes)\n",
    );
    expect(md).not.toContain("](https");
    expect(md).not.toMatch(/\*\*(none|empty)\*\*/);
  });
});
