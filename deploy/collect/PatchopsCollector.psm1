# The Windows collector's functions: thin readers over Windows (COM, CIM, registry) and pure functions that shape
# their answers into one native inventory record (docs/collectors.md). Runs on Windows PowerShell 5.1 and PowerShell 7.
Set-StrictMode -Version Latest

# --- constants --------------------------------------------------------------------------------------------------

# Every update the agent knows for this host, installed or not, except those an administrator hid. WUA criteria bind
# "and" tighter than "or" and allow "or" only at the top level.
$script:SearchCriteria = 'IsInstalled=0 and IsHidden=0 or IsInstalled=1 and IsHidden=0'
$script:MicrosoftUpdateServiceId = '7971f918-a847-4430-9279-4a52d1efe18d'

# UpdateClassification categories by CategoryID (the same on every host; the Name is localised to the user's language).
$script:ClassificationById = @{
  '0fa1201d-4330-4fa8-8ae9-b877473b6441' = 'security'
  'e6cf1350-c01b-414d-a61f-263d14d133b4' = 'critical'
  'cd5ffd1e-e932-4e3a-bf74-18bf0b1bbd83' = 'update'
  '28bc880e-0592-4cbf-8f95-c79b17911d5f' = 'rollup'
  '68c5b0a3-d1a6-4553-ae49-01d3a7827828' = 'service-pack'
  'b54e7d24-7add-428f-8b75-90a396fa584f' = 'feature-pack'
  'e0789628-ce08-4437-be74-2495b842f43b' = 'definition'
  'b4832bd8-e735-4761-8daf-37f882276dab' = 'tool'
  'ebfc1fc5-71a4-4f7b-9aca-3b9a503104a0' = 'driver'
  '3689bdc8-b205-4af4-8d4a-a63924c5e9d5' = 'upgrade'
}
# English names, for a category whose ID this table does not know (an offline catalogue or a newer agent).
$script:ClassificationByName = @{
  'Security Updates' = 'security'; 'Critical Updates' = 'critical'; 'Updates' = 'update'; 'Update Rollups' = 'rollup'
  'Service Packs' = 'service-pack'; 'Feature Packs' = 'feature-pack'; 'Definition Updates' = 'definition'
  'Tools' = 'tool'; 'Drivers' = 'driver'; 'Upgrades' = 'upgrade'
}
$script:SqlYears = @{ '11' = '2012'; '12' = '2014'; '13' = '2016'; '14' = '2017'; '15' = '2019'; '16' = '2022'; '17' = '2025' }

# --- JSON: the one writer for the record line -------------------------------------------------------------------

