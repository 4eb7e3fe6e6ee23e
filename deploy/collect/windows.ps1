<#
.SYNOPSIS
  patchops collector for Windows: prints this host's native inventory record as one JSON line.

.DESCRIPTION
  Get-HotFix (Win32_QuickFixEngineering) lists only updates installed by Component Based Servicing, so updates
  installed by Windows Installer (SQL Server cumulative updates, some .NET and Office updates) never appear there and
  would stay "missing" forever. This script merges three sources:
    1. Win32_QuickFixEngineering (what Get-HotFix reads),
    2. the Windows Update Agent's installed updates (Microsoft.Update.Session, IsInstalled=1, offline),
    3. the Windows Update Agent's history (IUpdateSearcher.QueryHistory): installations that succeeded, minus later
       uninstallations,
  and reports installed products (the Uninstall registry keys, and SQL Server instances by engine version), the OS
  caption (patchops normalises "Microsoft Windows Server 2022 Datacenter" and the like) with the full build
  including the update revision (UBR), and whether a restart is pending.

.EXAMPLE
  # On each host (or through Invoke-Command), then concatenate the lines into inventory.jsonl:
  powershell -NoProfile -ExecutionPolicy Bypass -File windows.ps1 >> \\share\scans\inventory.jsonl
#>
[CmdletBinding()]
param()
$ErrorActionPreference = 'Stop'

$os = Get-CimInstance -ClassName Win32_OperatingSystem
$cv = Get-ItemProperty -Path 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion'
# Win32_OperatingSystem.Version stops at the build (10.0.20348); fixed builds need the revision (10.0.20348.2322).
$version = if ($null -ne $cv.UBR) { "$($os.Version).$($cv.UBR)" } else { $os.Version }

$installed = New-Object 'System.Collections.Generic.SortedSet[string]' ([StringComparer]::OrdinalIgnoreCase)
function Add-Kb([string]$text) {
  foreach ($m in [regex]::Matches($text, '\bKB(\d{6,7})\b')) { [void]$installed.Add("KB$($m.Groups[1].Value)") }
}

# 1. Component Based Servicing (Get-HotFix).
foreach ($qfe in Get-CimInstance -ClassName Win32_QuickFixEngineering) { Add-Kb $qfe.HotFixID }

# 2. and 3. The Windows Update Agent: what it knows installed, and its history (MSI-serviced updates included).
$session = New-Object -ComObject Microsoft.Update.Session
$searcher = $session.CreateUpdateSearcher()
$searcher.Online = $false
foreach ($u in $searcher.Search('IsInstalled=1').Updates) {
  foreach ($kb in $u.KBArticleIDs) { [void]$installed.Add("KB$kb") }
}
$count = $searcher.GetTotalHistoryCount()
if ($count -gt 0) {
  # QueryHistory returns the newest first; replay it oldest first so a later uninstallation wins.
  $history = @($searcher.QueryHistory(0, $count))
  [array]::Reverse($history)
  foreach ($entry in $history) {
    # Operation 1 = installation, 2 = uninstallation; ResultCode 2 = succeeded, 3 = succeeded with errors.
    if ($entry.ResultCode -ne 2 -and $entry.ResultCode -ne 3) { continue }
    $kbs = [regex]::Matches([string]$entry.Title, '\bKB(\d{6,7})\b') | ForEach-Object { "KB$($_.Groups[1].Value)" }
    foreach ($kb in $kbs) {
      if ($entry.Operation -eq 1) { [void]$installed.Add($kb) }
      elseif ($entry.Operation -eq 2) { [void]$installed.Remove($kb) }
    }
  }
}

# Installed products with a dotted version (the schema accepts nothing else).
$products = New-Object 'System.Collections.Generic.List[object]'
$seen = @{}
$uninstallKeys = @(
  'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\*',
  'HKLM:\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall\*'
)
foreach ($p in Get-ItemProperty -Path $uninstallKeys -ErrorAction SilentlyContinue) {
  $name = [string]$p.DisplayName
  $ver = [string]$p.DisplayVersion
  if (-not $name -or $p.SystemComponent -eq 1 -or $ver -notmatch '^\d+(\.\d+)*$') { continue }
  $key = "$name|$ver"
  if ($seen.ContainsKey($key)) { continue }
  $seen[$key] = $true
  $products.Add([ordered]@{ name = $name.Trim(); version = $ver })
}
# SQL Server instances by engine version ("SQL Server 2016" 13.0.6300.2), as baselines name them.
$sqlYears = @{ '11' = '2012'; '12' = '2014'; '13' = '2016'; '14' = '2017'; '15' = '2019'; '16' = '2022' }
$instances = Get-ItemProperty -Path 'HKLM:\SOFTWARE\Microsoft\Microsoft SQL Server\Instance Names\SQL' -ErrorAction SilentlyContinue
if ($instances) {
  foreach ($prop in $instances.PSObject.Properties | Where-Object { $_.Name -notlike 'PS*' }) {
    $setup = Get-ItemProperty -Path "HKLM:\SOFTWARE\Microsoft\Microsoft SQL Server\$($prop.Value)\Setup" -ErrorAction SilentlyContinue
    # PatchLevel carries the service-pack level in its second part (13.3.6300.2); the engine reports 13.0.6300.2.
    if ($setup -and [string]$setup.PatchLevel -match '^(\d+)\.\d+\.(\d+)\.(\d+)$' -and $sqlYears.ContainsKey($Matches[1])) {
      $products.Add([ordered]@{ name = "SQL Server $($sqlYears[$Matches[1]])"; version = "$($Matches[1]).0.$($Matches[2]).$($Matches[3])" })
    }
  }
}

$pendingReboot = (Test-Path 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending') -or
  (Test-Path 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired')

$record = [ordered]@{
  host          = $env:COMPUTERNAME
  scannedAt     = (Get-Date).ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ')
  os            = [ordered]@{ family = 'windows'; name = ([string]$os.Caption).Trim(); version = $version }
  installed     = @($installed)
  pendingReboot = [bool]$pendingReboot
  products      = @($products | Sort-Object { $_.name }, { $_.version })
  features      = @()
  agent         = [ordered]@{ name = 'patchops-collect-windows'; version = '1'; healthy = $true }
}
$record | ConvertTo-Json -Depth 5 -Compress
