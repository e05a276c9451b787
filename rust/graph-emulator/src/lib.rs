//! A local emulator of the parts of Microsoft Graph the module talks to.
//!
//! It is written from Graph's documentation, not from `graph-core`, so that a
//! mistake in our client model cannot hide in its own test server. It listens
//! on loopback only, records every request it receives, and lets tests script
//! the next answers for a call id through its control endpoint (`/_emulator`).

mod calls;
mod delegated;
mod follow;
mod identity;
mod tls;

pub use delegated::{SignInScript, GRAPH_POWERSHELL_CLIENT_ID};
pub use follow::follow;
pub use identity::{AppRegistration, ManagedIdentity, INVITE_ROLE};

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::serve::ListenerExt;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

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
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            token: "emulator-token".to_string(),
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            tls_dir: None,
        }
    }
}

/// One request as it reached the emulator. The bearer token itself is never
/// recorded: only its scheme and whether it was the accepted one.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RecordedRequest {
    /// "invite", "token" or "managedIdentity".
    pub kind: String,
    /// "HTTP/1.1" or "HTTP/2.0".
    #[serde(default)]
    pub http_version: String,
    pub method: String,
    /// The path exactly as sent, still percent-encoded.
    pub raw_path: String,
    /// The call id after percent-decoding, when the path names one.
    pub call_id: Option<String>,
    /// Header names in lower case; `authorization` is left out.
    pub headers: HashMap<String, String>,
    pub auth_scheme: Option<String>,
    pub token_accepted: bool,
    /// The body parsed as JSON (form fields for token requests, secrets masked), or `null`.
    pub body: Value,
    pub body_text: String,
}

/// A scripted answer for the next request on a call id.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ScriptedAnswer {
    pub status: u16,
    #[serde(default)]
    pub headers: HashMap<String, String>,
    /// A JSON body; when absent, errors get a Graph-shaped error body.
    #[serde(default)]
    pub body: Option<Value>,
    /// A raw body, sent as it is (for HTML pages and broken JSON).
    #[serde(default)]
    pub body_text: Option<String>,
    /// Wait this long before answering.
    #[serde(default)]
    pub delay_ms: u64,
    /// A transport fault instead of a clean answer: "drop" (the connection ends
    /// before any answer), "reset" (it ends after part of the body), "truncate"
    /// (the body is shorter than its Content-Length), "oversized" (a 17 MiB body).
    #[serde(default)]
    pub fault: Option<String>,
}

#[derive(Default)]
struct Shared {
    requests: Vec<RecordedRequest>,
    scripts: HashMap<String, VecDeque<ScriptedAnswer>>,
    missing_calls: HashSet<String>,
    calls: HashMap<String, calls::CallState>,
    identity: identity::Identity,
}

struct AppState {
    token: String,
    base_url: String,
    shared: Mutex<Shared>,
}

