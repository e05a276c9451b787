//! The emulator's control endpoints (`/_emulator/...`): what tests use to
//! register apps, script sign-ins and answers, and read the record.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::faults::{add_path_script, ScriptedAnswer};
use crate::recording::RecordedRequest;
use crate::state::AppState;
use crate::{AppRegistration, ManagedIdentity, SignInScript};

pub(crate) async fn script_signin(
    State(state): State<Arc<AppState>>,
    Json(script): Json<SignInScript>,
) -> StatusCode {
    state.lock().identity.delegated.push_script(script);
    StatusCode::NO_CONTENT
}

pub(crate) async fn register_app(
    State(state): State<Arc<AppState>>,
    Json(app): Json<AppRegistration>,
) -> Response {
    match state.lock().identity.register(app) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => (StatusCode::BAD_REQUEST, e).into_response(),
    }
}

pub(crate) async fn set_managed_identity(
    State(state): State<Arc<AppState>>,
    Json(managed): Json<ManagedIdentity>,
) -> StatusCode {
    state.lock().identity.set_managed(managed);
    StatusCode::NO_CONTENT
}

pub(crate) async fn issued_tokens(State(state): State<Arc<AppState>>) -> Json<Vec<String>> {
    Json(state.lock().identity.issued())
}

pub(crate) async fn expire_tokens(State(state): State<Arc<AppState>>) -> StatusCode {
    state.lock().identity.expire_all();
    StatusCode::NO_CONTENT
}

pub(crate) async fn list_requests(
    State(state): State<Arc<AppState>>,
) -> Json<Vec<RecordedRequest>> {
    Json(state.lock().requests.clone())
}

pub(crate) async fn clear_requests(State(state): State<Arc<AppState>>) -> StatusCode {
    state.lock().requests.clear();
    StatusCode::NO_CONTENT
}

pub(crate) async fn script_call(
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

pub(crate) async fn mark_call_missing(
    State(state): State<Arc<AppState>>,
    Path(call_id): Path<String>,
) -> StatusCode {
    state.lock().missing_calls.insert(call_id);
    StatusCode::NO_CONTENT
}

/// `POST /_emulator/script`: `{"path": "/communications/calls", "answers": [...]}` queues
/// answers for the next requests whose version-less path starts with `path`.
#[derive(serde::Deserialize)]
pub(crate) struct PathScriptRequest {
    path: String,
    answers: Vec<ScriptedAnswer>,
}

pub(crate) async fn script_path(
    State(state): State<Arc<AppState>>,
    Json(request): Json<PathScriptRequest>,
) -> StatusCode {
    add_path_script(&mut state.lock(), &request.path, request.answers);
    StatusCode::NO_CONTENT
}

/// `POST /_emulator/paging`: `{"pageSize": 2}`, the most items a page of a collection holds.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Paging {
    page_size: usize,
}

pub(crate) async fn set_paging(
    State(state): State<Arc<AppState>>,
    Json(paging): Json<Paging>,
) -> Response {
    if paging.page_size == 0 {
        return (StatusCode::BAD_REQUEST, "pageSize must be at least 1").into_response();
    }
    state.lock().page_size = paging.page_size;
    StatusCode::NO_CONTENT.into_response()
}
