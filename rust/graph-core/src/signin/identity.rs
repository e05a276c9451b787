//! Talking to the identity platform: its endpoints, sending it a request and
//! reading its answer (a token and how long it lives, or a refusal as an
//! error), and the unverified claims of the tokens it issues.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use secrecy::SecretString;
use serde_json::{Map, Value};

use super::environment::Environment;
use crate::error::CoreError;
use crate::http::request::escape_segment;
use crate::http::transport::{self, MAX_BODY_BYTES};

/// An endpoint of the identity platform: `{authority}/{tenant}/oauth2/v2.0/{leaf}`.
pub(crate) fn identity_url(environment: &Environment, tenant_id: &str, leaf: &str) -> String {
    format!(
        "{}/{}/oauth2/v2.0/{leaf}",
        environment.azure_ad_endpoint,
        escape_segment(tenant_id)
    )
}

pub(crate) fn auth_error(id: &str, message: String, category: &'static str) -> CoreError {
    CoreError::Authentication {
        error_id: id.to_string(),
        message,
        category,
    }
}

/// Sends a request to the identity platform (`what` names it in errors) and reads
/// its JSON answer, whatever the status.
pub(crate) async fn send_identity_request(
    request: reqwest::RequestBuilder,
    what: &str,
) -> Result<(reqwest::StatusCode, Value), CoreError> {
    let response = request
        .header("Accept", "application/json")
        .timeout(crate::http::retry::current().client_timeout)
        .send()
        .await
        .map_err(|e| {
            auth_error(
                "IdentityEndpointUnreachable",
                format!(
                    "Could not reach the identity endpoint {what}: {}",
                    transport::describe_transport(&e)
                ),
                "AuthenticationError",
            )
        })?;
    let status = response.status();
    let body = response.bytes().await.map_err(|e| {
        auth_error(
            "IdentityEndpointUnreachable",
            format!(
                "The identity endpoint {what} broke off its answer: {}",
                transport::describe_transport(&e)
            ),
            "AuthenticationError",
        )
    })?;
    if body.len() > MAX_BODY_BYTES {
        return Err(auth_error(
            "InvalidTokenResponse",
            format!("The identity endpoint {what} sent an oversized answer."),
            "AuthenticationError",
        ));
    }
    Ok((status, serde_json::from_slice(&body).unwrap_or(Value::Null)))
}

/// Posts a form to the identity platform: its JSON answer when accepted, else the refusal as an error.
pub(crate) async fn post_identity_form(
    url: &str,
    form: &[(&str, &str)],
) -> Result<Value, CoreError> {
    let (status, parsed) =
        send_identity_request(transport::client()?.post(url).form(form), url).await?;
    if !status.is_success() {
        return Err(identity_refusal(status, &parsed));
    }
    Ok(parsed)
}

/// The identity platform's `error` code of a refusal.
pub(crate) fn identity_error_code(parsed: &Value) -> &str {
    parsed
        .get("error")
        .and_then(Value::as_str)
        .unwrap_or("token_request_failed")
}

/// A refusal as an error record: `[error] first line of error_description`.
pub(crate) fn identity_refusal(status: reqwest::StatusCode, parsed: &Value) -> CoreError {
    let error = identity_error_code(parsed);
    let description = parsed
        .get("error_description")
        .and_then(Value::as_str)
        .map(|d| d.lines().next().unwrap_or(d).to_string())
        .unwrap_or_else(|| {
            format!("the identity endpoint answered {status} without an error description")
        });
    auth_error(
        error,
        format!("The identity platform refused the sign-in ({status}): [{error}] {description}"),
        "AuthenticationError",
    )
}

/// The access token of a successful answer, and how long it lives.
pub(crate) fn access_token_of(
    parsed: &Value,
    what: &str,
) -> Result<(SecretString, Duration), CoreError> {
    let token = parsed
        .get("access_token")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            auth_error(
                "InvalidTokenResponse",
                format!("The identity endpoint {what} answered without an access_token."),
                "AuthenticationError",
            )
        })?;
    Ok((
        SecretString::from(token.to_string()),
        token_lifetime(parsed),
    ))
}

pub(crate) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// `expires_in` (seconds, number or text) or `expires_on` (Unix seconds); an hour if neither.
fn token_lifetime(body: &Value) -> Duration {
    let number = |v: &Value| {
        v.as_u64()
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
    };
    if let Some(secs) = body.get("expires_in").and_then(number) {
        return Duration::from_secs(secs);
    }
    if let Some(on) = body.get("expires_on").and_then(number) {
        return Duration::from_secs(on.saturating_sub(unix_now()));
    }
    Duration::from_secs(3600)
}

/// The unverified payload of a JWT; empty for anything else.
pub fn jwt_claims(token: &str) -> Map<String, Value> {
    let payload = token.split('.').nth(1).unwrap_or("");
    URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
        .and_then(|v| match v {
            Value::Object(map) => Some(map),
            _ => None,
        })
        .unwrap_or_default()
}

/// Roles of a JWT; `None` when the token is opaque or has no roles claim.
pub fn token_roles(token: &str) -> Option<Vec<String>> {
    jwt_claims(token)
        .get("roles")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lifetimes_come_from_expires_in_or_expires_on() {
        assert_eq!(
            token_lifetime(&json!({"expires_in": 3599})),
            Duration::from_secs(3599)
        );
        assert_eq!(
            token_lifetime(&json!({"expires_in": "120"})),
            Duration::from_secs(120)
        );
        let on = unix_now() + 600;
        let got = token_lifetime(&json!({"expires_on": on.to_string()}));
        assert!(got <= Duration::from_secs(600) && got >= Duration::from_secs(598));
        assert_eq!(token_lifetime(&json!({})), Duration::from_secs(3600));
    }

    #[test]
    fn claims_are_read_from_a_jwt() {
        let payload = URL_SAFE_NO_PAD
            .encode(r#"{"tid":"t1","appid":"a1","roles":["Calls.InitiateGroupCall.All"]}"#);
        let claims = jwt_claims(&format!("eyJhbGciOiJub25lIn0.{payload}.sig"));
        assert_eq!(claims["tid"], "t1");
        assert!(jwt_claims("opaque-token").is_empty());
    }
}
