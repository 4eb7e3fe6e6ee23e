// Diagnostics for people (text), machines (json) and GitHub's inline annotations (workflow commands).
import type { Diagnostic } from "../diagnostics.js";
import { oneLine } from "../log-safe.js";

function where(d: Diagnostic): string {
  if (!d.file) return "";
  const file = oneLine(d.file);
  return d.line ? `${file}:${d.line}:${d.column ?? 1}: ` : `${file}: `;
}

export function diagnosticsAsText(diagnostics: readonly Diagnostic[], documents: number): string {
  const lines = diagnostics.map((d) => `${where(d)}${d.severity} ${d.code}: ${oneLine(d.message)}`);
  lines.push(summaryLine(diagnostics, documents));
  return lines.join("\n") + "\n";
}

export function summaryLine(diagnostics: readonly Diagnostic[], documents: number): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.filter((d) => d.severity === "warning").length;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;
  return errors === 0
    ? `✓ ${plural(documents, "document")} valid${warnings ? `, ${plural(warnings, "warning")}` : ""}`
    : `✗ ${plural(errors, "error")}, ${plural(warnings, "warning")} in ${plural(documents, "document")}`;
}

export function diagnosticsAsJson(diagnostics: readonly Diagnostic[], documents: number): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  return (
    JSON.stringify(
      {
        valid: errors === 0,
        documents,
        errors,
        warnings: diagnostics.filter((d) => d.severity === "warning").length,
        diagnostics,
      },
      null,
      2,
    ) + "\n"
  );
}

/** The escaping GitHub's runner undoes in a workflow command's message. */
export function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** The escaping GitHub's runner undoes in a workflow command's properties (file=…,title=…). */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/** GitHub Actions workflow commands: ::error file=…,line=…,col=…,title=…::message */
export function diagnosticsAsGithub(diagnostics: readonly Diagnostic[]): string {
  const level = { error: "error", warning: "warning", info: "notice" } as const;
  return diagnostics
    .map((d) => {
      const props: string[] = [];
      if (d.file) props.push(`file=${escapeProperty(d.file)}`);
      if (Number.isInteger(d.line) && d.line) props.push(`line=${d.line}`);
      if (Number.isInteger(d.column) && d.column) props.push(`col=${d.column}`);
      props.push(`title=${escapeProperty(`patchops ${d.code}`)}`);
      return `::${level[d.severity]} ${props.join(",")}::${escapeData(d.message)}\n`;
    })
    .join("");
}
