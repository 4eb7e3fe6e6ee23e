# Pester tests of the Windows collector: its pure functions fed objects shaped as the WUA API documents them (IUpdate,
# ICategory, IUpdateIdentity, IUpdateHistoryEntry), and the whole collector over a reader that answers like Windows.
# Expected JSON lines are written out by hand. Titles, KBs, update IDs and dates:
#  - KB5026372 / KB5025239: /work/shared/data/msrc/msuc-update-0b97c243-5833-4bf3-bcf8-77063e53c42a.json and
#    msuc-update-f39d68ab-1519-4df8-85c1-d985be7f49c3.json
#    (Microsoft Update Catalog: update_id, title, msrc_severity Critical, reboot_behavior "Can request restart",
#    last_modified 5/9/2023 and 4/11/2023);
#  - KB2267602, KB4052623, KB5049622, "Windows Admin Center 2311" (no KB):
#    /work/shared/data/windows-inventory/pswindowsupdate-get-windowsupdate-isinstalled-win11-24h2-2025-03.txt
#    (the definition update's title is cut there after "(Version 1.42"; the rest of its version is ours);
#  - KB5021522 "Security Update for SQL Server 2022 RTM GDR (KB5021522)", build 16.0.1050.5: the Microsoft Update
#    Catalog listing quoted in Poushec/UpdateCatalogParser's README (2023/03/05);
#  - KB5061258: the May 2025 out-of-band hotpatch for Windows 11 Enterprise 24H2 (OS build 26100.3983).
# Update IDs other than the two catalogue records, and revision numbers, are ours.
# Each record line a test produces is appended to $env:PATCHOPS_COLLECTOR_OUT (when set), where
# test/deploy/collector.test.ts checks it against the inventory record contract.

