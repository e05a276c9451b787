//! The identity platform's side: app registrations, the v2.0 token endpoint
//! (client secret and client-assertion JWT), managed-identity endpoints, and
//! the tokens it issued, which the invite endpoint then accepts. User sign-in
//! lives in `delegated`.
//!
//! Errors follow the identity platform's shape (`invalid_client` with an
//! `AADSTS…` description), so clients can be tested against them.

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::delegated::{jwt, Delegated};

/// The application permission the invite action needs.
pub const INVITE_ROLE: &str = "Calls.InitiateGroupCall.All";

fn default_roles() -> Vec<String> {
    vec![INVITE_ROLE.to_string()]
}

fn default_lifetime() -> u64 {
    3600
}

/// An app registration, as tests post it to `/_emulator/apps`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppRegistration {
    pub tenant_id: String,
    pub client_id: String,
    #[serde(default)]
    pub client_secret: Option<String>,
    /// The certificate's DER, base64: its public key verifies client assertions.
    #[serde(default)]
    pub certificate: Option<String>,
    #[serde(default = "default_roles")]
    pub roles: Vec<String>,
    #[serde(default = "default_lifetime")]
    pub token_lifetime_seconds: u64,
    #[serde(default)]
    pub display_name: Option<String>,
}

/// The managed identity of the emulated host, as posted to `/_emulator/managed-identity`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManagedIdentity {
    /// The secret App Service puts in `IDENTITY_HEADER`.
    pub identity_header: String,
    /// The system-assigned identity's client id; user-assigned ones are listed in `userAssigned`.
    pub client_id: String,
    #[serde(default)]
    pub user_assigned: Vec<String>,
    #[serde(default = "default_roles")]
    pub roles: Vec<String>,
    #[serde(default = "default_lifetime")]
    pub token_lifetime_seconds: u64,
}

struct RegisteredCert {
    modulus: Vec<u8>,
    exponent: Vec<u8>,
    x5t_s256: String,
}

pub(crate) struct App {
    pub(crate) registration: AppRegistration,
    cert: Option<RegisteredCert>,
}

pub(crate) struct IssuedToken {
    pub(crate) roles: Vec<String>,
    pub(crate) expires_at: SystemTime,
    /// The signed-in user, for delegated tokens.
    pub(crate) user: Option<String>,
}

#[derive(Default)]
pub(crate) struct Identity {
    pub(crate) apps: Vec<App>,
    pub(crate) tokens: HashMap<String, IssuedToken>,
    managed: Option<ManagedIdentity>,
    pub(crate) delegated: Delegated,
}

/// What the invite endpoint thinks of a bearer token.
pub(crate) enum TokenVerdict {
    Valid,
    Unknown,
    Expired,
    MissingRole,
}

impl Identity {
    pub(crate) fn register(&mut self, registration: AppRegistration) -> Result<(), String> {
        let cert = match &registration.certificate {
            None => None,
            Some(b64) => Some(parse_certificate(b64)?),
        };
        self.apps.retain(|a| {
            !(a.registration.client_id == registration.client_id
                && a.registration
                    .tenant_id
                    .eq_ignore_ascii_case(&registration.tenant_id))
        });
        self.apps.push(App { registration, cert });
        Ok(())
    }

    pub(crate) fn set_managed(&mut self, managed: ManagedIdentity) {
        self.managed = Some(managed);
    }

    /// Every access token issued so far (a test aid: suites check none of them leaks).
    pub(crate) fn issued(&self) -> Vec<String> {
        self.tokens.keys().cloned().collect()
    }

    /// Makes every issued token expire now (for refresh tests).
    pub(crate) fn expire_all(&mut self) {
        let now = SystemTime::now();
        for token in self.tokens.values_mut() {
            token.expires_at = now;
        }
    }

    pub(crate) fn verdict(&self, token: &str) -> TokenVerdict {
        match self.tokens.get(token) {
            None => TokenVerdict::Unknown,
            Some(t) if t.expires_at <= SystemTime::now() => TokenVerdict::Expired,
            Some(t) if !t.roles.iter().any(|r| r == INVITE_ROLE) => TokenVerdict::MissingRole,
            Some(_) => TokenVerdict::Valid,
        }
    }