impl AppState {
    fn lock(&self) -> MutexGuard<'_, Shared> {
        // A poisoned lock only means a handler panicked; the data is still usable.
        self.shared.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The Authorization header's scheme, and what the emulator thinks of its
    /// bearer token (`None` when there is no bearer token).
    fn bearer_verdict(
        &self,
        headers: &HeaderMap,
    ) -> (Option<String>, Option<identity::TokenVerdict>) {
        let header = headers.get("authorization").and_then(|v| v.to_str().ok());
        let Some(header) = header else {
            return (None, None);
        };
        match header.split_once(' ') {
            Some(("Bearer", token)) if token == self.token => {
                (Some("Bearer".into()), Some(identity::TokenVerdict::Valid))
            }
            Some(("Bearer", token)) => (
                Some("Bearer".into()),
                Some(self.lock().identity.verdict(token)),
            ),
            Some((scheme, _)) => (
                Some(scheme.to_string()),
                Some(identity::TokenVerdict::Unknown),
            ),
            None => (
                Some(header.to_string()),
                Some(identity::TokenVerdict::Unknown),
            ),
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

    /// Forgets every recorded request, script, call and missing-call mark (apps and tokens
    /// stay), so that a long run in one process holds only what its current batch needs.
    pub fn reset(&self) {
        let mut shared = self.state.lock();
        shared.requests = Vec::new();
        shared.scripts = HashMap::new();
        shared.calls = HashMap::new();
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
        shared: Mutex::new(Shared::default()),
    });
    let app = router(state.clone());
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

fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route(
            "/{version}/communications/calls/{call_id}/participants/{action}",
            post(invite)
                .get(calls::get_participant)
                .delete(calls::delete_participant),
        )
        .route(
            "/{version}/communications/calls/{call_id}",
            get(calls::get_call),
        )
        .route(
            "/{version}/communications/calls/{call_id}/participants",
            get(calls::list_participants),
        )
        .route(
            "/{version}/communications/calls/{call_id}/participants/{participant_id}/{action}",
            post(calls::mute_participant),
        )
        .route("/{version}/reports/{report}", get(calls::report))
        .route("/_emulator/calls", post(calls::create_call))
        .route("/{tenant}/oauth2/v2.0/{endpoint}", post(identity_post))
        .route("/{tenant}/oauth2/v2.0/authorize", get(authorize))
        .route("/devicelogin", get(device_login_page))
        .route("/{version}/me", get(calls::me))
        .route("/_emulator/signin", post(script_signin))
        .route("/msi/token", get(managed_identity_app_service))
        .route(
            "/metadata/identity/oauth2/token",
            get(managed_identity_imds),
        )
        .route("/_emulator/apps", post(register_app))
        .route("/_emulator/managed-identity", post(set_managed_identity))
        .route("/_emulator/tokens/expire", post(expire_tokens))
        .route("/_emulator/tokens", get(issued_tokens))
        .route("/_emulator/requests", get(list_requests))
        .route("/_emulator/requests", delete(clear_requests))
        .route("/_emulator/calls/{call_id}/script", post(script_call))
        .route(
            "/_emulator/calls/{call_id}/missing",
            post(mark_call_missing),
        )
        .fallback(calls::other)
        .with_state(state)
}

const MASKED_FIELDS: &[&str] = &[
    "client_secret",
    "client_assertion",
    "refresh_token",
    "code",
    "code_verifier",
    "device_code",
];

/// Headers as the record keeps them: lower-case names, and never a credential.
fn recorded_headers(headers: &HeaderMap) -> HashMap<String, String> {
    headers
        .iter()
        .filter(|(name, _)| !matches!(name.as_str(), "authorization" | "x-identity-header"))
        .map(|(name, value)| {
            (
                name.as_str().to_string(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect()
}

fn record(
    state: &AppState,
    kind: &str,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: Value,
    body_text: String,
) {
    let headers = recorded_headers(headers);
    state.lock().requests.push(RecordedRequest {
        kind: kind.into(),
        http_version: String::new(),
        method: method.to_string(),
        raw_path: uri.path().to_string(),
        call_id: None,
        headers,
        auth_scheme: None,
        token_accepted: false,
        body,
        body_text,
    });
}

/// Records an identity request with its secrets masked, and returns its form.
fn record_form(
    state: &AppState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> HashMap<String, String> {
    let form: HashMap<String, String> = serde_urlencoded::from_bytes(body).unwrap_or_default();
    let masked: Vec<(&str, &str)> = form
        .iter()
        .map(|(k, v)| {
            let shown = if MASKED_FIELDS.contains(&k.as_str()) {
                "***"
            } else {
                v.as_str()
            };
            (k.as_str(), shown)
        })
        .collect();
    let masked_text = serde_urlencoded::to_string(&masked).unwrap_or_default();
    let masked_json = masked
        .iter()
        .map(|(k, v)| (k.to_string(), Value::String(v.to_string())))
        .collect();
    record(
        state,
        "token",
        method,
        uri,
        headers,
        Value::Object(masked_json),
        masked_text,
    );
    form
}

/// `POST /{tenant}/oauth2/v2.0/token` and `/devicecode`.
async fn identity_post(
    State(state): State<Arc<AppState>>,
    Path((tenant, endpoint)): Path<(String, String)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = record_form(&state, &method, &uri, &headers, &body);
    let mut shared = state.lock();
    match endpoint.as_str() {
        // The audience a client assertion must name: this endpoint's own URL.
        "token" => shared.identity.token_endpoint(
            &tenant,
            &format!("{}{}", state.base_url, uri.path()),
            &form,
        ),
        "devicecode" => shared
            .identity
            .device_code_endpoint(&tenant, &state.base_url, &form),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn authorize(
    State(state): State<Arc<AppState>>,
    Path(tenant): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let mut shown = query.clone();
    shown.remove("state");
    let text = serde_urlencoded::to_string(&shown).unwrap_or_default();
    record(
        &state,
        "authorize",
        &method,
        &uri,
        &headers,
        json!(shown),
        text,
    );
    let response = state.lock().identity.authorize_endpoint(&tenant, &query);
    response
}

async fn device_login_page() -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8")],
        "<html><body>Enter the code (the emulator's user signs in as scripted at /_emulator/signin).</body></html>",
    )
        .into_response()
}

async fn script_signin(
    State(state): State<Arc<AppState>>,
    Json(script): Json<SignInScript>,
) -> StatusCode {
    state.lock().identity.delegated.push_script(script);
    StatusCode::NO_CONTENT
}

async fn managed_identity_app_service(
    State(state): State<Arc<AppState>>,
    Query(query): Query<HashMap<String, String>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    managed_identity(&state, &query, &method, &uri, &headers, false)
}

async fn managed_identity_imds(
    State(state): State<Arc<AppState>>,
    Query(query): Query<HashMap<String, String>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    managed_identity(&state, &query, &method, &uri, &headers, true)
}

/// Both managed-identity styles: App Service checks `X-IDENTITY-HEADER`, IMDS `Metadata: true`.
fn managed_identity(
    state: &AppState,
    query: &HashMap<String, String>,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    imds: bool,
) -> Response {
    record(
        state,
        "managedIdentity",
        method,
        uri,
        headers,
        json!(query),
        String::new(),
    );
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if imds && header("metadata") != Some("true") {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "invalid_request", "error_description": "Required metadata header not specified"})),
        )
            .into_response();
    }
    let secret = if imds {
        None
    } else {
        header("x-identity-header")
    };
    let response = state.lock().identity.managed_identity(query, secret, imds);
    response
}

async fn register_app(
    State(state): State<Arc<AppState>>,
    Json(app): Json<AppRegistration>,
) -> Response {
    match state.lock().identity.register(app) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => (StatusCode::BAD_REQUEST, e).into_response(),
    }
}

async fn set_managed_identity(
    State(state): State<Arc<AppState>>,
    Json(managed): Json<ManagedIdentity>,
) -> StatusCode {
    state.lock().identity.set_managed(managed);
    StatusCode::NO_CONTENT
}

async fn issued_tokens(State(state): State<Arc<AppState>>) -> Json<Vec<String>> {
    Json(state.lock().identity.issued())
}

async fn expire_tokens(State(state): State<Arc<AppState>>) -> StatusCode {
    state.lock().identity.expire_all();
    StatusCode::NO_CONTENT
}

async fn list_requests(State(state): State<Arc<AppState>>) -> Json<Vec<RecordedRequest>> {
    Json(state.lock().requests.clone())
}

async fn clear_requests(State(state): State<Arc<AppState>>) -> StatusCode {
    state.lock().requests.clear();
    StatusCode::NO_CONTENT
}

async fn script_call(
    State(state): State<Arc<AppState>>,
    Path(call_id): Path<String>,
    Json(answers): Json<Vec<ScriptedAnswer>>,
) -> StatusCode {
    state
        .lock()
        .scripts
        .entry(call_id)
        .or_default()
        .extend(answers);
    StatusCode::NO_CONTENT
}

async fn mark_call_missing(
    State(state): State<Arc<AppState>>,
    Path(call_id): Path<String>,
) -> StatusCode {
    state.lock().missing_calls.insert(call_id);
    StatusCode::NO_CONTENT
}

/// A Graph-shaped error response.
fn graph_error(
    status: StatusCode,
    code: &str,
    message: &str,
    client_request_id: Option<&str>,
) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    let date = httpdate::fmt_http_date(std::time::SystemTime::now());
    let body = json!({
        "error": {
            "code": code,
            "message": message,
            "innerError": {
                "date": now_iso8601(),
                "request-id": request_id,
                "client-request-id": client_request_id.unwrap_or(""),
            }
        }
    });
    let mut response = (status, Json(body)).into_response();
    let headers = response.headers_mut();
    insert_header(headers, "request-id", &request_id);
    insert_header(headers, "date", &date);
    if let Some(id) = client_request_id {
        insert_header(headers, "client-request-id", id);
    }
    response
}

