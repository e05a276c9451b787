//! What is specific to calls, beyond the generic store: the calls service's
//! not-found codes, the call an invite (or `POST /_emulator/calls`) makes
//! exist, participants made from invitations, and a new call's checks.
//!
//! A call exists once someone was invited into it, a client created it
//! (`POST /communications/calls`) or a test seeded it (`POST /_emulator/calls`);
//! an unknown call is `404` with code `8502`, an unknown participant `8519`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use crate::graph_errors::graph_error;
use crate::graph_shapes::{Address, CALLS, PARTICIPANTS};
use crate::state::AppState;
use crate::store::Store;

pub(crate) fn call_not_found(crid: Option<&str>) -> Response {
    graph_error(StatusCode::NOT_FOUND, "8502", "Call not found.", crid)
}

/// The 404 for a missing item of a collection: the calls service's codes for calls and
/// participants, Graph's `itemNotFound` for the others.
pub(crate) fn not_found(collection: &str, crid: Option<&str>) -> Response {
    match collection {
        "calls" => call_not_found(crid),
        "participants" => graph_error(
            StatusCode::NOT_FOUND,
            "8519",
            "Participant not found.",
            crid,
        ),
        other => graph_error(
            StatusCode::NOT_FOUND,
            "itemNotFound",
            &format!("The requested item was not found in '{other}'."),
            crid,
        ),
    }
}

/// The call id a request is about, when its path names one.
pub(crate) fn call_id_of(address: &Address) -> Option<&str> {
    let first = address.steps.first()?;
    if std::ptr::eq(first.shape, &CALLS) {
        first.id.as_deref()
    } else {
        None
    }
}

/// `POST /communications/calls`: Graph refuses a call without `callbackUri`; a new
/// call is `establishing` and gets the id of the bot's own participant.
pub(crate) fn new_call(call: &mut Map<String, Value>) -> Result<(), String> {
    match call.get("callbackUri") {
        Some(Value::String(uri)) if !uri.is_empty() => {}
        _ => return Err("The callbackUri field is required.".into()),
    }
    call.entry("state").or_insert_with(|| json!("establishing"));
    call.entry("myParticipantId")
        .or_insert_with(|| json!(uuid::Uuid::new_v4().to_string()));
    Ok(())
}

/// The call an invite into an unknown call id (or a seed) makes exist.
fn implicit_call(call_id: &str) -> Value {
    json!({
        "@odata.type": "#microsoft.graph.call",
        "id": call_id,
        "state": "established",
        "direction": "outgoing",
        "callbackUri": "https://bot.contoso.test/api/calls",
        "requestedModalities": ["audio"],
        "mediaState": { "audio": "active" },
        "tenantId": "tenant-emulator",
    })
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

/// Adds invited participants to a call, making the call exist if it did not.
pub(crate) fn add_participants(store: &mut Store, call_id: &str, participants: Vec<Value>) {
    let calls = store.root_mut(&CALLS);
    if !calls.contains(call_id) {
        calls.insert(call_id.to_string(), implicit_call(call_id));
    }
    let list = calls.child_mut(call_id, PARTICIPANTS.name);
    for participant in participants {
        let id = participant
            .get("id")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        list.insert(id, participant);
    }
}

/// `POST /_emulator/calls`: `{"id": "...", "participants": [invitationParticipantInfo...]}`
/// makes (or remakes, empty) a call with these participants.
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
    let answer = json!({
        "id": id,
        "participants": participants,
    });
    {
        let mut shared = state.lock();
        shared.store.root_mut(&CALLS).remove(&id);
        add_participants(&mut shared.store, &id, participants);
    }
    (StatusCode::CREATED, Json(answer)).into_response()
}
