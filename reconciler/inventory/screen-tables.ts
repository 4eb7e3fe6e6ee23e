// PowerShell tables formatted for the screen (PSWindowsUpdate, Get-HotFix's default view): refused with the right command.
// Such a table cuts host names and titles ("DESKTOP-4..."), carries no OS and no scan time, and its dates follow the
// locale: reading it would mean guessing, and a guessed inventory can report a host compliant that is not.

const COLLECT =
  "collect with deploy/collect/windows.ps1 (Windows Update history and installed products as native JSON Lines), or with the README's Get-HotFix line piped to ConvertTo-Json";

/** Why this input is refused, or null when it is not a screen table. */
export function screenTableRefusal(head: string, label: string): string | null {
  const t = head.replace(/^\uFEFF/, "");
  if (/^PreSearchCriteria:/m.test(t) || /^ComputerName\s+Status\s+KB\s+Size\s+Title\s*$/m.test(t))
    return `${label}: this is PSWindowsUpdate's Get-WindowsUpdate table, formatted for the screen (host names and titles cut, no OS, no scan time), so patchops will not guess from it; ${COLLECT}`;
  if (/^Source\s+Description\s+HotFixID\s+InstalledBy\s+InstalledOn\s*$/m.test(t))
    return `${label}: this is Get-HotFix's default table, formatted for the screen (no OS, no scan time, locale dates), so patchops will not guess from it; ${COLLECT}`;
  return null;
}