fn insert_header(headers: &mut HeaderMap, name: &str, value: &str) {
    if let (Ok(n), Ok(v)) = (HeaderName::try_from(name), HeaderValue::from_str(value)) {
        headers.insert(n, v);
    }
}

fn now_iso8601() -> String {
    // RFC 3339 without pulling in a date crate: derived from the HTTP date's parts is awkward,
    // so compute from the Unix time directly.
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

async fn invite(
    State(state): State<Arc<AppState>>,
    Path((version, call_id, action)): Path<(String, String, String)>,
    http_version: axum::http::Version,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body_text = String::from_utf8_lossy(&body).into_owned();
    let parsed: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let (auth_scheme, verdict) = state.bearer_verdict(&headers);
    let verdict = verdict.unwrap_or(identity::TokenVerdict::Unknown);
    let token_accepted = matches!(verdict, identity::TokenVerdict::Valid);
    let client_request_id = headers
        .get("client-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    {
        let mut shared = state.lock();
        shared.requests.push(RecordedRequest {
            kind: "invite".into(),
            http_version: format!("{http_version:?}"),
            method: method.to_string(),
            raw_path: uri.path().to_string(),
            call_id: Some(call_id.clone()),
            headers: recorded_headers(&headers),
            auth_scheme: auth_scheme.clone(),
            token_accepted,
            body: parsed.clone(),
            body_text,
        });
    }
    let crid = client_request_id.as_deref();

    if version != "v1.0" && version != "beta" {
        return graph_error(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            &format!("Invalid version: {version}"),
            crid,
        );
    }
    if action != "invite" && action != "microsoft.graph.invite" {
        return graph_error(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            &format!("Resource not found for the segment '{action}'."),
            crid,
        );
    }
    if auth_scheme.is_none() {
        return graph_error(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            "Access token is empty.",
            crid,
        );
    }
    let refusal = match verdict {
        identity::TokenVerdict::Valid => None,
        identity::TokenVerdict::Unknown => Some((
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            "Access token validation failure. Invalid audience.",
        )),
        identity::TokenVerdict::Expired => Some((
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            "Access token has expired or is not yet valid.",
        )),
        identity::TokenVerdict::MissingRole => Some((
            StatusCode::FORBIDDEN,
            "Forbidden",
            "Application is not authorized to invite participants: it needs the application permission Calls.InitiateGroupCall.All.",
        )),
    };
    if let Some((status, code, message)) = refusal {
        return graph_error(status, code, message, crid);
    }
    // A scripted answer is for the next request the service would act on: one refused at the
    // door (an expired token, found by the soak) leaves it for the retry.
    let scripted = state
        .lock()
        .scripts
        .get_mut(&call_id)
        .and_then(VecDeque::pop_front);
    if let Some(answer) = scripted {
        return scripted_response(answer, crid).await;
    }
    if state.lock().missing_calls.contains(&call_id) {
        return graph_error(StatusCode::NOT_FOUND, "8502", "Call not found.", crid);
    }
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type
        .to_ascii_lowercase()
        .starts_with("application/json")
    {
        return graph_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UnsupportedMediaType",
            "The request's content type must be application/json.",
            crid,
        );
    }
    if let Err(problem) = check_invite_body(&parsed) {
        return graph_error(StatusCode::BAD_REQUEST, "BadRequest", &problem, crid);
    }

    let invited: Vec<Value> = parsed
        .get("participants")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(calls::participant_from_invitation)
                .collect()
        })
        .unwrap_or_default();
    state
        .lock()
        .calls
        .entry(call_id.clone())
        .or_default()
        .participants
        .extend(invited);
    let operation_id = uuid::Uuid::new_v4().to_string();
    let mut operation = Map::new();
    operation.insert(
        "@odata.type".into(),
        json!("#microsoft.graph.inviteParticipantsOperation"),
    );
    operation.insert("id".into(), json!(operation_id));
    operation.insert("status".into(), json!("running"));
    operation.insert(
        "clientContext".into(),
        parsed.get("clientContext").cloned().unwrap_or(Value::Null),
    );
    operation.insert("resultInfo".into(), Value::Null);
    operation.insert(
        "participants".into(),
        parsed.get("participants").cloned().unwrap_or(json!([])),
    );
    let mut response = (StatusCode::OK, Json(Value::Object(operation))).into_response();
    let out = response.headers_mut();
    insert_header(
        out,
        "location",
        &format!(
            "{}/{version}/communications/calls/{call_id}/operations/{operation_id}",
            state.base_url
        ),
    );
    calls::with_ids(response, crid)
}

