//! Starts .NET in this process and reaches the C# harness (tests/host-harness).
//!
//! How .NET is found: hostfxr is loaded with `Hostfxr::load_from_path` from the
//! installed runtime (`$DOTNET_ROOT`, else the folder of the `dotnet` on PATH,
//! then `host/fxr/<highest>/libhostfxr.so`). We do not use the `nethost` feature:
//! its build script downloads `libnethost` from nuget.org, and the installed
//! runtime is what PowerShell itself runs on anyway.
//!
//! How PowerShell is found: the harness is an app built against
//! `Microsoft.PowerShell.SDK` 7.6.9 (restored from NuGet by `build.ps1`), so
//! `initialize_for_dotnet_command_line` puts PowerShell's assemblies on the
//! app's own load path (its `.deps.json`), exactly as `pwsh` hosts itself, and
//! binary modules load into the default context with one copy of
//! System.Management.Automation. The runtime is started once per process.
//!
//! This crate is a foreign-function crate like graph-ffi: the only unsafe code
//! is here, where a managed function pointer hands back a buffer.

use std::path::{Path, PathBuf};

use netcorehost::hostfxr::Hostfxr;
use netcorehost::pdcstring::PdCString;
use once_cell::sync::OnceCell;
use serde_json::Value;

use crate::HostError;

type InvokeFn = extern "system" fn(*const u8, i32, *mut *mut u8, *mut i32) -> i32;
type FreeFn = extern "system" fn(*mut u8);

/// The harness's two entry points, valid for the life of the process.
pub struct PowerShellHost {
    invoke: InvokeFn,
    free: FreeFn,
    /// The staged modules (`out/modules`).
    pub modules: PathBuf,
    /// The native library the modules load; opening it again shares its state (`mg_live_calls`).
    native: PathBuf,
}

static HOST: OnceCell<PowerShellHost> = OnceCell::new();

/// The process's one host, started on first use.
pub fn host() -> Result<&'static PowerShellHost, HostError> {
    HOST.get_or_try_init(PowerShellHost::start)
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn from_env_or(name: &str, default: PathBuf) -> PathBuf {
    std::env::var_os(name).map(PathBuf::from).unwrap_or(default)
}

/// `$DOTNET_ROOT`, else the folder the `dotnet` on PATH really lives in.
fn dotnet_root() -> Result<PathBuf, HostError> {
    if let Some(root) = std::env::var_os("DOTNET_ROOT").filter(|r| !r.is_empty()) {
        return Ok(PathBuf::from(root));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join("dotnet"))
        .find(|candidate| candidate.is_file())
        .and_then(|exe| std::fs::canonicalize(exe).ok())
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
        .ok_or(HostError::NoDotnet)
}

/// `host/fxr/<highest version>/libhostfxr.so` under the .NET root.
fn hostfxr_path(root: &Path) -> Result<PathBuf, HostError> {
    let fxr = root.join("host").join("fxr");
    let mut versions: Vec<(Vec<u64>, PathBuf)> = std::fs::read_dir(&fxr)
        .map_err(|_| HostError::NoHostfxr(fxr.clone()))?
        .filter_map(Result::ok)
        .map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let key = name
                .split(['.', '-'])
                .map(|part| part.parse().unwrap_or(0))
                .collect();
            (key, entry.path())
        })
        .collect();
    versions.sort();
    let lib = if cfg!(windows) {
        "hostfxr.dll"
    } else if cfg!(target_os = "macos") {
        "libhostfxr.dylib"
    } else {
        "libhostfxr.so"
    };
    versions
        .pop()
        .map(|(_, dir)| dir.join(lib))
        .filter(|p| p.is_file())
        .ok_or(HostError::NoHostfxr(fxr))
}