    fn issue(
        &mut self,
        tenant: &str,
        client_id: &str,
        roles: &[String],
        lifetime: u64,
        name: Option<&str>,
    ) -> Value {
        let now = unix_now();
        let claims = json!({
            "aud": "https://graph.microsoft.com",
            "iss": format!("https://sts.windows.net/{tenant}/"),
            "iat": now, "nbf": now, "exp": now + lifetime,
            "tid": tenant, "appid": client_id, "oid": uuid::Uuid::new_v4().to_string(),
            "roles": roles, "app_displayname": name,
        });
        let token = jwt(&claims);
        self.tokens.insert(
            token.clone(),
            IssuedToken {
                roles: roles.to_vec(),
                expires_at: SystemTime::now() + Duration::from_secs(lifetime),
                user: None,
            },
        );
        json!({"token_type": "Bearer", "expires_in": lifetime, "ext_expires_in": lifetime, "access_token": token})
    }

    /// The v2.0 token endpoint: `POST /{tenant}/oauth2/v2.0/token`: client
    /// credentials here, the user grants in `delegated`.
    pub(crate) fn token_endpoint(
        &mut self,
        tenant: &str,
        endpoint_url: &str,
        form: &HashMap<String, String>,
    ) -> Response {
        let field = |name: &str| form.get(name).map(String::as_str);
        match field("grant_type") {
            Some("client_credentials") => {}
            Some("urn:ietf:params:oauth:grant-type:device_code") => {
                return self.device_code_grant(form)
            }
            Some("authorization_code") => return self.authorization_code_grant(form),
            Some("refresh_token") => return self.refresh_token_grant(form),
            _ => {
                return aad_error(
                    StatusCode::BAD_REQUEST,
                    "unsupported_grant_type",
                    70003,
                    "The app requested an unsupported grant type.",
                )
            }
        }
        if !self
            .apps
            .iter()
            .any(|a| a.registration.tenant_id.eq_ignore_ascii_case(tenant))
        {
            return aad_error(StatusCode::BAD_REQUEST, "invalid_request", 90002,
                &format!("Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."));
        }
        let client_id = field("client_id").unwrap_or("");
        let Some(app) = self.apps.iter().find(|a| {
            a.registration.tenant_id.eq_ignore_ascii_case(tenant)
                && a.registration.client_id == client_id
        }) else {
            return aad_error(StatusCode::BAD_REQUEST, "unauthorized_client", 700016,
                &format!("Application with identifier '{client_id}' was not found in the directory '{tenant}'."));
        };
        if !field("scope").unwrap_or("").ends_with("/.default") {
            return aad_error(StatusCode::BAD_REQUEST, "invalid_scope", 1002012,
                "The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.");
        }
        if let Some(secret) = field("client_secret") {
            if app.registration.client_secret.as_deref() != Some(secret) {
                return aad_error(StatusCode::UNAUTHORIZED, "invalid_client", 7000215,
                    "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app.");
            }
        } else if let Some(assertion) = field("client_assertion") {
            if field("client_assertion_type")
                != Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
            {
                return aad_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    50027,
                    "Invalid client_assertion_type.",
                );
            }
            if let Err((code, text)) = verify_assertion(app, assertion, endpoint_url) {
                return aad_error(StatusCode::UNAUTHORIZED, "invalid_client", code, &text);
            }
        } else {
            return aad_error(StatusCode::UNAUTHORIZED, "invalid_client", 7000218,
                "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
        }
        let registration = app.registration.clone();
        let body = self.issue(
            tenant,
            &registration.client_id,
            &registration.roles,
            registration.token_lifetime_seconds,
            registration.display_name.as_deref(),
        );
        (StatusCode::OK, Json(body)).into_response()
    }

    /// Managed identity, App Service style (`X-IDENTITY-HEADER`) or IMDS style (`Metadata: true`).
    pub(crate) fn managed_identity(
        &mut self,
        query: &HashMap<String, String>,
        secret_header: Option<&str>,
        imds: bool,
    ) -> Response {
        let Some(managed) = self.managed.clone() else {
            return (
                StatusCode::BAD_REQUEST,
                Json(
                    json!({"error": "invalid_request", "error_description": "Identity not found"}),
                ),
            )
                .into_response();
        };
        if !imds && secret_header != Some(managed.identity_header.as_str()) {
            return (StatusCode::UNAUTHORIZED, Json(json!({"error": "unauthorized", "error_description": "The X-IDENTITY-HEADER header is missing or wrong."}))).into_response();
        }
        let Some(resource) = query.get("resource").filter(|r| !r.is_empty()) else {
            return (StatusCode::BAD_REQUEST, Json(json!({"error": "invalid_request", "error_description": "Required query variable 'resource' is missing"}))).into_response();
        };
        let client_id = match query.get("client_id") {
            None => managed.client_id.clone(),
            Some(id) if *id == managed.client_id || managed.user_assigned.contains(id) => {
                id.clone()
            }
            Some(id) => {
                return (StatusCode::BAD_REQUEST, Json(json!({"error": "invalid_request", "error_description": format!("Identity not found: no identity with client id '{id}' is assigned to this host.")}))).into_response();
            }
        };
        let issued = self.issue(
            "managed-identity-tenant",
            &client_id,
            &managed.roles,
            managed.token_lifetime_seconds,
            None,
        );
        let expires_on = unix_now() + managed.token_lifetime_seconds;
        (
            StatusCode::OK,
            Json(json!({
                "access_token": issued["access_token"],
                "expires_on": expires_on.to_string(),
                "expires_in": managed.token_lifetime_seconds.to_string(),
                "resource": resource,
                "token_type": "Bearer",
                "client_id": client_id,
            })),
        )
            .into_response()
    }
}

