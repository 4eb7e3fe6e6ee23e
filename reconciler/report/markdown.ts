// The one Markdown escaper for text from policy files and inventories (titles, reasons, host names) in comments and digests.

const HTML: Record<string, string> = { "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" };

/**
 * Text shown as itself in GitHub Markdown, inline (never at the start of a line): one line, HTML and comment markers
 * neutralised as entities, the punctuation of links, autolinks, emphasis, code, tables, headings and mentions escaped.
 */
export function escapeMarkdown(text: string | number | null | undefined): string {
  return String(text ?? "")
    .replace(/[\r\n\t\u2028\u2029]+/g, " ")
    .replace(/[<>&"]/g, (c) => HTML[c]!)
    .replace(/[\\`*_{}[\]()#!|~:@]/g, (c) => `\\${c}`);
}

/** Text inside a fenced code block: one line, no backticks that could close the fence, no control characters. */
export function codeLine(text: string): string {
  return text.replace(/[\p{Cc}\u2028\u2029`]/gu, "?");
}
