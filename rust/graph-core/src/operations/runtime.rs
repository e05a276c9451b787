//! The runtime under the operations: one tokio runtime for the process, the
//! started call (its event channel, cancellation, and the count of live calls),
//! and reading the request's envelope.
//!
//! A started operation runs on the shared runtime and reports through its
//! event channel; cancelling it drops its future at the next await.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, TryRecvError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use once_cell::sync::Lazy;

use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::run;
use crate::args::text;
use crate::error::CoreError;
use crate::events::{Event, Events};
use crate::http::transport;
use crate::session;

/// One runtime for the process, started by the first operation, never by loading.
static RUNTIME: Lazy<tokio::runtime::Runtime> = Lazy::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("graph-core")
        .enable_all()
        .build()
        .expect("the tokio runtime could not start")
});

static LIVE_CALLS: AtomicUsize = AtomicUsize::new(0);

/// Calls whose handle or task still exists; tests check it returns to zero.
pub fn live_calls() -> usize {
    LIVE_CALLS.load(Ordering::SeqCst)
}

/// Counts a call while either its handle or its task holds it.
struct LiveCall;

impl LiveCall {
    fn new() -> Arc<Self> {
        LIVE_CALLS.fetch_add(1, Ordering::SeqCst);
        Arc::new(LiveCall)
    }
}

impl Drop for LiveCall {
    fn drop(&mut self) {
        LIVE_CALLS.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A started operation.
pub struct Call {
    pub events: Receiver<Event>,
    cancel: CancellationToken,
    _live: Arc<LiveCall>,
}

/// How long a reader looks for the next event (yielding the CPU between looks) before it
/// sleeps, when its call is the only one in flight: on loopback or a fast network the
/// answer comes within a few hundred microseconds, and waking a sleeping thread costs
/// tens of microseconds more on a virtual machine. With calls in parallel the CPU is
/// better left to them (looking cost throughput in the parallel benchmark), and every
/// longer wait sleeps as before.
const LOOK_BEFORE_SLEEP: Duration = Duration::from_micros(250);

impl Call {
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// The next event, waiting at most `timeout`.
    pub fn next_event(&self, timeout: Duration) -> Result<Event, RecvTimeoutError> {
        let started = Instant::now();
        let look = if live_calls() <= 1 {
            LOOK_BEFORE_SLEEP.min(timeout)
        } else {
            Duration::ZERO
        };
        loop {
            match self.events.try_recv() {
                Ok(event) => return Ok(event),
                Err(TryRecvError::Disconnected) => return Err(RecvTimeoutError::Disconnected),
                Err(TryRecvError::Empty) if started.elapsed() < look => std::thread::yield_now(),
                Err(TryRecvError::Empty) => break,
            }
        }
        self.events
            .recv_timeout(timeout.saturating_sub(started.elapsed()))
    }
}

impl Drop for Call {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// Parses the request now (so the caller may wipe its buffer when this
/// returns) and runs it in the background.
pub fn start(request: &[u8]) -> Call {
    let (tx, rx) = channel();
    let cancel = CancellationToken::new();
    let live = LiveCall::new();
    let parsed: Result<Value, _> = serde_json::from_slice(request);
    let (op, args, verbose, debug) = match parsed {
        Ok(Value::Object(mut map)) => {
            if let Some(network) = map.get("network") {
                transport::configure_network(network_settings(network));
            }
            if let Some(settings) = map.get("settingsFile") {
                session::configure_settings_file(
                    settings.as_str().filter(|s| !s.is_empty()).map(Into::into),
                );
            }
            (
                map.get("op")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                map.remove("args").unwrap_or(Value::Null),
                map.get("verbose").and_then(Value::as_bool).unwrap_or(false),
                map.get("debug").and_then(Value::as_bool).unwrap_or(false),
            )
        }
        _ => {
            let events = Events::new(tx, false, false);
            let error = CoreError::InvalidArgument("the request is not a JSON object".into());
            finish(&events, Err(error));
            return Call {
                events: rx,
                cancel,
                _live: live,
            };
        }
    };
    let events = Events::new(tx, verbose, debug);
    let token = cancel.clone();
    let task_live = live.clone();
    let mut work = Box::pin(async move {
        let outcome = tokio::select! {
            biased;
            _ = token.cancelled() => Err(CoreError::Cancelled),
            result = run(&op, args, &events) => result,
        };
        finish(&events, outcome);
        drop(task_live);
    });
    // Run the operation on the caller's thread until it first waits: operations that
    // never touch the network finish here, and the others start their request at once,
    // without a hop to a worker thread. Only what still waits goes to the runtime.
    let _context = RUNTIME.enter();
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    if work.as_mut().poll(&mut cx).is_pending() {
        RUNTIME.spawn(work);
    }
    Call {
        events: rx,
        cancel,
        _live: live,
    }
}

fn network_settings(network: &Value) -> transport::NetworkSettings {
    transport::NetworkSettings {
        https_proxy: text(network, "HTTPS_PROXY").or_else(|| text(network, "https_proxy")),
        http_proxy: text(network, "HTTP_PROXY").or_else(|| text(network, "http_proxy")),
        no_proxy: text(network, "NO_PROXY").or_else(|| text(network, "no_proxy")),
        ssl_cert_file: text(network, "SSL_CERT_FILE"),
    }
}

fn finish(events: &Events, outcome: Result<(), CoreError>) {
    let ok = outcome.is_ok();
    if let Err(error) = outcome {
        for record in error.records() {
            events.send(Event::Error { error: record });
        }
    }
    events.send(Event::Done { ok });
}
