// Which version order a package belongs to: dpkg for Debian and Ubuntu, rpm for Red Hat and its relatives.
import { compareDpkgVersions } from "./dpkg.js";
import { compareEvr } from "./rpm.js";

export type PackageFormat = "deb" | "rpm";

export function comparePackageVersions(format: PackageFormat, a: string, b: string): number {
  return format === "deb" ? compareDpkgVersions(a, b) : compareEvr(a, b);
}
