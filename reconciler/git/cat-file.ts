// Reads git blobs through one long-lived `git cat-file --batch` process instead of one process per blob.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { gitEnvironment } from "./git.js";

/** What kind of object a read expects; another kind is an error, as a missing object is. */
export type ObjectType = "blob" | "tree" | "commit";

interface Pending {
  sha: string;
  type: ObjectType | null;
  resolve: (b: Buffer) => void;
  reject: (e: Error) => void;
}

/**
 * A blob reader for one repository. Requests are answered in order; the process ends when no request is left
 * (checked after the current turn of the event loop, so a batch of reads that follows another reuses it).
 */
export class BlobReader {
  private child: ChildProcessWithoutNullStreams | null = null;
  private readonly queue: Pending[] = [];
  private buffer: Buffer = Buffer.alloc(0);
  private idleCheck = false;
  private holds = 0;

  constructor(private readonly repo: string) {}

  /**
   * Keeps the process running while idle, until the returned release is called: a verification waits on GitHub
   * between reads, and each wait would otherwise end the process and start another for the next read.
   */
  hold(): () => void {
    this.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
      this.scheduleIdleCheck();
    };
  }

  read(sha: string, type: ObjectType | null = null): Promise<Buffer> {
    if (!/^[0-9a-f]{40,64}$/.test(sha)) return Promise.reject(new Error(`not an object id: ${sha}`));
    return this.ask(sha, type);
  }

  /** A file at a commit (`<commit>:<path>`), through the same process; rejects when it does not exist. */
  readAt(commit: string, path: string, type: ObjectType | null = null): Promise<Buffer> {
    if (!/^[0-9a-f]{40,64}$/.test(commit) || /[\n\r]/.test(path) || path.startsWith("/"))
      return Promise.reject(new Error(`not a commit and path: ${commit}:${path}`));
    return this.ask(`${commit}:${path}`, type);
  }

  private ask(sha: string, type: ObjectType | null): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const child = this.child ?? this.start();
      this.queue.push({ sha, type, resolve, reject });
      child.stdin.write(`${sha}\n`);
    });
  }

  private start(): ChildProcessWithoutNullStreams {
    const child = spawn("git", ["cat-file", "--batch"], {
      cwd: this.repo,
      env: gitEnvironment(),
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.child = child;
    this.buffer = Buffer.alloc(0);
    child.stdout.on("data", (chunk: Buffer) => {
      if (this.child !== child) return;
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
      this.drain();
    });
    // A process ended when idle has nothing pending: the queue by then belongs to the one started after it, and its
    // late close must not fail those requests (a failed read would look like an absent file to the caller).
    const fail = (err: Error) => {
      if (this.child !== child) return;
      this.child = null;
      for (const p of this.queue.splice(0)) p.reject(err);
    };
    child.on("error", fail);
    // A process that died (or was ended) while a request was written gives EPIPE on stdin: fail what is pending rather
    // than leave the stream's error unhandled, which would end the whole program.
    child.stdin.on("error", (err) => fail(new Error(`git cat-file ended (${err.message})`)));
    child.on("close", (code) => fail(new Error(`git cat-file ended (exit ${code})`)));
    return child;
  }

  /** Parses every complete answer in the buffer: `<sha> blob <size>\n<bytes>\n`, or `<name> missing\n`. */
  private drain(): void {
    for (;;) {
      const head = this.queue[0];
      if (!head) break;
      const nl = this.buffer.indexOf(0x0a);
      if (nl < 0) return;
      const header = this.buffer.subarray(0, nl).toString("utf8");
      // `<name> missing` (a name may hold spaces: `<commit>:<path>`), else `<oid> <type> <size>`.
      const found = /^[0-9a-f]{40,64} ([a-z]+) (\d+)$/.exec(header);
      if (!found) {
        this.buffer = this.buffer.subarray(nl + 1);
        this.queue.shift();
        head.reject(
          new Error(`git object ${head.sha} is ${header.endsWith(" missing") ? "missing" : `unreadable (${header})`}`),
        );
        continue;
      }
      const size = Number(found[2]);
      if (this.buffer.length < nl + 1 + size + 1) return;
      const body = Buffer.from(this.buffer.subarray(nl + 1, nl + 1 + size));
      this.buffer = this.buffer.subarray(nl + 1 + size + 1);
      this.queue.shift();
      if (head.type && found[1] !== head.type)
        head.reject(new Error(`git object ${head.sha} is a ${found[1]}, not a ${head.type}`));
      else head.resolve(body);
    }
    this.scheduleIdleCheck();
  }

  private scheduleIdleCheck(): void {
    if (this.idleCheck) return;
    this.idleCheck = true;
    setImmediate(() => {
      this.idleCheck = false;
      if (this.queue.length === 0 && this.child && this.holds === 0) {
        const child = this.child;
        this.child = null;
        child.stdin.end();
      }
    });
  }
}
