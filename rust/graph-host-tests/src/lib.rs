//! Drives the real cmdlets in this process: .NET started through netcorehost,
//! PowerShell runspaces in the C# harness (tests/host-harness), the emulator on
//! loopback, generated inputs (proptest) and an independent oracle.

pub mod call_body_case;
pub mod call_body_oracle;
pub mod call_body_schema;
pub mod call_body_values;
pub mod campaign;
pub mod checks;
pub mod headers;
pub mod host;
pub mod invite_case;
pub mod oracle;
pub mod ps_value;
pub mod request_case;
pub mod strategies;
pub mod workbench;

/// Why the host could not run a command.
#[derive(Debug, thiserror::Error)]
pub enum HostError {
    #[error("no .NET found: set DOTNET_ROOT or put dotnet on PATH")]
    NoDotnet,
    #[error("no hostfxr under {0}: is the .NET runtime installed there?")]
    NoHostfxr(std::path::PathBuf),
    #[error(
        "the C# harness is not built at {0}: run `pwsh ./build.ps1` (or set GRAPH_HOST_HARNESS)"
    )]
    NoHarness(std::path::PathBuf),
    #[error(
        "the modules are not staged in {0}: run `pwsh ./build.ps1` (or set GRAPH_TEST_MODULES)"
    )]
    NoModules(std::path::PathBuf),
    #[error("could not start .NET: {0}")]
    Load(String),
    #[error("the harness failed: {0}")]
    Harness(String),
    #[error("the emulator did not start: {0}")]
    Emulator(String),
}
