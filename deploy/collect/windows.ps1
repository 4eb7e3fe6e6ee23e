<#
.SYNOPSIS
  patchops collector for Windows: prints this host's native inventory record as one JSON line.

.DESCRIPTION
  Asks the Windows Update Agent for every update it knows for this host (installed or not), from the host's WSUS, from
  Microsoft Update, or from an offline catalogue (wsusscn2.cab) on an air-gapped host, and merges what else says an
  update is installed: Win32_QuickFixEngineering (Get-HotFix) and the agent's history (MSI-serviced updates such as
  SQL Server's). Adds the OS caption and full build (with UBR), installed products (Uninstall keys, SQL Server
  instances by engine version), Windows features, a pending restart (agent, servicing stack, Windows Update, pending
  file renames, ConfigMgr client) and the agent's health. A source that fails becomes a scanErrors entry; the record
  is always written. Documentation: docs/collectors.md. The functions live in PatchopsCollector.psm1.

.PARAMETER HostName
  NetBIOS (default): the record's host is the lower-case computer name. Fqdn: the DNS name with the primary DNS suffix.

.PARAMETER Source
  auto (default): WSUS when policy configures one, else Microsoft Update when registered, else Windows Update.

.PARAMETER OfflineCatalog
  Path of a wsusscn2.cab: scan against it (no network), registered for this scan only.

.EXAMPLE
  powershell -NoProfile -ExecutionPolicy Bypass -File windows.ps1 -HostName Fqdn > \\share\scans\$env:COMPUTERNAME.jsonl
#>
[CmdletBinding()]
param(
  [ValidateSet('NetBIOS', 'Fqdn')][string]$HostName = 'NetBIOS',
  [ValidateSet('auto', 'wsus', 'microsoft-update', 'windows-update')][string]$Source = 'auto',
  [string]$OfflineCatalog
)
$ErrorActionPreference = 'Stop'
Import-Module -Name (Join-Path $PSScriptRoot 'PatchopsCollector.psm1') -Force

$record = Invoke-PatchopsCollector -Reader (New-PatchopsWindowsReader) -Clock { [DateTime]::UtcNow } -HostName $HostName `
  -Source $Source -OfflineCatalog $OfflineCatalog
[Console]::Out.WriteLine((ConvertTo-PatchopsJson $record))
