//! A local emulator of the parts of Microsoft Graph the module talks to.
//!
//! It is written from Graph's documentation, not from `graph-core`, so that a
//! mistake in our client model cannot hide in its own test server. It listens
//! on loopback only, records every request it receives, and lets tests script
//! the next answers for a call id or a path through its control endpoint (`/_emulator`).
//!
//! Every path under `/communications/calls` is served by one store of JSON
//! entities (`store`, `query`), driven by a table of Graph's shapes
//! (`graph_shapes`) and its HTTP handler (`entities`); the invite keeps its own
//! handler (`invite`), and `calls` holds what is specific to calls.
//!
//! Other modules: `state` (what handlers share, the bearer check), `router` (the
//! routes and the identity platform's handlers), `control` (`/_emulator`),
//! `admission` (record, token check, scripts for Graph requests), `recording`
//! (the record of requests), `faults` (scripted answers), `graph_errors`
//! (Graph-shaped errors, dates), `extras` (`/me`, reports, unknown paths),
//! `identity`/`delegated`/`authorize` (the identity platform), `tls`, `follow`.

mod admission;
mod authorize;
mod calls;
mod control;
mod delegated;
mod entities;
mod expand;
mod extras;
mod faults;
mod follow;
mod graph_errors;
mod graph_shapes;
mod identity;
mod invite;
mod meetings;
mod presence;
mod query;
mod recording;
mod router;
mod state;
mod store;
mod streams;
mod tls;

pub use delegated::{SignInScript, GRAPH_POWERSHELL_CLIENT_ID};
pub use faults::ScriptedAnswer;
pub use follow::follow;
pub use identity::{AppRegistration, ManagedIdentity, INVITE_ROLE};
pub use recording::RecordedRequest;

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::serve::ListenerExt;

use state::{AppState, Shared};

/// Errors the emulator itself can meet while starting.
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    #[error("the emulator listens on loopback only; {0} is not a loopback address")]
    NotLoopback(String),
    #[error("could not start the emulator: {0}")]
    Io(#[from] std::io::Error),
}

/// How to start an emulator.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// The bearer token the invite endpoint accepts.
    pub token: String,
    /// The loopback address to bind; port 0 picks a free port.
    pub bind: SocketAddr,
    /// Serve HTTPS, writing the CA that signed the server certificate to `<dir>/ca.pem`.
    pub tls_dir: Option<std::path::PathBuf>,
    /// The most items a page of a collection holds before `@odata.nextLink` (Graph's
    /// server-driven paging); tests lower it (also `POST /_emulator/paging`).
    pub page_size: usize,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            token: "emulator-token".to_string(),
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            tls_dir: None,
            page_size: 100,
        }
    }
}