function ConvertTo-PatchopsJsonString {
  # Everything outside printable ASCII is written as \uXXXX, so the line survives any console code page or redirect.
  param([Parameter(Mandatory)][AllowEmptyString()][string]$Text)
  $sb = New-Object System.Text.StringBuilder ($Text.Length + 2)
  [void]$sb.Append('"')
  foreach ($c in $Text.ToCharArray()) {
    $n = [int]$c
    if ($c -eq '"') { [void]$sb.Append('\"') }
    elseif ($c -eq '\') { [void]$sb.Append('\\') }
    elseif ($n -eq 10) { [void]$sb.Append('\n') }
    elseif ($n -eq 13) { [void]$sb.Append('\r') }
    elseif ($n -eq 9) { [void]$sb.Append('\t') }
    elseif ($n -lt 0x20 -or $n -gt 0x7E) { [void]$sb.Append('\u').Append($n.ToString('x4', [System.Globalization.CultureInfo]::InvariantCulture)) }
    else { [void]$sb.Append($c) }
  }
  [void]$sb.Append('"')
  $sb.ToString()
}

function ConvertTo-PatchopsJson {
  # Ordered dictionaries keep their key order; lists stay lists whatever their length.
  param([AllowNull()][object]$Value)
  if ($null -eq $Value) { return 'null' }
  if ($Value -is [bool]) { if ($Value) { return 'true' } else { return 'false' } }
  if ($Value -is [string]) { return ConvertTo-PatchopsJsonString $Value }
  if ($Value -is [int] -or $Value -is [long]) { return $Value.ToString([System.Globalization.CultureInfo]::InvariantCulture) }
  if ($Value -is [System.Collections.IDictionary]) {
    $parts = foreach ($key in $Value.Keys) { (ConvertTo-PatchopsJsonString ([string]$key)) + ':' + (ConvertTo-PatchopsJson $Value[$key]) }
    return '{' + (@($parts) -join ',') + '}'
  }
  if ($Value -is [System.Collections.IEnumerable]) {
    $parts = foreach ($item in $Value) { ConvertTo-PatchopsJson $item }
    return '[' + (@($parts) -join ',') + ']'
  }
  throw "ConvertTo-PatchopsJson: no JSON form for $($Value.GetType().FullName)"
}

# --- small pure helpers -----------------------------------------------------------------------------------------

function Format-PatchopsUtc {
  # Culture-invariant: a th-TH host would otherwise write the Buddhist year, a fi-FI host dots for colons.
  param([Parameter(Mandatory)][DateTime]$Time)
  if ($Time.Kind -eq [DateTimeKind]::Local) { $Time = $Time.ToUniversalTime() }
  $Time.ToString('yyyy-MM-ddTHH:mm:ssZ', [System.Globalization.CultureInfo]::InvariantCulture)
}

function Format-PatchopsUtcDate {
  # WUA documents LastDeploymentChangeTime as UTC; COM hands it over without a kind. The zero DATE (1899-12-30) is none.
  param([AllowNull()][object]$Time)
  if ($null -eq $Time -or $Time -isnot [DateTime] -or $Time.Year -lt 1980) { return $null }
  if ($Time.Kind -eq [DateTimeKind]::Local) { $Time = $Time.ToUniversalTime() }
  $Time.ToString('yyyy-MM-dd', [System.Globalization.CultureInfo]::InvariantCulture)
}

function Get-PatchopsSortedUnique {
  # Code-point order and ordinal uniqueness: the bytes never depend on the host's culture.
  param([AllowNull()][object[]]$Items, [switch]$IgnoreCase)
  $comparer = if ($IgnoreCase) { [StringComparer]::OrdinalIgnoreCase } else { [StringComparer]::Ordinal }
  $set = New-Object 'System.Collections.Generic.HashSet[string]' $comparer
  $list = New-Object 'System.Collections.Generic.List[string]'
  foreach ($item in @($Items)) {
    if ($null -eq $item) { continue }
    $s = [string]$item
    if ($s.Length -gt 0 -and $set.Add($s)) { $list.Add($s) }
  }
  $list.Sort([StringComparer]::Ordinal)
  , $list
}

function ConvertTo-PatchopsKb {
  # KBArticleIDs hold the number ("5026372"); some sources write "KB5026372". Anything else is not a KB.
  param([AllowNull()][object]$Id)
  $s = ([string]$Id).Trim()
  if ($s -match '^(?i:KB)?(\d{4,8})$') { return "KB$($Matches[1])" }
  $null
}

function Get-PatchopsKbsInText {
  param([AllowNull()][string]$Text)
  $kbs = New-Object 'System.Collections.Generic.List[string]'
  foreach ($m in [regex]::Matches([string]$Text, '\bKB(\d{6,7})\b')) { $kbs.Add("KB$($m.Groups[1].Value)") }
  , $kbs
}

# --- one update from the agent ----------------------------------------------------------------------------------

function Get-PatchopsClassification {
  param([AllowNull()][object[]]$Categories)
  foreach ($category in @($Categories)) {
    if ($null -eq $category -or [string]$category.Type -ne 'UpdateClassification') { continue }
    $id = ([string]$category.CategoryID).ToLowerInvariant()
    if ($script:ClassificationById.ContainsKey($id)) { return $script:ClassificationById[$id] }
    $name = [string]$category.Name
    if ($script:ClassificationByName.ContainsKey($name)) { return $script:ClassificationByName[$name] }
    return 'other'
  }
  'other'
}

function Get-PatchopsRebootBehavior {
  # InstallationBehavior.RebootBehavior (UpdateRebootBehavior): 0 never, 1 always, 2 can request.
  param([AllowNull()][object]$Behavior)
  if ($null -eq $Behavior) { throw 'InstallationBehavior.RebootBehavior is missing' }
  switch ([int]$Behavior) {
    0 { 'never' }
    1 { 'always' }
    2 { 'can-request' }
    default { throw "unknown RebootBehavior $Behavior" }
  }
}

function ConvertTo-PatchopsSeverity {
  # MsrcSeverity is empty for updates without an MSRC rating: then there is no severity.
  param([AllowNull()][object]$MsrcSeverity)
  $s = ([string]$MsrcSeverity).Trim().ToLowerInvariant()
  if (@('critical', 'important', 'moderate', 'low') -contains $s) { return $s }
  $null
}

function Test-PatchopsHotpatch {
  param([AllowNull()][string]$Title)
  ([string]$Title).IndexOf('Hotpatch', [StringComparison]::OrdinalIgnoreCase) -ge 0
}

function ConvertTo-PatchopsUpdate {
  # One IUpdate (or an object with its documented properties) as an agentScan update.
  param([Parameter(Mandatory)][object]$Update)
  $kbs = New-Object 'System.Collections.Generic.List[string]'
  foreach ($id in @($Update.KBArticleIDs)) {
    $kb = ConvertTo-PatchopsKb $id
    if ($null -ne $kb -and -not $kbs.Contains($kb)) { $kbs.Add($kb) }
  }
  $products = New-Object 'System.Collections.Generic.List[string]'
  foreach ($category in @($Update.Categories)) {
    if ($null -ne $category -and [string]$category.Type -eq 'Product' -and -not $products.Contains([string]$category.Name)) {
      $products.Add([string]$category.Name)
    }
  }
  $supersedes = Get-PatchopsSortedUnique -Items @(@($Update.SupersededUpdateIDs) | ForEach-Object { ([string]$_).ToLowerInvariant() })
  $title = [string]$Update.Title
  $out = [ordered]@{
    kbs            = $kbs
    updateId       = ([string]$Update.Identity.UpdateID).ToLowerInvariant()
    revision       = [int]$Update.Identity.RevisionNumber
    title          = $title
    installed      = [bool]$Update.IsInstalled
    classification = Get-PatchopsClassification @($Update.Categories)
  }
  $severity = ConvertTo-PatchopsSeverity $Update.MsrcSeverity
  if ($null -ne $severity) { $out['severity'] = $severity }
  $out['products'] = $products
  $out['reboot'] = Get-PatchopsRebootBehavior $Update.InstallationBehavior.RebootBehavior
  $out['downloaded'] = [bool]$Update.IsDownloaded
  $out['hotpatch'] = Test-PatchopsHotpatch $title
  $out['supersedes'] = $supersedes
  $released = Format-PatchopsUtcDate $Update.LastDeploymentChangeTime
  if ($null -ne $released) { $out['released'] = $released }
  $out
}

# --- installed KBs, products, features, reboot, host, health ----------------------------------------------------

function Get-PatchopsHistoryInstalled {
  # QueryHistory lists the newest first; replayed oldest first, a later uninstallation wins over an installation.
  # Operation 1 installation, 2 uninstallation; ResultCode 2 succeeded, 3 succeeded with errors.
  param([AllowNull()][object[]]$Entries)
  $set = New-Object 'System.Collections.Generic.HashSet[string]' ([StringComparer]::OrdinalIgnoreCase)
  $oldestFirst = @($Entries)
  [array]::Reverse($oldestFirst)
  foreach ($entry in $oldestFirst) {
    if ($null -eq $entry -or ([int]$entry.ResultCode -ne 2 -and [int]$entry.ResultCode -ne 3)) { continue }
    foreach ($kb in (Get-PatchopsKbsInText ([string]$entry.Title))) {
      if ([int]$entry.Operation -eq 1) { [void]$set.Add($kb) } elseif ([int]$entry.Operation -eq 2) { [void]$set.Remove($kb) }
    }
  }
  Get-PatchopsSortedUnique -Items @($set)
}

function ConvertTo-PatchopsProducts {
  # Uninstall entries with a dotted DisplayVersion (the schema accepts nothing else), and SQL Server instances by
  # engine version: PatchLevel carries the service-pack level in its second part (13.3.6300.2); the engine reports
  # 13.0.6300.2, as baselines name it ("SQL Server 2016").
  param([AllowNull()][object[]]$UninstallEntries, [AllowNull()][string[]]$SqlPatchLevels)
  $seen = New-Object 'System.Collections.Generic.HashSet[string]' ([StringComparer]::Ordinal)
  $rows = New-Object 'System.Collections.Generic.List[object]'
  foreach ($entry in @($UninstallEntries)) {
    if ($null -eq $entry) { continue }
    $name = ([string]$entry['DisplayName']).Trim()
    $version = ([string]$entry['DisplayVersion']).Trim()
    if (-not $name -or [string]$entry['SystemComponent'] -eq '1' -or $version -notmatch '^\d+(\.\d+)*$') { continue }
    if ($seen.Add("$name|$version")) { $rows.Add([ordered]@{ name = $name; version = $version }) }
  }
  foreach ($level in @($SqlPatchLevels)) {
    if ([string]$level -match '^(\d+)\.\d+\.(\d+)\.(\d+)$' -and $script:SqlYears.ContainsKey($Matches[1])) {
      $name = "SQL Server $($script:SqlYears[$Matches[1]])"
      $version = "$($Matches[1]).0.$($Matches[2]).$($Matches[3])"
      if ($seen.Add("$name|$version")) { $rows.Add([ordered]@{ name = $name; version = $version }) }
    }
  }
  $sorted = New-Object 'System.Collections.Generic.List[object]'
  $keys = @($rows | ForEach-Object { $_.name + [char]0 + $_.version })
  $order = [int[]](0..($rows.Count - 1))
  if ($rows.Count -gt 1) { [array]::Sort([string[]]$keys, $order, [StringComparer]::Ordinal) }
  if ($rows.Count -gt 0) { foreach ($i in $order) { $sorted.Add($rows[$i]) } }
  , $sorted
}

function ConvertTo-PatchopsFeatures {
  # Server roles and features as Get-WindowsFeature names them (Web-Server), and enabled optional features as
  # Get-WindowsOptionalFeature / Win32_OptionalFeature name them (NetFx3).
  param([AllowNull()][string[]]$ServerFeatures, [AllowNull()][string[]]$OptionalFeatures)
  Get-PatchopsSortedUnique -Items (@($ServerFeatures) + @($OptionalFeatures)) -IgnoreCase
}

function Test-PatchopsPendingReboot {
  # Any one source that says a restart is pending is enough.
  param(
    [AllowNull()][object]$AgentRebootRequired,
    [bool]$CbsRebootPending,
    [bool]$WuRebootRequired,
    [AllowNull()][string[]]$PendingFileRenameOperations,
    [AllowNull()][object]$ConfigMgrRebootPending
  )
  $renames = @(@($PendingFileRenameOperations) | Where-Object { -not [string]::IsNullOrWhiteSpace([string]$_) })
  ($AgentRebootRequired -eq $true) -or $CbsRebootPending -or $WuRebootRequired -or ($renames.Count -gt 0) -or ($ConfigMgrRebootPending -eq $true)
}

function Get-PatchopsHostIdentity {
  # host: the NetBIOS name (COMPUTERNAME) lower-cased, or the FQDN with -HostName Fqdn; fqdn: the DNS host name with
  # the primary DNS suffix. Lower-casing is culture-invariant (tr-TR would turn I into a dotless i).
  param([Parameter(Mandatory)][string]$ComputerName, [AllowNull()][string]$DnsHostName, [AllowNull()][string]$DnsDomain,
    [ValidateSet('NetBIOS', 'Fqdn')][string]$Mode = 'NetBIOS')
  $netbios = $ComputerName.Trim().ToLowerInvariant()
  $dnsHost = ([string]$DnsHostName).Trim().TrimEnd('.').ToLowerInvariant()
  $domain = ([string]$DnsDomain).Trim().Trim('.').ToLowerInvariant()
  if (-not $dnsHost) { $dnsHost = $netbios }
  $fqdn = if ($domain) { "$dnsHost.$domain" } else { $null }
  $hostName = if ($Mode -eq 'Fqdn' -and $fqdn) { $fqdn } else { $netbios }
  $out = [ordered]@{ host = $hostName }
  if ($fqdn) { $out['fqdn'] = $fqdn }
  $out
}

function Resolve-PatchopsScanSource {
  # Where the agent searches: an offline catalogue when one is given; else -Source; else what the host is configured
  # for: WSUS by policy (UseWUServer=1 with WUServer), Microsoft Update when its service is registered, else Windows Update.
  # ServerSelection: 1 managed server (WSUS), 2 Windows Update, 3 another service (ServiceID).
  param(
    [AllowNull()][string]$OfflineCatalog,
    [ValidateSet('auto', 'wsus', 'microsoft-update', 'windows-update')][string]$Source = 'auto',
    [AllowNull()][object]$UseWUServer,
    [AllowNull()][string]$WUServer,
    [AllowNull()][string[]]$RegisteredServiceIds
  )
  if ($OfflineCatalog) {
    return [ordered]@{ source = 'offline-catalog'; server = @($OfflineCatalog -split '[\\/]')[-1]; serverSelection = 3; online = $false }
  }
  $wsusConfigured = ([string]$UseWUServer -eq '1') -and -not [string]::IsNullOrWhiteSpace($WUServer)
  $mu = @($RegisteredServiceIds | ForEach-Object { ([string]$_).ToLowerInvariant() }) -contains $script:MicrosoftUpdateServiceId
  if ($Source -eq 'auto') {
    $Source = if ($wsusConfigured) { 'wsus' } elseif ($mu) { 'microsoft-update' } else { 'windows-update' }
  }
  switch ($Source) {
    'wsus' {
      $out = [ordered]@{ source = 'wsus' }
      if ($wsusConfigured) { $out['server'] = $WUServer.Trim() }
      $out['serverSelection'] = 1; $out['online'] = $true
      $out
    }
    'microsoft-update' { [ordered]@{ source = 'microsoft-update'; serverSelection = 3; serviceId = $script:MicrosoftUpdateServiceId; online = $true } }
    'windows-update' { [ordered]@{ source = 'windows-update'; serverSelection = 2; online = $true } }
  }
}

function ConvertTo-PatchopsScanError {
  # The HRESULT of the COM or Win32 error under PowerShell's MethodInvocationException wrapper (0x80070422: the
  # Windows Update service is disabled), with that error's own message.
  param([Parameter(Mandatory)][string]$Source, [Parameter(Mandatory)][System.Exception]$Exception)
  $chain = New-Object 'System.Collections.Generic.List[System.Exception]'
  for ($e = $Exception; $null -ne $e; $e = $e.InnerException) { $chain.Add($e) }
  $native = $null
  foreach ($e in $chain) { if ($e -is [System.Runtime.InteropServices.ExternalException]) { $native = $e; break } }
  $cause = if ($null -ne $native) { $native } else { $chain[$chain.Count - 1] }
  $message = (([string]$cause.Message) -replace '\s+', ' ').Trim()
  if (-not $message) { $message = $cause.GetType().Name }
  $out = [ordered]@{ source = $Source; message = $message }
  if ($null -ne $native) { $out['code'] = '0x' + $native.HResult.ToString('X8', [System.Globalization.CultureInfo]::InvariantCulture) }
  $out
}

function Get-PatchopsAgentHealth {
  # Healthy means no check failed: the service may run, and this scan's search succeeded.
  param(
    [AllowNull()][string]$AgentVersion,
    [AllowNull()][string]$WuauservStartType,
    [AllowNull()][System.Collections.IDictionary]$SearchError,
    [AllowNull()][object]$LastSearchSuccess
  )
  $problems = New-Object 'System.Collections.Generic.List[string]'
  if ($WuauservStartType -eq 'Disabled') { $problems.Add('wuauserv is disabled') }
  if ($null -ne $SearchError) {
    $code = if ($SearchError.Contains('code')) { [string]$SearchError['code'] } else { '' }
    # WU_E_DS_*: the agent's datastore (%windir%\SoftwareDistribution\DataStore) is damaged or locked.
    $what = if ($code -match '^0x80248[0-9A-F]{3}$') { 'Windows Update datastore error' } else { 'Windows Update Agent search failed' }
    $text = if ($code) { "${what} ${code}: $($SearchError['message'])" } else { "${what}: $($SearchError['message'])" }
    $last = if ($LastSearchSuccess -is [DateTime] -and $LastSearchSuccess.Year -ge 1980) { Format-PatchopsUtc $LastSearchSuccess } else { 'never' }
    $problems.Add("$text (last successful search: $last)")
  }
  $out = [ordered]@{ name = 'Windows Update Agent' }
  if ($AgentVersion) { $out['version'] = $AgentVersion }
  $out['healthy'] = ($problems.Count -eq 0)
  if ($problems.Count -gt 0) { $out['problems'] = $problems }
  $out
}

function Get-PatchopsOsVersion {
  # Win32_OperatingSystem.Version stops at the build (10.0.20348); fixed builds need the revision (UBR) too.
  param([Parameter(Mandatory)][string]$Version, [AllowNull()][object]$Ubr)
  if ($null -ne $Ubr -and [string]$Ubr -match '^\d+$') { return "$Version.$Ubr" }
  $Version
}

# --- the record ---------------------------------------------------------------------------------------------------

function New-PatchopsRecord {
  # The native record from gathered facts, in the contract's property order. Optional parts are left out when absent.
  param(
    [Parameter(Mandatory)][System.Collections.IDictionary]$Identity,
    [Parameter(Mandatory)][string]$ScannedAt,
    [Parameter(Mandatory)][System.Collections.IDictionary]$Os,
    [AllowNull()][object[]]$Installed,
    [bool]$PendingReboot,
    [AllowNull()][object]$Products,
    [AllowNull()][object]$Features,
    [Parameter(Mandatory)][System.Collections.IDictionary]$Agent,
    [AllowNull()][System.Collections.IDictionary]$AgentScan,
    [AllowNull()][object[]]$ScanErrors
  )
  $record = [ordered]@{ host = $Identity['host'] }
  if ($Identity.Contains('fqdn')) { $record['fqdn'] = $Identity['fqdn'] }
  $record['scannedAt'] = $ScannedAt
  $record['os'] = $Os
  $record['installed'] = Get-PatchopsSortedUnique -Items @($Installed) -IgnoreCase
  $record['pendingReboot'] = $PendingReboot
  # Assigned, never piped: a pipeline would unroll a list of one into a scalar.
  if ($null -eq $Products) { $Products = @() }
  if ($null -eq $Features) { $Features = @() }
  $record['products'] = $Products
  $record['features'] = $Features
  $record['agent'] = $Agent
  if ($null -ne $AgentScan) { $record['agentScan'] = $AgentScan }
  $errors = @($ScanErrors | Where-Object { $null -ne $_ })
  if ($errors.Count -gt 0) { $record['scanErrors'] = $errors }
  $record
}

# --- the Windows edge: thin readers, one call each ------------------------------------------------------------------

function New-PatchopsWindowsReader {
  # Each entry asks Windows one thing and writes its raw answer (a list as a stream of items, which callers collect).
  # Invoke-PatchopsCollector takes a table of the same shape, so the tests hand it real-shaped answers (or failures)
  # instead of Windows.
  $hklm = { [Microsoft.Win32.RegistryKey]::OpenBaseKey([Microsoft.Win32.RegistryHive]::LocalMachine, [Microsoft.Win32.RegistryView]::Registry64) }
  @{
    # Values of one HKLM key (64-bit view even from a 32-bit PowerShell), or $null when the key does not exist.
    RegistryValues   = {
      param([string]$SubKey)
      $key = (& $hklm).OpenSubKey($SubKey)
      if ($null -eq $key) { return $null }
      try { $values = @{}; foreach ($n in $key.GetValueNames()) { $values[$n] = $key.GetValue($n) }; $values } finally { $key.Dispose() }
    }.GetNewClosure()
    RegistrySubKeys  = {
      param([string]$SubKey)
      $key = (& $hklm).OpenSubKey($SubKey)
      if ($null -eq $key) { return }
      try { $key.GetSubKeyNames() } finally { $key.Dispose() }
    }.GetNewClosure()
    OperatingSystem  = { Get-CimInstance -ClassName Win32_OperatingSystem -ErrorAction Stop | Select-Object -First 1 Caption, Version }
    QuickFixes       = { Get-CimInstance -ClassName Win32_QuickFixEngineering -ErrorAction Stop | ForEach-Object { [string]$_.HotFixID } }
    ServerFeatures   = {
      # Get-WindowsFeature exists on Windows Server only; a client has optional features alone.
      if (-not (Get-Command -Name Get-WindowsFeature -ErrorAction SilentlyContinue)) { return }
      Get-WindowsFeature -ErrorAction Stop | Where-Object { $_.Installed } | ForEach-Object { [string]$_.Name }
    }
    OptionalFeatures = { Get-CimInstance -ClassName Win32_OptionalFeature -Filter 'InstallState = 1' -ErrorAction Stop | ForEach-Object { [string]$_.Name } }
    ConfigMgrRebootPending = {
      # $null when the Configuration Manager client is not installed.
      if (-not (Get-CimInstance -Namespace root\ccm -ClassName __Namespace -Filter "Name = 'ClientSDK'" -ErrorAction SilentlyContinue)) { return $null }
      $r = Invoke-CimMethod -Namespace root\ccm\ClientSDK -ClassName CCM_ClientUtilities -MethodName DetermineIfRebootPending -ErrorAction Stop
      [bool]($r.RebootPending -or $r.IsHardRebootPending)
    }
    WuauservStartType = { [string](Get-Service -Name wuauserv -ErrorAction Stop).StartType }
    ComputerName     = { [Environment]::MachineName }
    DnsIdentity      = { $p = [System.Net.NetworkInformation.IPGlobalProperties]::GetIPGlobalProperties(); @{ HostName = $p.HostName; DomainName = $p.DomainName } }
    UpdateSession    = { New-Object -ComObject Microsoft.Update.Session }
    ServiceManager   = { New-Object -ComObject Microsoft.Update.ServiceManager }
    SystemInfo       = { New-Object -ComObject Microsoft.Update.SystemInfo }
    AgentVersion     = { [string](New-Object -ComObject Microsoft.Update.AgentInfo).GetInfo('ProductVersionString') }
    LastSearchSuccess = { (New-Object -ComObject Microsoft.Update.AutoUpdate).Results.LastSearchSuccessDate }
  }
}

function Invoke-PatchopsWuaSearch {
  # The agent's search from the resolved source; an offline catalogue is registered for this search only.
  param([Parameter(Mandatory)][object]$Session, [AllowNull()][object]$ServiceManager, [Parameter(Mandatory)][System.Collections.IDictionary]$Source,
    [AllowNull()][string]$OfflineCatalog)
  $searcher = $Session.CreateUpdateSearcher()
  $searcher.ServerSelection = $Source['serverSelection']
  $searcher.Online = $Source['online']
  $scanService = $null
  try {
    if ($Source['source'] -eq 'offline-catalog') {
      if (-not (Test-Path -LiteralPath $OfflineCatalog -PathType Leaf)) { throw "offline catalogue not found: $OfflineCatalog" }
      # UpdateServiceOption 0: the registration does not outlive this process; it is removed below anyway.
      $scanService = $ServiceManager.AddScanPackageService('patchops offline scan', (Resolve-Path -LiteralPath $OfflineCatalog).ProviderPath, 0)
      $searcher.ServiceID = [string]$scanService.ServiceID
    } elseif ($Source.Contains('serviceId')) {
      $searcher.ServiceID = $Source['serviceId']
    }
    $result = $searcher.Search($script:SearchCriteria)
    # OperationResultCode: 2 succeeded, 3 succeeded with errors; 4 failed, 5 aborted.
    if ([int]$result.ResultCode -ne 2 -and [int]$result.ResultCode -ne 3) { throw "the search ended with OperationResultCode $($result.ResultCode)" }
    , @($result.Updates)
  } finally {
    if ($null -ne $scanService) { $ServiceManager.RemoveService([string]$scanService.ServiceID) }
  }
}

function Invoke-PatchopsCollector {
  # Gather every source (each in its own try/catch: a failed source is a scanErrors entry, never a lost record),
  # then shape the record. $Reader: New-PatchopsWindowsReader's table; $Clock: returns the current time.
  param(
    [Parameter(Mandatory)][hashtable]$Reader,
    [Parameter(Mandatory)][scriptblock]$Clock,
    [ValidateSet('NetBIOS', 'Fqdn')][string]$HostName = 'NetBIOS',
    [ValidateSet('auto', 'wsus', 'microsoft-update', 'windows-update')][string]$Source = 'auto',
    [AllowNull()][string]$OfflineCatalog
  )
  $errors = New-Object 'System.Collections.Generic.List[object]'
  $scannedAt = Format-PatchopsUtc (& $Clock)
  $cv = 'SOFTWARE\Microsoft\Windows NT\CurrentVersion'

  # Host name and OS.
  $dns = $null
  try { $dns = & $Reader.DnsIdentity } catch { $dns = $null }
  $identity = Get-PatchopsHostIdentity -ComputerName (& $Reader.ComputerName) -DnsHostName $(if ($dns) { $dns['HostName'] }) -DnsDomain $(if ($dns) { $dns['DomainName'] }) -Mode $HostName
  $os = [ordered]@{ family = 'windows' }
  $currentVersion = $null
  try { $currentVersion = & $Reader.RegistryValues $cv } catch { $errors.Add((ConvertTo-PatchopsScanError -Source 'registry' -Exception $_.Exception)) }
  $ubr = if ($currentVersion -and $currentVersion.ContainsKey('UBR')) { $currentVersion['UBR'] } else { $null }
  try {
    $cim = & $Reader.OperatingSystem
    $os['name'] = ([string]$cim.Caption).Trim()
    $os['version'] = Get-PatchopsOsVersion -Version ([string]$cim.Version) -Ubr $ubr
  } catch {
    $errors.Add((ConvertTo-PatchopsScanError -Source 'registry' -Exception $_.Exception))
    # Win32_OperatingSystem failed: the registry still names the build (no caption: it says "Windows 10" on Windows 11).
    if ($currentVersion -and $currentVersion.ContainsKey('CurrentMajorVersionNumber')) {
      $os['version'] = Get-PatchopsOsVersion -Version ("{0}.{1}.{2}" -f $currentVersion['CurrentMajorVersionNumber'], $currentVersion['CurrentMinorVersionNumber'], $currentVersion['CurrentBuildNumber']) -Ubr $ubr
    }
  }

  # The agent's search.
  $installed = New-Object 'System.Collections.Generic.List[string]'
  $agentScan = $null
  $searchError = $null
  try {
    $policy = & $Reader.RegistryValues 'SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate'
    $au = & $Reader.RegistryValues 'SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate\AU'
    $serviceManager = if ($OfflineCatalog -or $Source -eq 'auto') { & $Reader.ServiceManager } else { $null }
    $registered = @()
    if ($null -ne $serviceManager -and -not $OfflineCatalog) { $registered = @(@($serviceManager.Services) | ForEach-Object { [string]$_.ServiceID }) }
    $resolved = Resolve-PatchopsScanSource -OfflineCatalog $OfflineCatalog -Source $Source -UseWUServer $(if ($au) { $au['UseWUServer'] }) `
      -WUServer $(if ($policy) { [string]$policy['WUServer'] }) -RegisteredServiceIds $registered
    $raw = Invoke-PatchopsWuaSearch -Session (& $Reader.UpdateSession) -ServiceManager $serviceManager -Source $resolved -OfflineCatalog $OfflineCatalog
    $completedAt = Format-PatchopsUtc (& $Clock)
    $updates = New-Object 'System.Collections.Generic.List[object]'
    foreach ($u in $raw) { $updates.Add((ConvertTo-PatchopsUpdate $u)) }
    $agentScan = [ordered]@{ source = $resolved['source'] }
    if ($resolved.Contains('server')) { $agentScan['server'] = $resolved['server'] }
    $agentScan['completedAt'] = $completedAt
    $agentScan['updates'] = $updates
    foreach ($u in $updates) { if ($u['installed']) { foreach ($kb in $u['kbs']) { $installed.Add($kb) } } }
  } catch {
    $searchError = ConvertTo-PatchopsScanError -Source 'wua' -Exception $_.Exception
    $errors.Add($searchError)
  }

  # Installed KBs the agent's search may not show: Component Based Servicing (Get-HotFix) and the agent's history.
  try { foreach ($id in @(& $Reader.QuickFixes)) { $kb = ConvertTo-PatchopsKb $id; if ($kb) { $installed.Add($kb) } } }
  catch { $errors.Add((ConvertTo-PatchopsScanError -Source 'qfe' -Exception $_.Exception)) }
  try {
    $searcher = (& $Reader.UpdateSession).CreateUpdateSearcher()
    $count = [int]$searcher.GetTotalHistoryCount()
    if ($count -gt 0) { foreach ($kb in (Get-PatchopsHistoryInstalled @($searcher.QueryHistory(0, $count)))) { $installed.Add($kb) } }
  } catch { $errors.Add((ConvertTo-PatchopsScanError -Source 'history' -Exception $_.Exception)) }

  # Products.
  $products = $null
  try {
    $entries = New-Object 'System.Collections.Generic.List[object]'
    foreach ($root in @('SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall', 'SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall')) {
      foreach ($name in @(& $Reader.RegistrySubKeys $root)) { $v = & $Reader.RegistryValues "$root\$name"; if ($v) { $entries.Add($v) } }
    }
    $levels = New-Object 'System.Collections.Generic.List[string]'
    $instances = & $Reader.RegistryValues 'SOFTWARE\Microsoft\Microsoft SQL Server\Instance Names\SQL'
    if ($instances) {
      foreach ($id in @($instances.Values)) {
        $setup = & $Reader.RegistryValues "SOFTWARE\Microsoft\Microsoft SQL Server\$id\Setup"
        if ($setup -and $setup.ContainsKey('PatchLevel')) { $levels.Add([string]$setup['PatchLevel']) }
      }
    }
    $products = ConvertTo-PatchopsProducts -UninstallEntries $entries.ToArray() -SqlPatchLevels $levels.ToArray()
  } catch { $errors.Add((ConvertTo-PatchopsScanError -Source 'products' -Exception $_.Exception)) }

  # Features.
  $features = $null
  try { $features = ConvertTo-PatchopsFeatures -ServerFeatures @(& $Reader.ServerFeatures) -OptionalFeatures @(& $Reader.OptionalFeatures) }
  catch { $errors.Add((ConvertTo-PatchopsScanError -Source 'features' -Exception $_.Exception)) }

  # Pending restart: the agent, the servicing stack, Windows Update, pending file renames and the ConfigMgr client, each
  # asked on its own, so one that fails (a reboot error) leaves the others' answer.
  $ask = {
    param([scriptblock]$Question)
    try { & $Question } catch { $errors.Add((ConvertTo-PatchopsScanError -Source 'reboot' -Exception $_.Exception)); $null }
  }
  $agentReboot = & $ask { [bool](& $Reader.SystemInfo).RebootRequired }
  $cbs = & $ask { $null -ne (& $Reader.RegistryValues 'SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending') }
  $wu = & $ask { $null -ne (& $Reader.RegistryValues 'SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired') }
  $renames = & $ask {
    $session = & $Reader.RegistryValues 'SYSTEM\CurrentControlSet\Control\Session Manager'
    if ($session -and $session.ContainsKey('PendingFileRenameOperations')) { [string[]]@($session['PendingFileRenameOperations']) }
  }
  $configMgr = & $ask { & $Reader.ConfigMgrRebootPending }
  $pendingReboot = Test-PatchopsPendingReboot -AgentRebootRequired $agentReboot -CbsRebootPending ($cbs -eq $true) `
    -WuRebootRequired ($wu -eq $true) -PendingFileRenameOperations $renames -ConfigMgrRebootPending $configMgr

  # The agent's health.
  $version = try { & $Reader.AgentVersion } catch { $null }
  $startType = try { & $Reader.WuauservStartType } catch { $null }
  $lastSearch = if ($null -ne $searchError) { try { & $Reader.LastSearchSuccess } catch { $null } } else { $null }
  $agent = Get-PatchopsAgentHealth -AgentVersion $version -WuauservStartType $startType -SearchError $searchError -LastSearchSuccess $lastSearch

  New-PatchopsRecord -Identity $identity -ScannedAt $scannedAt -Os $os -Installed $installed.ToArray() -PendingReboot $pendingReboot `
    -Products $products -Features $features -Agent $agent -AgentScan $agentScan -ScanErrors $errors.ToArray()
}

Export-ModuleMember -Function *-Patchops*