BeforeAll {
  Import-Module (Join-Path (Split-Path -Parent $PSScriptRoot) 'PatchopsCollector.psm1') -Force

  function New-Category([string]$Type, [string]$Name, [string]$Id) {
    [pscustomobject]@{ Type = $Type; Name = $Name; CategoryID = $Id }
  }
  function New-Update {
    param([string]$Title, [string[]]$Kbs, [string]$UpdateId, [int]$Revision = 200, [object[]]$Categories, [string]$Severity = '',
      [bool]$Installed = $false, [bool]$Downloaded = $false, [int]$Reboot = 2, [string[]]$Supersedes = @(), [DateTime]$Released,
      [bool]$RebootRequired = $false)
    [pscustomobject]@{
      Title = $Title; KBArticleIDs = $Kbs; Identity = [pscustomobject]@{ UpdateID = $UpdateId; RevisionNumber = $Revision }
      Categories = $Categories; MsrcSeverity = $Severity; IsInstalled = $Installed; IsDownloaded = $Downloaded; IsHidden = $false
      InstallationBehavior = [pscustomobject]@{ RebootBehavior = $Reboot }; SupersededUpdateIDs = $Supersedes
      LastDeploymentChangeTime = $Released; RebootRequired = $RebootRequired
    }
  }
  $script:Security = New-Category 'UpdateClassification' 'Security Updates' '0FA1201D-4330-4FA8-8AE9-B877473B6441'
  $script:Definition = New-Category 'UpdateClassification' 'Definition Updates' 'e0789628-ce08-4437-be74-2495b842f43b'
  $script:Updates = New-Category 'UpdateClassification' 'Updates' 'cd5ffd1e-e932-4e3a-bf74-18bf0b1bbd83'
  function Get-SecurityCu([bool]$Installed = $false) {
    New-Update -Title '2023-05 Cumulative Update for Windows 11 Version 22H2 for arm64-based Systems (KB5026372)' -Kbs @('5026372') `
      -UpdateId '0B97C243-5833-4BF3-BCF8-77063E53C42A' -Revision 1 -Categories @((New-Category 'Product' 'Windows 11' ''), $script:Security) `
      -Severity 'Critical' -Installed $Installed -Downloaded $true -Reboot 2 -Supersedes @('F39D68AB-1519-4DF8-85C1-D985BE7F49C3') `
      -Released ([DateTime]::new(2023, 5, 9, 0, 0, 0, [DateTimeKind]::Unspecified))
  }
  function Get-SqlGdr {
    New-Update -Title 'Security Update for SQL Server 2022 RTM GDR (KB5021522)' -Kbs @('5021522') -UpdateId '5d3b8c5e-6f0a-4a4e-9b1f-2c7d0e8a9b31' `
      -Categories @($script:Security, (New-Category 'Product' 'Microsoft SQL Server 2022' '')) -Severity 'Important' -Installed $true -Downloaded $true `
      -Reboot 2 -Released ([DateTime]::new(2023, 3, 5, 23, 59, 59, [DateTimeKind]::Unspecified))
  }
  function Get-Definition {
    New-Update -Title 'Security Intelligence Update for Microsoft Defender Antivirus - KB2267602 (Version 1.425.172.0)' -Kbs @('2267602') `
      -UpdateId 'a1b2c3d4-0e0f-4a5b-8c6d-7e8f9a0b1c2d' -Categories @($script:Definition, (New-Category 'Product' 'Microsoft Defender Antivirus' '')) `
      -Installed $true -Downloaded $true -Reboot 0 -Supersedes @('0e4f4b1a-7c2d-4e5f-9a8b-1c2d3e4f5a6b') `
      -Released ([DateTime]::new(2025, 3, 25, 6, 14, 0, [DateTimeKind]::Unspecified))
  }

  # A Windows reader answering from tables: registry keys, CIM rows, COM objects. A scriptblock value that throws
  # stands for a failing call.
  function New-Searcher([object[]]$Updates, [object]$SearchFailure, [object[]]$History = @(), [object]$HistoryFailure) {
    $s = [pscustomobject]@{ ServerSelection = 0; Online = $true; ServiceID = ''; Criteria = $null
      Found = $Updates; SearchFailure = $SearchFailure; History = $History; HistoryFailure = $HistoryFailure }
    $s | Add-Member ScriptMethod Search { param($criteria) $this.Criteria = $criteria; if ($this.SearchFailure) { throw $this.SearchFailure }
      [pscustomobject]@{ ResultCode = 2; Updates = $this.Found } }
    $s | Add-Member ScriptMethod GetTotalHistoryCount { if ($this.HistoryFailure) { throw $this.HistoryFailure }; @($this.History).Count }
    $s | Add-Member ScriptMethod QueryHistory { param($start, $count) @($this.History)[$start..($start + $count - 1)] }
    $s
  }
  function New-Session($Searcher) {
    $session = [pscustomobject]@{ Searcher = $Searcher }
    $session | Add-Member ScriptMethod CreateUpdateSearcher { $this.Searcher }
    $session
  }
  function New-ServiceManager([string[]]$Registered = @()) {
    $m = [pscustomobject]@{ Services = @($Registered | ForEach-Object { [pscustomobject]@{ ServiceID = $_ } }); Added = @(); Removed = @() }
    $m | Add-Member ScriptMethod AddScanPackageService { param($name, $path, $flags)
      $this.Added += , @($name, $path, $flags); [pscustomobject]@{ ServiceID = '3da21691-e39d-4da6-8a4b-b43877bcb1b7' } }
    $m | Add-Member ScriptMethod RemoveService { param($id) $this.Removed += $id }
    $m
  }
  function New-Reader {
    param([hashtable]$Registry = @{}, [object]$Session, [object]$ServiceManager = (New-ServiceManager), [object]$Os,
      [object]$QuickFixes = @(), [string[]]$ServerFeatures = @(), [string[]]$OptionalFeatures = @(), [object]$AgentReboot = $false,
      [object]$ConfigMgr = $null, [string]$StartType = 'Manual', [string]$ComputerName = 'WEB-RED-001', [string]$DnsDomain = 'corp.example.com',
      [object]$LastSearchSuccess = $null)
    if ($null -eq $Os) { $Os = [pscustomobject]@{ Caption = 'Microsoft Windows Server 2022 Datacenter '; Version = '10.0.20348' } }
    $answer = { param($value) if ($value -is [System.Exception]) { throw $value } else { $value } }
    $registry = $Registry
    @{
      RegistryValues = { param($key) $v = $registry[$key]; if ($v -is [System.Exception]) { throw $v }; $v }.GetNewClosure()
      RegistrySubKeys = { param($key) $prefix = "$key\"; $registry.Keys | Where-Object { $_.StartsWith($prefix) -and $_.Substring($prefix.Length) -notmatch '\\' } |
          ForEach-Object { $_.Substring($prefix.Length) } }.GetNewClosure()
      OperatingSystem = { & $answer $Os }.GetNewClosure()
      QuickFixes = { & $answer $QuickFixes }.GetNewClosure()
      ServerFeatures = { $ServerFeatures }.GetNewClosure()
      OptionalFeatures = { $OptionalFeatures }.GetNewClosure()
      ConfigMgrRebootPending = { & $answer $ConfigMgr }.GetNewClosure()
      WuauservStartType = { $StartType }.GetNewClosure()
      ComputerName = { $ComputerName }.GetNewClosure()
      DnsIdentity = { @{ HostName = $ComputerName; DomainName = $DnsDomain } }.GetNewClosure()
      UpdateSession = { $Session }.GetNewClosure()
      ServiceManager = { $ServiceManager }.GetNewClosure()
      SystemInfo = { if ($AgentReboot -is [System.Exception]) { throw $AgentReboot }; [pscustomobject]@{ RebootRequired = $AgentReboot } }.GetNewClosure()
      AgentVersion = { '10.0.20348.1' }
      LastSearchSuccess = { $LastSearchSuccess }.GetNewClosure()
    }
  }
  function New-Clock([DateTime[]]$Times) {
    $queue = New-Object 'System.Collections.Generic.Queue[DateTime]'
    foreach ($t in $Times) { $queue.Enqueue($t) }
    { $queue.Dequeue() }.GetNewClosure()
  }
  function Out-Record([System.Collections.IDictionary]$Record) {
    $line = ConvertTo-PatchopsJson $Record
    if ($env:PATCHOPS_COLLECTOR_OUT) { [System.IO.File]::AppendAllText($env:PATCHOPS_COLLECTOR_OUT, $line + "`n") }
    $line
  }
  function Get-Utc([string]$Text) {
    [DateTime]::ParseExact($Text, 'yyyy-MM-ddTHH:mm:ssZ', [System.Globalization.CultureInfo]::InvariantCulture,
      [System.Globalization.DateTimeStyles]::AdjustToUniversal -bor [System.Globalization.DateTimeStyles]::AssumeUniversal)
  }
  $script:WsusRegistry = @{
    'SOFTWARE\Microsoft\Windows NT\CurrentVersion' = @{ UBR = 2322; CurrentMajorVersionNumber = 10; CurrentMinorVersionNumber = 0; CurrentBuildNumber = '20348' }
    'SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate' = @{ WUServer = 'https://wsus.corp.example.com:8531'; WUStatusServer = 'https://wsus.corp.example.com:8531' }
    'SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate\AU' = @{ UseWUServer = 1 }
    'SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\7-Zip' = @{ DisplayName = '7-Zip 23.01 (x64)'; DisplayVersion = '23.01' }
    'SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\{6DDE5A2A}' = @{ DisplayName = 'Git'; DisplayVersion = '2.43.0' }
    'SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\{F1D5A1B9}' = @{ DisplayName = 'Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.38.33130'; DisplayVersion = '14.38.33130.0' }
    'SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\{C0FFEE01}' = @{ DisplayName = 'SQL Server 2022 Database Engine Services'; DisplayVersion = '16.0.1050.5'; SystemComponent = 1 }
    'SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\Notepad++' = @{ DisplayName = 'Notepad++ (64-bit x64)'; DisplayVersion = '8.6.2 beta' }
    'SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall\7-Zip' = @{ DisplayName = '7-Zip 23.01 (x64)'; DisplayVersion = '23.01' }
    'SOFTWARE\Microsoft\Microsoft SQL Server\Instance Names\SQL' = @{ MSSQLSERVER = 'MSSQL16.MSSQLSERVER' }
    'SOFTWARE\Microsoft\Microsoft SQL Server\MSSQL16.MSSQLSERVER\Setup' = @{ PatchLevel = '16.0.1050.5'; Edition = 'Standard Edition' }
    'SYSTEM\CurrentControlSet\Control\Session Manager' = @{ PendingFileRenameOperations = [string[]]@() }
  }
}

