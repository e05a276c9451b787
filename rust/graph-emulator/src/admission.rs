//! What every Graph request but the invite goes through first: it is recorded
//! (kind `graph`, with its query), its bearer token checked, then a scripted
//! answer or a missing-call mark may answer it instead of the service.

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use serde_json::Value;

use crate::faults::{scripted_response, take_script};
use crate::graph_errors::{graph_error, insert_header};
use crate::identity::TokenVerdict;
use crate::recording::{recorded_headers, RecordedRequest};
use crate::state::AppState;

/// What the request said about itself, for the record and the answer.
pub(crate) struct Incoming {
    client_request_id: Option<String>,
    verdict: Option<TokenVerdict>,
}

/// Records the request (kind "graph") and reads its bearer token.
pub(crate) fn receive(
    state: &AppState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &Bytes,
    call_id: Option<&str>,
) -> Incoming {
    let (scheme, verdict) = state.bearer_verdict(headers);
    let body_text = String::from_utf8_lossy(body).into_owned();
    state.lock().requests.push(RecordedRequest {
        kind: "graph".into(),
        http_version: String::new(),
        method: method.to_string(),
        raw_path: match uri.query() {
            Some(q) => format!("{}?{q}", uri.path()),
            None => uri.path().to_string(),
        },
        call_id: call_id.map(str::to_string),
        headers: recorded_headers(headers),
        auth_scheme: scheme,
        token_accepted: matches!(
            verdict,
            Some(TokenVerdict::Valid | TokenVerdict::MissingRole)
        ),
        body: serde_json::from_slice(body).unwrap_or(Value::Null),
        body_text,
    });
    Incoming {
        client_request_id: headers
            .get("client-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        verdict,
    }
}

impl Incoming {
    pub(crate) fn crid(&self) -> Option<&str> {
        self.client_request_id.as_deref()
    }

    /// Any valid token may read and change calls here; the invite alone checks its role.
    pub(crate) fn refusal(&self) -> Option<Response> {
        let (code, message) = match self.verdict {
            Some(TokenVerdict::Valid | TokenVerdict::MissingRole) => return None,
            None => ("InvalidAuthenticationToken", "Access token is empty."),
            Some(TokenVerdict::Unknown) => (
                "InvalidAuthenticationToken",
                "Access token validation failure. Invalid audience.",
            ),
            Some(TokenVerdict::Expired) => (
                "InvalidAuthenticationToken",
                "Access token has expired or is not yet valid.",
            ),
        };
        Some(graph_error(
            StatusCode::UNAUTHORIZED,
            code,
            message,
            self.crid(),
        ))
    }

    /// A Graph-shaped error with this request's ids.
    pub(crate) fn error(&self, status: StatusCode, code: &str, message: &str) -> Response {
        graph_error(status, code, message, self.crid())
    }
}

/// Graph's headers on every answer: `request-id`, `date`, and the client's request id.
pub(crate) fn with_ids(mut response: Response, crid: Option<&str>) -> Response {
    let headers = response.headers_mut();
    insert_header(headers, "request-id", &uuid::Uuid::new_v4().to_string());
    insert_header(
        headers,
        "date",
        &httpdate::fmt_http_date(std::time::SystemTime::now()),
    );
    if let Some(id) = crid {
        insert_header(headers, "client-request-id", id);
    }
    response
}

/// Records the request, checks its token, and plays a script (for its call id, then
/// for its path) or the call's missing mark, in that order.
pub(crate) async fn admit(
    state: &AppState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &Bytes,
    call_id: Option<&str>,
) -> Result<Incoming, Response> {
    let incoming = receive(state, method, uri, headers, body, call_id);
    if let Some(refusal) = incoming.refusal() {
        return Err(refusal);
    }
    let scripted = take_script(&mut state.lock(), call_id, uri.path());
    if let Some(answer) = scripted {
        return Err(scripted_response(answer, incoming.crid()).await);
    }
    if let Some(call_id) = call_id {
        if state.lock().missing_calls.contains(call_id) {
            return Err(crate::calls::call_not_found(incoming.crid()));
        }
    }
    Ok(incoming)
}
