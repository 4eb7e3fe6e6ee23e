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

/** A mistake in how patchops was called, or a file it could not read: exit 2, one line, no stack. */
export class UsageError extends Error {
  override name = "UsageError";
}