Describe 'ConvertTo-PatchopsUpdate' {
  It 'shapes a security cumulative update (KB5026372, catalogue record 0b97c243)' {
    ConvertTo-PatchopsJson (ConvertTo-PatchopsUpdate (Get-SecurityCu)) | Should -BeExactly (
      '{"kbs":["KB5026372"],"updateId":"0b97c243-5833-4bf3-bcf8-77063e53c42a","revision":1,' +
      '"title":"2023-05 Cumulative Update for Windows 11 Version 22H2 for arm64-based Systems (KB5026372)","installed":false,' +
      '"classification":"security","severity":"critical","products":["Windows 11"],"reboot":"can-request","downloaded":true,' +
      '"hotpatch":false,"supersedes":["f39d68ab-1519-4df8-85c1-d985be7f49c3"],"released":"2023-05-09"}')
  }
  It 'marks a hotpatch (KB5061258) that never restarts' {
    $u = New-Update -Title '2025-05 Security Hotpatch Update for Windows 11 Enterprise Version 24H2 for x64-based Systems (KB5061258)' `
      -Kbs @('KB5061258') -UpdateId '9c0f3b52-61a4-4d0e-b5b7-3f6e2a1d8c40' -Categories @($script:Security, (New-Category 'Product' 'Windows 11' '')) `
      -Severity 'Critical' -Reboot 0 -Released ([DateTime]::new(2025, 5, 22, 17, 0, 0, [DateTimeKind]::Unspecified))
    ConvertTo-PatchopsJson (ConvertTo-PatchopsUpdate $u) | Should -BeExactly (
      '{"kbs":["KB5061258"],"updateId":"9c0f3b52-61a4-4d0e-b5b7-3f6e2a1d8c40","revision":200,' +
      '"title":"2025-05 Security Hotpatch Update for Windows 11 Enterprise Version 24H2 for x64-based Systems (KB5061258)","installed":false,' +
      '"classification":"security","severity":"critical","products":["Windows 11"],"reboot":"never","downloaded":false,' +
      '"hotpatch":true,"supersedes":[],"released":"2025-05-22"}')
  }
  It 'shapes a SQL Server GDR security update (KB5021522) with its product category' {
    ConvertTo-PatchopsJson (ConvertTo-PatchopsUpdate (Get-SqlGdr)) | Should -BeExactly (
      '{"kbs":["KB5021522"],"updateId":"5d3b8c5e-6f0a-4a4e-9b1f-2c7d0e8a9b31","revision":200,' +
      '"title":"Security Update for SQL Server 2022 RTM GDR (KB5021522)","installed":true,"classification":"security","severity":"important",' +
      '"products":["Microsoft SQL Server 2022"],"reboot":"can-request","downloaded":true,"hotpatch":false,"supersedes":[],"released":"2023-03-05"}')
  }
  It 'shapes a definition update without an MSRC severity (KB2267602)' {
    ConvertTo-PatchopsJson (ConvertTo-PatchopsUpdate (Get-Definition)) | Should -BeExactly (
      '{"kbs":["KB2267602"],"updateId":"a1b2c3d4-0e0f-4a5b-8c6d-7e8f9a0b1c2d","revision":200,' +
      '"title":"Security Intelligence Update for Microsoft Defender Antivirus - KB2267602 (Version 1.425.172.0)","installed":true,' +
      '"classification":"definition","products":["Microsoft Defender Antivirus"],"reboot":"never","downloaded":true,"hotpatch":false,' +
      '"supersedes":["0e4f4b1a-7c2d-4e5f-9a8b-1c2d3e4f5a6b"],"released":"2025-03-25"}')
  }
  It 'keeps an update without a KB (Windows Admin Center 2311) and without a release date' {
    $u = New-Update -Title 'Windows Admin Center 2311' -Kbs @() -UpdateId '0d6f2e1c-7b3a-4c59-9e84-5a2b1c0d3e4f' -Revision 3 `
      -Categories @($script:Updates, (New-Category 'Product' 'Windows Admin Center' '')) -Installed $true -Downloaded $true -Reboot 0
    $u.LastDeploymentChangeTime = [DateTime]::new(1899, 12, 30)
    ConvertTo-PatchopsJson (ConvertTo-PatchopsUpdate $u) | Should -BeExactly (
      '{"kbs":[],"updateId":"0d6f2e1c-7b3a-4c59-9e84-5a2b1c0d3e4f","revision":3,"title":"Windows Admin Center 2311","installed":true,' +
      '"classification":"update","products":["Windows Admin Center"],"reboot":"never","downloaded":true,"hotpatch":false,"supersedes":[]}')
  }
  It 'writes released as the UTC date, one second before and at midnight' {
    $u = Get-SecurityCu
    $u.LastDeploymentChangeTime = [DateTime]::new(2023, 5, 9, 23, 59, 59, [DateTimeKind]::Utc)
    (ConvertTo-PatchopsUpdate $u)['released'] | Should -BeExactly '2023-05-09'
    $u.LastDeploymentChangeTime = [DateTime]::new(2023, 5, 10, 0, 0, 0, [DateTimeKind]::Utc)
    (ConvertTo-PatchopsUpdate $u)['released'] | Should -BeExactly '2023-05-10'
  }
  It 'fails on an update without a reboot behaviour rather than guessing one' {
    $u = Get-SecurityCu
    $u.InstallationBehavior = [pscustomobject]@{ RebootBehavior = $null }
    { ConvertTo-PatchopsUpdate $u } | Should -Throw '*RebootBehavior*'
  }
}

Describe 'Get-PatchopsClassification' {
  It 'maps every UpdateClassification by CategoryID, whatever the name''s language' {
    $expected = [ordered]@{
      '0fa1201d-4330-4fa8-8ae9-b877473b6441' = 'security'; 'e6cf1350-c01b-414d-a61f-263d14d133b4' = 'critical'
      'cd5ffd1e-e932-4e3a-bf74-18bf0b1bbd83' = 'update'; '28bc880e-0592-4cbf-8f95-c79b17911d5f' = 'rollup'
      '68c5b0a3-d1a6-4553-ae49-01d3a7827828' = 'service-pack'; 'b54e7d24-7add-428f-8b75-90a396fa584f' = 'feature-pack'
      'e0789628-ce08-4437-be74-2495b842f43b' = 'definition'; 'b4832bd8-e735-4761-8daf-37f882276dab' = 'tool'
      'ebfc1fc5-71a4-4f7b-9aca-3b9a503104a0' = 'driver'; '3689bdc8-b205-4af4-8d4a-a63924c5e9d5' = 'upgrade'
    }
    foreach ($id in $expected.Keys) {
      Get-PatchopsClassification @((New-Category 'Product' 'Windows 11' ''), (New-Category 'UpdateClassification' 'Sicherheitsupdates' $id.ToUpperInvariant())) |
        Should -BeExactly $expected[$id]
    }
  }
  It 'falls back to the English name, then to other' {
    Get-PatchopsClassification @(New-Category 'UpdateClassification' 'Update Rollups' '00000000-0000-0000-0000-000000000001') | Should -BeExactly 'rollup'
    Get-PatchopsClassification @(New-Category 'UpdateClassification' 'Guidance' '9511d615-35b2-47bb-927f-f73d8e9260bb') | Should -BeExactly 'other'
    Get-PatchopsClassification @(New-Category 'Product' 'Windows 11' '') | Should -BeExactly 'other'
  }
}

Describe 'small shapers' {
  It 'lower-cases MSRC severities and drops an empty one' {
    ConvertTo-PatchopsSeverity 'Moderate' | Should -BeExactly 'moderate'
    ConvertTo-PatchopsSeverity 'Low' | Should -BeExactly 'low'
    ConvertTo-PatchopsSeverity '' | Should -BeNullOrEmpty
    ConvertTo-PatchopsSeverity 'Unspecified' | Should -BeNullOrEmpty
  }
  It 'names the three reboot behaviours' {
    Get-PatchopsRebootBehavior 0 | Should -BeExactly 'never'
    Get-PatchopsRebootBehavior 1 | Should -BeExactly 'always'
    Get-PatchopsRebootBehavior 2 | Should -BeExactly 'can-request'
    { Get-PatchopsRebootBehavior 3 } | Should -Throw
  }
  It 'replays the history oldest first: a later uninstallation wins, a failed one changes nothing' {
    # IUpdateHistoryEntry, newest first as QueryHistory returns them. Operation 1 install, 2 uninstall; ResultCode 2/3 ok, 4 failed.
    $history = @(
      [pscustomobject]@{ Title = '2025-01 Cumulative Update for .NET Framework 3.5 and 4.8.1 for Windows 11, version 24H2 for x64 (KB5049622)'; Operation = 2; ResultCode = 4 }
      [pscustomobject]@{ Title = 'Update for Microsoft Defender Antivirus antimalware platform - KB4052623 (Version 4.18.25010.11)'; Operation = 2; ResultCode = 2 }
      [pscustomobject]@{ Title = '2025-01 Cumulative Update for .NET Framework 3.5 and 4.8.1 for Windows 11, version 24H2 for x64 (KB5049622)'; Operation = 1; ResultCode = 3 }
      [pscustomobject]@{ Title = 'Update for Microsoft Defender Antivirus antimalware platform - KB4052623 (Version 4.18.24090.11)'; Operation = 1; ResultCode = 2 }
      [pscustomobject]@{ Title = 'Windows Malicious Software Removal Tool x64 - v5.132 (KB890830)'; Operation = 1; ResultCode = 4 }
    )
    ConvertTo-PatchopsJson (Get-PatchopsHistoryInstalled $history) | Should -BeExactly '["KB5049622"]'
  }
  It 'keeps products with a dotted version, once, in code-point order, and SQL Server by engine version' {
    $entries = @(
      @{ DisplayName = 'git'; DisplayVersion = '2.43.0' }
      @{ DisplayName = 'Microsoft Edge'; DisplayVersion = '131.0.2903.86' }
      @{ DisplayName = '7-Zip 23.01 (x64)'; DisplayVersion = '23.01' }
      @{ DisplayName = ' Microsoft Edge '; DisplayVersion = '131.0.2903.86' }
      @{ DisplayName = 'Update for Windows 10 for x64-based Systems (KB5001716)'; DisplayVersion = '8.94.0.0'; SystemComponent = 1 }
      @{ DisplayName = 'Notepad++ (64-bit x64)'; DisplayVersion = '8.6.2 beta' }
      @{ DisplayName = ''; DisplayVersion = '1.0' }
    )
    ConvertTo-PatchopsJson (ConvertTo-PatchopsProducts -UninstallEntries $entries -SqlPatchLevels @('13.3.6300.2', '10.50.6000.34')) | Should -BeExactly (
      '[{"name":"7-Zip 23.01 (x64)","version":"23.01"},{"name":"Microsoft Edge","version":"131.0.2903.86"},' +
      '{"name":"SQL Server 2016","version":"13.0.6300.2"},{"name":"git","version":"2.43.0"}]')
    ConvertTo-PatchopsJson (ConvertTo-PatchopsProducts -UninstallEntries @() -SqlPatchLevels @()) | Should -BeExactly '[]'
  }
  It 'merges server and optional features once, in code-point order' {
    # A culture's order would put SearchEngine-Client-Package before SMB1Protocol; code points put 'M' before 'e'.
    ConvertTo-PatchopsJson (ConvertTo-PatchopsFeatures -ServerFeatures @('Web-Server', 'Web-Asp-Net45', 'NET-Framework-Core') `
        -OptionalFeatures @('SearchEngine-Client-Package', 'NetFx3', 'web-server', 'SMB1Protocol')) |
      Should -BeExactly '["NET-Framework-Core","NetFx3","SMB1Protocol","SearchEngine-Client-Package","Web-Asp-Net45","Web-Server"]'
  }
  It 'sees a pending restart from any one source and from none when all are clear' {
    $clear = @{ AgentRebootRequired = $false; CbsRebootPending = $false; WuRebootRequired = $false; PendingFileRenameOperations = @('', ' '); ConfigMgrRebootPending = $null }
    Test-PatchopsPendingReboot @clear | Should -BeFalse
    foreach ($one in @(@{ AgentRebootRequired = $true }, @{ CbsRebootPending = $true }, @{ WuRebootRequired = $true },
        @{ PendingFileRenameOperations = @('\??\C:\Windows\Temp\x.dll', '') }, @{ ConfigMgrRebootPending = $true })) {
      $args2 = $clear.Clone(); foreach ($k in $one.Keys) { $args2[$k] = $one[$k] }
      Test-PatchopsPendingReboot @args2 | Should -BeTrue -Because ($one.Keys -join ',')
    }
  }
  It 'chooses the scan source: offline catalogue, WSUS by policy, Microsoft Update when registered, else Windows Update' {
    ConvertTo-PatchopsJson (Resolve-PatchopsScanSource -OfflineCatalog 'D:\scan\wsusscn2.cab' -UseWUServer 1 -WUServer 'https://wsus:8531') |
      Should -BeExactly '{"source":"offline-catalog","server":"wsusscn2.cab","serverSelection":3,"online":false}'
    ConvertTo-PatchopsJson (Resolve-PatchopsScanSource -UseWUServer 1 -WUServer 'https://wsus.corp:8531' -RegisteredServiceIds @('7971F918-A847-4430-9279-4A52D1EFE18D')) |
      Should -BeExactly '{"source":"wsus","server":"https://wsus.corp:8531","serverSelection":1,"online":true}'
    ConvertTo-PatchopsJson (Resolve-PatchopsScanSource -UseWUServer 0 -WUServer 'https://wsus.corp:8531' -RegisteredServiceIds @('7971F918-A847-4430-9279-4A52D1EFE18D')) |
      Should -BeExactly '{"source":"microsoft-update","serverSelection":3,"serviceId":"7971f918-a847-4430-9279-4a52d1efe18d","online":true}'
    ConvertTo-PatchopsJson (Resolve-PatchopsScanSource -RegisteredServiceIds @('9482f4b4-e343-43b6-b170-9a65bc822c77')) |
      Should -BeExactly '{"source":"windows-update","serverSelection":2,"online":true}'
    ConvertTo-PatchopsJson (Resolve-PatchopsScanSource -Source 'windows-update' -UseWUServer 1 -WUServer 'https://wsus.corp:8531') |
      Should -BeExactly '{"source":"windows-update","serverSelection":2,"online":true}'
  }
  It 'names the host by NetBIOS or FQDN, lower-cased without the culture (tr-TR)' {
    $saved = [System.Globalization.CultureInfo]::CurrentCulture
    try {
      [System.Globalization.CultureInfo]::CurrentCulture = [System.Globalization.CultureInfo]::new('tr-TR')
      ConvertTo-PatchopsJson (Get-PatchopsHostIdentity -ComputerName 'WIN-IIS01' -DnsHostName 'WIN-IIS01' -DnsDomain 'Corp.Example.COM') |
        Should -BeExactly '{"host":"win-iis01","fqdn":"win-iis01.corp.example.com"}'
      ConvertTo-PatchopsJson (Get-PatchopsHostIdentity -ComputerName 'WIN-IIS01' -DnsHostName 'win-iis01-frontend' -DnsDomain 'corp.example.com' -Mode Fqdn) |
        Should -BeExactly '{"host":"win-iis01-frontend.corp.example.com","fqdn":"win-iis01-frontend.corp.example.com"}'
      ConvertTo-PatchopsJson (Get-PatchopsHostIdentity -ComputerName 'WIN-IIS01' -DnsHostName 'WIN-IIS01' -DnsDomain '' -Mode Fqdn) |
        Should -BeExactly '{"host":"win-iis01"}'
    } finally { [System.Globalization.CultureInfo]::CurrentCulture = $saved }
  }
  It 'writes JSON strings in printable ASCII, escaping quotes, backslashes, controls and everything else' {
    # The file stays ASCII (Windows PowerShell 5.1 reads a file without BOM in the ANSI code page): a-grave and the euro sign.
    ConvertTo-PatchopsJson ([ordered]@{ t = "Mise $([char]0x00E0) jour ""x"" C:\Temp`t`n$([char]0x20AC)"; n = $null; l = @(1) }) |
      Should -BeExactly '{"t":"Mise \u00e0 jour \"x\" C:\\Temp\t\n\u20ac","n":null,"l":[1]}'
  }
  It 'reads the HRESULT under PowerShell''s wrapper, and none from a plain error' {
    try { (New-Searcher -SearchFailure ([System.Runtime.InteropServices.COMException]::new('The service cannot be started.', -2147023838))).Search('x') }
    catch { ConvertTo-PatchopsJson (ConvertTo-PatchopsScanError -Source 'wua' -Exception $_.Exception) |
        Should -BeExactly '{"source":"wua","message":"The service cannot be started.","code":"0x80070422"}' }
    ConvertTo-PatchopsJson (ConvertTo-PatchopsScanError -Source 'qfe' -Exception ([System.InvalidOperationException]::new("Invalid`r`nclass"))) |
      Should -BeExactly '{"source":"qfe","message":"Invalid class"}'
  }
}