pub(crate) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

pub(crate) fn aad_error(status: StatusCode, error: &str, code: u32, text: &str) -> Response {
    let trace = uuid::Uuid::new_v4().to_string();
    let correlation = uuid::Uuid::new_v4().to_string();
    let body = json!({
        "error": error,
        "error_description": format!("AADSTS{code}: {text}\r\nTrace ID: {trace}\r\nCorrelation ID: {correlation}"),
        "error_codes": [code],
        "trace_id": trace,
        "correlation_id": correlation,
        "error_uri": format!("https://login.microsoftonline.com/error?code={code}"),
    });
    (status, Json(body)).into_response()
}

fn parse_certificate(b64: &str) -> Result<RegisteredCert, String> {
    let der = STANDARD
        .decode(b64.trim())
        .map_err(|e| format!("certificate is not base64: {e}"))?;
    let (_, cert) = x509_parser::parse_x509_certificate(&der)
        .map_err(|e| format!("certificate is not X.509 DER: {e}"))?;
    let key = match cert.public_key().parsed() {
        Ok(x509_parser::public_key::PublicKey::RSA(rsa)) => rsa,
        _ => return Err("certificate does not hold an RSA public key".into()),
    };
    // DER integers carry a leading zero byte when the top bit is set; the raw key wants magnitudes.
    let magnitude = |bytes: &[u8]| {
        let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
        bytes[start..].to_vec()
    };
    Ok(RegisteredCert {
        modulus: magnitude(key.modulus),
        exponent: magnitude(key.exponent),
        x5t_s256: URL_SAFE_NO_PAD.encode(Sha256::digest(&der)),
    })
}

#[derive(Deserialize)]
struct AssertionClaims {
    iss: String,
    sub: String,
    jti: String,
}

fn verify_assertion(app: &App, assertion: &str, endpoint_url: &str) -> Result<(), (u32, String)> {
    let header = jsonwebtoken::decode_header(assertion)
        .map_err(|e| (50027, format!("JWT token is invalid or malformed: {e}.")))?;
    if header.alg != jsonwebtoken::Algorithm::RS256 {
        return Err((
            5002738,
            "Invalid JWT token. The signing algorithm must be RS256.".into(),
        ));
    }
    let cert = app.cert.as_ref().ok_or((700027, "Client assertion failed signature validation: no certificate is registered on the application.".to_string()))?;
    if header.x5t_s256.as_deref() != Some(cert.x5t_s256.as_str()) {
        return Err((700027, "The certificate with identifier used to sign the client assertion is not registered on application.".into()));
    }
    let key = jsonwebtoken::DecodingKey::from_rsa_raw_components(&cert.modulus, &cert.exponent);
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.set_audience(&[endpoint_url]);
    validation.set_required_spec_claims(&["exp", "nbf", "aud", "iss", "sub"]);
    validation.validate_nbf = true;
    validation.leeway = 5;
    let data = jsonwebtoken::decode::<AssertionClaims>(assertion, &key, &validation).map_err(|e| {
        use jsonwebtoken::errors::ErrorKind;
        match e.kind() {
            ErrorKind::ExpiredSignature | ErrorKind::ImmatureSignature => (700024, "Client assertion is not within its valid time range.".to_string()),
            ErrorKind::InvalidAudience => (700212, format!("The audience of the client assertion must be the token endpoint '{endpoint_url}'.")),
            ErrorKind::InvalidSignature => (700027, "Client assertion failed signature validation.".to_string()),
            other => (50027, format!("JWT token is invalid or malformed: {other:?}.")),
        }
    })?;
    let client_id = &app.registration.client_id;
    if data.claims.iss != *client_id || data.claims.sub != *client_id {
        return Err((700023, "Client assertion audience or issuer is invalid: iss and sub must both be the client id.".into()));
    }
    if data.claims.jti.is_empty() {
        return Err((
            50027,
            "JWT token is invalid or malformed: jti is missing.".into(),
        ));
    }
    Ok(())
}
