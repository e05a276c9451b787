# The generated code is exactly what the generator makes of spec/graph: it runs again into an empty
# folder and every file must match the committed one (a reviewer reads exactly what runs).

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Out = Join-Path ([IO.Path]::GetTempPath()) ("graph-generated-" + [Guid]::NewGuid().ToString('N'))
    $project = Join-Path $script:RepoRoot 'tools' 'generator' 'CommandGenerator.csproj'
    $script:Log = & dotnet run --project $project -c Release -- --root $script:RepoRoot --out $script:Out 2>&1
    $script:ExitCode = $LASTEXITCODE
    $script:Generated = @(Get-ChildItem $script:Out -Recurse -File | ForEach-Object { [IO.Path]::GetRelativePath($script:Out, $_.FullName) -replace '\\', '/' })
}

AfterAll {
    Remove-Item $script:Out -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Regenerating from Graph''s metadata' {
    It 'runs' {
        $script:ExitCode | Should -Be 0 -Because ($script:Log -join "`n")
        $script:Generated.Count | Should -BeGreaterThan 90
    }

    It 'writes every committed generated file unchanged' {
        $different = foreach ($file in $script:Generated) {
            $committed = Join-Path $script:RepoRoot $file
            if (-not (Test-Path $committed)) { "$file (not committed)"; continue }
            if ((Get-FileHash $committed).Hash -ne (Get-FileHash (Join-Path $script:Out $file)).Hash) { $file }
        }
        $different | Should -BeNullOrEmpty -Because 'generated files are never edited by hand: run pwsh ./build.ps1 -Task Generate'
    }

    It 'leaves no stale generated file behind' {
        foreach ($folder in 'dotnet-shim/Microsoft.Graph.CloudCommunications/Generated', 'module/Microsoft.Graph.CloudCommunications/Generated', 'rust/graph-core/src/generated', 'tests/generated') {
            foreach ($file in Get-ChildItem (Join-Path $script:RepoRoot $folder) -Recurse -File) {
                ([IO.Path]::GetRelativePath($script:RepoRoot, $file.FullName) -replace '\\', '/') | Should -BeIn $script:Generated
            }
        }
    }

    It 'names every command with an approved verb' {
        $approved = (Get-Verb).Verb
        foreach ($name in Get-Content (Join-Path $script:RepoRoot 'module' 'Microsoft.Graph.CloudCommunications' 'Generated' 'Commands.txt')) {
            if ($name) { ($name -split '-')[0] | Should -BeIn $approved }
        }
    }
}
