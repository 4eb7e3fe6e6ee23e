// Small policy documents for tests: a security Update for every Windows host, decided or not.

export function updateDoc(
  id: string,
  opts: { released?: string; decision?: "approved" | "rejected" | null; extra?: string } = {},
): string {
  const decision = opts.decision === undefined ? "approved" : opts.decision;
  return `apiVersion: patchops/v1
kind: Update
metadata:
  name: ${id.toLowerCase()}
spec:
  id: ${id}
  title: Update ${id}
  classification: security
  severity: important
  released: ${opts.released ?? "2026-11-20"}
${decision ? `  decision: ${decision}\n` : ""}  pilot: false
  appliesTo: { os: [{ family: windows }] }
${opts.extra ?? ""}`;
}
