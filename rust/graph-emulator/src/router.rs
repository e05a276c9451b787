//! The routes: Graph's paths, the identity platform's, and the emulator's own
//! control endpoints under `/_emulator`; and the identity platform's handlers.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, delete, get, post};
use axum::{Json, Router};
use serde_json::json;

use crate::control::{
    clear_requests, expire_tokens, issued_tokens, list_requests, mark_call_missing, register_app,
    script_call, script_path, script_signin, set_managed_identity, set_paging,
};
use crate::invite::invite;
use crate::recording::{record, record_form};
use crate::state::AppState;
use crate::{calls, entities, extras};

pub(crate) fn router(state: Arc<AppState>) -> Router {
    Router::new()
        // The invite keeps its own handler; every other method there is the store's.
        .route(
            "/{version}/communications/calls/{call_id}/participants/{action}",
            post(invite).fallback(entities::serve),
        )
        .route("/{version}/communications/{*rest}", any(entities::serve))
        .route("/{version}/users", any(entities::serve))
        .route("/{version}/users/{*rest}", any(entities::serve))
        .route("/{version}/reports/{report}", get(extras::report))
        .route("/{version}/me", get(extras::me))
        .route("/{tenant}/oauth2/v2.0/{endpoint}", post(identity_post))
        .route("/{tenant}/oauth2/v2.0/authorize", get(authorize))
        .route("/devicelogin", get(device_login_page))
        .route("/msi/token", get(managed_identity_app_service))
        .route(
            "/metadata/identity/oauth2/token",
            get(managed_identity_imds),
        )
        .route("/_emulator/calls", post(calls::create_call))
        .route("/_emulator/signin", post(script_signin))
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
        .route("/_emulator/script", post(script_path))
        .route("/_emulator/paging", post(set_paging))
        .route("/_emulator/streams", post(crate::streams::register))
        .fallback(extras::other)
        .with_state(state)
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
