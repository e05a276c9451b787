//! The one HTTP client of the process and the exchange with Graph: send,
//! read a bounded body, turn error answers into `GraphError`s.

use std::time::Duration;

use std::collections::HashSet;
use std::sync::RwLock;

use once_cell::sync::{Lazy, OnceCell};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value};

use crate::error::{CoreError, GraphError};
use crate::events::Events;

/// The largest body we read; beyond it the answer is refused, not buffered.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;
pub const USER_AGENT: &str = concat!(
    "Microsoft.Graph.CloudCommunications.Rust/",
    env!("CARGO_PKG_VERSION"),
    " (PowerShell; graph-core)"
);
const MAX_REDIRECTS: usize = 5;
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

static CLIENT: OnceCell<reqwest::Client> = OnceCell::new();
static NETWORK: OnceCell<NetworkSettings> = OnceCell::new();
/// Host names the resolver reports as unknown (a test hook: no DNS query is made for them).
static UNRESOLVABLE: Lazy<RwLock<HashSet<String>>> = Lazy::new(Default::default);

/// What the shim's environment says about the network. On Unix .NET keeps its
/// own copy of environment variables, so `$env:HTTPS_PROXY = ...` in a script is
/// seen here only because the shim passes it along.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct NetworkSettings {
    pub https_proxy: Option<String>,
    pub http_proxy: Option<String>,
    pub no_proxy: Option<String>,
    pub ssl_cert_file: Option<String>,
}

/// Records the settings for the client, which is built once, on first use.
pub fn configure_network(settings: NetworkSettings) {
    let _ = NETWORK.set(settings);
}

pub fn set_unresolvable_hosts(hosts: impl IntoIterator<Item = String>) {
    let mut set = UNRESOLVABLE.write().unwrap_or_else(|e| e.into_inner());
    set.clear();
    set.extend(hosts.into_iter().map(|h| h.to_ascii_lowercase()));
}

/// The system resolver, unless a test said a name does not resolve.
struct Resolver;

impl reqwest::dns::Resolve for Resolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_ascii_lowercase();
        let unknown = UNRESOLVABLE
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .contains(&host);
        Box::pin(async move {
            if unknown {
                return Err(Box::new(std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    format!("the name '{host}' does not resolve"),
                ))
                    as Box<dyn std::error::Error + Send + Sync>);
            }
            let addrs: Vec<std::net::SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

fn redirect_policy() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let downgrade = attempt
            .previous()
            .last()
            .is_some_and(|prev| prev.scheme() == "https" && attempt.url().scheme() == "http");
        if downgrade {
            attempt.error("refused a redirect from https to http")
        } else if attempt.previous().len() > MAX_REDIRECTS {
            attempt.error("more than 5 redirects")
        } else {
            attempt.follow()
        }
    })
}

/// The shared client: built on first use, reused by every call and runspace.
pub fn client() -> Result<&'static reqwest::Client, CoreError> {
    CLIENT.get_or_try_init(|| {
        // Another library in the process may have installed a provider first; either is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let settings = NETWORK.get().cloned().unwrap_or_default();
        let mut builder = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .gzip(true)
            .redirect(redirect_policy())
            .connect_timeout(CONNECT_TIMEOUT)
            .pool_idle_timeout(Duration::from_secs(90))
            .dns_resolver(Resolver);
        let no_proxy = settings
            .no_proxy
            .as_deref()
            .and_then(reqwest::NoProxy::from_string);
        for (url, https) in [(&settings.https_proxy, true), (&settings.http_proxy, false)] {
            if let Some(url) = url {
                let proxy = if https {
                    reqwest::Proxy::https(url)
                } else {
                    reqwest::Proxy::http(url)
                }
                .map_err(|e| {
                    CoreError::InvalidArgument(format!("the proxy '{url}' is not a valid URL: {e}"))
                })?;
                builder = builder.proxy(proxy.no_proxy(no_proxy.clone()));
            }
        }
        if let Some(path) = &settings.ssl_cert_file {
            let pem = std::fs::read(path).map_err(|e| {
                CoreError::InvalidArgument(format!("SSL_CERT_FILE '{path}' could not be read: {e}"))
            })?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                CoreError::InvalidArgument(format!(
                    "SSL_CERT_FILE '{path}' holds no PEM certificates: {e}"
                ))
            })?;
            builder = builder.tls_certs_merge(certs);
        }
        builder
            .build()
            .map_err(|e| CoreError::Transport(format!("could not create the HTTP client: {e}")))
    })
}

