// The system tools some tests drive for real (Ansible, Chromium): missing ones fail the test in one clear line.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

function onPath(command: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function missing(what: string, debianPackage: string): Error {
  const err = new Error(
    `${what} is not installed: run \`npm run setup\` (as root it installs it; otherwise \`sudo apt-get install -y --no-install-recommends ${debianPackage}\`)`,
  );
  err.stack = err.message; // the line says everything; a stack would only bury it
  return err;
}

/** Throws unless `command` is on PATH. */
export function requireTool(command: string, debianPackage: string): void {
  if (!onPath(command)) throw missing(`\`${command}\``, debianPackage);
}

/** Debian's Chromium, or CHROMIUM_PATH (CI points it at the runner's Chrome). */
export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(path)) throw missing(`Chromium (${path})`, "chromium");
  return path;
}
