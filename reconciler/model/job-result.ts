// A job result: one line of the NDJSON the playbook writes after running a job on a host.
import { z } from "zod";

export const UpdateOutcome = z.strictObject({
  status: z.enum(["succeeded", "failed"]),
  code: z
    .string()
    .optional()
    .meta({ description: "The installer's code, e.g. 0x80240022 (HRESULT), or a word such as not-offered." }),
});

export const JobResult = z
  .strictObject({
    jobId: z.string().min(1),
    host: z.string().min(1),
    type: z.enum(["install", "synthetic", "uninstall"]).default("install").meta({
      description: "The job's type; for uninstall, succeeded means the update was removed.",
    }),
    status: z.enum(["succeeded", "failed"]),
    updates: z.record(z.string(), UpdateOutcome).default({}),
    finishedAt: z.iso.datetime({ offset: true }),
  })
  .meta({ title: "JobResult", description: "One line of a job results file (NDJSON)." });

export type JobResult = z.infer<typeof JobResult>;
export type UpdateOutcome = z.infer<typeof UpdateOutcome>;
