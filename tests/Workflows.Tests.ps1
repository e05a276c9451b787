# The CI workflows for the public host (.github/workflows) parse as YAML, build every runtime
# the package can hold, and only call build.ps1 tasks that exist: what they do can be run here.
# What cannot be run here is checked against what is known about GitHub's runners and Alpine's
# packages (tests/data/github-runners.psd1, with the date and source of each fact): every runner
# label must be one GitHub offers, the Alpine image's Rust must be new enough to build the
# workspace, and the pwsh steps that call build.ps1 must run the pinned PowerShell, not the one
# each image carries. Copies of the workflows with retired runners and old images put back show
# that each of those checks refuses them.

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $script:RepoRoot 'tools' 'NativeRuntimes.ps1')
    $yamlDll = Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget' 'packages' 'yamldotnet' '18.1.0' 'lib' 'net8.0' 'YamlDotNet.dll'
    if (-not (Test-Path $yamlDll)) { throw "$yamlDll is missing: build.ps1 restores tests/tools/TestTools.csproj before the tests." }
    Add-Type -Path $yamlDll

    $script:KnownPath = Join-Path $PSScriptRoot 'data' 'github-runners.psd1'
    $script:Known = Import-PowerShellDataFile $script:KnownPath

    function ConvertFrom-WorkflowYaml([string] $Text) {
        # Plain dictionaries and lists, as YamlDotNet reads any YAML document.
        $deserializer = [YamlDotNet.Serialization.DeserializerBuilder]::new().Build()
        $deserializer.Deserialize([IO.StringReader]::new($Text))
    }

    function Get-WorkflowText([string] $Name) {
        Get-Content (Join-Path $script:RepoRoot '.github' 'workflows' $Name) -Raw
    }

    function Read-Workflow([string] $Name) {
        ConvertFrom-WorkflowYaml (Get-WorkflowText $Name)
    }

    function Read-WorkflowCopy([string] $Name, [string] $Pattern, [string] $Replacement) {
        # A copy of a workflow with something put back (a retired runner, an old image), in TestDrive,
        # read as the real one is. The pattern must match, or the copy would prove nothing.
        $text = Get-WorkflowText $Name
        $text | Should -Match $Pattern -Because "the copy of $Name puts '$Replacement' where '$Pattern' is"
        $copy = Join-Path $TestDrive "copy-of-$Name"
        Set-Content -Path $copy -Value ($text -replace $Pattern, $Replacement) -NoNewline
        ConvertFrom-WorkflowYaml (Get-Content $copy -Raw)
    }

    function Get-Step($Workflow) {
        foreach ($job in $Workflow['jobs'].Values) { if ($job.ContainsKey('steps')) { $job['steps'] } }
    }

    function ConvertTo-RustVersion([string] $Text) {
        # "1.85" and "1.85.0" are the same Rust: compare them with three parts each.
        $parts = @($Text.Trim() -split '\.' | ForEach-Object { [int] $_ })
        while ($parts.Count -lt 3) { $parts += 0 }
        [version]::new($parts[0], $parts[1], $parts[2])
    }

    function ConvertTo-CheckedDate([string] $Text) {
        [datetime]::ParseExact($Text, 'yyyy-MM-dd', [Globalization.CultureInfo]::InvariantCulture)
    }

    function Get-JobRunnerLabel($Job) {
        # The labels a job may run on: its runs-on, with ${{ matrix.<key> }} read from its matrix
        # (the key's own list and the include entries). Any other expression comes back as written,
        # which no table holds, so it is refused rather than passed unchecked.
        foreach ($value in @($Job['runs-on'])) {
            if ($value -is [Collections.IDictionary]) { $value = $value['labels'] }
            foreach ($label in @($value)) {
                if ($label -match '^\$\{\{\s*matrix\.([\w-]+)\s*\}\}$') {
                    $key = $Matches[1]
                    $matrix = if ($Job.ContainsKey('strategy') -and $Job['strategy'].ContainsKey('matrix')) { $Job['strategy']['matrix'] }
                    if (-not $matrix) { $label; continue }
                    if ($matrix.ContainsKey($key)) { @($matrix[$key]) }
                    if ($matrix.ContainsKey('include')) {
                        foreach ($entry in $matrix['include']) { if ($entry.ContainsKey($key)) { $entry[$key] } }
                    }
                } else {
                    $label
                }
            }
        }
    }

    function Get-RunnerLabelRefusal {
        # Why the jobs of a workflow cannot run as written: each runner label that GitHub has
        # retired (or announced to retire by today), or that the table does not hold. Nothing when
        # every label is one GitHub is known to offer.
        param(
            [Parameter(Mandatory)] $Workflow,
            [Parameter(Mandatory)] [hashtable] $Known,
            [datetime] $Today = [datetime]::UtcNow.Date
        )
        $offered = @{}; foreach ($runner in $Known.Runners) { $offered[$runner.Label] = $runner }
        $retired = @{}; foreach ($runner in $Known.Retired) { $retired[$runner.Label] = $runner }
        foreach ($name in $Workflow['jobs'].Keys) {
            $job = $Workflow['jobs'][$name]
            # A call to a reusable workflow has no runs-on: its jobs are checked in their own file.
            if (-not $job.ContainsKey('runs-on')) { continue }
            foreach ($label in @(Get-JobRunnerLabel $job | Select-Object -Unique)) {
                if ($retired.ContainsKey($label)) {
                    "job '$name' runs on '$label', which GitHub retired on $($retired[$label].RetiredOn) ($($retired[$label].Source))"
                } elseif (-not $offered.ContainsKey($label)) {
                    "job '$name' runs on '$label', which is not a runner label GitHub is known to offer (tests/data/github-runners.psd1, checked $($Known.CheckedOn))"
                } elseif ($offered[$label].RetiresOn -and (ConvertTo-CheckedDate $offered[$label].RetiresOn) -le $Today) {
                    "job '$name' runs on '$label', which GitHub announced it would retire on $($offered[$label].RetiresOn) ($($offered[$label].Source))"
                }
            }
        }
    }

    function Get-AlpineRustRefusal {
        # Why an Alpine job that takes Rust from apk cannot build: its image names no release, the
        # release is not in the table, or the release's rust package is older than a version the
        # build needs (each requirement says where it comes from). Nothing when Rust is new enough,
        # or when no Alpine job installs Rust with apk (rustup's stable toolchain is always current).
        param(
            [Parameter(Mandatory)] $Workflow,
            [Parameter(Mandatory)] [hashtable] $Known,
            # @{ Version = '1.85'; Why = "the workspace's rust-version (Cargo.toml)" }, ...
            [Parameter(Mandatory)] [hashtable[]] $Requirement
        )
        foreach ($name in $Workflow['jobs'].Keys) {
            $job = $Workflow['jobs'][$name]
            if (-not $job.ContainsKey('container')) { continue }
            $image = $job['container']
            if ($image -is [Collections.IDictionary]) { $image = $image['image'] }
            if ("$image" -notmatch '(^|/)alpine(:|@|$)') { continue }
            $apkRust = @($job['steps'] | Where-Object { $_.ContainsKey('run') -and $_['run'] -match '(?m)\bapk\s+add\b[^\n]*\b(rust|cargo)\b' })
            if (-not $apkRust) { continue }
            if ("$image" -notmatch '(^|/)alpine:(\d+\.\d+)(\.\d+)?$') {
                "job '$name' runs '$image', which names no Alpine release (as alpine:3.24), so the Rust its apk installs is unknown"
                continue
            }
            $release = $Matches[2]
            $entry = $Known.Alpine | Where-Object { $_.Release -eq $release }
            if (-not $entry) {
                "job '$name' runs '$image': Alpine $release is not in the table of Alpine releases (tests/data/github-runners.psd1), so the Rust its apk installs is unknown"
                continue
            }
            foreach ($need in $Requirement) {
                if ((ConvertTo-RustVersion $entry.Rust) -lt (ConvertTo-RustVersion $need.Version)) {
                    "job '$name' runs '$image', whose rust package is $($entry.Rust) ($($entry.Source)), below $($need.Why), $($need.Version): cargo refuses to build"
                }
            }
        }
    }

    function Get-PinnedPowerShellVersion($Workflow) {
        # Every version a workflow installs the PowerShell global tool at.
        foreach ($step in Get-Step $Workflow) {
            if ($step.ContainsKey('run') -and $step['run'] -match '(?m)\bdotnet\s+tool\s+install\b[^\n]*\bPowerShell\b[^\n]*--version\s+([\w.\-]+)') { $Matches[1] }
        }
    }

    function Get-PwshStepRefusal {
        # Why a job's pwsh steps that call build.ps1 might not run the pinned PowerShell. GitHub's
        # `shell: pwsh` runs the first pwsh on PATH, the image's own unless the job puts the global
        # tool first: such a job must install the pinned version, put its folder first on PATH
        # (GITHUB_PATH, or a folder on a container's own PATH) and check $PSVersionTable before the
        # first of them. Its run steps name their shell, since the default differs between Windows
        # (pwsh) and the others (bash).
        param([Parameter(Mandatory)] $Workflow, [Parameter(Mandatory)] [string] $Version)
        foreach ($name in $Workflow['jobs'].Keys) {
            $job = $Workflow['jobs'][$name]
            if (-not $job.ContainsKey('steps')) { continue }
            $steps = @($job['steps'])
            $isPwsh = { param($step) $step.ContainsKey('shell') -and $step['shell'] -match '^pwsh\b' }
            $build = @(0..($steps.Count - 1) | Where-Object { (& $isPwsh $steps[$_]) -and $steps[$_]['run'] -match 'build\.ps1' })
            if (-not $build) { continue }
            foreach ($step in $steps) {
                if ($step.ContainsKey('run') -and -not $step.ContainsKey('shell')) {
                    $what = if ($step.ContainsKey('name')) { $step['name'] } else { ($step['run'] -split "`n")[0] }
                    "job '$name': step '$what' names no shell (the default is pwsh on Windows, bash elsewhere)"
                }
            }
            $install = @(0..($steps.Count - 1) | Where-Object {
                    $steps[$_].ContainsKey('run') -and $steps[$_]['run'] -match '(?m)\bdotnet\s+tool\s+install\b[^\n]*\bPowerShell\b' }) | Select-Object -First 1
            if ($null -eq $install) {
                "job '$name' calls build.ps1 in shell: pwsh but never installs PowerShell ${Version}: it would run the image's own pwsh"
                continue
            }
            if ($install -ge $build[0]) {
                "job '$name' installs PowerShell $Version only after a pwsh step has called build.ps1"
                continue
            }
            $run = $steps[$install]['run']
            if ($run -notmatch "(?m)\bdotnet\s+tool\s+install\b[^\n]*--version\s+$([regex]::Escape($Version))(\s|$)") {
                "job '$name' installs a PowerShell other than the pinned $Version"
            }
            $inContainerPath = $job.ContainsKey('container') -and $run -match '(?m)\bdotnet\s+tool\s+install\b[^\n]*--tool-path\s+/usr/(local/)?bin\b'
            # The steps from the install up to the first build.ps1 step (the install comes before it).
            $between = $install..($build[0] - 1)
            $onPath = $inContainerPath -or @($between | Where-Object { $steps[$_].ContainsKey('run') -and $steps[$_]['run'] -match 'GITHUB_PATH' })
            if (-not $onPath) {
                "job '$name' installs PowerShell $Version but does not put it first on PATH (GITHUB_PATH) before its pwsh steps: they would run the image's own pwsh"
            }
            $check = @($between | Where-Object {
                    (& $isPwsh $steps[$_]) -and $steps[$_]['run'] -match 'PSVersionTable' -and $steps[$_]['run'] -match [regex]::Escape("'$Version'") })
            if (-not $check) {
                "job '$name' runs build.ps1 in shell: pwsh without a step before it that fails unless pwsh is PowerShell $Version"
            }
        }
    }

    function Get-WorkspaceRustVersion {
        # rust-version of [workspace.package] (or [package]) in the workspace's Cargo.toml.
        $section = ''
        foreach ($line in Get-Content (Join-Path $script:RepoRoot 'Cargo.toml')) {
            if ($line -match '^\s*\[([^\]]+)\]\s*$') { $section = $Matches[1].Trim(); continue }
            if ($section -in 'workspace.package', 'package' -and $line -match '^\s*rust-version\s*=\s*"([^"]+)"') { return $Matches[1] }
        }
    }

    function Get-LockedRustVersion {
        # The highest rust-version among the packages Cargo.lock resolves for Alpine's target, as
        # cargo metadata reads them (manifests only, nothing is built): cargo refuses a dependency
        # that asks for a newer Rust than the one building it. $null where cargo or the crate
        # sources are not on this machine.
        if (-not (Get-Command cargo -ErrorAction SilentlyContinue)) { return }
        $output = & cargo metadata --format-version 1 --locked --offline --filter-platform x86_64-unknown-linux-musl `
            --manifest-path (Join-Path $script:RepoRoot 'Cargo.toml') 2>$null
        if ($LASTEXITCODE -ne 0 -or -not $output) { return }
        $metadata = ($output -join "`n") | ConvertFrom-Json
        $resolved = @{}; foreach ($node in $metadata.resolve.nodes) { $resolved[$node.id] = $true }
        $metadata.packages | Where-Object { $_.rust_version -and $resolved.ContainsKey($_.id) } |
            Sort-Object { ConvertTo-RustVersion $_.rust_version } -Descending | Select-Object -First 1 |
            ForEach-Object { @{ Version = $_.rust_version; Why = "the highest rust-version among the locked dependencies ($($_.name) $($_.version))" } }
    }

    $script:Tasks = (Get-Command (Join-Path $script:RepoRoot 'build.ps1')).Parameters['Task'].Attributes |
        Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | ForEach-Object ValidValues
    $script:Ci = Read-Workflow 'ci.yml'
    $script:Release = Read-Workflow 'release.yml'
    $script:WorkspaceRust = @{ Version = (Get-WorkspaceRustVersion); Why = "the workspace's rust-version (Cargo.toml)" }
    $script:PinnedPowerShell = @(@(Get-PinnedPowerShellVersion $script:Ci) + @(Get-PinnedPowerShellVersion $script:Release) | Select-Object -Unique)
}

