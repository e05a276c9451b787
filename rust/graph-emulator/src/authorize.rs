//! The identity platform's authorization code grant with PKCE, as public clients
//! such as Microsoft Graph PowerShell use it for a browser sign-in: `/authorize`
//! redirects to the client's loopback `redirect_uri` with a code, and the
//! `authorization_code` grant redeems it once, for the same `redirect_uri` and
//! the PKCE verifier of the challenge.

use std::collections::HashMap;

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::delegated::{graph_scopes, random_token, requested_scopes, Grant};
use crate::identity::{aad_error, Identity};

/// A code `/authorize` gave out, waiting to be redeemed.
pub(crate) struct AuthCode {
    grant: Grant,
    redirect_uri: String,
    challenge: String,
}

/// A loopback `http` redirect, as the identity platform allows public clients (any port).
fn is_loopback_redirect(uri: &str) -> bool {
    let Some(rest) = uri.strip_prefix("http://") else {
        return false;
    };
    let host_port = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = match host_port.rsplit_once(':') {
        Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) => host,
        _ => host_port,
    };
    matches!(host, "localhost" | "127.0.0.1" | "[::1]")
}

fn with_query(base: &str, pairs: &[(&str, &str)]) -> String {
    let query = serde_urlencoded::to_string(pairs).unwrap_or_default();
    let separator = if base.contains('?') { '&' } else { '?' };
    format!("{base}{separator}{query}")
}

fn redirect(location: &str) -> Response {
    (
        StatusCode::FOUND,
        [(header::LOCATION, location.to_string())],
    )
        .into_response()
}

impl Identity {
    /// `GET /{tenant}/oauth2/v2.0/authorize`: where a browser is sent; answers with a
    /// redirect to the client's loopback listener (or, stalled, a page that waits).
    pub(crate) fn authorize_endpoint(
        &mut self,
        tenant: &str,
        query: &HashMap<String, String>,
    ) -> Response {
        let field = |name: &str| query.get(name).map(String::as_str).unwrap_or("");
        let client_id = field("client_id");
        if !self.known_public_client(tenant, client_id) {
            return Self::unknown_client(tenant, client_id);
        }
        let redirect_uri = field("redirect_uri");
        if !is_loopback_redirect(redirect_uri) {
            return aad_error(StatusCode::BAD_REQUEST, "invalid_request", 50011,
                &format!("The redirect URI '{redirect_uri}' specified in the request does not match the redirect URIs configured for the application."));
        }
        let state = field("state");
        let refuse = |error: &str, text: &str| {
            redirect(&with_query(
                redirect_uri,
                &[
                    ("error", error),
                    ("error_description", text),
                    ("state", state),
                ],
            ))
        };
        if field("response_type") != "code" {
            return refuse(
                "unsupported_response_type",
                "AADSTS700054: response_type 'code' is expected.",
            );
        }
        if field("code_challenge").is_empty() || field("code_challenge_method") != "S256" {
            return refuse(
                "invalid_request",
                "AADSTS9002325: Proof Key for Code Exchange (S256) is required.",
            );
        }
        let scopes = requested_scopes(query);
        if graph_scopes(&scopes).is_empty() {
            return refuse(
                "invalid_scope",
                "AADSTS70011: The request must name at least one permission.",
            );
        }
        let script = self.delegated.next_script();
        match script.decision.as_str() {
            "deny" => refuse(
                "access_denied",
                "AADSTS65004: User declined to consent to access the app.",
            ),
            "stall" => (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                "<html><body>Sign in to your account (the emulator's user never finishes).</body></html>",
            )
                .into_response(),
            _ => {
                let code = random_token("AC.");
                self.delegated.auth_codes.insert(
                    code.clone(),
                    AuthCode {
                        grant: Grant {
                            tenant: tenant.to_string(),
                            client_id: client_id.to_string(),
                            user: script.user,
                            scopes,
                            lifetime: script.token_lifetime_seconds,
                            opaque: script.opaque_tokens,
                        },
                        redirect_uri: redirect_uri.to_string(),
                        challenge: field("code_challenge").to_string(),
                    },
                );
                redirect(&with_query(
                    redirect_uri,
                    &[("code", code.as_str()), ("state", state)],
                ))
            }
        }
    }

    /// The `authorization_code` grant: single use, same `redirect_uri`, PKCE verifier.
    pub(crate) fn authorization_code_grant(&mut self, form: &HashMap<String, String>) -> Response {
        let field = |name: &str| form.get(name).map(String::as_str).unwrap_or("");
        let Some(code) = self.delegated.auth_codes.remove(field("code")) else {
            return aad_error(
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                54005,
                "OAuth2 Authorization code was already redeemed or is not valid.",
            );
        };
        if field("client_id") != code.grant.client_id {
            return aad_error(
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                70000,
                "The authorization code was issued to another client.",
            );
        }
        if field("redirect_uri") != code.redirect_uri {
            return aad_error(StatusCode::BAD_REQUEST, "invalid_grant", 500117,
                "The reply uri specified in the request does not match the reply uri used to get the authorization code.");
        }
        let verifier = field("code_verifier");
        if URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) != code.challenge {
            return aad_error(
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                501481,
                "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
            );
        }
        self.user_tokens(code.grant, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_redirects_only() {
        assert!(is_loopback_redirect("http://localhost:5123"));
        assert!(is_loopback_redirect("http://127.0.0.1:5123/cb"));
        assert!(is_loopback_redirect("http://localhost"));
        assert!(!is_loopback_redirect("https://localhost:5123"));
        assert!(!is_loopback_redirect("http://localhost.evil.test:80"));
        assert!(!is_loopback_redirect("http://evil.test/?localhost"));
    }
}
