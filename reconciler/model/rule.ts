// The ApprovalRule kind: a pre-approval the CAB grants once for a class of updates.
import { z } from "zod";
import { IsoDate, UpdateId, envelope } from "./common.js";
import { Classification, Severity, TimelineName } from "./update.js";

export const ApprovalRuleSpec = z.strictObject({
  vendors: z.array(z.string().min(1)).optional(),
  products: z
    .array(z.string().min(1))
    .optional()
    .meta({ description: "Matches an update whose appliesTo names one of these products or OS names." }),
  classifications: z.array(Classification).optional(),
  severities: z.array(Severity).optional(),
  exclude: z.array(UpdateId).default([]),
  approveAfterDays: z.number().int().min(0).max(365),
  until: IsoDate.optional().meta({ description: "The rule approves nothing released after this date." }),
  timeline: TimelineName.optional(),
});

export const ApprovalRuleDoc = envelope(
  "ApprovalRule",
  ApprovalRuleSpec,
  "Pre-approval of a class of updates (policies/rules/).",
);
export type ApprovalRuleSpec = z.infer<typeof ApprovalRuleSpec>;
