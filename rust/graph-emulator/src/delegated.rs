//! The identity platform's delegated (user) sign-in, as public clients such as
//! Microsoft Graph PowerShell use it: the device authorization grant
//! (`/devicecode` + `device_code` polling), the authorization code grant with
//! PKCE (`/authorize` redirecting to a loopback `redirect_uri`; in `authorize`),
//! and the `refresh_token` grant with consent checks.
//!
//! What the "user" does is scripted (`POST /_emulator/signin`): approve after
//! some polls, deny, stall, let the code expire, or ask the client to slow
//! down. With nothing scripted a sign-in is approved on the second poll (or at
//! once in the browser) as Adele Vance, so scripts run unattended.
//!
//! Stricter than the real service where that catches client bugs: polling
//! faster than `interval` is answered `slow_down`, PKCE (S256) is required, a
//! refresh token is single-use (the client must keep the rotated one).

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime};

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::authorize::AuthCode;
use crate::identity::{aad_error, unix_now, Identity, IssuedToken};

/// Microsoft Graph PowerShell's public client id, known in every tenant.
pub const GRAPH_POWERSHELL_CLIENT_ID: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
/// Scopes every sign-in gets; they never need consent.
const OIDC_SCOPES: &[&str] = &["openid", "profile", "offline_access", "email"];
/// A device code lives this long unless scripted otherwise.
const DEVICE_CODE_LIFETIME: u64 = 900;

fn default_user() -> String {
    "adele.vance@contoso.test".into()
}

fn default_pending() -> u32 {
    1
}

fn default_interval() -> u64 {
    1
}

fn default_lifetime() -> u64 {
    3600
}

/// What the user does at the next sign-in, as tests post it to `/_emulator/signin`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignInScript {
    /// `approve`, `deny`, `stall` (never finishes) or `expire` (the device code runs out).
    #[serde(default = "SignInScript::approve")]
    pub decision: String,
    #[serde(default = "default_user")]
    pub user: String,
    /// Device code: polls answered `authorization_pending` before the decision.
    #[serde(default = "default_pending")]
    pub pending_polls: u32,
    /// Device code: the polling interval the endpoint asks for, in seconds.
    #[serde(default = "default_interval")]
    pub interval: u64,
    /// Device code: answer the first poll `slow_down`.
    #[serde(default)]
    pub slow_down: bool,
    /// Lifetime of the access tokens this sign-in (and its refreshes) get.
    #[serde(default = "default_lifetime")]
    pub token_lifetime_seconds: u64,
    /// Access tokens the client cannot read (not JWTs, as a personal Microsoft account's), and
    /// refreshes that answer no id token: the account is known from the first sign-in only.
    #[serde(default)]
    pub opaque_tokens: bool,
}

impl SignInScript {
    fn approve() -> String {
        "approve".into()
    }
}

impl Default for SignInScript {
    fn default() -> Self {
        serde_json::from_value(json!({})).expect("defaults deserialize")
    }
}

/// What a user consented to for one client; refresh tokens point at it.
#[derive(Clone)]
pub(crate) struct Grant {
    pub(crate) tenant: String,
    pub(crate) client_id: String,
    pub(crate) user: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) lifetime: u64,
    /// `SignInScript::opaque_tokens`, kept for the grant's refreshes.
    pub(crate) opaque: bool,
}

struct DeviceCode {
    grant: Grant,
    script: SignInScript,
    expires_at: Instant,
    polls: u32,
    last_poll: Option<Instant>,
}

#[derive(Default)]
pub(crate) struct Delegated {
    scripts: std::collections::VecDeque<SignInScript>,
    device_codes: HashMap<String, DeviceCode>,
    pub(crate) auth_codes: HashMap<String, AuthCode>,
    refresh_tokens: HashMap<String, Grant>,
}

impl Delegated {
    pub(crate) fn push_script(&mut self, script: SignInScript) {
        self.scripts.push_back(script);
    }

    pub(crate) fn next_script(&mut self) -> SignInScript {
        self.scripts.pop_front().unwrap_or_default()
    }
}

/// `https://graph.microsoft.com/User.Read` and `User.Read` name the same scope.
fn scope_name(scope: &str) -> &str {
    scope.rsplit('/').next().unwrap_or(scope)
}

pub(crate) fn requested_scopes(form: &HashMap<String, String>) -> Vec<String> {
    form.get("scope")
        .map(|s| {
            s.split(' ')
                .filter(|s| !s.is_empty())
                .map(|s| scope_name(s).to_string())
                .collect()
        })
        .unwrap_or_default()
}

pub(crate) fn graph_scopes(scopes: &[String]) -> Vec<String> {
    scopes
        .iter()
        .filter(|s| !OIDC_SCOPES.contains(&s.as_str()))
        .cloned()
        .collect()
}

