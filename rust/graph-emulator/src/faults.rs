//! Scripted answers: statuses, headers, bodies, delays and transport faults
//! (dropped connections, cut bodies, oversized answers) that tests queue.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::graph_errors::{graph_error, insert_header};
use crate::graph_shapes::segments;
use crate::state::Shared;

/// A scripted answer for the next request on a call id (or on a path).
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

/// Answers queued for requests under a path (`POST /_emulator/script`), for paths
/// without a call id. The prefix is version-less; a `*` segment matches any one segment,
/// and an empty prefix (`/`) matches every Graph request.
#[derive(Debug)]
pub(crate) struct PathScript {
    prefix: Vec<String>,
    answers: VecDeque<ScriptedAnswer>,
}

/// A path's decoded segments without the leading version (`v1.0`, `beta`).
fn versionless(path: &str) -> Vec<String> {
    let mut parts = segments(path);
    if parts.first().is_some_and(|v| v == "v1.0" || v == "beta") {
        parts.remove(0);
    }
    parts
}

pub(crate) fn add_path_script(shared: &mut Shared, path: &str, answers: Vec<ScriptedAnswer>) {
    let prefix = versionless(path);
    match shared.path_scripts.iter_mut().find(|s| s.prefix == prefix) {
        Some(script) => script.answers.extend(answers),
        None => shared.path_scripts.push(PathScript {
            prefix,
            answers: answers.into(),
        }),
    }
}

/// The next scripted answer for a request: its call id's first, then the first path
/// script whose prefix the request's path starts with. Scripts are taken only once the
/// request passed the token check, as the service would act on it.
pub(crate) fn take_script(
    shared: &mut Shared,
    call_id: Option<&str>,
    path: &str,
) -> Option<ScriptedAnswer> {
    if let Some(answer) = call_id
        .and_then(|id| shared.scripts.get_mut(id))
        .and_then(VecDeque::pop_front)
    {
        return Some(answer);
    }
    if shared.path_scripts.is_empty() {
        return None;
    }
    let request = versionless(path);
    let at = shared.path_scripts.iter().position(|s| {
        s.prefix.len() <= request.len()
            && s.prefix
                .iter()
                .zip(&request)
                .all(|(p, r)| p == "*" || p == r)
    })?;
    let answer = shared.path_scripts[at].answers.pop_front();
    if shared.path_scripts[at].answers.is_empty() {
        shared.path_scripts.remove(at);
    }
    answer
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

pub(crate) async fn scripted_response(answer: ScriptedAnswer, crid: Option<&str>) -> Response {
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
