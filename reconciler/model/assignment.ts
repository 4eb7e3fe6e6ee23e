// The Assignment kind: the change-control database mapping each server to its maintenance period.
import { z } from "zod";
import { Labels, Name, envelope } from "./common.js";

export const AssignedHost = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(253)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/),
  period: z.string().min(1).meta({ description: "A standard period (D<day>-<HH>) or the name of a recurring window." }),
  cluster: z.string().min(1).optional(),
  role: z.string().min(1).optional(),
  labels: Labels.optional(),
});

export const AssignmentSpec = z.strictObject({
  owner: z.string().min(1).meta({ description: "Owner team; approves changes to this file." }),
  contacts: z.array(z.string().min(1)).default([]),
  timetable: Name,
  hosts: z.array(AssignedHost).min(1),
});

export const AssignmentDoc = envelope(
  "Assignment",
  AssignmentSpec,
  "Hosts of one owner team and their periods (windows/assignments/).",
);
export type AssignmentSpec = z.infer<typeof AssignmentSpec>;
export type AssignedHost = z.infer<typeof AssignedHost>;