/// A response read in full (within the bound).
pub struct Exchange {
    /// How many retries came before this answer.
    pub retries: u32,
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Exchange {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Headers as a JSON object of name → list of values, for `-ResponseHeadersVariable`.
    pub fn headers_json(&self) -> Value {
        headers_json(&self.headers)
    }
}

/// Headers as a JSON object of name → list of values (repeated names keep every value).
pub fn headers_json(headers: &[(String, String)]) -> Value {
    let mut map: Map<String, Value> = Map::new();
    for (name, value) in headers {
        let entry = map
            .entry(name.clone())
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(list) = entry {
            list.push(Value::String(value.clone()));
        }
    }
    Value::Object(map)
}

/// One request to send: the method, the URL, the body and its headers. The
/// bearer token and the per-attempt headers are added by `send`.
pub struct Outgoing<'a> {
    pub method: reqwest::Method,
    pub url: &'a str,
    pub bearer: &'a SecretString,
    pub body: Option<&'a [u8]>,
    pub content_type: Option<&'a str>,
    pub accept: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub extra_headers: &'a [(String, String)],
    pub client_request_id: String,
    /// The retry this request is (1, 2, ...), sent as `Retry-Attempt`.
    pub retry_attempt: Option<u32>,
}

/// A failed exchange as an error that says what happened and where.
pub fn transport_error(e: &reqwest::Error, url: &str) -> CoreError {
    let cause = describe_transport(e);
    if e.is_connect() && e.is_timeout() {
        CoreError::Timeout(format!(
            "Could not connect to {url} within the connect timeout of {} s.",
            CONNECT_TIMEOUT.as_secs()
        ))
    } else if e.is_connect() {
        CoreError::Transport(format!("Could not connect to {url}: {cause}"))
    } else if e.is_redirect() {
        CoreError::Transport(format!(
            "The request to {url} was redirected badly: {cause}"
        ))
    } else {
        CoreError::Transport(format!("The request to {url} failed: {cause}"))
    }
}

pub fn describe_transport(e: &reqwest::Error) -> String {
    // reqwest's messages carry the URL; ours name the target separately, so keep only the cause chain.
    let mut text = String::new();
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(s) = source {
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&s.to_string());
        source = s.source();
    }
    if text.is_empty() {
        e.to_string()
    } else {
        text
    }
}

/// Sends the request and returns the answer with its body unread, so that the
/// caller chooses to hold it (bounded) or stream it to a file.
pub async fn send(request: Outgoing<'_>, events: &Events) -> Result<reqwest::Response, CoreError> {
    let client = client()?;
    let mut headers = HeaderMap::new();
    for (name, value) in request.extra_headers {
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
            CoreError::InvalidArgument(format!("Headers: '{name}' is not a valid header name."))
        })?;
        let value = HeaderValue::from_str(value).map_err(|_| {
            CoreError::InvalidArgument(format!(
                "Headers: the value of '{name}' is not valid header text."
            ))
        })?;
        headers.append(name, value);
    }
    if let Some(content_type) = request.content_type {
        let value = HeaderValue::from_str(content_type).map_err(|_| {
            CoreError::InvalidArgument(format!(
                "ContentType '{content_type}' is not valid header text."
            ))
        })?;
        headers.insert("content-type", value);
    }
    if let Some(accept) = request.accept {
        if let Ok(value) = HeaderValue::from_str(accept) {
            headers.insert("accept", value);
        }
    }
    if let Some(agent) = request.user_agent {
        let value = HeaderValue::from_str(agent).map_err(|_| {
            CoreError::InvalidArgument(format!("UserAgent '{agent}' is not valid header text."))
        })?;
        headers.insert("user-agent", value);
    }
    headers.insert(
        "client-request-id",
        HeaderValue::from_str(&request.client_request_id).expect("a UUID is a valid header value"),
    );
    if let Some(attempt) = request.retry_attempt {
        headers.insert("retry-attempt", HeaderValue::from(attempt));
    }
    let body = request.body.unwrap_or_default();
    if events.debug {
        events.debug(debug_request(
            request.method.as_str(),
            request.url,
            &headers,
            body,
        ));
    }
    let mut authorization =
        HeaderValue::from_str(&format!("Bearer {}", request.bearer.expose_secret())).map_err(
            |_| {
                CoreError::InvalidArgument(
                    "The access token contains characters a header cannot carry.".into(),
                )
            },
        )?;
    authorization.set_sensitive(true);
    headers.insert("authorization", authorization);

    let mut builder = client.request(request.method, request.url).headers(headers);
    if let Some(body) = request.body {
        builder = builder.body(body.to_vec());
    }
    builder
        .send()
        .await
        .map_err(|e| transport_error(&e, request.url))
}

/// The status and headers of an answer whose body is not read yet.
pub struct Head {
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
}

