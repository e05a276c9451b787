# Turns platyPS-style cmdlet markdown (the format of the seed help) into MAML,
# so that Get-Help -Full shows the synopsis, description, parameters, examples and notes.

function Split-MarkdownSections([string[]] $Lines, [string] $Prefix) {
    # Returns an ordered map of heading text -> lines under it, for headings starting with $Prefix.
    $sections = [ordered]@{}
    $current = $null
    foreach ($line in $Lines) {
        if ($line.StartsWith($Prefix) -and -not $line.StartsWith($Prefix + '#')) {
            $current = $line.Substring($Prefix.Length).Trim()
            $sections[$current] = [Collections.Generic.List[string]]::new()
        } elseif ($null -ne $current) {
            $sections[$current].Add($line)
        }
    }
    $sections
}

function Get-Paragraphs([string[]] $Lines) {
    # Blank-line separated paragraphs, with code fences removed.
    $text = ($Lines | Where-Object { $_ -notmatch '^```' }) -join "`n"
    @($text -split "\n\s*\n" | ForEach-Object { $_.Trim() } | Where-Object { $_ })
}

function Read-CommandMarkdown([string] $Path) {
    $lines = @(Get-Content $Path)
    $online = $null
    if ($lines[0] -eq '---') {
        $end = [Array]::IndexOf($lines, '---', 1)
        foreach ($l in $lines[1..($end - 1)]) {
            if ($l -match '^online version:\s*(\S+)') { $online = $Matches[1] }
        }
        $lines = $lines[($end + 1)..($lines.Count - 1)]
    }
    $name = ($lines | Where-Object { $_ -match '^# ' } | Select-Object -First 1).Substring(2).Trim()
    $sections = Split-MarkdownSections $lines '## '

    $sets = @((Split-MarkdownSections $sections['SYNTAX'] '### ').Keys | ForEach-Object { ($_ -replace '\(Default\)', '').Trim() })

    $parameters = foreach ($entry in (Split-MarkdownSections $sections['PARAMETERS'] '### ').GetEnumerator()) {
        if (-not $entry.Key.StartsWith('-')) { continue }
        $body = @($entry.Value)
        $yamlStart = [Array]::IndexOf($body, '```yaml')
        $meta = @{}
        if ($yamlStart -ge 0) {
            foreach ($l in $body[($yamlStart + 1)..($body.Count - 1)]) {
                if ($l -eq '```') { break }
                if ($l -match '^([^:]+):\s*(.*)$') { $meta[$Matches[1].Trim()] = $Matches[2].Trim() }
            }
            $body = if ($yamlStart -gt 0) { $body[0..($yamlStart - 1)] } else { @() }
        }
        $paramSets = if (-not $meta['Parameter Sets'] -or $meta['Parameter Sets'] -eq '(All)') { $sets } else { @($meta['Parameter Sets'] -split ',\s*') }
        [pscustomobject]@{
            Name        = $entry.Key.Substring(1)
            Description = @(Get-Paragraphs $body)
            Type        = $meta['Type']
            Sets        = $paramSets
            Aliases     = if ($meta['Aliases']) { $meta['Aliases'] } else { 'none' }
            Required    = $meta['Required'] -eq 'True'
            Position    = if ($meta['Position'] -and $meta['Position'] -ne 'Named') { $meta['Position'] } else { 'named' }
            Default     = if ($meta['Default value']) { $meta['Default value'] } else { 'None' }
            Pipeline    = if ($meta['Accept pipeline input']) { $meta['Accept pipeline input'] } else { 'False' }
            Globbing    = $meta['Accept wildcard characters'] -eq 'True'
        }
    }

    $examples = foreach ($entry in (Split-MarkdownSections $sections['EXAMPLES'] '### ').GetEnumerator()) {
        $code = (@($entry.Value | Where-Object { $_ -notmatch '^```' }) -join "`n").Trim()
        [pscustomobject]@{ Title = $entry.Key; Code = $code }
    }
    $types = {
        param($section)
        if ($section) { @((Split-MarkdownSections $section '### ').Keys) } else { @() }
    }
    $links = @()
    if ($online) { $links += [pscustomobject]@{ Text = 'Online Version:'; Uri = $online } }
    foreach ($l in @($sections['RELATED LINKS'])) {
        if ($l -match '^\[([^\]]+)\]\(([^)]+)\)') { $links += [pscustomobject]@{ Text = $Matches[1]; Uri = $Matches[2] } }
    }
    [pscustomobject]@{
        Name        = $name
        Synopsis    = @(Get-Paragraphs $sections['SYNOPSIS'])
        Description = @(Get-Paragraphs $sections['DESCRIPTION'])
        Sets        = $sets
        Parameters  = @($parameters)
        Examples    = @($examples)
        Inputs      = & $types $sections['INPUTS']
        Outputs     = & $types $sections['OUTPUTS']
        Notes       = if ($sections['NOTES']) { (@($sections['NOTES']) -join "`n").Trim() } else { '' }
        Links       = $links
    }
}

function Get-SeedParamsScript {
    # The `$params = @{ ... }` assignment of one of the seed help's examples, verbatim,
    # so that the demo and the benchmarks send exactly what the help shows.
    param([Parameter(Mandatory)] [string] $MarkdownPath, [int] $Example = 1)
    $code = (Read-CommandMarkdown $MarkdownPath).Examples[$Example - 1].Code
    $start = $code.IndexOf('$params')
    $end = $code.IndexOf('Invoke-MgInviteCommunicationCallParticipant', $start)
    $code.Substring($start, $end - $start).Trim()
}

