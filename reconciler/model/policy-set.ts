// The loaded policy as the rest of patchops sees it: typed documents of each kind, each able to say where a path
// inside it sits. Read by load/ (positions from YAML), used by every layer above.
import type { AdvisorySpec } from "./advisory.js";
import type { AssignmentSpec } from "./assignment.js";
import type { BaselineSpec } from "./baseline.js";
import type { ChangeAdvisoryBoardSpec } from "./cab.js";
import type { ExemptionSpec } from "./exemption.js";
import type { PatchPolicySpec } from "./policy.js";
import type { ApprovalRuleSpec } from "./rule.js";
import type { TimetableSpec } from "./timetable.js";
import type { UpdateSpec } from "./update.js";

export interface Located {
  file: string;
  line: number | null;
  column: number | null;
}

export interface LoadedDoc<S> {
  kind: string;
  file: string;
  name: string;
  spec: S;
  /** Where a path inside the document sits, e.g. ["spec", "hosts", 3, "name"]. */
  at(path: readonly (string | number)[]): Located;
}

export interface PolicySet {
  /** Where the files came from; `digest` is the SHA-256 of every file read (path and bytes), to tell one policy from another. */
  source: { label: string; revision: string | null; digest: string };
  policy: LoadedDoc<PatchPolicySpec> | null;
  cab: LoadedDoc<ChangeAdvisoryBoardSpec> | null;
  updates: LoadedDoc<UpdateSpec>[];
  /** Advisory facts for updates agents report (policies/advisories/). */
  advisories: LoadedDoc<AdvisorySpec>[];
  rules: LoadedDoc<ApprovalRuleSpec>[];
  exemptions: LoadedDoc<ExemptionSpec>[];
  baselines: LoadedDoc<BaselineSpec>[];
  timetables: LoadedDoc<TimetableSpec>[];
  assignments: LoadedDoc<AssignmentSpec>[];
}
