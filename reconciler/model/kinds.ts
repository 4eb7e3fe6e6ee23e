// The registry of document kinds: where each lives and which schema checks it.
import type { z } from "zod";
import { AdvisoryDoc } from "./advisory.js";
import { AssignmentDoc } from "./assignment.js";
import { BaselineDoc } from "./baseline.js";
import { ChangeAdvisoryBoardDoc } from "./cab.js";
import { ExemptionDoc } from "./exemption.js";
import { PatchPolicyDoc } from "./policy.js";
import { ApprovalRuleDoc } from "./rule.js";
import { TimetableDoc } from "./timetable.js";
import { UpdateDoc } from "./update.js";

export interface KindInfo {
  kind: string;
  schema: z.ZodType;
  /** The schema file name under schemas/. */
  schemaFile: string;
  /** Where files of this kind live, relative to the repository root. */
  location: { dir: string; file?: string };
}

export const KINDS: readonly KindInfo[] = [
  {
    kind: "PatchPolicy",
    schema: PatchPolicyDoc,
    schemaFile: "patch-policy.json",
    location: { dir: "policies", file: "policy.yaml" },
  },
  {
    kind: "ChangeAdvisoryBoard",
    schema: ChangeAdvisoryBoardDoc,
    schemaFile: "change-advisory-board.json",
    location: { dir: "policies", file: "cab.yaml" },
  },
  { kind: "Update", schema: UpdateDoc, schemaFile: "update.json", location: { dir: "policies/updates" } },
  {
    kind: "Advisory",
    schema: AdvisoryDoc,
    schemaFile: "advisory.json",
    location: { dir: "policies/advisories" },
  },
  {
    kind: "ApprovalRule",
    schema: ApprovalRuleDoc,
    schemaFile: "approval-rule.json",
    location: { dir: "policies/rules" },
  },
  { kind: "Exemption", schema: ExemptionDoc, schemaFile: "exemption.json", location: { dir: "policies/exemptions" } },
  { kind: "Baseline", schema: BaselineDoc, schemaFile: "baseline.json", location: { dir: "baselines" } },
  { kind: "Timetable", schema: TimetableDoc, schemaFile: "timetable.json", location: { dir: "windows/timetables" } },
  {
    kind: "Assignment",
    schema: AssignmentDoc,
    schemaFile: "assignment.json",
    location: { dir: "windows/assignments" },
  },
];

export const KIND_BY_NAME: ReadonlyMap<string, KindInfo> = new Map(KINDS.map((k) => [k.kind, k]));

/** The kind a file must hold, judged from its path; undefined for a path outside the policy folders. */
export function kindForPath(path: string): KindInfo | undefined {
  for (const k of KINDS) {
    if (k.location.file) {
      if (path === `${k.location.dir}/${k.location.file}`) return k;
    } else {
      const prefix = `${k.location.dir}/`;
      if (path.startsWith(prefix) && !path.slice(prefix.length).includes("/")) return k;
    }
  }
  return undefined;
}
