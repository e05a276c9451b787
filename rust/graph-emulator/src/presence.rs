//! What is specific to presences, beyond the generic store: every user exists and has one (a
//! presence never set reads `PresenceUnknown`), and the action bound to the `communications`
//! singleton that reads many users' presences at once,
//! `POST /communications/getPresencesByUserId` with `{"ids": [...]}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::admission::Incoming;
use crate::graph_shapes::{Address, PRESENCES, USERS};
use crate::state::AppState;

/// A presence nobody has set, as Graph answers for a user it knows nothing of.
fn unknown(id: &str) -> Value {
    json!({
        "@odata.type": "#microsoft.graph.presence",
        "id": id,
        "availability": "PresenceUnknown",
        "activity": "PresenceUnknown",
    })
}

/// A request about one user, or one user's presence, finds it there, as in a tenant, where
/// every user exists and has a presence.
pub(crate) fn ensure(state: &AppState, address: &Address) {
    let first = &address.steps[0];
    let Some(id) = first.id.as_deref() else {
        return;
    };
    let made = if std::ptr::eq(first.shape, &PRESENCES) {
        unknown(id)
    } else if std::ptr::eq(first.shape, &USERS) {
        json!({ "@odata.type": "#microsoft.graph.user", "id": id })
    } else {
        return;
    };
    let mut shared = state.lock();
    let collection = shared.store.root_mut(first.shape);
    if !collection.contains(id) {
        collection.insert(id.to_string(), made);
    }
}

/// The action's name, with or without its namespace.
pub(crate) fn is_by_user_id(segment: &str) -> bool {
    segment.strip_prefix("microsoft.graph.").unwrap_or(segment) == "getPresencesByUserId"
}

/// Each id's presence as the store holds it, `PresenceUnknown` for one never set. The ids
/// must be a list of strings.
pub(crate) fn by_user_id(
    state: &AppState,
    version: &str,
    body: &[u8],
    incoming: &Incoming,
) -> Response {
    let ids: Vec<String> = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => match map.get("ids") {
            Some(Value::Array(ids)) if ids.iter().all(Value::is_string) => ids
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            _ => {
                return incoming.error(
                    StatusCode::BAD_REQUEST,
                    "BadRequest",
                    "The ids field is required: a list of user ids.",
                )
            }
        },
        _ => {
            return incoming.error(
                StatusCode::BAD_REQUEST,
                "BadRequest",
                "The request body must be a JSON object.",
            )
        }
    };
    let mut shared = state.lock();
    let presences = shared.store.root_mut(&PRESENCES);
    let value: Vec<Value> = ids
        .iter()
        .map(|id| {
            presences
                .get_mut(id)
                .cloned()
                .unwrap_or_else(|| unknown(id))
        })
        .collect();
    drop(shared);
    (
        StatusCode::OK,
        Json(json!({
            "@odata.context": format!("{}/{version}/$metadata#Collection(microsoft.graph.presence)", state.base_url),
            "value": value,
        })),
    )
        .into_response()
}
