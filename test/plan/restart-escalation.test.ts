// Issue 31 point 4: a host left pending a restart that no job will force (a no-force exemption, or a policy that never
// forces restarts) is told to its owner and, past the SLA plus escalation.afterHours, escalated to: a notify job,
// never an isolation.
import { describe, expect, it } from "vitest";
import { hostRecord, planFixture } from "../helpers/plan-fixture.js";
import { assignmentDoc, policyDoc, standardUpdate } from "../helpers/scenario.js";

// KB900 is released (and so approved) 8 Dec 2026 00:00Z: the 7-day SLA ends 15 Dec 00:00Z, and with afterHours 24
// escalation starts after 16 Dec 00:00Z.
const THRESHOLD = "2026-12-16T00:00:00Z";

const NO_FORCE = `apiVersion: patchops/v1
kind: Exemption
metadata:
  name: host-01-no-force
spec:
  hosts: [host-01]
  updates: ["*"]
  type: no-force
  reason: the owner restarts by hand
  ticket: CHG-7
  expires: 2027-01-31
`;

async function planAt(now: string, files: Record<string, string | null>) {
  return planFixture({
    files: {
      "policies/updates/kb5035857.yaml": null,
      "policies/updates/kb900.yaml": standardUpdate("KB900", "  pilot: false\n"),
      "windows/assignments/team-a.yaml": assignmentDoc("team-a", "dc", ["{ name: host-01, period: D1-04 }"]),
      ...files,
    },
    hosts: [
      hostRecord("host-01", {
        scannedAt: new Date(Date.parse(now) - 3_600_000).toISOString(),
        os: { family: "windows", name: "Windows Server 2022", version: "10.0.20348.2113" },
        installed: ["KB900"],
        pendingReboot: true,
        pendingRebootUpdates: ["KB900"],
      }),
    ],
    now,
  });
}

const jobsOf = (r: Awaited<ReturnType<typeof planAt>>) => r.jobs.map((j) => `${j.type} ${j.host}`);

describe("a restart nobody forces is escalated past the SLA (issue 31, point 4)", () => {
  const noForce = {
    "policies/policy.yaml": policyDoc("  escalation: { afterHours: 24, action: isolate }\n"),
    "policies/exemptions/host-01-no-force.yaml": NO_FORCE,
  };

  it("no-force: at the threshold only the restart-needed notice, a millisecond later a notify job (never isolate)", async () => {
    const at = await planAt(THRESHOLD, noForce);
    expect(at.hosts[0]!.updates.KB900).toBe("pending-reboot");
    expect(jobsOf(at)).toEqual([]);
    expect(at.plan.findings.map((f) => f.code)).toContain("restart-needed");
    const after = await planAt("2026-12-16T00:00:00.001Z", noForce);
    expect(jobsOf(after)).toEqual(["notify host-01"]);
    expect(after.jobs[0]!.updates).toEqual(["KB900"]);
    expect(after.jobs[0]!.reason.summary).toContain("KB900 waits for a restart past its SLA");
  });

  it("a policy that never forces restarts: the same notify escalation", async () => {
    const files = {
      "policies/policy.yaml": policyDoc(
        "  escalation: { afterHours: 24, action: isolate }\n  enforcement: { forceInstall: true, forceRestart: false }\n",
      ),
    };
    expect(jobsOf(await planAt(THRESHOLD, files))).toEqual([]);
    expect(jobsOf(await planAt("2026-12-16T00:00:00.001Z", files))).toEqual(["notify host-01"]);
  });

  it("a policy that forces restarts: a restart job in the host's next window, no escalation", async () => {
    const r = await planAt("2026-12-16T00:00:00.001Z", {
      "policies/policy.yaml": policyDoc("  escalation: { afterHours: 24, action: isolate }\n"),
    });
    expect(jobsOf(r)).toEqual(["restart host-01"]);
  });
});
