// The approval ledger as text for people: one line per policy file and per deletion, the warnings first.
import type { ApprovalLedger } from "../app/approvals.js";
import type { SubjectVerdict } from "../approvals/verify.js";

function line(v: SubjectVerdict): string {
  const mark = v.ok ? (v.strength === "trailer" ? "~" : "✓") : "✗";
  return `${mark} ${v.kind.padEnd(10)} ${v.name.padEnd(28)} ${v.ok ? (v.strength === "trailer" ? "trusted-local" : "verified") : "UNVERIFIED"}: ${v.reason}`;
}

export function renderLedgerText(l: ApprovalLedger, github: { owner: string; repo: string } | null): string {
  const out: string[] = [
    `approvals at ${l.ref?.slice(0, 12)}${github ? ` (GitHub ${github.owner}/${github.repo})` : ""}; CAB trust root ${l.cabRoot?.slice(0, 12) ?? "none"}`,
  ];
  if (l.trustedLocal)
    out.push(
      "!! trusted-local: Approved-by trailers are forgeable by anyone who can commit; for air-gapped demos only",
    );
  for (const w of l.warnings) out.push(`! ${w}`);
  for (const v of l.subjects) out.push(line(v));
  for (const d of l.deletions)
    out.push(
      `${d.ok ? "✓" : "✗"} ${"deletion".padEnd(10)} ${d.file.padEnd(28)} ${d.ok ? "verified" : d.restored ? "UNVERIFIED (not applied: the file's last version is planned)" : "UNVERIFIED"}: ${d.reason}`,
    );
  const total = l.subjects.length + l.deletions.length;
  const bad = l.subjects.filter((v) => !v.ok).length + l.deletions.filter((d) => !d.ok).length;
  out.push(
    bad
      ? `✗ ${bad} of ${total} changes unverified: approved updates among them get no jobs`
      : `✓ all ${total} changes verified`,
  );
  return out.join("\n") + "\n";
}
