// `patchops exposure`: the hosts exposed now to an exploited CVE and the update that fixes it on each, through the real
// CLI on a git repository. Expected output worked out by hand (KB numbers: test/fixtures/agent-fleet/README.md;
// CVE-2025-62215 is the exploited kernel EoP of November 2025, mission.md §2.2).
import { join } from "node:path";
import { readFile, rm } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { FILES, INVENTORY } from "./fleet.js";
import { cli, commitAll, tempRepo } from "../helpers/repo.js";

let repo = "";
const run = (...args: string[]) =>
  cli(
    "exposure",
    "--repo",
    repo,
    "--inventory",
    join(repo, "inv.jsonl"),
    "--now",
    "2025-11-12T06:00:00Z",
    "--no-verify-approvals",
    ...args,
  );

beforeAll(async () => {
  repo = await tempRepo("minimal", {
    ...FILES,
    "inv.jsonl": INVENTORY.map((r) => JSON.stringify(r)).join("\n") + "\n",
  });
  await rm(join(repo, "policies/updates/kb5035857.yaml"));
  commitAll(repo, "policy", "2025-11-11T18:00:00Z");
});

// Approved by the commit at 2025-11-11T18:00Z on the emergency timeline (exploited): period D1's emergency hour is
// 18:00–19:00Z, so at 2025-11-12T06:00Z the CU is overdue on the hosts that still lack it.
describe("patchops exposure", () => {
  it("lists each exploited CVE's exposed hosts, the fixing update and its state, and whether evidence is estimated", async () => {
    const r = await run();
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        "CVE-2025-62215 (exploited per msrc since 2025-11-11; fixed by KB5068787, KB5068840): 3 hosts exposed",
        "  est-ws22  KB5068787 overdue (emergency), KB5068840 not approved (pending) (emergency)  owner team-a  estimated: no agent scan; matched from advisory text",
        "  ws22-azure  KB5068840 not approved (pending) (emergency)  owner team-a",
        "  ws22-plain  KB5068787 overdue (emergency)  owner team-a",
        "3 hosts exposed as of 2025-11-12T06:00:00Z; 1 unscanned (unknown): silent",
        "",
      ].join("\n"),
    );
  });

  it("writes the same as JSON, and --cve narrows to one CVE", async () => {
    const r = await run("--format", "json", "--cve", "cve-2025-62215");
    const x = JSON.parse(r.stdout) as {
      cves: { cve: string; hosts: { host: string; estimated: boolean; fixes: { id: string; state: string }[] }[] }[];
      exposedHosts: number;
    };
    expect(x.exposedHosts).toBe(3);
    expect(x.cves.map((c) => c.cve)).toEqual(["CVE-2025-62215"]);
    expect(x.cves[0]!.hosts.map((h) => [h.host, h.estimated, h.fixes.map((f) => `${f.id}:${f.state}`)])).toEqual([
      ["est-ws22", true, ["KB5068787:overdue", "KB5068840:not approved (pending)"]],
      ["ws22-azure", false, ["KB5068840:not approved (pending)"]],
      ["ws22-plain", false, ["KB5068787:overdue"]],
    ]);
    const none = await run("--cve", "CVE-2025-59499");
    expect(none.stdout).toBe(
      "no exploited CVE in the policy (as of 2025-11-12T06:00:00Z)\n0 hosts exposed as of 2025-11-12T06:00:00Z; 1 unscanned (unknown): silent\n",
    );
  });

  it("refuses a malformed --cve with exit 2 and one line", async () => {
    const r = await run("--cve", "62215");
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("--cve '62215' is not a CVE id");
  });
});