/// A running emulator on its own thread and runtime; stops when dropped.
pub struct RunningEmulator {
    base_url: String,
    ca_path: Option<std::path::PathBuf>,
    state: Arc<AppState>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl RunningEmulator {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The CA to trust, when serving HTTPS.
    pub fn ca_path(&self) -> Option<&std::path::Path> {
        self.ca_path.as_deref()
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state.lock().requests.clone()
    }

    pub fn clear_requests(&self) {
        self.state.lock().requests.clear();
    }

    /// Forgets every recorded request, script, call (and all under it) and missing-call
    /// mark (apps, tokens and the page size stay), so that a long run in one process holds
    /// only what its current batch needs.
    pub fn reset(&self) {
        let mut shared = self.state.lock();
        shared.requests = Vec::new();
        shared.scripts = HashMap::new();
        shared.path_scripts = Vec::new();
        shared.store = store::Store::default();
        shared.missing_calls = HashSet::new();
    }

    pub fn script(&self, call_id: &str, answers: Vec<ScriptedAnswer>) {
        self.state
            .lock()
            .scripts
            .entry(call_id.to_string())
            .or_default()
            .extend(answers);
    }

    /// Queues answers for the next requests whose version-less path starts with `path`
    /// (`/communications/calls`; a `*` segment matches any one; `/` matches every request).
    /// A call id's own script, when it has one, comes first.
    pub fn script_path(&self, path: &str, answers: Vec<ScriptedAnswer>) {
        faults::add_path_script(&mut self.state.lock(), path, answers);
    }

    /// The most items a page of a collection holds from now on (at least 1).
    pub fn set_page_size(&self, page_size: usize) {
        self.state.lock().page_size = page_size.max(1);
    }

    pub fn mark_missing(&self, call_id: &str) {
        self.state.lock().missing_calls.insert(call_id.to_string());
    }

    pub fn register_app(&self, app: AppRegistration) -> Result<(), String> {
        self.state.lock().identity.register(app)
    }

    /// Every access token issued so far (suites check none of them leaks).
    pub fn issued_tokens(&self) -> Vec<String> {
        self.state.lock().identity.issued()
    }

    /// What the user does at the next delegated sign-in.
    pub fn script_signin(&self, script: SignInScript) {
        self.state.lock().identity.delegated.push_script(script);
    }

    pub fn expire_tokens(&self) {
        self.state.lock().identity.expire_all();
    }

    pub fn set_managed_identity(&self, managed: ManagedIdentity) {
        self.state.lock().identity.set_managed(managed);
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Starts an emulator on a thread of its own, so that blocking tests (FFI
/// tests, for one) can use it as well as async ones.
pub fn spawn(config: EmulatorConfig) -> Result<RunningEmulator, EmulatorError> {
    if !config.bind.ip().is_loopback() {
        return Err(EmulatorError::NotLoopback(config.bind.ip().to_string()));
    }
    let std_listener = std::net::TcpListener::bind(config.bind)?;
    std_listener.set_nonblocking(true)?;
    let addr = std_listener.local_addr()?;
    let tls = config.tls_dir.as_deref().map(tls::setup).transpose()?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    let base_url = match addr {
        SocketAddr::V4(a) => format!("{scheme}://{}:{}", a.ip(), a.port()),
        SocketAddr::V6(a) => format!("{scheme}://[{}]:{}", a.ip(), a.port()),
    };
    let ca_path = tls.as_ref().map(|t| t.ca_path.clone());
    let state = Arc::new(AppState {
        token: config.token,
        base_url: base_url.clone(),
        shared: Mutex::new(Shared {
            page_size: config.page_size.max(1),
            ..Shared::default()
        }),
    });
    let app = router::router(state.clone());
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let (ready_tx, ready_rx) = std::sync::mpsc::channel::<std::io::Result<()>>();
    let thread = std::thread::Builder::new()
        .name("graph-emulator".into())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                    return;
                }
            };
            runtime.block_on(async move {
                let listener = match tokio::net::TcpListener::from_std(std_listener) {
                    Ok(l) => l,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                let _ = ready_tx.send(Ok(()));
                let stop = async {
                    let _ = stop_rx.await;
                };
                match tls {
                    Some(tls) => tls::serve(listener, tls.acceptor, app, stop).await,
                    None => {
                        // As Graph's front doors do: no Nagle stalls on small answers.
                        let listener = listener.tap_io(|tcp| {
                            let _ = tcp.set_nodelay(true);
                        });
                        let _ = axum::serve(listener, app)
                            .with_graceful_shutdown(stop)
                            .await;
                    }
                }
            });
            // Connections held open by scripted delays must not keep the thread alive.
            runtime.shutdown_timeout(Duration::from_millis(100));
        })?;
    ready_rx
        .recv()
        .map_err(|_| std::io::Error::other("emulator thread ended before it was ready"))??;
    Ok(RunningEmulator {
        base_url,
        ca_path,
        state,
        stop: Some(stop_tx),
        thread: Some(thread),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_non_loopback_bind() {
        let config = EmulatorConfig {
            bind: "0.0.0.0:0".parse().unwrap(),
            tls_dir: None,
            ..EmulatorConfig::default()
        };
        assert!(matches!(spawn(config), Err(EmulatorError::NotLoopback(_))));
    }
}
