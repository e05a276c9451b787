# The CI workflows for the public host (.github/workflows) parse as YAML, build every runtime
# the package can hold, and only call build.ps1 tasks that exist: what they do can be run here.

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $script:RepoRoot 'tools' 'NativeRuntimes.ps1')
    $yamlDll = Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget' 'packages' 'yamldotnet' '18.1.0' 'lib' 'net8.0' 'YamlDotNet.dll'
    if (-not (Test-Path $yamlDll)) { throw "$yamlDll is missing: build.ps1 restores tests/tools/TestTools.csproj before the tests." }
    Add-Type -Path $yamlDll

    function Read-Workflow([string] $Name) {
        $text = Get-Content (Join-Path $script:RepoRoot '.github' 'workflows' $Name) -Raw
        # Plain dictionaries and lists, as YamlDotNet reads any YAML document.
        $deserializer = [YamlDotNet.Serialization.DeserializerBuilder]::new().Build()
        $deserializer.Deserialize([IO.StringReader]::new($text))
    }

    function Get-Step($Workflow) {
        foreach ($job in $Workflow['jobs'].Values) { if ($job.ContainsKey('steps')) { $job['steps'] } }
    }

    $script:Tasks = (Get-Command (Join-Path $script:RepoRoot 'build.ps1')).Parameters['Task'].Attributes |
        Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | ForEach-Object ValidValues
    $script:Ci = Read-Workflow 'ci.yml'
    $script:Release = Read-Workflow 'release.yml'
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
}
