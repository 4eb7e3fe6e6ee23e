// The ChangeAdvisoryBoard kind: who may approve changes, and how many approvals they need.
import { z } from "zod";
import { envelope } from "./common.js";

const Login = z
  .string()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(\[bot\])?$/)
  .meta({ description: "A GitHub login." });

export const ChangeAdvisoryBoardSpec = z.strictObject({
  members: z.array(Login).min(1),
  requiredApprovals: z.number().int().min(1).default(2),
  emergencyCommittee: z
    .strictObject({ members: z.array(Login).min(1), requiredApprovals: z.number().int().min(1).default(1) })
    .optional(),
  teams: z.record(z.string().min(1), z.array(Login)).default({}).meta({
    description: "Owner teams and their members, for verifying assignment changes without GitHub team lookups.",
  }),
  intakeIdentity: Login.optional().meta({
    description: "The bot login whose intake pull requests may be approved through a rule.",
  }),
});

export const ChangeAdvisoryBoardDoc = envelope(
  "ChangeAdvisoryBoard",
  ChangeAdvisoryBoardSpec,
  "The change advisory board (policies/cab.yaml).",
);
export type ChangeAdvisoryBoardSpec = z.infer<typeof ChangeAdvisoryBoardSpec>;