function ConvertTo-MamlHelp {
    param(
        [Parameter(Mandatory)] [string[]] $MarkdownPath,
        [Parameter(Mandatory)] [string] $OutputPath
    )
    $maml = 'http://schemas.microsoft.com/maml/2004/10'
    $cmd = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    $dev = 'http://schemas.microsoft.com/maml/dev/2004/10'
    $settings = [Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [Text.UTF8Encoding]::new($false) }
    $w = [Xml.XmlWriter]::Create($OutputPath, $settings)
    $paras = {
        param([string[]] $Paragraphs)
        if (-not $Paragraphs) { $w.WriteElementString('para', $maml, ''); return }
        foreach ($p in $Paragraphs) { $w.WriteElementString('para', $maml, $p) }
    }
    $writeParameter = {
        param($p, [bool] $InSyntax)
        $w.WriteStartElement('command', 'parameter', $cmd)
        $w.WriteAttributeString('required', $p.Required.ToString().ToLowerInvariant())
        $w.WriteAttributeString('variableLength', 'true')
        $w.WriteAttributeString('globbing', $p.Globbing.ToString().ToLowerInvariant())
        $w.WriteAttributeString('pipelineInput', $p.Pipeline)
        $w.WriteAttributeString('position', $p.Position)
        $w.WriteAttributeString('aliases', $p.Aliases)
        $w.WriteElementString('name', $maml, $p.Name)
        $w.WriteStartElement('description', $maml); & $paras $p.Description; $w.WriteEndElement()
        $isSwitch = $p.Type -eq 'System.Management.Automation.SwitchParameter'
        if (-not $isSwitch) {
            $w.WriteStartElement('command', 'parameterValue', $cmd)
            $w.WriteAttributeString('required', 'true')
            $w.WriteAttributeString('variableLength', 'false')
            $w.WriteString($p.Type)
            $w.WriteEndElement()
        }
        $w.WriteStartElement('dev', 'type', $dev); $w.WriteElementString('name', $maml, $p.Type); $w.WriteElementString('uri', $maml, ''); $w.WriteEndElement()
        $w.WriteElementString('dev', 'defaultValue', $dev, $(if ($isSwitch -and $p.Default -eq 'None') { 'False' } else { $p.Default }))
        $w.WriteEndElement()
    }

    $w.WriteStartDocument()
    $w.WriteStartElement('helpItems', 'http://msh')
    $w.WriteAttributeString('schema', 'maml')
    foreach ($path in $MarkdownPath) {
        $c = Read-CommandMarkdown $path
        $verb, $noun = $c.Name -split '-', 2
        $w.WriteStartElement('command', 'command', $cmd)
        $w.WriteAttributeString('xmlns', 'maml', $null, $maml)
        $w.WriteAttributeString('xmlns', 'dev', $null, $dev)
        $w.WriteStartElement('command', 'details', $cmd)
        $w.WriteElementString('command', 'name', $cmd, $c.Name)
        $w.WriteElementString('command', 'verb', $cmd, $verb)
        $w.WriteElementString('command', 'noun', $cmd, $noun)
        $w.WriteStartElement('description', $maml); & $paras $c.Synopsis; $w.WriteEndElement()
        $w.WriteEndElement()
        $w.WriteStartElement('description', $maml); & $paras $c.Description; $w.WriteEndElement()

        $w.WriteStartElement('command', 'syntax', $cmd)
        foreach ($set in $c.Sets) {
            $w.WriteStartElement('command', 'syntaxItem', $cmd)
            $w.WriteElementString('name', $maml, $c.Name)
            foreach ($p in $c.Parameters | Where-Object { $_.Sets -contains $set }) { & $writeParameter $p $true }
            $w.WriteEndElement()
        }
        $w.WriteEndElement()

        $w.WriteStartElement('command', 'parameters', $cmd)
        foreach ($p in $c.Parameters) { & $writeParameter $p $false }
        $w.WriteEndElement()

        foreach ($kind in @(@('inputTypes', 'inputType', $c.Inputs), @('returnValues', 'returnValue', $c.Outputs))) {
            $w.WriteStartElement('command', $kind[0], $cmd)
            foreach ($t in $kind[2]) {
                $w.WriteStartElement('command', $kind[1], $cmd)
                $w.WriteStartElement('dev', 'type', $dev); $w.WriteElementString('name', $maml, $t); $w.WriteEndElement()
                $w.WriteStartElement('description', $maml); & $paras @(); $w.WriteEndElement()
                $w.WriteEndElement()
            }
            $w.WriteEndElement()
        }

        $w.WriteStartElement('alertSet', $maml)
        $w.WriteStartElement('alert', $maml); & $paras @($c.Notes -split "\n\s*\n" | ForEach-Object { $_.Trim() } | Where-Object { $_ }); $w.WriteEndElement()
        $w.WriteEndElement()

        $w.WriteStartElement('command', 'examples', $cmd)
        foreach ($e in $c.Examples) {
            $w.WriteStartElement('command', 'example', $cmd)
            $w.WriteElementString('title', $maml, $e.Title)
            $w.WriteElementString('dev', 'code', $dev, $e.Code)
            $w.WriteStartElement('dev', 'remarks', $dev); & $paras @(); $w.WriteEndElement()
            $w.WriteEndElement()
        }
        $w.WriteEndElement()

        $w.WriteStartElement('command', 'relatedLinks', $cmd)
        foreach ($l in $c.Links) {
            $w.WriteStartElement('navigationLink', $maml)
            $w.WriteElementString('linkText', $maml, $l.Text)
            $w.WriteElementString('uri', $maml, $l.Uri)
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()
    $w.WriteEndDocument()
    $w.Dispose()
}
