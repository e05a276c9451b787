//! The operations the shim can start, each from a JSON request:
//! `{"op": "...", "verbose": bool, "debug": bool, "args": {...}}`.
//!
//! A started operation runs on the shared runtime and reports through its
//! event channel; cancelling it drops its future at the next await.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, TryRecvError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use once_cell::sync::Lazy;

use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

use crate::args::text;
use crate::auth::{self, INVITE_ROLE};
use crate::body::{normalize_invite_body, ExpandedBody, Problem};
use crate::dispatch::{send_with_retries, Answer, Bearer, Prepared};
use crate::error::CoreError;
use crate::events::{Event, Events};
use crate::graph_request;
use crate::http;
use crate::model::INVITE_PARTICIPANTS_OPERATION;
use crate::output::{shape, TYPE_NAMES_KEY};
use crate::request::{
    check_call_id, check_headers, check_url_length, invite_url, INVITE_OWNED_HEADERS,
};
use crate::retry;
use crate::session::{self, ConnectOptions};

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
                http::configure_network(network_settings(network));
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

fn network_settings(network: &Value) -> http::NetworkSettings {
    http::NetworkSettings {
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

fn with_type_names(value: impl serde::Serialize, type_name: &str) -> Value {
    let mut value = serde_json::to_value(value).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        map.insert(TYPE_NAMES_KEY.into(), json!([type_name]));
    }
    value
}

const CONTEXT_TYPE: &str = "Microsoft.Graph.PowerShell.Authentication.AuthContext";
const REQUEST_CONTEXT_TYPE: &str = "Microsoft.Graph.PowerShell.Authentication.RequestContext";
const ENVIRONMENT_TYPE: &str = "Microsoft.Graph.PowerShell.Authentication.GraphEnvironment";

async fn run(op: &str, mut args: Value, events: &Events) -> Result<(), CoreError> {
    match op {
        "invite" => invite(args, events).await,
        "connect" => {
            let credential = auth::credential_from_args(&mut args)?;
            let options = ConnectOptions {
                environment: text(&args, "environment"),
                credential_type: text(&args, "credentialType"),
                client_timeout: args
                    .get("clientTimeout")
                    .and_then(Value::as_f64)
                    .filter(|s| *s > 0.0)
                    .map(Duration::from_secs_f64),
                certificate_thumbprint: text(&args, "thumbprint"),
                certificate_subject_name: text(&args, "subjectName"),
                context_scope: text(&args, "contextScope"),
            };
            let context = session::connect(credential, options, events).await?;
            events.verbose(format!(
                "Connected to environment '{}' ({}).",
                context.environment, context.token_credential_type
            ));
            events.result(with_type_names(context, CONTEXT_TYPE), None);
            Ok(())
        }
        "disconnect" => {
            match session::disconnect() {
                Some(context) => events.result(with_type_names(context, CONTEXT_TYPE), None),
                None => {
                    return Err(CoreError::InvalidArgument(
                        "No application to sign out from.".into(),
                    ))
                }
            }
            Ok(())
        }
        "getContext" => {
            if let Some(context) = session::context() {
                events.result(with_type_names(context, CONTEXT_TYPE), None);
            }
            Ok(())
        }
        "getEnvironments" => {
            let name = text(&args, "name");
            for environment in session::environments(name.as_deref())? {
                events.result(with_type_names(environment, ENVIRONMENT_TYPE), None);
            }
            Ok(())
        }
        "addEnvironment" | "setEnvironment" => {
            let environment = session::set_environment(
                &text(&args, "name").unwrap_or_default(),
                text(&args, "graphEndpoint").as_deref(),
                text(&args, "azureADEndpoint").as_deref(),
            )?;
            events.result(with_type_names(environment, ENVIRONMENT_TYPE), None);
            Ok(())
        }
        "removeEnvironment" => {
            let environment =
                session::remove_environment(&text(&args, "name").unwrap_or_default())?;
            events.result(with_type_names(environment, ENVIRONMENT_TYPE), None);
            Ok(())
        }
        "request" => graph_request::run(args, events).await,
        "getRequestContext" => {
            events.result(
                with_type_names(retry::current().view(), REQUEST_CONTEXT_TYPE),
                None,
            );
            Ok(())
        }
        "setRequestContext" => {
            let number = |name: &str| args.get(name).and_then(Value::as_f64);
            let context = retry::update(
                number("maxRetry").map(|n| n as u32),
                number("retryDelay").map(|n| n as u64),
                number("retriesTimeLimit").map(|n| n as u64),
                number("clientTimeout"),
            )?;
            events.verbose(format!("Request context: {:?}", context.view()));
            events.result(with_type_names(context.view(), REQUEST_CONTEXT_TYPE), None);
            Ok(())
        }
        // Test aids: shrink retry waits; make host names fail to resolve without a DNS query.
        "testHooks" => {
            if let Some(scale) = args.get("timeScale").and_then(Value::as_f64) {
                retry::set_time_scale(scale);
            }
            if let Some(hosts) = args.get("unresolvableHosts").and_then(Value::as_array) {
                http::set_unresolvable_hosts(
                    hosts.iter().filter_map(Value::as_str).map(str::to_string),
                );
            }
            Ok(())
        }
        other => Err(CoreError::UnknownOperation(other.to_string())),
    }
}

async fn invite(mut args: Value, events: &Events) -> Result<(), CoreError> {
    let call_id = check_call_id(args.get("callId").and_then(Value::as_str))?.to_string();
    let mut take = |name: &str| args.get_mut(name).map(Value::take);
    let body = if take("expanded").and_then(|v| v.as_bool()).unwrap_or(false) {
        ExpandedBody {
            participants: take("participants"),
            client_context: take("clientContext"),
            additional_properties: take("additionalProperties"),
        }
        .into_body()
        .map_err(CoreError::InvalidBody)?
    } else {
        take("body").filter(|b| !b.is_null()).ok_or_else(|| {
            CoreError::InvalidBody(vec![Problem {
                path: String::new(),
                message: "BodyParameter is null: give the invite body as a hashtable".into(),
            }])
        })?
    };
    let headers = check_headers(args.get("headers"), INVITE_OWNED_HEADERS)?;
    let normalized = normalize_invite_body(&body).map_err(CoreError::InvalidBody)?;
    let validated_before = args
        .get("validated")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if !validated_before {
        for warning in &normalized.warnings {
            events.warning(warning.clone());
        }
    }
    if args
        .get("validateOnly")
        .and_then(Value::as_bool)
        .unwrap_or(false)
    {
        events.result(json!({ "body": normalized.body }), None);
        return Ok(());
    }

    let connection = session::connection()?;
    if connection.context.auth_type == "Delegated" {
        return Err(delegated_invite_refused());
    }
    if connection.lacks_invite_role {
        return Err(missing_invite_role(&connection.context.scopes));
    }
    let url = invite_url(&connection.auth.environment.graph_endpoint, &call_id);
    check_url_length("CallId", &url).map_err(CoreError::InvalidArgument)?;
    let prepared = Prepared {
        method: reqwest::Method::POST,
        url,
        body: Some(serde_json::to_vec(&normalized.body).map_err(|e| {
            CoreError::InvalidArgument(format!("the body could not be serialized: {e}"))
        })?),
        content_type: Some("application/json".into()),
        accept: Some("application/json".into()),
        user_agent: None,
        headers,
    };
    let context = retry::current();
    let answer = send_with_retries(
        &Bearer::Session(&connection.auth),
        &context,
        &prepared,
        false,
        events,
    )
    .await?;
    let Answer::Read(exchange) = answer else {
        unreachable!("a call that does not stream reads every answer")
    };
    if !(200..300).contains(&exchange.status) {
        return Err(CoreError::Graph(Box::new(http::graph_error(&exchange))));
    }
    let headers_json = exchange.headers_json();
    if exchange.body.iter().all(u8::is_ascii_whitespace) {
        events.result(Value::Null, Some(headers_json));
        return Ok(());
    }
    let value: Value = serde_json::from_slice(&exchange.body).map_err(|e| {
        CoreError::InvalidResponse(format!(
            "Graph answered {} but its body is not valid JSON ({e}).",
            exchange.status
        ))
    })?;
    events.result(
        shape(&INVITE_PARTICIPANTS_OPERATION, &value),
        Some(headers_json),
    );
    Ok(())
}

/// Graph grants the invite to applications only; a user's sign-in cannot carry it.
fn delegated_invite_refused() -> CoreError {
    CoreError::Authentication {
        error_id: "DelegatedPermissionNotSupported".into(),
        message: format!(
            "Inviting participants needs the application permission {INVITE_ROLE}; Graph has no delegated permission for it, so a user's sign-in (Connect-MgGraph -Scopes) cannot invite. Nothing was sent. Connect app-only instead: Connect-MgGraph -ClientSecretCredential <PSCredential> -TenantId <tenant>, -CertificateThumbprint, -Identity, -EnvironmentVariable, or -AccessToken with an app-only token."
        ),
        category: "PermissionDenied",
    }
}

/// The invite needs an application permission the connected token does not carry.
fn missing_invite_role(roles: &[String]) -> CoreError {
    CoreError::Authentication {
        error_id: "MissingApplicationPermission".into(),
        message: format!(
            "The token has no application permission {INVITE_ROLE} (it has: {}). Inviting participants needs it: add it to the app registration as an application permission and grant admin consent. Nothing was sent.",
            if roles.is_empty() { "none".to_string() } else { roles.join(", ") }
        ),
        category: "PermissionDenied",
    }
}
