// The exit codes of the CLI and the errors that map to them.

export const EXIT = {
  ok: 0,
  /** The policy or an input is invalid (findings printed). */
  invalid: 1,
  /** Usage error or unreadable file. */
  usage: 2,
  /** A bug in patchops: please report it. */
  internal: 3,
} as const;

/**
 * The one exception currency: every error patchops throws on purpose is a PatchopsError carrying its exit code, and
 * the CLI prints it as one line (the stack only with --debug). Anything else that escapes is a bug: exit 3. Findings
 * about policy and inputs are not exceptions: they are diagnostics (diagnostics.ts) with stable codes.
 */
export abstract class PatchopsError extends Error {
  abstract readonly exit: (typeof EXIT)[keyof typeof EXIT];
}

/** A mistake in how patchops was called, or a file it could not read: exit 2, one line, no stack. */
export class UsageError extends PatchopsError {
  override name = "UsageError";
  readonly exit = EXIT.usage;
}

/** An input (inventory, job results, shard outputs) that cannot be read as a whole: exit 2, with where and why. */
export class InputError extends PatchopsError {
  override name = "InputError";
  readonly exit = EXIT.usage;
}

/**
 * A failure of the surroundings, not of patchops (a full or read-only disk, a path that is a file, a lost lock, a
 * remote that refuses, GitHub down): the CLI reports it in one line with exit 2, never as an internal error.
 */
export class OperationalError extends PatchopsError {
  override name = "OperationalError";
  readonly exit = EXIT.usage;
}

/** What Node's file-system error codes mean, in words for the one-line message. */
const ERRNO_WORDS: Readonly<Record<string, string>> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  EEXIST: "a file is in the way",
  ENOTDIR: "a path component is a file, not a directory",
  EISDIR: "is a directory",
  ENOENT: "no such file or directory",
  EMFILE: "too many open files",
  ENFILE: "too many open files in the system",
  EIO: "input/output error",
  EBUSY: "resource busy",
  ENAMETOOLONG: "file name too long",
  ELOOP: "too many symbolic links",
  EXDEV: "cross-device link",
  ENOTEMPTY: "directory not empty",
  ESPIPE: "not a seekable file (use - for standard input)",
};

/** A Node system error (from fs, child processes, sockets) as one line, or null when the error is not one. */
export function systemErrorLine(err: unknown): string | null {
  const e = err as (NodeJS.ErrnoException & { dest?: string }) | null;
  if (!e || typeof e !== "object" || typeof e.code !== "string" || !(e.code in ERRNO_WORDS)) return null;
  const what = e.syscall ? `${e.syscall}${e.path ? ` ${e.path}` : ""}${e.dest ? ` -> ${e.dest}` : ""}` : "";
  return `${what ? `cannot ${what}: ` : ""}${e.code} (${ERRNO_WORDS[e.code]})`;
}
