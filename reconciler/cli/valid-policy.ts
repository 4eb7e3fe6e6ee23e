// Loads and validates the policy for a command that needs a valid one; prints the errors (exit 1) when it is not.
import { hasErrors, type DiagnosticCode } from "../diagnostics.js";
import type { PolicySet } from "../model/policy-set.js";
import type { PolicySource } from "../load/source.js";
import { validateSource } from "../validate/validate.js";
import { EXIT } from "../errors.js";
import type { Io } from "./io.js";
import { policySourceFor } from "../app/policy-source.js";
import { diagnosticsAsText } from "../views/diagnostics.js";

export async function validPolicyAt(
  repo: string,
  ref: string | undefined,
  now: number,
  io: Io,
  tolerate: readonly DiagnosticCode[] = [],
): Promise<{ source: PolicySource; set: PolicySet } | null> {
  const source = await policySourceFor(repo, ref);
  const { set, diagnostics: all } = await validateSource(source, now);
  const diagnostics = all.filter((d) => !tolerate.includes(d.code));
  if (hasErrors(diagnostics) || !set.cab || !set.policy) {
    io.err(
      diagnosticsAsText(
        diagnostics.filter((d) => d.severity === "error"),
        0,
      ),
    );
    io.err("patchops: the policy is invalid; fix it first (patchops validate)\n");
    io.exitCode(EXIT.invalid);
    return null;
  }
  return { source, set };
}
