//! `Invoke-MgInviteCommunicationCallParticipant`: the body normalized and
//! validated (`schema`), refused before sending when the connection cannot
//! carry it, sent with retries to the path of the generated descriptor, and
//! Graph's answer handed to the shim as the generated commands' are (`item`, `type`).

use serde_json::{json, Value};

use crate::error::CoreError;
use crate::events::Events;
use crate::http::dispatch::{send_with_retries, Answer, Bearer, Prepared};
use crate::http::request::{
    check_call_id, check_headers, check_url_length, escape_segment, INVITE_OWNED_HEADERS,
};
use crate::http::{retry, transport};
use crate::operations::command::{Command, Operation};
use crate::schema::body::{normalize_invite_body, ExpandedBody, Problem};
use crate::session;
use crate::signin::INVITE_ROLE;

pub(super) async fn invite(mut args: Value, events: &Events) -> Result<(), CoreError> {
    let call_id = check_call_id(args.get("callId").and_then(Value::as_str))?.to_string();
    let mut take = |name: &str| args.get_mut(name).map(Value::take);
    let body = if take("expanded").and_then(|v| v.as_bool()).unwrap_or(false) {
        ExpandedBody {
            participants: take("participants"),
            client_context: take("clientContext"),
            additional_properties: take("additionalProperties"),
        }
        .into_body()
        .map_err(CoreError::InvalidBody)?
    } else {
        take("body").filter(|b| !b.is_null()).ok_or_else(|| {
            CoreError::InvalidBody(vec![Problem {
                path: String::new(),
                message: "BodyParameter is null: give the invite body as a hashtable".into(),
            }])
        })?
    };
    let headers = check_headers(args.get("headers"), INVITE_OWNED_HEADERS)?;
    let normalized = normalize_invite_body(&body).map_err(CoreError::InvalidBody)?;
    let validated_before = args
        .get("validated")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if !validated_before {
        for warning in &normalized.warnings {
            events.warning(warning.clone());
        }
    }
    if args
        .get("validateOnly")
        .and_then(Value::as_bool)
        .unwrap_or(false)
    {
        events.result(json!({ "body": normalized.body }), None);
        return Ok(());
    }

    let connection = session::connection()?;
    if connection.context.auth_type == "Delegated" {
        return Err(delegated_invite_refused());
    }
    if connection.lacks_invite_role {
        return Err(missing_invite_role(&connection.context.scopes));
    }
    let operation = invite_operation();
    let url = invite_url(&connection.auth.environment.graph_endpoint, &call_id);
    check_url_length("CallId", &url).map_err(CoreError::InvalidArgument)?;
    let prepared = Prepared {
        method: reqwest::Method::POST,
        url,
        body: Some(serde_json::to_vec(&normalized.body).map_err(|e| {
            CoreError::InvalidArgument(format!("the body could not be serialized: {e}"))
        })?),
        content_type: Some("application/json".into()),
        accept: Some("application/json".into()),
        user_agent: None,
        headers,
    };
    let context = retry::current();
    let answer = send_with_retries(
        &Bearer::Session(connection.auth.as_ref()),
        &context,
        &prepared,
        false,
        events,
    )
    .await?;
    let Answer::Read(exchange) = answer else {
        unreachable!("a call that does not stream reads every answer")
    };
    if !(200..300).contains(&exchange.status) {
        return Err(CoreError::Graph(Box::new(transport::graph_error(
            &exchange,
        ))));
    }
    let headers_json = exchange.headers_json();
    if exchange.body.iter().all(u8::is_ascii_whitespace) {
        events.result(Value::Null, Some(headers_json));
        return Ok(());
    }
    let value: Value = serde_json::from_slice(&exchange.body).map_err(|e| {
        CoreError::InvalidResponse(format!(
            "Graph answered {} but its body is not valid JSON ({e}).",
            exchange.status
        ))
    })?;
    events.result(
        json!({ "item": value, "type": operation.answer_type }),
        Some(headers_json),
    );
    Ok(())
}

/// The invite's request as the generator describes it (POST, the call id, the operation answered).
fn invite_operation() -> &'static Operation {
    Command::find("Invoke-MgInviteCommunicationCallParticipant")
        .and_then(|command| command.operation("Invite"))
        .expect("the generated command table holds the invite")
}

/// `{graph}/v1.0/communications/calls/{id}/participants/invite`, the call id one segment.
fn invite_url(graph_endpoint: &str, call_id: &str) -> String {
    format!(
        "{}/v1.0{}",
        graph_endpoint.trim_end_matches('/'),
        invite_operation()
            .path
            .replace("{call-id}", &escape_segment(call_id))
    )
}

/// Graph grants the invite to applications only; a user's sign-in cannot carry it.
fn delegated_invite_refused() -> CoreError {
    CoreError::Authentication {
        error_id: "DelegatedPermissionNotSupported".into(),
        message: format!(
            "Inviting participants needs the application permission {INVITE_ROLE}; Graph has no delegated permission for it, so a user's sign-in (Connect-MgGraph -Scopes) cannot invite. Nothing was sent. Connect app-only instead: Connect-MgGraph -ClientSecretCredential <PSCredential> -TenantId <tenant>, -CertificateThumbprint, -Identity, -EnvironmentVariable, or -AccessToken with an app-only token."
        ),
        category: "PermissionDenied",
    }
}

/// The invite needs an application permission the connected token does not carry.
fn missing_invite_role(roles: &[String]) -> CoreError {
    CoreError::Authentication {
        error_id: "MissingApplicationPermission".into(),
        message: format!(
            "The token has no application permission {INVITE_ROLE} (it has: {}). Inviting participants needs it: add it to the app registration as an application permission and grant admin consent. Nothing was sent.",
            if roles.is_empty() { "none".to_string() } else { roles.join(", ") }
        ),
        category: "PermissionDenied",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_is_the_descriptors_path_with_the_call_id_one_segment() {
        assert_eq!(invite_operation().method, "POST");
        assert_eq!(
            invite_url("http://127.0.0.1:1/", "x/y"),
            "http://127.0.0.1:1/v1.0/communications/calls/x%2Fy/participants/invite"
        );
        let long = invite_url(
            "http://127.0.0.1:1",
            &format!("\u{e9}{}", "x".repeat(70_000)),
        );
        let problem = check_url_length("CallId", &long).unwrap_err();
        assert!(problem.starts_with("CallId is too long"), "{problem}");
        assert!(check_url_length(
            "CallId",
            &invite_url("http://127.0.0.1:1", &"x".repeat(1000))
        )
        .is_ok());
    }
}
