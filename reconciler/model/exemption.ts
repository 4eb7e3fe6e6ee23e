// The Exemption kind: a time-boxed exception for some hosts and updates.
import { z } from "zod";
import { IsoDate, Selector, UpdateId, envelope } from "./common.js";

export const ExemptionSpec = z.strictObject({
  hosts: z.array(z.string().min(1)).optional(),
  selector: Selector.optional(),
  updates: z.array(z.union([UpdateId, z.literal("*")])).min(1),
  type: z.enum(["no-force", "defer"]).meta({
    description:
      "no-force: never force install or restart, still obligated by the deadline; defer: do not deploy until it expires (risk accepted).",
  }),
  reason: z.string().min(1),
  ticket: z.string().min(1),
  expires: IsoDate.meta({ description: "Last day the exemption applies (UTC, inclusive)." }),
});

export const ExemptionDoc = envelope("Exemption", ExemptionSpec, "A time-boxed exemption (policies/exemptions/).");
export type ExemptionSpec = z.infer<typeof ExemptionSpec>;