/// A body that fails after `sent` bytes, so the connection ends mid-answer. The
/// pause lets the status line and the first bytes reach the client first.
fn failing_body(sent: Vec<u8>) -> axum::body::Body {
    let stream = futures_util::stream::unfold(Some(sent), |state| async move {
        match state {
            Some(sent) => Some((Ok(Bytes::from(sent)), None)),
            None => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                let error =
                    std::io::Error::new(std::io::ErrorKind::ConnectionReset, "scripted fault");
                Some((Err::<Bytes, _>(error), None))
            }
        }
    });
    axum::body::Body::from_stream(stream)
}

fn fault_response(fault: &str, status: StatusCode) -> Option<Response> {
    let json_head = br#"{"id":"op-1","status":"running","participants":[{"identity":"#.to_vec();
    let response = match fault {
        "drop" => {
            let chunks: Vec<Result<Bytes, std::io::Error>> = vec![Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "scripted drop",
            ))];
            (
                status,
                axum::body::Body::from_stream(futures_util::stream::iter(chunks)),
            )
                .into_response()
        }
        "reset" => (
            status,
            [("content-type", "application/json")],
            failing_body(json_head),
        )
            .into_response(),
        "truncate" => {
            let mut response = (
                status,
                [("content-type", "application/json")],
                failing_body(json_head),
            )
                .into_response();
            insert_header(response.headers_mut(), "content-length", "4096");
            response
        }
        "oversized" => {
            let chunk = Bytes::from(vec![b' '; 1024 * 1024]);
            let chunks = (0..17).map(move |_| Ok::<_, std::io::Error>(chunk.clone()));
            (
                status,
                [("content-type", "application/json")],
                axum::body::Body::from_stream(futures_util::stream::iter(chunks)),
            )
                .into_response()
        }
        _ => return None,
    };
    Some(response)
}