impl PowerShellHost {
    fn start() -> Result<Self, HostError> {
        let root = workspace_root();
        let harness = from_env_or(
            "GRAPH_HOST_HARNESS",
            root.join("out/host-harness/GraphHostHarness.dll"),
        );
        let modules = from_env_or("GRAPH_TEST_MODULES", root.join("out/modules"));
        if !harness.is_file() {
            return Err(HostError::NoHarness(harness));
        }
        if !modules
            .join("Microsoft.Graph.Authentication/Microsoft.Graph.Authentication.psd1")
            .is_file()
        {
            return Err(HostError::NoModules(modules));
        }
        let fxr_path = hostfxr_path(&dotnet_root()?)?;
        let hostfxr = Hostfxr::load_from_path(&fxr_path)
            .map_err(|e| HostError::Load(format!("{}: {e}", fxr_path.display())))?;
        let app = PdCString::from_os_str(harness.as_os_str())
            .map_err(|e| HostError::Load(e.to_string()))?;
        let context = hostfxr
            .initialize_for_dotnet_command_line(&app)
            .map_err(|e| HostError::Load(format!("{}: {e}", harness.display())))?;
        let loader = context
            .get_delegate_loader()
            .map_err(|e| HostError::Load(e.to_string()))?;
        let type_name = PdCString::from_os_str("GraphHostHarness.HarnessEntry, GraphHostHarness")
            .map_err(|e| HostError::Load(e.to_string()))?;
        let function =
            |name: &str| PdCString::from_os_str(name).map_err(|e| HostError::Load(e.to_string()));
        let invoke = *loader
            .get_function_with_unmanaged_callers_only::<fn(*const u8, i32, *mut *mut u8, *mut i32) -> i32>(
                &type_name,
                &function("Invoke")?,
            )
            .map_err(|e| HostError::Load(e.to_string()))?;
        let free = *loader
            .get_function_with_unmanaged_callers_only::<fn(*mut u8)>(&type_name, &function("Free")?)
            .map_err(|e| HostError::Load(e.to_string()))?;
        // The runtime lives as long as the process; so must the context that started it.
        std::mem::forget(context);
        let native = std::fs::read_dir(modules.join("Microsoft.Graph.Authentication/runtimes"))
            .ok()
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .map(|rid| {
                rid.path()
                    .join("native")
                    .join(libloading::library_filename("graph_ffi"))
            })
            .find(|p| p.is_file())
            .ok_or_else(|| HostError::NoModules(modules.clone()))?;
        Ok(PowerShellHost {
            invoke,
            free,
            modules,
            native,
        })
    }

    /// Native calls whose handle or work still exists, in the library the modules loaded
    /// (the same file opened again is the same instance, statics included).
    pub fn live_native_calls(&self) -> Result<usize, HostError> {
        // SAFETY: our own library, already loaded by the module, whose initializers are trivial.
        let lib = unsafe { libloading::Library::new(&self.native) }
            .map_err(|e| HostError::Load(format!("{}: {e}", self.native.display())))?;
        // SAFETY: mg_live_calls takes nothing and returns a count.
        let live = unsafe { lib.get::<extern "C" fn() -> usize>(b"mg_live_calls") }
            .map_err(|e| HostError::Load(e.to_string()))?;
        Ok(live())
    }

    /// Sends one request to the harness and returns its answer.
    pub fn call(&self, request: &Value) -> Result<Value, HostError> {
        let bytes = serde_json::to_vec(request).map_err(|e| HostError::Harness(e.to_string()))?;
        let len = i32::try_from(bytes.len())
            .map_err(|_| HostError::Harness("request over 2 GiB".into()))?;
        let mut answer: *mut u8 = std::ptr::null_mut();
        let mut answer_len: i32 = 0;
        (self.invoke)(bytes.as_ptr(), len, &mut answer, &mut answer_len);
        if answer.is_null() {
            return Err(HostError::Harness("the harness returned no answer".into()));
        }
        let copied = {
            // SAFETY: the harness allocated `answer_len` bytes at `answer` (Marshal.AllocHGlobal)
            // and does not touch them again until we hand them back to Free below.
            let view = unsafe { std::slice::from_raw_parts(answer, answer_len.max(0) as usize) };
            view.to_vec()
        };
        (self.free)(answer);
        let value: Value =
            serde_json::from_slice(&copied).map_err(|e| HostError::Harness(e.to_string()))?;
        if let Some(error) = value.get("harnessError") {
            return Err(HostError::Harness(
                error.as_str().unwrap_or_default().to_string(),
            ));
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_runtime_is_named_in_the_error() {
        let missing = std::env::temp_dir().join("graph-host-tests-no-dotnet-here");
        let error = hostfxr_path(&missing).unwrap_err().to_string();
        assert!(error.contains("no hostfxr under"), "{error}");
        assert!(error.contains("graph-host-tests-no-dotnet-here"), "{error}");
    }
}
