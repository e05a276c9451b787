//! `POST /{v}/communications/calls/{id}/participants/invite` (and
//! `/microsoft.graph.invite`): Graph's invite, with its token, role, content-type
//! and body checks as documented.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use crate::admission::with_ids;
use crate::faults::{scripted_response, take_script};
use crate::graph_errors::{graph_error, insert_header};
use crate::recording::{recorded_headers, RecordedRequest};
use crate::state::AppState;
use crate::{calls, identity};

pub(crate) async fn invite(
    State(state): State<Arc<AppState>>,
    Path((version, call_id, action)): Path<(String, String, String)>,
    http_version: axum::http::Version,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body_text = String::from_utf8_lossy(&body).into_owned();
    let parsed: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let (auth_scheme, verdict) = state.bearer_verdict(&headers);
    let verdict = verdict.unwrap_or(identity::TokenVerdict::Unknown);
    let token_accepted = matches!(verdict, identity::TokenVerdict::Valid);
    let client_request_id = headers
        .get("client-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    {
        let mut shared = state.lock();
        shared.requests.push(RecordedRequest {
            kind: "invite".into(),
            http_version: format!("{http_version:?}"),
            method: method.to_string(),
            raw_path: uri.path().to_string(),
            call_id: Some(call_id.clone()),
            headers: recorded_headers(&headers),
            auth_scheme: auth_scheme.clone(),
            token_accepted,
            body: parsed.clone(),
            body_text,
        });
    }
    let crid = client_request_id.as_deref();

    if version != "v1.0" && version != "beta" {
        return graph_error(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            &format!("Invalid version: {version}"),
            crid,
        );
    }
    if action != "invite" && action != "microsoft.graph.invite" {
        return graph_error(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            &format!("Resource not found for the segment '{action}'."),
            crid,
        );
    }
    if auth_scheme.is_none() {
        return graph_error(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            "Access token is empty.",
            crid,
        );
    }
    let refusal = match verdict {
        identity::TokenVerdict::Valid => None,
        identity::TokenVerdict::Unknown => Some((
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            "Access token validation failure. Invalid audience.",
        )),
        identity::TokenVerdict::Expired => Some((
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            "Access token has expired or is not yet valid.",
        )),
        identity::TokenVerdict::MissingRole => Some((
            StatusCode::FORBIDDEN,
            "Forbidden",
            "Application is not authorized to invite participants: it needs the application permission Calls.InitiateGroupCall.All.",
        )),
    };
    if let Some((status, code, message)) = refusal {
        return graph_error(status, code, message, crid);
    }
    // A scripted answer is for the next request the service would act on: one refused at the
    // door (an expired token, found by the soak) leaves it for the retry.
    let scripted = take_script(&mut state.lock(), Some(&call_id), uri.path());
    if let Some(answer) = scripted {
        return scripted_response(answer, crid).await;
    }
    if state.lock().missing_calls.contains(&call_id) {
        return graph_error(StatusCode::NOT_FOUND, "8502", "Call not found.", crid);
    }
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type
        .to_ascii_lowercase()
        .starts_with("application/json")
    {
        return graph_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UnsupportedMediaType",
            "The request's content type must be application/json.",
            crid,
        );
    }
    if let Err(problem) = check_invite_body(&parsed) {
        return graph_error(StatusCode::BAD_REQUEST, "BadRequest", &problem, crid);
    }

    let invited: Vec<Value> = parsed
        .get("participants")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(calls::participant_from_invitation)
                .collect()
        })
        .unwrap_or_default();
    calls::add_participants(&mut state.lock().store, &call_id, invited);
    let operation_id = uuid::Uuid::new_v4().to_string();
    let mut operation = Map::new();
    operation.insert(
        "@odata.type".into(),
        json!("#microsoft.graph.inviteParticipantsOperation"),
    );
    operation.insert("id".into(), json!(operation_id));
    operation.insert("status".into(), json!("running"));
    operation.insert(
        "clientContext".into(),
        parsed.get("clientContext").cloned().unwrap_or(Value::Null),
    );
    operation.insert("resultInfo".into(), Value::Null);
    operation.insert(
        "participants".into(),
        parsed.get("participants").cloned().unwrap_or(json!([])),
    );
    let mut response = (StatusCode::OK, Json(Value::Object(operation))).into_response();
    let out = response.headers_mut();
    insert_header(
        out,
        "location",
        &format!(
            "{}/{version}/communications/calls/{call_id}/operations/{operation_id}",
            state.base_url
        ),
    );
    with_ids(response, crid)
}

/// What Graph refuses with 400: the shape of invitationParticipantInfo as documented.
fn check_invite_body(body: &Value) -> Result<(), String> {
    let object = body
        .as_object()
        .ok_or("Empty Payload. JSON content expected.")?;
    let participants = object
        .get("participants")
        .and_then(Value::as_array)
        .ok_or("The participants field is required.")?;
    if participants.is_empty() {
        return Err("The participants field must contain at least one participant.".into());
    }
    for (i, participant) in participants.iter().enumerate() {
        let p = participant.as_object().ok_or(format!(
            "participants[{i}] must be an invitationParticipantInfo object."
        ))?;
        let identity = p
            .get("identity")
            .and_then(Value::as_object)
            .ok_or(format!("participants[{i}].identity is required."))?;
        if identity.keys().all(|k| k.starts_with('@')) {
            return Err(format!(
                "participants[{i}].identity must name at least one identity."
            ));
        }
        for flag in ["hidden", "removeFromDefaultAudioRoutingGroup"] {
            if let Some(v) = p.get(flag) {
                if !v.is_boolean() && !v.is_null() {
                    return Err(format!("participants[{i}].{flag} must be a boolean."));
                }
            }
        }
        for text in ["participantId", "replacesCallId"] {
            if let Some(v) = p.get(text) {
                if !v.is_string() && !v.is_null() {
                    return Err(format!("participants[{i}].{text} must be a string."));
                }
            }
        }
    }
    if let Some(ctx) = object.get("clientContext") {
        if !ctx.is_string() && !ctx.is_null() {
            return Err("clientContext must be a string.".into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_checks_follow_graph() {
        assert!(
            check_invite_body(&json!({"participants": [{"identity": {"user": {"id": "x"}}}]}))
                .is_ok()
        );
        assert!(check_invite_body(&json!({"participants": []})).is_err());
        assert!(check_invite_body(&json!({"participants": [{"hidden": true}]})).is_err());
        assert!(check_invite_body(
            &json!({"participants": [{"identity": {"user": {}}, "hidden": "yes"}]})
        )
        .is_err());
    }
}
