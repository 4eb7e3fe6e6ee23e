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
  const { values, problems } = scanJsonValues(text);
  if (problems[0]) throw new SyntaxError(`line ${problems[0].line}: ${problems[0].reason}`);
  return values;
}

/** A broken value: where it starts, why, and the host it names (found in its first line), if any. */
export interface ValueProblem {
  line: number;
  reason: string;
  host?: string;
}

function hostNamedIn(text: string): string | undefined {
  return (
    /^\s*\{\s*"(?:hostIdentifier|host)"\s*:\s*"([^"\\]{1,253})"/.exec(text)?.[1] ??
    /"hostIdentifier"\s*:\s*"([^"\\]{1,253})"/.exec(text)?.[1]
  );
}

/**
 * Like parseJsonValues, but a broken value (a truncated line after log rotation, a junk line) becomes a problem at
 * its line and reading goes on at the next line: one bad line never costs the rest of the file. A value that
 * starts at column 0 ends at the latest where the next line starts at column 0 with { or [, since pretty-printed
 * JSON indents everything inside a value; a raw line break inside a string ends it too (JSON forbids one).
 */
export function scanJsonValues(text: string): { values: { value: unknown; line: number }[]; problems: ValueProblem[] } {
  const values: { value: unknown; line: number }[] = [];
  const problems: ValueProblem[] = [];
  let i = 0;
  let line = 1;
  const skipLine = () => {
    const nl = text.indexOf("\n", i);
    i = nl < 0 ? text.length : nl + 1;
    line++;
  };
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) {
      if (text[i] === "\n") line++;
      i++;
    }
    if (i >= text.length) break;
    const start = i;
    const startLine = line;
    const firstLine = () => text.slice(start, Math.min(text.indexOf("\n", start) >>> 0, start + 4096));
    const fail = (reason: string) => {
      problems.push({ line: startLine, reason, host: hostNamedIn(firstLine()) });
      i = start;
      line = startLine;
      skipLine();
    };
    if (text[i] !== "{" && text[i] !== "[") {
      fail("not a JSON object or array");
      continue;
    }
    let depth = 0;
    let inString = false;
    let broken: string | null = null;
    for (; i < text.length; i++) {
      const ch = text[i]!;
      if (ch === "\n") {
        if (inString) {
          broken = "the line ends inside a string (truncated?)";
          break;
        }
        line++;
        if (text[i + 1] === "{" || text[i + 1] === "[") {
          broken = "the value is not closed before the next line's value (truncated?)";
          break;
        }
        continue;
      }
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
    if (broken === null && depth !== 0) broken = "the value is not closed at the end of the input (truncated?)";
    if (broken !== null) {
      fail(`not valid JSON (${broken})`);
      continue;
    }
    try {
      values.push({ value: JSON.parse(text.slice(start, i)), line: startLine });
    } catch (err) {
      problems.push({
        line: startLine,
        reason: `not valid JSON (${(err as Error).message})`,
        host: hostNamedIn(firstLine()),
      });
    }
  }
  return { values, problems };
}
