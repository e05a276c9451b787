//! One emulator, one settings folder and a few connected runspaces per test process.

use std::sync::atomic::{AtomicU64, Ordering};

use graph_emulator::{spawn, EmulatorConfig, RunningEmulator};
use once_cell::sync::OnceCell;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::host::{host, PowerShellHost};
use crate::ps_value::PsValue;
use crate::HostError;

/// One error record as the harness reported it.
#[derive(Debug, Clone, Deserialize)]
pub struct ErrorRecord {
    pub id: String,
    pub category: String,
    pub message: String,
    pub target: String,
    pub terminating: bool,
}

/// Everything one command wrote.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    pub output: Vec<Value>,
    pub errors: Vec<ErrorRecord>,
    pub warnings: Vec<String>,
    pub verbose: Vec<String>,
    pub debug: Vec<String>,
    pub information: Vec<String>,
    pub stopped: bool,
    pub elapsed_ms: f64,
}

impl Outcome {
    /// Every stream's text, for secret checks.
    pub fn all_text(&self) -> String {
        let mut text = serde_json::to_string(&self.output).unwrap_or_default();
        for e in &self.errors {
            text.push_str(&e.message);
            text.push_str(&e.target);
        }
        for s in self
            .warnings
            .iter()
            .chain(&self.verbose)
            .chain(&self.debug)
            .chain(&self.information)
        {
            text.push_str(s);
        }
        text
    }
}

pub struct Workbench {
    host: &'static PowerShellHost,
    pub emulator: RunningEmulator,
    pub token: String,
    pub runspaces: usize,
}

static WORKBENCH: OnceCell<Workbench> = OnceCell::new();

/// The process's workbench with `runspaces` connected runspaces (the first caller decides).
pub fn workbench(runspaces: usize) -> &'static Workbench {
    WORKBENCH
        .get_or_try_init(|| Workbench::start(runspaces))
        .unwrap_or_else(|e| panic!("{e}"))
}

impl Workbench {
    fn start(runspaces: usize) -> Result<Self, HostError> {
        let host = host()?;
        static NONCE: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let token = format!(
            "fuzz-token-{}-{nanos:x}-{}",
            std::process::id(),
            NONCE.fetch_add(1, Ordering::Relaxed)
        );
        let emulator = spawn(EmulatorConfig {
            token: token.clone(),
            ..EmulatorConfig::default()
        })
        .map_err(|e| HostError::Emulator(e.to_string()))?;
        let settings =
            std::env::temp_dir().join(format!("graph-host-tests-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&settings);
        let modules = &host.modules;
        for i in 0..runspaces {
            host.call(&json!({
                "op": "open",
                "runspace": i,
                "environment": {
                    "GRAPHRS_SETTINGS_DIRECTORY": settings.to_string_lossy(),
                    // A fixed UTC+3 zone without summer time, so the oracle can convert local times.
                    "TZ": "Etc/GMT-3",
                    "PSModulePath": modules.to_string_lossy(),
                },
                "modules": [
                    modules.join("Microsoft.Graph.Authentication/Microsoft.Graph.Authentication.psd1"),
                    modules.join("Microsoft.Graph.CloudCommunications/Microsoft.Graph.CloudCommunications.psd1"),
                ],
            }))?;
        }
        let bench = Workbench {
            host,
            emulator,
            token,
            runspaces,
        };
        let url = PsValue::text(bench.emulator.base_url());
        bench.expect_clean(bench.run(
            0,
            "Add-MgEnvironment",
            &[
                ("Name", PsValue::text("Fuzz")),
                ("GraphEndpoint", url.clone()),
                ("AzureADEndpoint", url),
            ],
            0,
        )?)?;
        bench.connect()?;
        Ok(bench)
    }

    /// Connects the process's session to the emulator with its token.
    pub fn connect(&self) -> Result<(), HostError> {
        self.expect_clean(self.run(
            0,
            "Connect-MgGraph",
            &[
                ("Environment", PsValue::text("Fuzz")),
                ("AccessToken", PsValue::Secure(self.token.clone())),
                ("NoWelcome", PsValue::Bool(true)),
            ],
            0,
        )?)
    }

    fn expect_clean(&self, outcome: Outcome) -> Result<(), HostError> {
        match outcome.errors.first() {
            None => Ok(()),
            Some(e) => Err(HostError::Harness(format!("{}: {}", e.id, e.message))),
        }
    }

    /// Runs `command` with `parameters` in runspace `runspace`; `stop_after_ms` > 0 stops it (Ctrl+C) after that long.
    pub fn run<S: AsRef<str>>(
        &self,
        runspace: usize,
        command: &str,
        parameters: &[(S, PsValue)],
        stop_after_ms: u64,
    ) -> Result<Outcome, HostError> {
        let parameters: Vec<Value> = parameters
            .iter()
            .map(|(name, value)| {
                let typed = match value {
                    // A switch is given as one: -NoWelcome, not -NoWelcome:$true through a bool.
                    PsValue::Bool(b) if name.as_ref() == "NoWelcome" => {
                        json!({"t": "switch", "v": b})
                    }
                    v => v.typed(),
                };
                json!([name.as_ref(), typed])
            })
            .collect();
        let answer = self.host.call(&json!({
            "op": "run",
            "runspace": runspace,
            "command": command,
            "parameters": parameters,
            "stopAfterMs": stop_after_ms,
        }))?;
        serde_json::from_value(answer).map_err(|e| HostError::Harness(e.to_string()))
    }

    /// Native calls still live in the modules' library.
    pub fn live_native_calls(&self) -> Result<usize, HostError> {
        self.host.live_native_calls()
    }

    /// The harness process's working set and managed heap, after a full collection.
    pub fn memory(&self) -> Result<(u64, u64), HostError> {
        let m = self.host.call(&json!({"op": "memory"}))?;
        Ok((
            m["workingSet"].as_u64().unwrap_or_default(),
            m["managed"].as_u64().unwrap_or_default(),
        ))
    }
}