impl Head {
    pub fn of(response: &reqwest::Response) -> Self {
        let status = response.status();
        Head {
            status: status.as_u16(),
            reason: status.canonical_reason().unwrap_or("").to_string(),
            headers: response
                .headers()
                .iter()
                .map(|(n, v)| {
                    (
                        n.as_str().to_string(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect(),
        }
    }
}

/// Reads the whole answer (within `MAX_BODY_BYTES`).
pub async fn read_exchange(
    response: reqwest::Response,
    url: &str,
    events: &Events,
) -> Result<Exchange, CoreError> {
    let head = Head::of(&response);
    let body = read_bounded(response, url).await?;
    let exchange = Exchange {
        retries: 0,
        status: head.status,
        reason: head.reason,
        headers: head.headers,
        body,
    };
    if events.debug {
        events.debug(debug_response(&exchange));
    }
    Ok(exchange)
}

async fn read_bounded(mut response: reqwest::Response, url: &str) -> Result<Vec<u8>, CoreError> {
    if response
        .content_length()
        .is_some_and(|len| len > MAX_BODY_BYTES as u64)
    {
        return Err(CoreError::InvalidResponse(format!(
            "The response from {url} is larger than {} MiB; it was not read.",
            MAX_BODY_BYTES / (1024 * 1024)
        )));
    }
    let mut body = Vec::new();
    loop {
        let chunk = response.chunk().await.map_err(|e| {
            CoreError::Transport(format!(
                "The response from {url} broke off: {}",
                describe_transport(&e)
            ))
        })?;
        let Some(chunk) = chunk else { break };
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(CoreError::InvalidResponse(format!(
                "The response from {url} is larger than {} MiB; it was not read.",
                MAX_BODY_BYTES / (1024 * 1024)
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Whether a 401 says the token expired (then one refresh and one retry are worth it).
pub fn says_token_expired(exchange: &Exchange) -> bool {
    let in_header = exchange
        .header("www-authenticate")
        .is_some_and(|h| h.to_ascii_lowercase().contains("expired"));
    in_header
        || graph_error(exchange)
            .message
            .to_ascii_lowercase()
            .contains("expired")
}

/// A non-2xx answer as a Graph error: from its JSON error body when it has one.
pub fn graph_error(exchange: &Exchange) -> GraphError {
    let parsed: Option<Value> = serde_json::from_slice(&exchange.body).ok();
    let error = parsed.as_ref().and_then(|v| v.get("error"));
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
    let inner = error.and_then(|e| e.get("innerError").or_else(|| e.get("innererror")));
    let code = text(error.and_then(|e| e.get("code")))
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| exchange.reason.replace(' ', ""));
    let message = text(error.and_then(|e| e.get("message"))).unwrap_or_else(|| {
        let kind = exchange.header("content-type").unwrap_or("no content type");
        format!(
            "The service answered {} {} with a body that is not a Graph error ({kind}, {} bytes).",
            exchange.status,
            exchange.reason,
            exchange.body.len()
        )
    });
    GraphError {
        retries: exchange.retries,
        status: exchange.status,
        reason: exchange.reason.clone(),
        code,
        message,
        date: text(inner.and_then(|i| i.get("date")))
            .or_else(|| exchange.header("date").map(str::to_string)),
        request_id: text(inner.and_then(|i| i.get("request-id")))
            .or_else(|| exchange.header("request-id").map(str::to_string)),
        client_request_id: text(inner.and_then(|i| i.get("client-request-id")))
            .filter(|s| !s.is_empty())
            .or_else(|| exchange.header("client-request-id").map(str::to_string)),
        response_body: None,
        response_headers: None,
    }
}

/// Debug text shows at most this much of a body that is not JSON.
const DEBUG_BODY_LIMIT: usize = 32 * 1024;

fn body_text(body: &[u8]) -> String {
    match serde_json::from_slice::<Value>(body) {
        Ok(v) => serde_json::to_string_pretty(&v).unwrap_or_default(),
        Err(_) if body.len() > DEBUG_BODY_LIMIT => format!(
            "{}\n... ({} bytes in all)",
            String::from_utf8_lossy(&body[..DEBUG_BODY_LIMIT]),
            body.len()
        ),
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    }
}

fn header_lines<'a>(headers: impl Iterator<Item = (&'a str, String)>) -> String {
    headers
        .map(|(n, v)| format!("{n:<30}: {v}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Microsoft's `HTTP REQUEST` block; the Authorization header is never part of it.
fn debug_request(method: &str, url: &str, headers: &HeaderMap, body: &[u8]) -> String {
    let lines = header_lines(
        headers
            .iter()
            .filter(|(n, _)| n.as_str() != "authorization")
            .map(|(n, v)| {
                (
                    n.as_str(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            }),
    );
    format!(
        "============================ HTTP REQUEST ============================\n\nHTTP Method:\n{method}\n\nAbsolute Uri:\n{url}\n\nHeaders:\n{lines}\n\nBody:\n{}\n",
        body_text(body)
    )
}

pub fn debug_response(exchange: &Exchange) -> String {
    let lines = header_lines(
        exchange
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.clone())),
    );
    format!(
        "============================ HTTP RESPONSE ============================\n\nStatus Code:\n{} ({})\n\nHeaders:\n{lines}\n\nBody:\n{}\n",
        exchange.status,
        exchange.reason,
        body_text(&exchange.body)
    )
}
