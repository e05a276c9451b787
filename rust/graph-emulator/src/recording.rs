//! The record of every request the emulator receives, for tests to read: what
//! was sent, with credentials left out or masked.

use std::collections::HashMap;

use axum::http::{HeaderMap, Method, Uri};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::state::AppState;

/// One request as it reached the emulator. The bearer token itself is never
/// recorded: only its scheme and whether it was the accepted one.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RecordedRequest {
    /// "invite", "graph" (every other Graph request), "token", "authorize" or "managedIdentity".
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

const MASKED_FIELDS: &[&str] = &[
    "client_secret",
    "client_assertion",
    "refresh_token",
    "code",
    "code_verifier",
    "device_code",
];

/// Headers as the record keeps them: lower-case names, and never a credential.
pub(crate) fn recorded_headers(headers: &HeaderMap) -> HashMap<String, String> {
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

pub(crate) fn record(
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
pub(crate) fn record_form(
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
