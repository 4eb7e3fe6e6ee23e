// The CLI's only contact with the process: output streams and the exit code, injectable for tests.

export interface Io {
  out(text: string): void;
  err(text: string): void;
  exitCode(code: number): void;
}

export function processIo(): Io & { code: number } {
  const io = {
    code: 0,
    out: (t: string) => void process.stdout.write(t),
    err: (t: string) => void process.stderr.write(t),
    exitCode: (c: number) => {
      io.code = Math.max(io.code, c);
    },
  };
  return io;
}