Describe 'Invoke-PatchopsCollector' {
  It 'writes the whole record of a WSUS-managed server' {
    # The history holds two KBs nothing else reports (MSI-serviced .NET, Defender platform), and one Get-HotFix lists too.
    $searcher = New-Searcher -Updates @((Get-SecurityCu), (Get-SqlGdr), (Get-Definition)) -History @(
      [pscustomobject]@{ Title = '2025-01 Cumulative Update for .NET Framework 3.5 and 4.8.1 for Windows 11, version 24H2 for x64 (KB5049622)'; Operation = 1; ResultCode = 2 }
      [pscustomobject]@{ Title = 'Update for Microsoft Defender Antivirus antimalware platform - KB4052623 (Version 4.18.24090.11)'; Operation = 1; ResultCode = 2 }
      [pscustomobject]@{ Title = '2023-04 Cumulative Update for Windows 11 Version 22H2 for arm64-based Systems (KB5025239)'; Operation = 1; ResultCode = 2 })
    $reader = New-Reader -Registry $script:WsusRegistry -Session (New-Session $searcher) -QuickFixes @('KB5025239', 'KB5012170') `
      -ServerFeatures @('Web-Server', 'Web-Asp-Net45') -OptionalFeatures @('NetFx3')
    $record = Invoke-PatchopsCollector -Reader $reader -Clock (New-Clock @((Get-Utc '2026-11-20T03:58:00Z'), (Get-Utc '2026-11-20T03:58:10Z')))
    $searcher.Criteria | Should -BeExactly 'IsInstalled=0 and IsHidden=0 or IsInstalled=1 and IsHidden=0'
    $searcher.ServerSelection | Should -Be 1
    $searcher.Online | Should -BeTrue
    Out-Record $record | Should -BeExactly (
      '{"host":"web-red-001","fqdn":"web-red-001.corp.example.com","scannedAt":"2026-11-20T03:58:00Z",' +
      '"os":{"family":"windows","name":"Microsoft Windows Server 2022 Datacenter","version":"10.0.20348.2322"},' +
      '"installed":["KB2267602","KB4052623","KB5012170","KB5021522","KB5025239","KB5049622"],"pendingReboot":false,' +
      '"products":[{"name":"7-Zip 23.01 (x64)","version":"23.01"},{"name":"Git","version":"2.43.0"},' +
      '{"name":"Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.38.33130","version":"14.38.33130.0"},' +
      '{"name":"SQL Server 2022","version":"16.0.1050.5"}],' +
      '"features":["NetFx3","Web-Asp-Net45","Web-Server"],' +
      '"agent":{"name":"Windows Update Agent","version":"10.0.20348.1","healthy":true},' +
      '"agentScan":{"source":"wsus","server":"https://wsus.corp.example.com:8531","completedAt":"2026-11-20T03:58:10Z","updates":[' +
      '{"kbs":["KB5026372"],"updateId":"0b97c243-5833-4bf3-bcf8-77063e53c42a","revision":1,' +
      '"title":"2023-05 Cumulative Update for Windows 11 Version 22H2 for arm64-based Systems (KB5026372)","installed":false,' +
      '"classification":"security","severity":"critical","products":["Windows 11"],"reboot":"can-request","downloaded":true,' +
      '"hotpatch":false,"supersedes":["f39d68ab-1519-4df8-85c1-d985be7f49c3"],"released":"2023-05-09"},' +
      '{"kbs":["KB5021522"],"updateId":"5d3b8c5e-6f0a-4a4e-9b1f-2c7d0e8a9b31","revision":200,' +
      '"title":"Security Update for SQL Server 2022 RTM GDR (KB5021522)","installed":true,"classification":"security","severity":"important",' +
      '"products":["Microsoft SQL Server 2022"],"reboot":"can-request","downloaded":true,"hotpatch":false,"supersedes":[],"released":"2023-03-05"},' +
      '{"kbs":["KB2267602"],"updateId":"a1b2c3d4-0e0f-4a5b-8c6d-7e8f9a0b1c2d","revision":200,' +
      '"title":"Security Intelligence Update for Microsoft Defender Antivirus - KB2267602 (Version 1.425.172.0)","installed":true,' +
      '"classification":"definition","products":["Microsoft Defender Antivirus"],"reboot":"never","downloaded":true,"hotpatch":false,' +
      '"supersedes":["0e4f4b1a-7c2d-4e5f-9a8b-1c2d3e4f5a6b"],"released":"2025-03-25"}]}}')
  }
  It 'writes scannedAt in invariant digits and the Gregorian year on a th-TH host' {
    $saved = [System.Globalization.CultureInfo]::CurrentCulture
    try {
      [System.Globalization.CultureInfo]::CurrentCulture = [System.Globalization.CultureInfo]::new('th-TH')
      $reader = New-Reader -Session (New-Session (New-Searcher -Updates @())) -Registry @{ 'SOFTWARE\Microsoft\Windows NT\CurrentVersion' = @{ UBR = 2322 } }
      $record = Invoke-PatchopsCollector -Reader $reader -Clock (New-Clock @((Get-Utc '2026-11-20T04:00:00Z'), (Get-Utc '2026-11-20T04:00:07Z')))
      Out-Record $record | Should -BeExactly (
        '{"host":"web-red-001","fqdn":"web-red-001.corp.example.com","scannedAt":"2026-11-20T04:00:00Z",' +
        '"os":{"family":"windows","name":"Microsoft Windows Server 2022 Datacenter","version":"10.0.20348.2322"},' +
        '"installed":[],"pendingReboot":false,"products":[],"features":[],' +
        '"agent":{"name":"Windows Update Agent","version":"10.0.20348.1","healthy":true},' +
        '"agentScan":{"source":"windows-update","completedAt":"2026-11-20T04:00:07Z","updates":[]}}')
    } finally { [System.Globalization.CultureInfo]::CurrentCulture = $saved }
  }
  It 'still writes the record when the agent fails (wuauserv disabled, 0x80070422), from what the other sources saw' {
    # The servicing stack's pending restart still counts although the agent and the ConfigMgr probe fail.
    $disabled = [System.Runtime.InteropServices.COMException]::new('The service cannot be started, either because it is disabled or because it has no enabled devices associated with it.', -2147023838)
    $registry = $script:WsusRegistry.Clone()
    $registry['SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending'] = @{}
    $reader = New-Reader -Registry $registry -Session (New-Session (New-Searcher -SearchFailure $disabled -HistoryFailure $disabled)) `
      -QuickFixes @('KB5025239') -StartType 'Disabled' -AgentReboot ([System.Runtime.InteropServices.COMException]::new('Access is denied.', -2147024891)) `
      -ConfigMgr ([System.Management.Automation.RuntimeException]::new('Invalid namespace')) `
      -LastSearchSuccess ([DateTime]::new(2026, 10, 2, 3, 15, 0, [DateTimeKind]::Utc)) -ComputerName 'WEB-RED-140' -DnsDomain ''
    $record = Invoke-PatchopsCollector -Reader $reader -Clock (New-Clock @((Get-Utc '2026-11-20T04:00:00Z')))
    Out-Record $record | Should -BeExactly (
      '{"host":"web-red-140","scannedAt":"2026-11-20T04:00:00Z",' +
      '"os":{"family":"windows","name":"Microsoft Windows Server 2022 Datacenter","version":"10.0.20348.2322"},' +
      '"installed":["KB5025239"],"pendingReboot":true,' +
      '"products":[{"name":"7-Zip 23.01 (x64)","version":"23.01"},{"name":"Git","version":"2.43.0"},' +
      '{"name":"Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.38.33130","version":"14.38.33130.0"},' +
      '{"name":"SQL Server 2022","version":"16.0.1050.5"}],"features":[],' +
      '"agent":{"name":"Windows Update Agent","version":"10.0.20348.1","healthy":false,"problems":["wuauserv is disabled",' +
      '"Windows Update Agent search failed 0x80070422: The service cannot be started, either because it is disabled or because it has no enabled devices associated with it. (last successful search: 2026-10-02T03:15:00Z)"]},' +
      '"scanErrors":[{"source":"wua","message":"The service cannot be started, either because it is disabled or because it has no enabled devices associated with it.","code":"0x80070422"},' +
      '{"source":"history","message":"The service cannot be started, either because it is disabled or because it has no enabled devices associated with it.","code":"0x80070422"},' +
      '{"source":"reboot","message":"Access is denied.","code":"0x80070005"},{"source":"reboot","message":"Invalid namespace"}]}')
  }
  It 'names a damaged datastore and keeps every other source when CIM fails too' {
    $damaged = [System.Runtime.InteropServices.COMException]::new('Exception from HRESULT: 0x80248007', -2145091577)
    $reader = New-Reader -Session (New-Session (New-Searcher -SearchFailure $damaged)) -Os ([System.Management.Automation.RuntimeException]::new('Invalid class "Win32_OperatingSystem"')) `
      -QuickFixes ([System.Management.Automation.RuntimeException]::new('Invalid class "Win32_QuickFixEngineering"')) `
      -Registry @{ 'SOFTWARE\Microsoft\Windows NT\CurrentVersion' = @{ UBR = 2322; CurrentMajorVersionNumber = 10; CurrentMinorVersionNumber = 0; CurrentBuildNumber = '20348' } }
    $record = Invoke-PatchopsCollector -Reader $reader -Clock (New-Clock @((Get-Utc '2026-11-20T04:00:00Z')))
    Out-Record $record | Should -BeExactly (
      '{"host":"web-red-001","fqdn":"web-red-001.corp.example.com","scannedAt":"2026-11-20T04:00:00Z",' +
      '"os":{"family":"windows","version":"10.0.20348.2322"},"installed":[],"pendingReboot":false,"products":[],"features":[],' +
      '"agent":{"name":"Windows Update Agent","version":"10.0.20348.1","healthy":false,"problems":[' +
      '"Windows Update datastore error 0x80248007: Exception from HRESULT: 0x80248007 (last successful search: never)"]},' +
      '"scanErrors":[{"source":"registry","message":"Invalid class \"Win32_OperatingSystem\""},' +
      '{"source":"wua","message":"Exception from HRESULT: 0x80248007","code":"0x80248007"},' +
      '{"source":"qfe","message":"Invalid class \"Win32_QuickFixEngineering\""}]}')
  }
  It 'scans an offline catalogue (wsusscn2.cab) through a scan package service it removes afterwards' {
    $cab = Join-Path ([System.IO.Path]::GetTempPath()) "patchops-$([guid]::NewGuid())"
    New-Item -ItemType Directory -Path $cab | Out-Null
    $file = Join-Path $cab 'wsusscn2.cab'
    try {
      [System.IO.File]::WriteAllBytes($file, [byte[]](0x4D, 0x53, 0x43, 0x46))
      $searcher = New-Searcher -Updates @(Get-SecurityCu)
      $manager = New-ServiceManager
      $reader = New-Reader -Registry $script:WsusRegistry -Session (New-Session $searcher) -ServiceManager $manager
      $record = Invoke-PatchopsCollector -Reader $reader -OfflineCatalog $file -HostName Fqdn `
        -Clock (New-Clock @((Get-Utc '2026-11-20T04:00:00Z'), (Get-Utc '2026-11-20T04:02:31Z')))
      $manager.Added.Count | Should -Be 1
      $manager.Added[0][1] | Should -BeExactly $file
      $manager.Added[0][2] | Should -Be 0
      $manager.Removed -join ',' | Should -BeExactly '3da21691-e39d-4da6-8a4b-b43877bcb1b7'
      $searcher.ServerSelection | Should -Be 3
      $searcher.ServiceID | Should -BeExactly '3da21691-e39d-4da6-8a4b-b43877bcb1b7'
      $searcher.Online | Should -BeFalse
      Out-Record $record | Should -BeExactly (
        '{"host":"web-red-001.corp.example.com","fqdn":"web-red-001.corp.example.com","scannedAt":"2026-11-20T04:00:00Z",' +
        '"os":{"family":"windows","name":"Microsoft Windows Server 2022 Datacenter","version":"10.0.20348.2322"},' +
        '"installed":[],"pendingReboot":false,' +
        '"products":[{"name":"7-Zip 23.01 (x64)","version":"23.01"},{"name":"Git","version":"2.43.0"},' +
        '{"name":"Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.38.33130","version":"14.38.33130.0"},' +
        '{"name":"SQL Server 2022","version":"16.0.1050.5"}],"features":[],' +
        '"agent":{"name":"Windows Update Agent","version":"10.0.20348.1","healthy":true},' +
        '"agentScan":{"source":"offline-catalog","server":"wsusscn2.cab","completedAt":"2026-11-20T04:02:31Z","updates":[' +
        '{"kbs":["KB5026372"],"updateId":"0b97c243-5833-4bf3-bcf8-77063e53c42a","revision":1,' +
        '"title":"2023-05 Cumulative Update for Windows 11 Version 22H2 for arm64-based Systems (KB5026372)","installed":false,' +
        '"classification":"security","severity":"critical","products":["Windows 11"],"reboot":"can-request","downloaded":true,' +
        '"hotpatch":false,"supersedes":["f39d68ab-1519-4df8-85c1-d985be7f49c3"],"released":"2023-05-09"}]}}')
    } finally { Remove-Item -LiteralPath $cab -Recurse -Force }
  }
  It 'drops the whole agent scan when one update cannot be read, rather than report a partial list' {
    $odd = Get-Definition
    $odd.InstallationBehavior = [pscustomobject]@{ RebootBehavior = 7 }
    $reader = New-Reader -Session (New-Session (New-Searcher -Updates @((Get-SecurityCu), $odd))) -QuickFixes @('KB5025239')
    $record = Invoke-PatchopsCollector -Reader $reader -Clock (New-Clock @((Get-Utc '2026-11-20T04:00:00Z'), (Get-Utc '2026-11-20T04:00:05Z')))
    $record.Contains('agentScan') | Should -BeFalse
    ConvertTo-PatchopsJson $record['installed'] | Should -BeExactly '["KB5025239"]'
    ConvertTo-PatchopsJson $record['scanErrors'] | Should -BeExactly '[{"source":"wua","message":"unknown RebootBehavior 7"}]'
  }
  It 'reports a missing offline catalogue as a wua error and writes the record' {
    $manager = New-ServiceManager
    $reader = New-Reader -Session (New-Session (New-Searcher -Updates @(Get-SecurityCu))) -ServiceManager $manager
    $missing = Join-Path ([System.IO.Path]::GetTempPath()) 'patchops-no-such-dir/wsusscn2.cab'
    $record = Invoke-PatchopsCollector -Reader $reader -OfflineCatalog $missing -Clock (New-Clock @((Get-Utc '2026-11-20T04:00:00Z')))
    $manager.Added.Count | Should -Be 0
    $record.Contains('agentScan') | Should -BeFalse
    ConvertTo-PatchopsJson $record['scanErrors'] | Should -BeExactly ('[{"source":"wua","message":"offline catalogue not found: ' + $missing.Replace('\', '\\') + '"}]')
    $record['agent']['healthy'] | Should -BeFalse
    Out-Record $record | Out-Null
  }
}
