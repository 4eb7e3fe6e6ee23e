// What a scanner adapter yields: native-shaped values with their origin, and problems it could not map.

export interface ConvertedRecord {
  value: unknown;
  origin: string;
  line: number;
}

export interface Converted {
  records: ConvertedRecord[];
  problems: { line: number; host?: string; reason: string }[];
}

/** Parses one or more concatenated JSON values (osqueryi run several times into one file), or JSON Lines. */
export function parseJsonValues(text: string): { value: unknown; line: number }[] {
  const out: { value: unknown; line: number }[] = [];
  let i = 0;
  let line = 1;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) {
      if (text[i] === "\n") line++;
      i++;
    }
    if (i >= text.length) break;
    const start = i;
    const startLine = line;
    let depth = 0;
    let inString = false;
    for (; i < text.length; i++) {
      const ch = text[i]!;
      if (ch === "\n") line++;
      if (inString) {
        if (ch === "\\") i++;
        else if (ch === '"') inString = false;
      } else if (ch === '"') inString = true;
      else if (ch === "{" || ch === "[") depth++;
      else if (ch === "}" || ch === "]") {
        depth--;
        if (depth === 0) {
          i++;
          break;
        }
      }
    }
    out.push({ value: JSON.parse(text.slice(start, i)), line: startLine });
  }
  return out;
}
