// Test helper: the hand-worked Debian fleet of test/fixtures/linux-patches (11 package versions, 3 patches), planned.
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { planFixture, readInventoryText, type PlanFixture } from "./plan-fixture.js";
import { assignmentDoc, policyDoc } from "./scenario.js";

export const DEB01 = JSON.stringify(JSON.parse(readFileSync("test/fixtures/linux-patches/deb-01.json", "utf8")));

/** deb-01's record under another name; `edit` changes the parsed record first. */
export function debHost(name: string, edit: (r: Record<string, unknown>) => void = () => {}): string {
  const r = JSON.parse(DEB01) as Record<string, unknown>;
  r.host = name;
  edit(r);
  return JSON.stringify(r);
}

const RULE = `apiVersion: patchops/v1
kind: ApprovalRule
metadata:
  name: debian-12
spec:
  products: ["Debian 12"]
  classifications: [security, update]
  exclude: [DSA-9001-1, DSA-9002-1]
  approveAfterDays: 0
`;

/** An advisory Update file as intake drafts it from Debian's OSV feed (made-up ids; see the fixture's README). */
export const advisory = (id: string, source: string, fixed: string) => `apiVersion: patchops/v1
kind: Update
metadata:
  name: ${id.toLowerCase()}
spec:
  id: ${id}
  title: ${source} security update
  vendor: Debian
  classification: security
  severity: important
  released: 2026-12-09
  appliesTo:
    os: [{ family: linux, names: ["Debian 12"] }]
    packages: [{ name: ${source}, fixed: "${fixed}", os: "Debian 12" }]
`;

export const LINUX_FILES = {
  "policies/policy.yaml": policyDoc("  sla: { standardDays: 7 }\n  escalation: { afterHours: 24, action: isolate }\n"),
  "windows/assignments/team-a.yaml": assignmentDoc("team-a", "dc", ["{ name: deb-01, period: D1-00 }"]),
  "policies/rules/debian-12.yaml": RULE,
  "policies/updates/dsa-9001-1.yaml": advisory("DSA-9001-1", "krb5", "1.20.1-2+deb12u4"),
  "policies/updates/dsa-9002-1.yaml": advisory("DSA-9002-1", "expat", "2.5.0-1+deb12u2"),
};

export async function planLinux(
  records: string[],
  now: string,
  files: Record<string, string | null> = {},
  input: PlanFixture["input"] = {},
) {
  const { inventory, diagnostics } = await readInventoryText(records.join("\n"));
  expect(diagnostics).toEqual([]);
  return planFixture({ files: { ...LINUX_FILES, ...files }, hosts: inventory, now, input });
}
