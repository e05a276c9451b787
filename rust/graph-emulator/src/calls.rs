//! The calls API beyond the invite, as Graph documents it: read a call and its
//! participants, mute one, remove one; a usage report answered as a CSV file;
//! and a record of any other Graph request, answered 404 as Graph does.
//!
//! A call exists once someone was invited into it (or a test created it with
//! `POST /_emulator/calls`); an unknown call is `404` with code `8502`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::graph_errors::{graph_error, insert_header};
use crate::identity::TokenVerdict;
use crate::recording::{recorded_headers, RecordedRequest};
use crate::state::AppState;

/// A call the emulator knows, with the participants invited into it.
#[derive(Debug, Clone, Default)]
pub(crate) struct CallState {
    pub participants: Vec<Value>,
}

/// What the request said about itself, for the record and the answer.
struct Incoming {
    client_request_id: Option<String>,
    verdict: Option<TokenVerdict>,
}

/// Records the request (kind "graph") and reads its bearer token.
fn receive(
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
    fn crid(&self) -> Option<&str> {
        self.client_request_id.as_deref()
    }

    /// Any valid token may read and change calls here; the invite alone checks its role.
    fn refusal(&self) -> Option<Response> {
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
}

/// Scripted answers (`/_emulator/calls/{id}/script`) apply to these routes too.
async fn scripted(state: &AppState, call_id: &str, crid: Option<&str>) -> Option<Response> {
    let answer = state
        .lock()
        .scripts
        .get_mut(call_id)
        .and_then(std::collections::VecDeque::pop_front)?;
    Some(crate::faults::scripted_response(answer, crid).await)
}

fn call_not_found(crid: Option<&str>) -> Response {
    graph_error(StatusCode::NOT_FOUND, "8502", "Call not found.", crid)
}

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

/// A participant resource made from an invitationParticipantInfo.
pub(crate) fn participant_from_invitation(invited: &Value) -> Value {
    json!({
        "@odata.type": "#microsoft.graph.participant",
        "id": uuid::Uuid::new_v4().to_string(),
        "info": {
            "@odata.type": "#microsoft.graph.participantInfo",
            "identity": invited.get("identity").cloned().unwrap_or(Value::Null),
        },
        "isMuted": false,
        "isInLobby": false,
        "mediaStreams": [],
    })
}

fn call_resource(base_url: &str, version: &str, call_id: &str, participants: usize) -> Value {
    json!({
        "@odata.context": format!("{base_url}/{version}/$metadata#communications/calls/$entity"),
        "@odata.type": "#microsoft.graph.call",
        "id": call_id,
        "state": "established",
        "direction": "outgoing",
        "callbackUri": "https://bot.contoso.test/api/calls",
        "requestedModalities": ["audio"],
        "mediaState": { "audio": "active" },
        "tenantId": "tenant-emulator",
        "participantCount": participants,
    })
}

type CallPath = Path<(String, String)>;
type ParticipantPath = Path<(String, String, String)>;

/// What every handler here does first: record, check the token, play a script.
async fn admit(
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
    if let Some(call_id) = call_id {
        if let Some(answer) = scripted(state, call_id, incoming.crid()).await {
            return Err(answer);
        }
        if state.lock().missing_calls.contains(call_id) {
            return Err(call_not_found(incoming.crid()));
        }
    }
    Ok(incoming)
}

/// `admit` for a request about one call that carries no body (GET, DELETE).
async fn admit_call_read(
    state: &AppState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    call_id: &str,
) -> Result<Incoming, Response> {
    admit(state, method, uri, headers, &Bytes::new(), Some(call_id)).await
}

/// Works on a call that exists, or answers the 404 Graph gives for an unknown call.
// The error is the answer itself, handed straight back to axum; boxing it would gain nothing.
#[allow(clippy::result_large_err)]
fn with_call<T>(
    state: &AppState,
    call_id: &str,
    crid: Option<&str>,
    f: impl FnOnce(&mut CallState) -> T,
) -> Result<T, Response> {
    let mut shared = state.lock();
    let call = shared.calls.get_mut(call_id);
    call.map(f).ok_or_else(|| call_not_found(crid))
}

/// `GET /me`: the signed-in user of a delegated token; app-only tokens have none.
pub(crate) async fn me(
    State(state): State<Arc<AppState>>,
    Path(_version): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, Response> {
    let incoming = admit(&state, &method, &uri, &headers, &Bytes::new(), None).await?;
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    let user = state.lock().identity.user_of(token);
    Ok(with_ids(
        match user {
            Some(user) => (StatusCode::OK, Json(user)).into_response(),
            None => graph_error(
                StatusCode::BAD_REQUEST,
                "BadRequest",
                "/me request is only valid with delegated authentication flow.",
                incoming.crid(),
            ),
        },
        incoming.crid(),
    ))
}

pub(crate) async fn get_call(
    State(state): State<Arc<AppState>>,
    Path((version, call_id)): CallPath,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, Response> {
    let incoming = admit_call_read(&state, &method, &uri, &headers, &call_id).await?;
    // Only the count is shown: a call can hold many participants (benchmarks invite thousands).
    let count = with_call(&state, &call_id, incoming.crid(), |c| c.participants.len())?;
    Ok(with_ids(
        Json(call_resource(&state.base_url, &version, &call_id, count)).into_response(),
        incoming.crid(),
    ))
}

pub(crate) async fn list_participants(
    State(state): State<Arc<AppState>>,
    Path((version, call_id)): CallPath,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, Response> {
    let incoming = admit_call_read(&state, &method, &uri, &headers, &call_id).await?;
    let value = with_call(&state, &call_id, incoming.crid(), |c| {
        c.participants.clone()
    })?;
    Ok(with_ids(
        Json(json!({
            "@odata.context": format!("{}/{version}/$metadata#communications/calls('{call_id}')/participants", state.base_url),
            "value": value,
        }))
        .into_response(),
        incoming.crid(),
    ))
}

/// Works on one participant of a call (its list and index), or answers the 404 Graph gives.
#[allow(clippy::result_large_err)]
fn with_participant<T>(
    state: &AppState,
    call_id: &str,
    participant_id: &str,
    crid: Option<&str>,
    f: impl FnOnce(&mut Vec<Value>, usize) -> T,
) -> Result<T, Response> {
    with_call(state, call_id, crid, |call| {
        let participants = &mut call.participants;
        let at = participants
            .iter()
            .position(|p| p.get("id").and_then(Value::as_str) == Some(participant_id))?;
        Some(f(participants, at))
    })?
    .ok_or_else(|| participant_not_found(crid))
}

fn participant_not_found(crid: Option<&str>) -> Response {
    graph_error(
        StatusCode::NOT_FOUND,
        "8519",
        "Participant not found.",
        crid,
    )
}

pub(crate) async fn get_participant(
    State(state): State<Arc<AppState>>,
    Path((_version, call_id, participant_id)): ParticipantPath,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, Response> {
    let incoming = admit_call_read(&state, &method, &uri, &headers, &call_id).await?;
    let participant = with_participant(
        &state,
        &call_id,
        &participant_id,
        incoming.crid(),
        |p, i| p[i].clone(),
    )?;
    Ok(with_ids(Json(participant).into_response(), incoming.crid()))
}

pub(crate) async fn delete_participant(
    State(state): State<Arc<AppState>>,
    Path((_version, call_id, participant_id)): ParticipantPath,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, Response> {
    let incoming = admit_call_read(&state, &method, &uri, &headers, &call_id).await?;
    with_participant(
        &state,
        &call_id,
        &participant_id,
        incoming.crid(),
        |p, i| {
            p.remove(i);
        },
    )?;
    Ok(with_ids(
        StatusCode::NO_CONTENT.into_response(),
        incoming.crid(),
    ))
}

pub(crate) async fn mute_participant(
    State(state): State<Arc<AppState>>,
    Path((_version, call_id, participant_id, action)): Path<(String, String, String, String)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Response> {
    let incoming = admit(&state, &method, &uri, &headers, &body, Some(&call_id)).await?;
    if action != "mute" && action != "microsoft.graph.mute" {
        return Err(graph_error(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            &format!("Resource not found for the segment '{action}'."),
            incoming.crid(),
        ));
    }
    let parsed: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    if !body.is_empty() && !parsed.is_object() {
        return Err(graph_error(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "The request body must be a JSON object.",
            incoming.crid(),
        ));
    }
    with_participant(
        &state,
        &call_id,
        &participant_id,
        incoming.crid(),
        |p, i| {
            p[i]["isMuted"] = Value::Bool(true);
        },
    )?;
    Ok(with_ids(
        Json(json!({
            "@odata.type": "#microsoft.graph.muteParticipantOperation",
            "id": uuid::Uuid::new_v4().to_string(),
            "status": "completed",
            "clientContext": parsed.get("clientContext").cloned().unwrap_or(Value::Null),
            "resultInfo": null,
        }))
        .into_response(),
        incoming.crid(),
    ))
}

/// A usage report as Graph serves it: CSV with a file name in Content-Disposition.
/// `rows` (an emulator extension) makes it as large as a test needs.
pub(crate) async fn report(
    State(state): State<Arc<AppState>>,
    Path((_version, name)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, Response> {
    let incoming = admit(&state, &method, &uri, &headers, &Bytes::new(), None).await?;
    let rows: usize = query
        .get("rows")
        .and_then(|r| r.parse().ok())
        .unwrap_or(3)
        .min(5_000_000);
    let file = name
        .trim_start_matches("get")
        .split('(')
        .next()
        .unwrap_or("Report")
        .to_string();
    let header = "Report Refresh Date,User Principal Name,Last Activity Date,Team Chat Message Count,Call Count\n";
    // State: the next row to write (0 is the header line); many rows per chunk.
    let stream = futures_util::stream::unfold(0usize, move |i| async move {
        if i == 0 {
            return Some((Ok::<_, std::io::Error>(Bytes::from(header)), 1));
        }
        if i > rows {
            return None;
        }
        let end = (i + 999).min(rows);
        let chunk: String = (i..=end)
            .map(|n| {
                format!(
                    "2026-11-25,user{n}@contoso.test,2026-11-24,{},{}\n",
                    n % 50,
                    n % 7
                )
            })
            .collect();
        Some((Ok(Bytes::from(chunk)), end + 1))
    });
    let mut response = (
        StatusCode::OK,
        [("content-type", "application/octet-stream")],
        axum::body::Body::from_stream(stream),
    )
        .into_response();
    insert_header(
        response.headers_mut(),
        "content-disposition",
        &format!("attachment; filename=\"{file}.csv\""),
    );
    Ok(with_ids(response, incoming.crid()))
}

/// Any other request: recorded (so tests can see what was sent), then 404 as Graph does.
pub(crate) async fn other(
    State(state): State<Arc<AppState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let incoming = receive(&state, &method, &uri, &headers, &body, None);
    if let Some(refusal) = incoming.refusal() {
        return refusal;
    }
    graph_error(
        StatusCode::NOT_FOUND,
        "UnknownError",
        &format!("Resource not found for the segment '{}'.", uri.path()),
        incoming.crid(),
    )
}

/// `POST /_emulator/calls`: `{"id": "...", "participants": [invitationParticipantInfo...]}`.
pub(crate) async fn create_call(
    State(state): State<Arc<AppState>>,
    Json(body): Json<Value>,
) -> Response {
    let id = body
        .get("id")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let participants: Vec<Value> = body
        .get("participants")
        .and_then(Value::as_array)
        .map(|list| list.iter().map(participant_from_invitation).collect())
        .unwrap_or_default();
    let call = CallState { participants };
    let answer = json!({
        "id": id,
        "participants": call.participants,
    });
    state.lock().calls.insert(id, call);
    (StatusCode::CREATED, Json(answer)).into_response()
}
