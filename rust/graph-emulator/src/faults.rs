//! Scripted answers: statuses, headers, bodies, delays and transport faults
//! (dropped connections, cut bodies, oversized answers) that tests queue.

use std::collections::HashMap;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::graph_errors::{graph_error, insert_header};

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
