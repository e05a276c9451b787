//! Graph paths beyond the calls API: `/me`, usage reports (CSV files, streamed),
//! and any other path, recorded and answered 404 as Graph does.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::admission::{admit, with_ids};
use crate::graph_errors::{graph_error, insert_header};
use crate::state::AppState;

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
    let incoming = match admit(&state, &method, &uri, &headers, &body, None).await {
        Ok(incoming) => incoming,
        Err(answer) => return answer,
    };
    graph_error(
        StatusCode::NOT_FOUND,
        "UnknownError",
        &format!("Resource not found for the segment '{}'.", uri.path()),
        incoming.crid(),
    )
}
