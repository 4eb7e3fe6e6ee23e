// The Advisory kind: what vendor advisories and CISA KEV say about an update the fleet's own update agents report
// (CVEs, the vendor's rating, exploitation), written by intake and reviewed like any policy change.
import { z } from "zod";
import { Cve, IsoDate, envelope } from "./common.js";
import { ExploitSource, Severity } from "./update.js";

export const AdvisorySpec = z.strictObject({
  id: z
    .string()
    .regex(/^KB\d{1,12}$/)
    .meta({ description: "The KB the facts are about, as update agents report it, e.g. KB5068787." }),
  title: z.string().min(1).optional().meta({ description: "The advisory's title for the update." }),
  vendor: z.string().min(1).default("Microsoft"),
  bulletin: z.string().min(1).optional().meta({ description: "The advisory document, e.g. 2025-Nov." }),
  released: IsoDate.optional().meta({
    description: "The advisory's release date (the agent's own date decides delays).",
  }),
  cves: z.array(Cve).default([]).meta({ description: "The CVEs the update fixes." }),
  severity: Severity.optional().meta({
    description:
      "The highest rating the advisories give it; plan takes the higher of this and the agent's MsrcSeverity.",
  }),
  exploited: z
    .strictObject({
      sources: z.array(ExploitSource).min(1).meta({ description: "Who says it is exploited: msrc, csaf, kev." }),
      since: IsoDate.optional().meta({ description: "When exploitation was first reported." }),
    })
    .optional()
    .meta({ description: "A CVE it fixes is exploited in the wild: PatchPolicy.timelines.exploited applies." }),
});

export const AdvisoryDoc = envelope(
  "Advisory",
  AdvisorySpec,
  "Advisory facts (CVEs, rating, exploitation) for an update the fleet's update agents report (policies/advisories/).",
);
export type AdvisorySpec = z.infer<typeof AdvisorySpec>;
