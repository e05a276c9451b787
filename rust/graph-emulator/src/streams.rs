//! Stream properties of the store's items (a transcript's `content` and `metadataContent`, a
//! meeting's `attendeeReport`): `PUT` keeps the bytes, `GET` answers them. One never put answers
//! a small document of its kind; `POST /_emulator/streams` makes one as large as a test needs,
//! generated as it is sent (never held whole), optionally breaking off after some bytes.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::state::AppState;

/// What a stream property holds.
#[derive(Clone)]
pub(crate) enum Stored {
    Bytes(Bytes),
    /// A WebVTT document of this many bytes, made while it is sent; with `break_after`, the
    /// connection ends after that many bytes (a dropped download).
    Generated {
        size: u64,
        break_after: Option<u64>,
    },
}

/// The stream properties, by their versionless path (`communications/onlineMeetings/m1/attendeeReport`).
#[derive(Default)]
pub(crate) struct Streams(HashMap<String, Stored>);

impl Streams {
    pub(crate) fn put(&mut self, key: String, bytes: Bytes) {
        self.0.insert(key, Stored::Bytes(bytes));
    }

    fn get(&self, key: &str) -> Option<Stored> {
        self.0.get(key).cloned()
    }
}

fn content_type(property: &str) -> &'static str {
    match property {
        "content" => "text/vtt",
        "metadataContent" => "application/json",
        _ => "application/octet-stream",
    }
}

/// What Graph would have for a stream nobody set: a short transcript, its metadata, a report.
fn default_document(property: &str) -> Bytes {
    Bytes::from_static(match property {
        "content" => b"WEBVTT\n\n00:00:00.000 --> 00:00:04.000\n<v Adele Vance>Good morning, everyone.\n\n00:00:04.000 --> 00:00:08.000\n<v Megan Bowen>Morning! Shall we start?\n",
        "metadataContent" => b"{\"startDateTime\":\"2026-11-27T09:00:00Z\",\"speakerName\":\"Adele Vance\",\"spokenText\":\"Good morning, everyone.\"}\n",
        _ => b"Name,Email,Role,Duration\nAdele Vance,adele.vance@contoso.test,Organizer,3600\n",
    })
}

/// `GET <item>/<property>`.
pub(crate) fn read(state: &AppState, key: &str, property: &str) -> Response {
    let stored = state.lock().streams.get(key);
    let body = match stored {
        None => Body::from(default_document(property)),
        Some(Stored::Bytes(bytes)) => Body::from(bytes),
        Some(Stored::Generated { size, break_after }) => generated(size, break_after),
    };
    (
        StatusCode::OK,
        [("content-type", content_type(property))],
        body,
    )
        .into_response()
}

/// `PUT <item>/<property>`: Graph answers `204 No Content`.
pub(crate) fn write(state: &AppState, key: String, body: &Bytes) -> Response {
    state.lock().streams.put(key, body.clone());
    StatusCode::NO_CONTENT.into_response()
}

const CUE: &str = "00:00:00.000 --> 00:00:05.000\n<v Adele Vance>This is one line of a long transcript, said again and again.\n\n";

fn generated(size: u64, break_after: Option<u64>) -> Body {
    const CHUNK: usize = 64 * 1024;
    let stream = futures_util::stream::unfold(0u64, move |sent| async move {
        if sent >= size {
            return None;
        }
        if break_after.is_some_and(|at| sent >= at) {
            let error = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "scripted break");
            return Some((Err(error), size));
        }
        let mut chunk = if sent == 0 {
            String::from("WEBVTT\n\n")
        } else {
            String::new()
        };
        while chunk.len() < CHUNK {
            chunk.push_str(CUE);
        }
        let limit = break_after.unwrap_or(size).min(size);
        let take = (chunk.len() as u64).min(limit.max(sent + 1) - sent) as usize;
        chunk.truncate(take);
        let next = sent + take as u64;
        Some((Ok::<_, std::io::Error>(Bytes::from(chunk)), next))
    });
    Body::from_stream(stream)
}

/// `POST /_emulator/streams`: `{"path": "/communications/.../content", "size": 52428800, "breakAfter": 1048576}`.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GeneratedStream {
    path: String,
    size: u64,
    #[serde(default)]
    break_after: Option<u64>,
}

pub(crate) async fn register(
    State(state): State<Arc<AppState>>,
    Json(request): Json<GeneratedStream>,
) -> StatusCode {
    let key = key_of(&crate::graph_shapes::segments(&request.path));
    state.lock().streams.0.insert(
        key,
        Stored::Generated {
            size: request.size,
            break_after: request.break_after,
        },
    );
    StatusCode::NO_CONTENT
}

/// A path's segments without the version, joined: the key of a stream.
pub(crate) fn key_of(segments: &[String]) -> String {
    let rest = match segments.first().map(String::as_str) {
        Some("v1.0" | "beta") => &segments[1..],
        _ => segments,
    };
    rest.join("/")
}