Describe 'The workflows of the release pipeline' {
    It 'build and test every platform of the matrix, one runtime each, all of them known' {
        $rids = @($script:Ci['jobs']['build-test']['strategy']['matrix']['include'] | ForEach-Object { $_['rid'] }) + 'linux-musl-x64'
        $rids | Sort-Object | Should -Be @('linux-arm64', 'linux-musl-x64', 'linux-x64', 'osx-arm64', 'osx-x64', 'win-arm64', 'win-x64')
        foreach ($rid in $rids) { $script:NativeRuntimes.Keys | Should -Contain $rid }
        $script:Ci['jobs']['alpine']['container'] | Should -BeLike '*alpine*'
    }

    It 'call only build.ps1 tasks that exist (<_>)' -ForEach @('ci.yml', 'release.yml') {
        $workflow = if ($_ -eq 'ci.yml') { $script:Ci } else { $script:Release }
        $called = @(Get-Step $workflow | Where-Object { $_.ContainsKey('run') } | ForEach-Object {
                [regex]::Matches($_['run'], 'build\.ps1\s+-Task\s+(\w+)') | ForEach-Object { $_.Groups[1].Value }
            })
        $called | Should -Not -BeNullOrEmpty
        foreach ($task in $called) { $script:Tasks | Should -Contain $task }
    }

    It 'the release assembles exactly the runtimes CI builds, then installs the package on each OS before publishing' {
        $assemble = (Get-Step $script:Release | Where-Object { $_.ContainsKey('run') -and $_['run'] -match '-Task Assemble' })['run']
        $required = ([regex]::Match($assemble, '-Require\s+([^\n]+)').Groups[1].Value -split ',') | ForEach-Object Trim | Where-Object { $_ }
        $built = @($script:Ci['jobs']['build-test']['strategy']['matrix']['include'] | ForEach-Object { $_['rid'] }) + 'linux-musl-x64'
        ($required | Sort-Object) | Should -Be ($built | Sort-Object)
        $script:Release['jobs']['install-test']['needs'] | Should -Be 'assemble'
        $script:Release['jobs']['publish']['needs'] | Should -Be 'install-test'
        (Get-Step $script:Release | Where-Object { $_.ContainsKey('run') -and $_['run'] -match 'Publish-PSResource' })['run'] | Should -Match 'secrets|FEED_KEY'
    }

    It 'install the package on the runners CI builds on' {
        $built = @($script:Ci['jobs']['build-test']['strategy']['matrix']['include'] | ForEach-Object { $_['os'] })
        @($script:Release['jobs']['install-test']['strategy']['matrix']['os']) | Sort-Object | Should -Be ($built | Sort-Object)
    }
}

