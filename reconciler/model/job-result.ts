// A job result: one line of the NDJSON the playbook writes after running a job on a host (or refusing to).
import { z } from "zod";

export const UpdateOutcome = z.strictObject({
  status: z.enum(["succeeded", "failed"]),
  code: z
    .string()
    .optional()
    .meta({ description: "The installer's code, e.g. 0x80240022 (HRESULT), or a word such as not-offered." }),
});

export const NotRunReason = z
  .enum(["outside-window", "provenance-mismatch", "max-errors", "staged", "no-command"])
  .meta({
    description:
      "Why a job did not run: outside-window (the control node's clock was outside the job's window), provenance-mismatch (the job was edited after export or does not match its plan), max-errors (its wave was stopped by rollout.maxErrors), staged (forceInstall false: downloaded, not installed), no-command (an isolate, notify or healthcheck job whose PatchPolicy hook names no command: nothing ran).",
  });

export const JobResult = z
  .strictObject({
    jobId: z.string().min(1),
    host: z.string().min(1),
    type: z
      .enum(["install", "synthetic", "uninstall", "restart", "isolate", "notify", "healthcheck"])
      .default("install")
      .meta({
        description:
          "The job's type; for uninstall, succeeded means the update was removed; a restart result lists no updates (the next scan says whether the pending installs finished); an isolate, notify or healthcheck job (PatchPolicy's hooks) reports only a refusal: not-run with its reason.",
      }),
    status: z.enum(["succeeded", "failed", "not-run"]).meta({
      description: "not-run: nothing was installed or removed (see reason); it lists no updates and is no attempt.",
    }),
    reason: NotRunReason.optional(),
    message: z
      .string()
      .optional()
      .meta({ description: "What went wrong or why the job did not run, e.g. the package manager's error." }),
    updates: z.record(z.string(), UpdateOutcome).default({}),
    finishedAt: z.iso.datetime({ offset: true }),
  })
  .refine((r) => (r.status === "not-run") === (r.reason !== undefined), {
    message: "a not-run result names its reason, and only a not-run result has one",
    path: ["reason"],
  })
  .refine((r) => r.status !== "not-run" || Object.keys(r.updates).length === 0, {
    message: "a not-run result lists no updates",
    path: ["updates"],
  })
  .meta({ title: "JobResult", description: "One line of a job results file (NDJSON)." });

export type JobResult = z.infer<typeof JobResult>;
export type UpdateOutcome = z.infer<typeof UpdateOutcome>;
export type NotRunReason = z.infer<typeof NotRunReason>;
