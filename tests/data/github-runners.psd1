# What the workflows in .github/workflows run on, as far as it could be known from here: the runner
# labels GitHub offers, the ones it has retired, and the Rust each Alpine release packages. None of it
# can be run on this machine, so tests/Workflows.Tests.ps1 reads this table instead: it refuses a label
# that is not in Runners (or is in Retired), and an Alpine image whose rust package is older than the
# workspace's rust-version (Cargo.toml) or than the highest rust-version among the locked dependencies.
#
# Checked on 2026-11-28, from stored copies of public pages (no live request to GitHub or Alpine could
# be made from this machine): the actions/runner-images README, issues and releases, GitHub's
# "GitHub-hosted runners" reference (docs.github.com), GitHub's changelog as quoted in those issues, and
# the package pages of pkgs.alpinelinux.org. Each entry names its source. When a job needs a label that
# is not here, check GitHub's current list (https://github.com/actions/runner-images#available-images)
# and add it with the date and the source; when GitHub retires one, move it to Retired.
#
# Only GitHub's standard runners are listed: the larger-runner labels (-large, -xlarge) need a paid
# plan, so the workflow test refuses them as well. The arm64 labels (ubuntu-*-arm, windows-11-arm) are
# free for public repositories (GA 2025-08-07); whether a private repository may use them was not
# confirmed.
@{
    CheckedOn = '2026-11-28'

    Runners = @(
        @{ Label = 'ubuntu-latest'; Image = 'Ubuntu 24.04'; Arch = 'x64'
            Source = 'docs.github.com/en/actions/reference/runners/github-hosted-runners (public repositories: ubuntu-latest, ubuntu-24.04, ubuntu-22.04); actions/runner-images README' }
        @{ Label = 'ubuntu-24.04'; Image = 'Ubuntu 24.04'; Arch = 'x64'
            Source = 'docs.github.com/en/actions/reference/runners/github-hosted-runners; actions/runner-images README' }
        @{ Label = 'ubuntu-22.04'; Image = 'Ubuntu 22.04'; Arch = 'x64'; RetiresOn = '2027-04-17'
            Source = 'actions/runner-images#14254: deprecated from 2026-09-17, fully unsupported by 2027-04-17' }
        @{ Label = 'ubuntu-24.04-arm'; Image = 'Ubuntu 24.04 Arm64'; Arch = 'arm64'
            Source = 'GitHub changelog 2025-08-07 (arm64 hosted runners for public repositories GA); runner-images release ubuntu24-arm64/20260906.116' }
        @{ Label = 'ubuntu-22.04-arm'; Image = 'Ubuntu 22.04 Arm64'; Arch = 'arm64'; RetiresOn = '2027-04-17'
            Source = 'actions/runner-images README (ubuntu-22.04-arm, PR #14434 of 2026-07-21); retirement with ubuntu-22.04, actions/runner-images#14254' }
        @{ Label = 'ubuntu-26.04'; Image = 'Ubuntu 26.04 (public preview)'; Arch = 'x64'
            Source = 'actions/runner-images README (raw, main); release notes of 2026-06..09: "Ubuntu 26.04 and Ubuntu 26.04 Arm is now available as a public preview"' }
        @{ Label = 'ubuntu-26.04-arm'; Image = 'Ubuntu 26.04 Arm64 (public preview)'; Arch = 'arm64'
            Source = 'actions/runner-images releases ubuntu26-arm64/20260615.32 .. 20260804.82 (public preview)' }
        @{ Label = 'ubuntu-slim'; Image = 'Ubuntu Slim (1 vCPU container)'; Arch = 'x64'
            Source = 'actions/runner-images README (ubuntu-slim); docs.github.com github-hosted-runners (single-CPU runners)' }
        @{ Label = 'windows-latest'; Image = 'Windows Server 2025'; Arch = 'x64'
            Source = 'docs.github.com/en/actions/reference/runners/github-hosted-runners (windows-latest, windows-2025, windows-2022); actions/runner-images README ("windows-latest or windows-2025")' }
        @{ Label = 'windows-2025'; Image = 'Windows Server 2025'; Arch = 'x64'
            Source = 'docs.github.com/en/actions/reference/runners/github-hosted-runners; actions/runner-images README' }
        @{ Label = 'windows-2022'; Image = 'Windows Server 2022'; Arch = 'x64'
            Source = 'docs.github.com/en/actions/reference/runners/github-hosted-runners; actions/runner-images README' }
        @{ Label = 'windows-2025-vs2026'; Image = 'Windows Server 2025 with Visual Studio 2026'; Arch = 'x64'
            Source = 'actions/runner-images README (listed under Available Images; whether preview or GA was not confirmed)' }
        @{ Label = 'windows-11-arm'; Image = 'Windows 11 Arm64'; Arch = 'arm64'
            Source = 'GitHub changelog 2025-04-14 (public preview) and 2025-08-07 (GA for public repositories); runner-images release win11-arm64/20260809.134' }
        @{ Label = 'macos-latest'; Image = 'macOS 26 Arm64'; Arch = 'arm64'
            Source = 'actions/runner-images#14167: macos-latest moves to macos-26, rolled out 2026-06-15 .. 07-15 (that the move is complete was not confirmed)' }
        @{ Label = 'macos-26'; Image = 'macOS 26 Arm64'; Arch = 'arm64'
            Source = 'actions/runner-images#13739: macOS 26 GA on 2026-02-26 (macos-26, macos-26-intel)' }
        @{ Label = 'macos-26-intel'; Image = 'macOS 26'; Arch = 'x64'
            Source = 'actions/runner-images#13739 (GA 2026-02-26); the README lists "macos-26-intel, macos-26-large". That no later Intel image will follow (macOS 26 being the last macOS for Intel Macs) is said in issues such as actions/runner-images#13027, not confirmed from Apple or GitHub' }
        @{ Label = 'macos-15'; Image = 'macOS 15 Arm64'; Arch = 'arm64'
            Source = 'actions/runner-images README ("macos-latest, macos-15, or macos-15-xlarge", before the move of macos-latest); docs.github.com github-hosted-runners' }
        @{ Label = 'macos-15-intel'; Image = 'macOS 15'; Arch = 'x64'; Until = 'August 2027 (announced without a day)'
            Source = 'actions/runner-images#13045 and #13046; GitHub changelog 2025-09-19 "macOS 13 runner image is closing down": the x86_64 label for standard runners, available until August 2027' }
    )

    Retired = @(
        @{ Label = 'macos-13'; RetiredOn = '2025-12-04'; Source = 'actions/runner-images#13046; GitHub changelog 2025-09-19 "macOS 13 runner image is closing down"' }
        @{ Label = 'macos-13-large'; RetiredOn = '2025-12-04'; Source = 'actions/runner-images#13046' }
        @{ Label = 'macos-13-xlarge'; RetiredOn = '2025-12-04'; Source = 'actions/runner-images#13046' }
        @{ Label = 'macos-14'; RetiredOn = '2026-11-02'; Source = 'actions/runner-images#13518: macOS 14 and macOS 14 arm64 deprecated from 2026-07-06, fully unsupported by 2026-11-02' }
        @{ Label = 'macos-14-large'; RetiredOn = '2026-11-02'; Source = 'actions/runner-images#13518' }
        @{ Label = 'macos-14-xlarge'; RetiredOn = '2026-11-02'; Source = 'actions/runner-images#13518' }
        @{ Label = 'windows-2019'; RetiredOn = '2025-06-30'; Source = 'actions/runner-images#12045' }
        @{ Label = 'ubuntu-20.04'; RetiredOn = '2025-04-15'; Source = 'actions/runner-images#11101' }
    )

    # The rust package of each Alpine release (branch vX.Y, repository main). The pages found were for
    # other architectures than x86_64 (noted per entry); every architecture of a branch is built from the
    # same APKBUILD, so x86_64 carries the same upstream version: an inference, not checked for x86_64.
    Alpine = @(
        @{ Release = '3.19'; Rust = '1.76.0'; Source = 'pkgs.alpinelinux.org/package/v3.19/main/s390x/rust: 1.76.0-r0' }
        @{ Release = '3.20'; Rust = '1.78.0'; Source = 'pkgs.alpinelinux.org/package/v3.20/main/s390x/rust and .../ppc64le/rust: 1.78.0-r0; Alpine 3.20.0 release notes: "Rust 1.78"' }
        @{ Release = '3.21'; Rust = '1.83.0'; Source = 'pkgs.alpinelinux.org/package/v3.21/main/s390x/rust-src (built from the rust APKBUILD): 1.83.0-r0' }
        @{ Release = '3.22'; Rust = '1.87.0'; Source = 'pkgs.alpinelinux.org/package/v3.22/main/s390x/rust-src: 1.87.0-r0; Alpine 3.22.0 release (2025-05-30): "Rust 1.87"' }
        @{ Release = '3.23'; Rust = '1.91.1'; Source = 'pkgs.alpinelinux.org/package/v3.23/main/ppc64le/rust: 1.91.1-r0 (riscv64 1.91.1-r1, loongarch64 1.91.1-r2)' }
        @{ Release = '3.24'; Rust = '1.96.0'; Source = 'pkgs.alpinelinux.org/package/v3.24/main/s390x/rust: 1.96.0-r0; Alpine 3.24.0 release (2026-06): "Rust 1.96"' }
    )
}
