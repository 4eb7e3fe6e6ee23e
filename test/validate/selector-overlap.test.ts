// Selectors of different owner teams that can pick the same host are an error naming both files (review M4).
import { describe, expect, it } from "vitest";
import { validateSource } from "../../reconciler/validate/validate.js";
import { fixtureFiles } from "../helpers/plan-fixture.js";
import { memorySource } from "../helpers/memory-source.js";

const assignment = (name: string, owner: string, match: string) => `apiVersion: patchops/v1
kind: Assignment
metadata:
  name: ${name}
spec:
  owner: ${owner}
  timetable: dc
  selectors:
    - match: ${match}
      periods: [D1-04, D3-04]
`;

async function overlaps(files: Record<string, string>) {
  const { diagnostics } = await validateSource(
    memorySource({ ...fixtureFiles("minimal"), ...files }),
    Date.parse("2026-12-10T09:00:00Z"),
  );
  return diagnostics.filter((d) => d.code === "selector-overlap");
}

describe("selector-overlap", () => {
  it("the review's catch-all of team-b against team-a's web-* is an error naming both files", async () => {
    const found = await overlaps({
      "windows/assignments/team-a-web.yaml": assignment("team-a-web", "team-a", '{ name: "web-*", os: windows }'),
      "windows/assignments/aaa-team-b.yaml": assignment("aaa-team-b", "team-b", '{ name: "*" }'),
    });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: "error", file: "windows/assignments/team-a-web.yaml", line: 9 });
    expect(found[0]!.message).toContain("windows/assignments/aaa-team-b.yaml (owner team-b)");
    expect(found[0]!.message).toContain("windows/assignments/team-a-web.yaml (owner team-a)");
  });

  it.each([
    ["disjoint names", '{ name: "web-*" }', '{ name: "db-*" }'],
    ["different OS families", '{ name: "*", os: windows }', '{ name: "*", os: linux }'],
    ["different roles", "{ role: web }", "{ role: sql }"],
    ["different label values", "{ labels: { env: prod } }", "{ labels: { env: test } }"],
    ["different OS names", '{ osName: "Windows Server 2022" }', '{ osName: "windows server 2019" }'],
  ])("no overlap for %s", async (_, a, b) => {
    expect(
      await overlaps({
        "windows/assignments/team-a-sel.yaml": assignment("team-a-sel", "team-a", a),
        "windows/assignments/team-b-sel.yaml": assignment("team-b-sel", "team-b", b),
      }),
    ).toEqual([]);
  });

  it.each([
    ["intersecting names", '{ name: "*-prod" }', '{ name: "web-*" }'],
    ["one without a name", "{ role: web }", '{ name: "web-*" }'],
    ["labels on other keys", "{ labels: { env: prod } }", "{ labels: { site: dublin } }"],
    ["OS names differing in case only", '{ osName: "Windows Server 2022" }', '{ osName: "windows server 2022" }'],
  ])("an overlap for %s", async (_, a, b) => {
    const found = await overlaps({
      "windows/assignments/team-a-sel.yaml": assignment("team-a-sel", "team-a", a),
      "windows/assignments/team-b-sel.yaml": assignment("team-b-sel", "team-b", b),
    });
    expect(found.map((d) => d.severity)).toEqual(["error"]);
  });

  it("the same owner's overlapping selectors are its own business (first match wins)", async () => {
    expect(
      await overlaps({
        "windows/assignments/team-a-1.yaml": assignment("team-a-1", "team-a", '{ name: "web-*" }'),
        "windows/assignments/team-a-2.yaml": assignment("team-a-2", "team-a", '{ name: "*" }'),
      }),
    ).toEqual([]);
  });
});
