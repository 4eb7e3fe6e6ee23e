// Keeps untrusted text (host names, file names, messages) on one line, so a value can never start a new line of
// its own in a log: GitHub Actions reads any line beginning with `::` as a workflow command (`::add-mask::`, `::error`).

/** Shows CR, LF and the other control characters as visible escapes; tabs stay. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f\u0085\u2028\u2029]/g, (ch) => {
    if (ch === "\n") return "\\n";
    if (ch === "\r") return "\\r";
    return `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
}
