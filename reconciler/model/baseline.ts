// The Baseline kind: the documented standard configuration of a class of servers.
import { z } from "zod";
import { IsoDate, OsFamily, Selector, UpdateId, VersionRange, envelope } from "./common.js";

export const BaselineSpec = z.strictObject({
  selector: Selector,
  os: z
    .strictObject({
      family: OsFamily,
      minVersion: z
        .string()
        .regex(/^\d+(\.\d+)*$/)
        .optional(),
    })
    .optional(),
  requiredUpdates: z.array(UpdateId).default([]),
  products: z.array(z.strictObject({ name: z.string().min(1), versions: VersionRange.optional() })).default([]),
  revision: IsoDate,
});

export const BaselineDoc = envelope(
  "Baseline",
  BaselineSpec,
  "A standard configuration per class of server (baselines/).",
);
export type BaselineSpec = z.infer<typeof BaselineSpec>;
