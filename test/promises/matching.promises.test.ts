// Matching rules whose one-line mutations once survived: exemption host names ignore case, and an RPM version without
// a release matches every release of that version (rpm's own rule for a dependency like "openssl >= 3.0.7").
import { describe, expect, it } from "vitest";
import { compareEvr } from "../../reconciler/versions/rpm.js";
import { hostRecord, planFixture } from "../helpers/plan-fixture.js";
import { assignmentDoc } from "../helpers/scenario.js";

const DEFER = (hosts: string) => `apiVersion: patchops/v1
kind: Exemption
metadata:
  name: freeze
spec:
  hosts: [${hosts}]
  updates: [KB5035857]
  type: defer
  reason: quarter-end freeze
  ticket: CHG-7
  expires: 2026-12-30
`;

describe("exemption host names are matched without regard to case", () => {
  it("an exemption naming HOST-01 and web-02 defers the update on host-01 and Web-02; host-03 is not exempt", async () => {
    const r = await planFixture({
      files: {
        "windows/assignments/team-a.yaml": assignmentDoc("team-a", "dc", [
          "{ name: host-01, period: D1-04 }",
          "{ name: Web-02, period: D2-04 }",
          "{ name: host-03, period: D3-04 }",
        ]),
        "policies/exemptions/freeze.yaml": DEFER("HOST-01, web-02"),
      },
      hosts: [hostRecord("host-01"), hostRecord("Web-02"), hostRecord("host-03")],
      now: "2026-12-10T09:00:00Z",
    });
    const states = Object.fromEntries(r.hosts.map((h) => [h.host, h.updates.KB5035857]));
    expect(states["host-01"]).toBe("deferred");
    expect(states["Web-02"]).toBe("deferred");
    expect(states["host-03"]).not.toBe("deferred");
    expect(r.jobs.filter((j) => j.type === "install").map((j) => j.host)).toEqual(["host-03"]);
  });
});

describe("an RPM version without a release", () => {
  it.each([
    ["3.0.7", "3.0.7-27.el9", 0],
    ["3.0.7-27.el9", "3.0.7", 0],
    ["1:3.0.7", "1:3.0.7-27.el9_5", 0],
    ["3.0.7", "3.0.8-1.el9", -1],
    ["3.0.8", "3.0.7-99.el9", 1],
    ["1:3.0.7", "3.0.7-27.el9", 1],
    ["3.0.7-27.el9", "3.0.7-28.el9", -1],
  ])("compareEvr(%j, %j) is %i", (a, b, want) => {
    expect(compareEvr(a, b)).toBe(want);
  });
});