async fn scripted_response(answer: ScriptedAnswer, crid: Option<&str>) -> Response {
    if answer.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(answer.delay_ms)).await;
    }
    let fault_status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
    if let Some(response) = answer
        .fault
        .as_deref()
        .and_then(|f| fault_response(f, fault_status))
    {
        return response;
    }
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = if let Some(text) = answer.body_text {
        (status, text).into_response()
    } else if let Some(body) = answer.body {
        (status, Json(body)).into_response()
    } else if status.is_success() {
        (
            status,
            Json(json!({"id": uuid::Uuid::new_v4().to_string(), "status": "running"})),
        )
            .into_response()
    } else {
        graph_error(
            status,
            status.canonical_reason().unwrap_or("UnknownError"),
            "Scripted failure.",
            crid,
        )
    };
    for (name, value) in &answer.headers {
        insert_header(response.headers_mut(), &name.to_ascii_lowercase(), value);
    }
    response
}

/// What Graph refuses with 400: the shape of invitationParticipantInfo as documented.
fn check_invite_body(body: &Value) -> Result<(), String> {
    let object = body
        .as_object()
        .ok_or("Empty Payload. JSON content expected.")?;
    let participants = object
        .get("participants")
        .and_then(Value::as_array)
        .ok_or("The participants field is required.")?;
    if participants.is_empty() {
        return Err("The participants field must contain at least one participant.".into());
    }
    for (i, participant) in participants.iter().enumerate() {
        let p = participant.as_object().ok_or(format!(
            "participants[{i}] must be an invitationParticipantInfo object."
        ))?;
        let identity = p
            .get("identity")
            .and_then(Value::as_object)
            .ok_or(format!("participants[{i}].identity is required."))?;
        if identity.keys().all(|k| k.starts_with('@')) {
            return Err(format!(
                "participants[{i}].identity must name at least one identity."
            ));
        }
        for flag in ["hidden", "removeFromDefaultAudioRoutingGroup"] {
            if let Some(v) = p.get(flag) {
                if !v.is_boolean() && !v.is_null() {
                    return Err(format!("participants[{i}].{flag} must be a boolean."));
                }
            }
        }
        for text in ["participantId", "replacesCallId"] {
            if let Some(v) = p.get(text) {
                if !v.is_string() && !v.is_null() {
                    return Err(format!("participants[{i}].{text} must be a string."));
                }
            }
        }
    }
    if let Some(ctx) = object.get("clientContext") {
        if !ctx.is_string() && !ctx.is_null() {
            return Err("clientContext must be a string.".into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_are_right() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(20_513), (2026, 3, 1));
    }

    #[test]
    fn refuses_non_loopback_bind() {
        let config = EmulatorConfig {
            bind: "0.0.0.0:0".parse().unwrap(),
            tls_dir: None,
            ..EmulatorConfig::default()
        };
        assert!(matches!(spawn(config), Err(EmulatorError::NotLoopback(_))));
    }

    #[test]
    fn body_checks_follow_graph() {
        assert!(
            check_invite_body(&json!({"participants": [{"identity": {"user": {"id": "x"}}}]}))
                .is_ok()
        );
        assert!(check_invite_body(&json!({"participants": []})).is_err());
        assert!(check_invite_body(&json!({"participants": [{"hidden": true}]})).is_err());
        assert!(check_invite_body(
            &json!({"participants": [{"identity": {"user": {}}, "hidden": "yes"}]})
        )
        .is_err());
    }
}
