// The ChangeAdvisoryBoard kind: who may approve changes, and how many approvals they need.
import { z } from "zod";
import { envelope } from "./common.js";

const Login = z
  .string()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(\[bot\])?$/)
  .meta({ description: "A GitHub login." });

/**
 * `@org/team-slug`: a GitHub organisation login (1 to 39 letters, digits and single inner hyphens) and a team slug as
 * GitHub derives it from the team's name (lower-case letters, digits, `_` and `-`, starting and ending with a letter,
 * digit or `_`).
 */
export const TEAM_REF =
  /^@(?=[A-Za-z0-9-]{1,39}\/)([A-Za-z0-9]+(?:-[A-Za-z0-9]+)*)\/([a-z0-9_](?:[a-z0-9_-]{0,253}[a-z0-9_])?)$/;

/** True when a member entry names a GitHub team (`@org/team-slug`) rather than a login. */
export function isTeamRef(entry: string): boolean {
  return entry.startsWith("@");
}

/** The organisation and slug of an `@org/team-slug` entry, or null when it is not one. */
export function teamRefParts(entry: string): { org: string; slug: string } | null {
  const m = TEAM_REF.exec(entry);
  return m ? { org: m[1]!, slug: m[2]! } : null;
}

const LOGIN = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\\[bot\\])?";

const Member = z
  .string()
  .regex(new RegExp(`^(?:${LOGIN}|${TEAM_REF.source.slice(1, -1)})$`), {
    error: (issue) =>
      `'${String(issue.input)}' is neither a GitHub login nor a team as @org/team-slug (the organisation's login, then the team's slug: lower-case letters, digits, '_' and '-')`,
  })
  .meta({
    description:
      "A GitHub login, or a GitHub team as @org/team-slug (the organisation's login, then the team's slug: lower-case letters, digits, '_' and '-'); every active member of a team, as GitHub lists it when the approval is judged, counts as a member.",
  });

export const ChangeAdvisoryBoardSpec = z.strictObject({
  members: z.array(Member).min(1),
  requiredApprovals: z.number().int().min(1).default(2),
  emergencyCommittee: z
    .strictObject({ members: z.array(Member).min(1), requiredApprovals: z.number().int().min(1).default(1) })
    .optional(),
  teams: z.record(z.string().min(1), z.array(Member)).default({}).meta({
    description:
      "Owner teams and their members (logins, or @org/team-slug GitHub teams whose membership is read from GitHub), for verifying assignment changes.",
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