describe("the status site's exposure page", () => {
  it("lists the same hosts from the plan's states, and counts estimated hosts", async () => {
    const out = join(repo, "out-plan");
    const site = join(repo, "out-site");
    const planned = await cli(
      "plan",
      "--repo",
      repo,
      "--inventory",
      join(repo, "inv.jsonl"),
      "--now",
      "2025-11-12T06:00:00Z",
      "--no-verify-approvals",
      "--out",
      out,
    );
    expect(planned.code).toBe(0);
    const reported = await cli("report", "--plan", out, "--out", site, "--repo", repo);
    expect(reported.code).toBe(0);
    const rowsOf = (page: string) =>
      [
        ...page.matchAll(
          /<tr><td><a href="host\.html#([^"]+)">[^<]*<\/a><\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><td>(.*?)<\/td><\/tr>/g,
        ),
      ].map((m) => m.slice(1));
    const ESTIMATED = "estimated: no agent scan; matched from advisory text";
    // A full plan lists every state: est-hotpatched shows KB5068840 installed, so only two hosts are exposed.
    const full = join(repo, "out-plan-full");
    const fullSite = join(repo, "out-site-full");
    const args = ["--repo", repo, "--inventory", join(repo, "inv.jsonl"), "--now", "2025-11-12T06:00:00Z"];
    expect((await cli("plan", ...args, "--no-verify-approvals", "--out", full, "--detail", "full")).code).toBe(0);
    expect((await cli("report", "--plan", full, "--out", fullSite, "--repo", repo)).code).toBe(0);
    const fullHtml = await readFile(join(fullSite, "exposure.html"), "utf8");
    // The plan measures approved updates only: the pending hotpatch's host (ws22-azure) is for `patchops exposure`.
    expect(fullHtml).toContain("<p id=exposed-hosts>2 hosts exposed as of 2025-11-12T06:00:00Z.");
    expect(fullHtml).toContain(
      "<h2>CVE-2025-62215: 2 hosts exposed</h2><p>exploited per msrc since 2025-11-11; fixed by KB5068787, KB5068840</p>",
    );
    expect(rowsOf(fullHtml)).toEqual([
      ["est-ws22", "team-a", "KB5068787 overdue (emergency)", ESTIMATED],
      ["ws22-plain", "team-a", "KB5068787 overdue (emergency)", "agent scan"],
    ]);
    expect(fullHtml).not.toContain("class=undetermined");
    // The default compact plan lists no installed id (est-hotpatched's KB5068840 is counted, not listed), but the plan
    // run judged exposure from every state it measured (exposure.ndjson): the same two hosts, nothing to caveat.
    const html = await readFile(join(site, "exposure.html"), "utf8");
    expect(html).toContain("<p id=exposed-hosts>2 hosts exposed as of 2025-11-12T06:00:00Z.");
    expect(html).toContain("<h2>CVE-2025-62215: 2 hosts exposed</h2>");
    expect(rowsOf(html)).toEqual([
      ["est-ws22", "team-a", "KB5068787 overdue (emergency)", ESTIMATED],
      ["ws22-plain", "team-a", "KB5068787 overdue (emergency)", "agent scan"],
    ]);
    expect(html).not.toContain("unless");
    expect(await readFile(join(out, "exposure.ndjson"), "utf8")).toBe(
      [
        '{"host":"est-ws22","owner":"team-a","status":"noncompliant","estimated":true,"cves":{"CVE-2025-62215":{"KB5068787":"overdue"}}}',
        '{"host":"ws22-plain","owner":"team-a","status":"noncompliant","cves":{"CVE-2025-62215":{"KB5068787":"overdue"}}}',
        "",
      ].join("\n"),
    );
    // The full plan's run judged the same: exposure.ndjson does not depend on --detail.
    expect(await readFile(join(full, "exposure.ndjson"), "utf8")).toBe(
      await readFile(join(out, "exposure.ndjson"), "utf8"),
    );
    // Spilled to sorted runs of one line each, the lines come back in host order.
    const spilled = join(repo, "out-spilled");
    process.env.PATCHOPS_PLAN_RUN_BUDGET = "1";
    try {
      expect((await cli("plan", ...args, "--no-verify-approvals", "--out", spilled)).code).toBe(0);
    } finally {
      delete process.env.PATCHOPS_PLAN_RUN_BUDGET;
    }
    expect(await readFile(join(spilled, "exposure.ndjson"), "utf8")).toBe(
      await readFile(join(out, "exposure.ndjson"), "utf8"),
    );
    // Four shards, each judging its own hosts, merge to the single run's bytes.
    const shards: string[] = [];
    for (const i of [4, 3, 2, 1]) {
      const d = join(repo, `out-shard-${i}`);
      expect((await cli("plan", ...args, "--no-verify-approvals", "--out", d, "--shard", `${i}/4`)).code).toBe(0);
      shards.push(d);
    }
    const shardLines = await Promise.all(shards.map((d) => readFile(join(d, "exposure.ndjson"), "utf8")));
    // est-ws22 falls in shard 1 and ws22-plain in shard 3 (FNV-1a of the name, modulo 4): shards 2 and 4 write an
    // empty file, and the merge interleaves the other two.
    expect(shardLines.map((t) => t.split("\n").filter(Boolean).length)).toEqual([0, 1, 0, 1]);
    const merged = join(repo, "out-merged");
    expect((await cli("merge", ...shards, "--out", merged)).code).toBe(0);
    expect(await readFile(join(merged, "exposure.ndjson"), "utf8")).toBe(
      await readFile(join(out, "exposure.ndjson"), "utf8"),
    );
    // `patchops exposure --plan` reads the same file: the plan's states only (the pending hotpatch is not measured
    // where it is not installed, so ws22-azure is for the inventory form above).
    const fromPlan = await cli("exposure", "--plan", out, "--repo", repo);
    expect(fromPlan.stderr).toBe("");
    expect(fromPlan.stdout).toBe(
      [
        "CVE-2025-62215 (exploited per msrc since 2025-11-11; fixed by KB5068787, KB5068840): 2 hosts exposed",
        "  est-ws22  KB5068787 overdue (emergency)  owner team-a  estimated: no agent scan; matched from advisory text",
        "  ws22-plain  KB5068787 overdue (emergency)  owner team-a",
        "2 hosts exposed as of 2025-11-12T06:00:00Z; 1 unscanned (unknown): silent",
        "",
      ].join("\n"),
    );
    expect((await cli("exposure", "--plan", full, "--repo", repo)).stdout).toBe(fromPlan.stdout);
    const other = await cli("exposure", "--plan", out, "--repo", repo, "--cve", "CVE-2025-59499", "--format", "json");
    expect(JSON.parse(other.stdout)).toEqual({
      now: "2025-11-12T06:00:00Z",
      cves: [],
      exposedHosts: 0,
      unscanned: ["silent"],
    });
    const both = await cli("exposure", "--plan", out, "--repo", repo, "--inventory", join(repo, "inv.jsonl"));
    expect([both.code, both.stderr]).toEqual([2, "patchops: give either --inventory FILE... or --plan DIR\n"]);
    // A compact plan written before exposure.ndjson existed: its host lines cannot say who is exposed, so the page
    // says so and counts nobody.
    await rm(join(out, "exposure.ndjson"));
    const oldSite = join(repo, "out-site-old");
    expect((await cli("report", "--plan", out, "--out", oldSite, "--repo", repo)).code).toBe(0);
    const oldHtml = await readFile(join(oldSite, "exposure.html"), "utf8");
    expect(oldHtml).toContain("<p id=no-exposure>This plan has no exposure.ndjson");
    expect(oldHtml).not.toContain("exposed-hosts");
    const refused = await cli("exposure", "--plan", out, "--repo", repo);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("is a compact plan without exposure.ndjson");
    expect(refused.stdout).toBe("");
    // est-ws22, est-patched and est-hotpatched are scanned without an agent; silent is not scanned at all.
    const compliance = JSON.parse(await readFile(join(site, "compliance.json"), "utf8")) as {
      fleet: { estimated: number };
    };
    expect(compliance.fleet.estimated).toBe(3);
    expect(await readFile(join(site, "index.html"), "utf8")).toContain(
      '<div class="card estimated" id="card-estimated"><b>3</b>estimated</div>',
    );
  });
});