Describe 'What the workflows run on, against what is known of it (tests/data/github-runners.psd1)' {
    It 'the table says when it was checked and where each fact comes from' {
        { ConvertTo-CheckedDate $script:Known.CheckedOn } | Should -Not -Throw
        foreach ($entry in @($script:Known.Runners) + @($script:Known.Retired) + @($script:Known.Alpine)) {
            $entry.Source | Should -Not -BeNullOrEmpty -Because "every fact names where it was checked ($($entry.Label)$($entry.Release))"
        }
        foreach ($entry in $script:Known.Retired) { { ConvertTo-CheckedDate $entry.RetiredOn } | Should -Not -Throw }
        foreach ($entry in $script:Known.Alpine) { { ConvertTo-RustVersion $entry.Rust } | Should -Not -Throw }
        $labels = @($script:Known.Runners.Label) + @($script:Known.Retired.Label)
        $labels | Select-Object -Unique | Should -HaveCount $labels.Count -Because 'a label is either offered or retired, once'
    }

    It 'every job of <_> runs on a runner label GitHub offers' -ForEach @('ci.yml', 'release.yml') {
        $refusals = @(Get-RunnerLabelRefusal -Workflow (Read-Workflow $_) -Known $script:Known)
        $refusals | Should -BeNullOrEmpty
    }

    It "the Alpine image's rust package is at least the workspace's rust-version" {
        $script:WorkspaceRust.Version | Should -Not -BeNullOrEmpty -Because 'Cargo.toml declares rust-version in [workspace.package]'
        $refusals = @(Get-AlpineRustRefusal -Workflow $script:Ci -Known $script:Known -Requirement $script:WorkspaceRust)
        $refusals | Should -BeNullOrEmpty
    }

    It "the Alpine image's rust package is at least the highest rust-version among the locked dependencies" {
        $locked = Get-LockedRustVersion
        if (-not $locked) {
            Set-ItResult -Skipped -Because 'cargo metadata --offline cannot read the locked dependencies on this machine'
            return
        }
        $refusals = @(Get-AlpineRustRefusal -Workflow $script:Ci -Known $script:Known -Requirement $locked)
        $refusals | Should -BeNullOrEmpty
    }

    It 'every pwsh step that calls build.ps1 in <_> runs the pinned PowerShell, put first on PATH and checked' -ForEach @('ci.yml', 'release.yml') {
        $script:PinnedPowerShell | Should -HaveCount 1 -Because 'both workflows install one PowerShell version'
        $refusals = @(Get-PwshStepRefusal -Workflow (Read-Workflow $_) -Version $script:PinnedPowerShell[0])
        $refusals | Should -BeNullOrEmpty
    }
}