pub(crate) fn random_token(prefix: &str) -> String {
    format!(
        "{prefix}{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

impl Identity {
    /// Public clients: Microsoft Graph PowerShell's id anywhere, a registered app in its tenant.
    pub(crate) fn known_public_client(&self, tenant: &str, client_id: &str) -> bool {
        let organizations = matches!(
            tenant.to_ascii_lowercase().as_str(),
            "common" | "organizations"
        );
        client_id == GRAPH_POWERSHELL_CLIENT_ID
            || self.apps.iter().any(|a| {
                a.registration.client_id == client_id
                    && (organizations || a.registration.tenant_id.eq_ignore_ascii_case(tenant))
            })
    }

    pub(crate) fn unknown_client(tenant: &str, client_id: &str) -> Response {
        aad_error(StatusCode::BAD_REQUEST, "unauthorized_client", 700016,
            &format!("Application with identifier '{client_id}' was not found in the directory '{tenant}'."))
    }

    /// `POST /{tenant}/oauth2/v2.0/devicecode`.
    pub(crate) fn device_code_endpoint(
        &mut self,
        tenant: &str,
        base_url: &str,
        form: &HashMap<String, String>,
    ) -> Response {
        let client_id = form.get("client_id").cloned().unwrap_or_default();
        if !self.known_public_client(tenant, &client_id) {
            return Self::unknown_client(tenant, &client_id);
        }
        let scopes = requested_scopes(form);
        if graph_scopes(&scopes).is_empty() {
            return aad_error(StatusCode::BAD_REQUEST, "invalid_scope", 70011,
                "The provided request must include a 'scope' input parameter naming at least one permission of the resource.");
        }
        let script = self.delegated.next_script();
        let lifetime = if script.decision == "expire" {
            0
        } else {
            DEVICE_CODE_LIFETIME
        };
        let device_code = random_token("DC.");
        let user_code = uuid::Uuid::new_v4().simple().to_string()[..9].to_ascii_uppercase();
        let verification_uri = format!("{base_url}/devicelogin");
        let body = json!({
            "user_code": user_code,
            "device_code": device_code,
            "verification_uri": verification_uri,
            "expires_in": lifetime,
            "interval": script.interval,
            "message": format!("To sign in, use a web browser to open the page {verification_uri} and enter the code {user_code} to authenticate."),
        });
        let grant = Grant {
            tenant: tenant.to_string(),
            client_id,
            user: script.user.clone(),
            scopes,
            lifetime: script.token_lifetime_seconds,
            opaque: script.opaque_tokens,
        };
        self.delegated.device_codes.insert(
            device_code,
            DeviceCode {
                grant,
                script,
                expires_at: Instant::now() + Duration::from_secs(lifetime),
                polls: 0,
                last_poll: None,
            },
        );
        (StatusCode::OK, Json(body)).into_response()
    }

    /// The `device_code` grant: pending, slow down, declined, expired, or tokens.
    pub(crate) fn device_code_grant(&mut self, form: &HashMap<String, String>) -> Response {
        let code = form.get("device_code").cloned().unwrap_or_default();
        let Some(entry) = self.delegated.device_codes.get_mut(&code) else {
            return aad_error(
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                70000,
                "The provided value for the input parameter 'device_code' is not valid.",
            );
        };
        let now = Instant::now();
        if now >= entry.expires_at || entry.script.decision == "expire" {
            self.delegated.device_codes.remove(&code);
            return aad_error(
                StatusCode::BAD_REQUEST,
                "expired_token",
                70020,
                "The provided value for the input parameter 'device_code' has expired.",
            );
        }
        let interval = Duration::from_secs(entry.script.interval);
        let too_soon = entry
            .last_poll
            .is_some_and(|last| now.duration_since(last) < interval.mul_f64(0.9));
        entry.last_poll = Some(now);
        let first = entry.polls == 0;
        entry.polls += 1;
        if too_soon || (first && entry.script.slow_down) {
            return aad_error(
                StatusCode::BAD_REQUEST,
                "slow_down",
                70016,
                "The client is polling too fast; wait longer between polls.",
            );
        }
        if entry.script.decision == "stall" || entry.polls <= entry.script.pending_polls {
            return aad_error(
                StatusCode::BAD_REQUEST,
                "authorization_pending",
                70016,
                "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
            );
        }
        let entry = self
            .delegated
            .device_codes
            .remove(&code)
            .expect("found above");
        if entry.script.decision == "deny" {
            return aad_error(
                StatusCode::BAD_REQUEST,
                "authorization_declined",
                70000,
                "The user declined the sign-in request.",
            );
        }
        self.user_tokens(entry.grant, false)
    }

    /// The `refresh_token` grant: the same user and client, scopes within the consent.
    pub(crate) fn refresh_token_grant(&mut self, form: &HashMap<String, String>) -> Response {
        let token = form.get("refresh_token").cloned().unwrap_or_default();
        let Some(grant) = self.delegated.refresh_tokens.get(&token).cloned() else {
            return aad_error(StatusCode::BAD_REQUEST, "invalid_grant", 9002313,
                "Invalid request. The refresh token is malformed, was already used, or was revoked.");
        };
        if form.get("client_id").map(String::as_str) != Some(grant.client_id.as_str()) {
            return aad_error(
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                70000,
                "The refresh token was issued to another client.",
            );
        }
        let requested = graph_scopes(&requested_scopes(form));
        if let Some(missing) = requested.iter().find(|s| !grant.scopes.contains(s)) {
            return aad_error(StatusCode::BAD_REQUEST, "invalid_grant", 65001,
                &format!("The user or administrator has not consented to use the application with ID '{}'. Send an interactive authorization request for this user and resource ({missing}).", grant.client_id));
        }
        self.delegated.refresh_tokens.remove(&token);
        self.user_tokens(grant, true)
    }

    /// An access token (`scp`, user claims), a refresh token and an id token (none for a
    /// refresh of an opaque-token grant, whose access tokens are not JWTs either).
    pub(crate) fn user_tokens(&mut self, grant: Grant, refreshed: bool) -> Response {
        let now = unix_now();
        let tenant = match grant.tenant.to_ascii_lowercase().as_str() {
            "common" | "organizations" => "contoso-tenant".to_string(),
            _ => grant.tenant.clone(),
        };
        let oid = user_object_id(&grant.user);
        let name = display_name(&grant.user);
        let scp = graph_scopes(&grant.scopes).join(" ");
        let claims = json!({
            "aud": "https://graph.microsoft.com",
            "iss": format!("https://sts.windows.net/{tenant}/"),
            "iat": now, "nbf": now, "exp": now + grant.lifetime,
            "tid": tenant, "appid": grant.client_id, "oid": oid,
            "scp": scp, "upn": grant.user, "name": name,
            "app_displayname": if grant.client_id == GRAPH_POWERSHELL_CLIENT_ID { Some("Microsoft Graph Command Line Tools") } else { None },
        });
        let access_token = if grant.opaque {
            random_token("EwA.")
        } else {
            jwt(&claims)
        };
        let id_token = (!(grant.opaque && refreshed)).then(|| jwt(&json!({
            "aud": grant.client_id, "iss": format!("https://login.microsoftonline.com/{tenant}/v2.0"),
            "iat": now, "nbf": now, "exp": now + 3600, "tid": tenant, "oid": oid,
            "preferred_username": grant.user, "name": name,
        })));
        let refresh_token = random_token("RT.");
        self.tokens.insert(
            access_token.clone(),
            IssuedToken {
                roles: Vec::new(),
                expires_at: SystemTime::now() + Duration::from_secs(grant.lifetime),
                user: Some(grant.user.clone()),
            },
        );
        let lifetime = grant.lifetime;
        let scope = grant.scopes.join(" ");
        self.delegated
            .refresh_tokens
            .insert(refresh_token.clone(), grant);
        let mut answer = json!({
            "token_type": "Bearer", "scope": scope, "expires_in": lifetime, "ext_expires_in": lifetime,
            "access_token": access_token, "refresh_token": refresh_token,
        });
        if let Some(id_token) = id_token {
            answer["id_token"] = Value::String(id_token);
        }
        (StatusCode::OK, Json(answer)).into_response()
    }

    /// The signed-in user behind a delegated token, for `GET /me`.
    pub(crate) fn user_of(&self, token: &str) -> Option<Value> {
        let user = self.tokens.get(token)?.user.as_ref()?;
        Some(json!({
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users/$entity",
            "id": user_object_id(user),
            "displayName": display_name(user),
            "userPrincipalName": user,
            "mail": user,
        }))
    }
}

/// Shaped like a JWT so clients can read its claims; its signature means nothing.
pub(crate) fn jwt(claims: &Value) -> String {
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(r#"{"typ":"JWT","alg":"none"}"#),
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        URL_SAFE_NO_PAD.encode(uuid::Uuid::new_v4().as_bytes())
    )
}

fn user_object_id(user: &str) -> String {
    let digest = Sha256::digest(user.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Uuid::from_bytes(bytes).to_string()
}

/// `adele.vance@contoso.test` is shown as `Adele Vance`.
fn display_name(user: &str) -> String {
    user.split('@')
        .next()
        .unwrap_or(user)
        .split(['.', '_'])
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_compare_without_their_resource() {
        let form = HashMap::from([(
            "scope".to_string(),
            "https://graph.microsoft.com/User.Read offline_access  openid".to_string(),
        )]);
        assert_eq!(graph_scopes(&requested_scopes(&form)), vec!["User.Read"]);
        assert_eq!(display_name("adele.vance@contoso.test"), "Adele Vance");
    }
}
