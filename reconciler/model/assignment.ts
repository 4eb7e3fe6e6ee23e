// The Assignment kind: the change-control database mapping each server to its maintenance period.
import { z } from "zod";
import { Labels, Name, OsFamily, VersionRange, envelope } from "./common.js";

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

export const HostSelector = z
  .strictObject({
    match: z
      .strictObject({
        name: z
          .string()
          .min(1)
          .optional()
          .meta({ description: "A host-name pattern; * matches any run of characters, e.g. web-*." }),
        os: OsFamily.optional(),
        osName: z
          .string()
          .min(1)
          .optional()
          .meta({ description: "The OS name of the last scan, e.g. Windows Server 2022." }),
        osVersion: VersionRange.optional(),
        role: z.string().min(1).optional().meta({ description: "The role the inventory reports." }),
        labels: Labels.optional().meta({ description: "Every label must be reported with this value." }),
      })
      .meta({ description: "Inventory facts; every given condition must hold." }),
    periods: z
      .array(z.string().min(1))
      .min(1)
      .meta({ description: "The periods a selected host may get; a stable hash of its name picks one." }),
  })
  .meta({ description: "Selects scanned hosts by inventory facts instead of naming them." });

export const AssignmentSpec = z.strictObject({
  owner: z.string().min(1).meta({ description: "Owner team; approves changes to this file." }),
  contacts: z.array(z.string().min(1)).default([]),
  timetable: Name,
  hosts: z
    .array(AssignedHost)
    .default([])
    .meta({ description: "Hosts named explicitly; an explicit entry wins over any selector." }),
  selectors: z.array(HostSelector).default([]),
});

export const AssignmentDoc = envelope(
  "Assignment",
  AssignmentSpec,
  "Hosts of one owner team and their periods (windows/assignments/).",
);
export type AssignmentSpec = z.infer<typeof AssignmentSpec>;
export type AssignedHost = z.infer<typeof AssignedHost>;
export type HostSelector = z.infer<typeof HostSelector>;