Describe 'The checks refuse what is known to fail' {
    It 'refuses <Label> put back into a copy of <File>' -ForEach @(
        @{ File = 'ci.yml'; Pattern = '\bmacos-15-intel\b'; Label = 'macos-13'; Reason = 'retired on 2025-12-04' }
        @{ File = 'release.yml'; Pattern = '\bmacos-15-intel\b'; Label = 'macos-13'; Reason = 'retired on 2025-12-04' }
        @{ File = 'ci.yml'; Pattern = '\bmacos-15\b(?!-)'; Label = 'macos-14'; Reason = 'retired on 2026-11-02' }
        @{ File = 'release.yml'; Pattern = '\bmacos-15\b(?!-)'; Label = 'macos-14'; Reason = 'retired on 2026-11-02' }
        @{ File = 'ci.yml'; Pattern = '\bubuntu-24\.04-arm\b'; Label = 'ubuntu-24.04-arm64'; Reason = 'not a runner label GitHub is known to offer' }
    ) {
        $copy = Read-WorkflowCopy $File $Pattern $Label
        $refusals = @(Get-RunnerLabelRefusal -Workflow $copy -Known $script:Known)
        $refusals | Should -Not -BeNullOrEmpty
        ($refusals -join "`n") | Should -Match ([regex]::Escape("'$Label'"))
        ($refusals -join "`n") | Should -Match ([regex]::Escape($Reason))
    }

    It 'refuses a label from the day GitHub announced it would retire it' {
        $copy = Read-WorkflowCopy 'ci.yml' '\bubuntu-24\.04\b(?!-)' 'ubuntu-22.04'
        @(Get-RunnerLabelRefusal -Workflow $copy -Known $script:Known -Today ([datetime]'2027-01-01')) | Should -BeNullOrEmpty
        $refusals = @(Get-RunnerLabelRefusal -Workflow $copy -Known $script:Known -Today ([datetime]'2027-04-17'))
        ($refusals -join "`n") | Should -Match "'ubuntu-22.04', which GitHub announced it would retire on 2027-04-17"
    }

    It 'refuses alpine:3.20 put back into a copy of ci.yml: its rust 1.78.0 is below the rust-version of Cargo.toml' {
        $copy = Read-WorkflowCopy 'ci.yml' '(?m)^(\s*container:\s*)alpine:[\d.]+\s*$' '${1}alpine:3.20'
        $refusals = @(Get-AlpineRustRefusal -Workflow $copy -Known $script:Known -Requirement $script:WorkspaceRust)
        $refusals | Should -HaveCount 1
        $refusals[0] | Should -Match ([regex]::Escape("'alpine:3.20', whose rust package is 1.78.0"))
        $refusals[0] | Should -Match ([regex]::Escape("below the workspace's rust-version (Cargo.toml), $($script:WorkspaceRust.Version)"))
    }

    It 'refuses <Image> put back into a copy of ci.yml' -ForEach @(
        @{ Image = 'alpine:3.99'; Reason = 'Alpine 3.99 is not in the table' }
        @{ Image = 'alpine:latest'; Reason = 'names no Alpine release' }
        @{ Image = 'alpine'; Reason = 'names no Alpine release' }
    ) {
        $copy = Read-WorkflowCopy 'ci.yml' '(?m)^(\s*container:\s*)alpine:[\d.]+\s*$' "`${1}$Image"
        $refusals = @(Get-AlpineRustRefusal -Workflow $copy -Known $script:Known -Requirement $script:WorkspaceRust)
        ($refusals -join "`n") | Should -Match ([regex]::Escape($Reason))
    }

    It 'refuses an Alpine release whose rust package is below the locked dependencies, as 3.23 (rust 1.91.1) against a dependency asking for 1.95' {
        $copy = Read-WorkflowCopy 'ci.yml' '(?m)^(\s*container:\s*)alpine:[\d.]+\s*$' '${1}alpine:3.23'
        $need = @{ Version = '1.95'; Why = 'the highest rust-version among the locked dependencies (enum-map 3.1.0)' }
        # Against a workspace asking for 1.85 alone, 3.23 passes; the dependency's 1.95 refuses it.
        @(Get-AlpineRustRefusal -Workflow $copy -Known $script:Known -Requirement @{ Version = '1.85'; Why = 'a workspace rust-version of 1.85' }) | Should -BeNullOrEmpty
        $refusals = @(Get-AlpineRustRefusal -Workflow $copy -Known $script:Known -Requirement $need)
        ($refusals -join "`n") | Should -Match ([regex]::Escape('whose rust package is 1.91.1'))
    }

    It 'refuses a copy of <File> whose pwsh steps would run the image''s own pwsh (<Case>)' -ForEach @(
        @{ File = 'ci.yml'; Case = 'no GITHUB_PATH'; Pattern = 'GITHUB_PATH'; Replacement = 'GITHUB_ENV'; Reason = 'does not put it first on PATH' }
        @{ File = 'release.yml'; Case = 'no GITHUB_PATH'; Pattern = 'GITHUB_PATH'; Replacement = 'GITHUB_ENV'; Reason = 'does not put it first on PATH' }
        @{ File = 'ci.yml'; Case = 'no version check'; Pattern = 'PSVersionTable'; Replacement = 'Host'; Reason = 'without a step before it that fails unless pwsh is PowerShell' }
        @{ File = 'release.yml'; Case = 'no install'; Pattern = 'dotnet tool install --global PowerShell'; Replacement = 'dotnet --info'; Reason = 'never installs PowerShell' }
    ) {
        $copy = Read-WorkflowCopy $File $Pattern $Replacement
        $refusals = @(Get-PwshStepRefusal -Workflow $copy -Version $script:PinnedPowerShell[0])
        ($refusals -join "`n") | Should -Match ([regex]::Escape($Reason))
    }
}
