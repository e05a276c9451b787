//! The credentials a session can hold and their tokens: client secret,
//! certificate (a client-assertion JWT signed here), managed identity (App
//! Service or instance metadata), a token the user already holds, or a
//! signed-in user (`user.rs`).
//!
//! Tokens are cached per connection and refreshed ahead of expiry; callers
//! that find the token stale wait on one refresh instead of starting their own.

use std::future::Future;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use secrecy::{ExposeSecret, SecretBox, SecretString};
use serde_json::{json, Map, Value};

use super::environment::Environment;
use super::identity::{
    access_token_of, auth_error, identity_refusal, identity_url, send_identity_request, unix_now,
};
use super::user::UserCredential;
use crate::error::CoreError;
use crate::events::Events;
use crate::http::dispatch::TokenSource;
use crate::http::request::{check_endpoint, check_segment};
use crate::http::transport;

/// The application permission the invite action needs.
pub const INVITE_ROLE: &str = "Calls.InitiateGroupCall.All";
/// Azure's SDKs' instance metadata address; reachable only inside Azure.
pub const IMDS_DEFAULT_HOST: &str = "http://169.254.169.254";
/// A client assertion is valid this long.
const ASSERTION_LIFETIME_SECS: u64 = 600;
/// Refresh this long before expiry (at most half of the token's lifetime).
const REFRESH_AHEAD: Duration = Duration::from_secs(300);

pub struct CertificateCredential {
    pub tenant_id: String,
    pub client_id: String,
    /// PKCS#8 private key DER (RSA), zeroed on drop.
    pub private_key: SecretBox<[u8]>,
    /// base64url SHA-1 and SHA-256 of the certificate's DER.
    pub x5t: String,
    pub x5t_s256: String,
    /// The chain (leaf first), standard base64 DER, sent as `x5c` when asked.
    pub x5c: Vec<String>,
    pub send_chain: bool,
}

pub enum ManagedIdentityEndpoint {
    /// App Service, Functions, Automation: `IDENTITY_ENDPOINT` + `IDENTITY_HEADER`.
    AppService {
        endpoint: String,
        header: SecretString,
    },
    /// The instance metadata service (or `AZURE_POD_IDENTITY_AUTHORITY_HOST`).
    Imds { host: String },
}

pub enum Credential {
    AccessToken(SecretString),
    ClientSecret {
        tenant_id: String,
        client_id: String,
        secret: SecretString,
    },
    Certificate(Box<CertificateCredential>),
    ManagedIdentity {
        client_id: Option<String>,
        endpoint: ManagedIdentityEndpoint,
    },
    /// A user signed in (device code or browser); refreshed with the refresh token.
    Delegated(Box<UserCredential>),
}

impl Credential {
    /// Whether a new token can be had without the user.
    pub fn refreshable(&self) -> bool {
        match self {
            Credential::AccessToken(_) => false,
            Credential::Delegated(user) => user.has_refresh_token(),
            _ => true,
        }
    }
}

struct CachedToken {
    token: SecretString,
    refresh_at: Instant,
}

/// A credential with its token cache.
pub struct Authenticator {
    pub environment: Environment,
    pub credential: Credential,
    cache: tokio::sync::Mutex<Option<CachedToken>>,
}

impl Authenticator {
    pub fn new(environment: Environment, credential: Credential) -> Self {
        Self {
            environment,
            credential,
            cache: tokio::sync::Mutex::new(None),
        }
    }

    /// With a token already in hand (a user's sign-in just produced it).
    pub fn with_token(
        environment: Environment,
        credential: Credential,
        token: SecretString,
        lifetime: Duration,
    ) -> Self {
        let auth = Self::new(environment, credential);
        *auth.cache.try_lock().expect("a new cache is free") = Some(CachedToken {
            token,
            refresh_at: refresh_at(lifetime),
        });
        auth
    }

    /// A token that is not due for refresh; fetches one when needed. Concurrent
    /// callers queue on the cache lock, so a stale token causes one request.
    pub async fn token(&self, events: &Events) -> Result<SecretString, CoreError> {
        if let Credential::AccessToken(token) = &self.credential {
            return Ok(token.clone());
        }
        let mut cache = self.cache.lock().await;
        if let Some(cached) = cache.as_ref().filter(|c| Instant::now() < c.refresh_at) {
            return Ok(cached.token.clone());
        }
        let fresh = self.acquire(events).await?;
        let token = fresh.token.clone();
        *cache = Some(fresh);
        Ok(token)
    }

    /// After Graph refused `rejected` as expired: a new token, unless another
    /// call already replaced it. `None` when the credential cannot refresh.
    pub async fn token_after_rejection(
        &self,
        rejected: &SecretString,
        events: &Events,
    ) -> Result<Option<SecretString>, CoreError> {
        if !self.credential.refreshable() {
            return Ok(None);
        }
        let mut cache = self.cache.lock().await;
        if let Some(cached) = cache.as_ref() {
            if cached.token.expose_secret() != rejected.expose_secret() {
                return Ok(Some(cached.token.clone()));
            }
        }
        events.verbose("Graph says the token expired; getting a new one and retrying once.");
        let fresh = self.acquire(events).await?;
        let token = fresh.token.clone();
        *cache = Some(fresh);
        Ok(Some(token))
    }

    fn token_endpoint(&self, tenant_id: &str) -> String {
        identity_url(&self.environment, tenant_id, "token")
    }

    async fn acquire(&self, events: &Events) -> Result<CachedToken, CoreError> {
        let scope = format!("{}/.default", self.environment.graph_endpoint);
        let (request, what) = match &self.credential {
            Credential::AccessToken(_) => {
                unreachable!("access tokens are returned before acquiring")
            }
            Credential::Delegated(user) => {
                let tokens = user.refresh(&self.environment, events).await?;
                return Ok(CachedToken {
                    refresh_at: refresh_at(tokens.lifetime),
                    token: tokens.access_token,
                });
            }
            Credential::ClientSecret {
                tenant_id,
                client_id,
                secret,
            } => {
                let url = self.token_endpoint(tenant_id);
                let form = [
                    ("client_id", client_id.as_str()),
                    ("scope", scope.as_str()),
                    ("grant_type", "client_credentials"),
                    ("client_secret", secret.expose_secret()),
                ];
                (transport::client()?.post(&url).form(&form), url)
            }
            Credential::Certificate(cert) => {
                let url = self.token_endpoint(&cert.tenant_id);
                let assertion = client_assertion(cert, &url)?;
                let form = [
                    ("client_id", cert.client_id.as_str()),
                    ("scope", scope.as_str()),
                    ("grant_type", "client_credentials"),
                    (
                        "client_assertion_type",
                        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                    ),
                    ("client_assertion", assertion.expose_secret()),
                ];
                (transport::client()?.post(&url).form(&form), url)
            }
            Credential::ManagedIdentity {
                client_id,
                endpoint,
            } => {
                let resource = self.environment.graph_endpoint.as_str();
                match endpoint {
                    ManagedIdentityEndpoint::AppService { endpoint, header } => {
                        let mut query = vec![("api-version", "2019-08-01"), ("resource", resource)];
                        if let Some(id) = client_id {
                            query.push(("client_id", id));
                        }
                        let request = transport::client()?
                            .get(with_query(endpoint, &query)?)
                            .header("X-IDENTITY-HEADER", header.expose_secret());
                        (request, endpoint.clone())
                    }
                    ManagedIdentityEndpoint::Imds { host } => {
                        let url = format!("{host}/metadata/identity/oauth2/token");
                        let mut query = vec![("api-version", "2018-02-01"), ("resource", resource)];
                        if let Some(id) = client_id {
                            query.push(("client_id", id));
                        }
                        let request = transport::client()?
                            .get(with_query(&url, &query)?)
                            .header("Metadata", "true");
                        (request, url)
                    }
                }
            }
        };
        events.verbose(format!("Requesting an app-only token from {what}"));
        let (status, parsed) = send_identity_request(request, &what).await?;
        if !status.is_success() {
            return Err(identity_refusal(status, &parsed));
        }
        let (token, lifetime) = access_token_of(&parsed, &what)?;
        events.verbose(format!("Got a token valid for {} s", lifetime.as_secs()));
        Ok(CachedToken {
            token,
            refresh_at: refresh_at(lifetime),
        })
    }
}

/// The session's credential as `http::dispatch` sees it.
impl TokenSource for Authenticator {
    fn token(
        &self,
        events: &Events,
    ) -> impl Future<Output = Result<SecretString, CoreError>> + Send {
        Authenticator::token(self, events)
    }

    fn token_after_rejection(
        &self,
        rejected: &SecretString,
        events: &Events,
    ) -> impl Future<Output = Result<Option<SecretString>, CoreError>> + Send {
        Authenticator::token_after_rejection(self, rejected, events)
    }

    fn describe(&self) -> String {
        format!("Environment '{}'", self.environment.name)
    }
}

/// When to replace a token valid for `lifetime`: ahead of expiry, at most half its life.
fn refresh_at(lifetime: Duration) -> Instant {
    Instant::now() + lifetime - REFRESH_AHEAD.min(lifetime / 2)
}

fn with_query(base: &str, pairs: &[(&str, &str)]) -> Result<url::Url, CoreError> {
    url::Url::parse_with_params(base, pairs).map_err(|e| {
        CoreError::InvalidArgument(format!("'{base}' is not a valid identity endpoint: {e}"))
    })
}

/// The RS256 client assertion: `aud` = token endpoint, `iss` = `sub` = client id.
pub fn client_assertion(
    cert: &CertificateCredential,
    audience: &str,
) -> Result<SecretString, CoreError> {
    let mut header = Map::new();
    header.insert("alg".into(), json!("RS256"));
    header.insert("typ".into(), json!("JWT"));
    header.insert("x5t".into(), json!(cert.x5t));
    header.insert("x5t#S256".into(), json!(cert.x5t_s256));
    if cert.send_chain {
        header.insert("x5c".into(), json!(cert.x5c));
    }
    let now = unix_now();
    let claims = json!({
        "aud": audience,
        "iss": cert.client_id,
        "sub": cert.client_id,
        "jti": uuid::Uuid::new_v4().to_string(),
        "nbf": now,
        "iat": now,
        "exp": now + ASSERTION_LIFETIME_SECS,
    });
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(Value::Object(header).to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let key =
        ring::signature::RsaKeyPair::from_pkcs8(cert.private_key.expose_secret()).map_err(|e| {
            auth_error(
                "InvalidCertificateKey",
                format!("The certificate's private key is not a usable RSA key: {e}."),
                "AuthenticationError",
            )
        })?;
    let mut signature = vec![0u8; key.public().modulus_len()];
    key.sign(
        &ring::signature::RSA_PKCS1_SHA256,
        &ring::rand::SystemRandom::new(),
        signing_input.as_bytes(),
        &mut signature,
    )
    .map_err(|_| {
        auth_error(
            "SigningFailed",
            "Signing the client assertion failed.".into(),
            "AuthenticationError",
        )
    })?;
    Ok(SecretString::from(format!(
        "{signing_input}.{}",
        URL_SAFE_NO_PAD.encode(signature)
    )))
}

/// Reads a credential from the shim's `connect` arguments (secrets are moved, not copied).
pub fn credential_from_args(args: &mut Value) -> Result<Credential, CoreError> {
    let mut take_secret = |name: &str| -> Option<SecretString> {
        match args.get_mut(name).map(Value::take) {
            Some(Value::String(s)) if !s.is_empty() => Some(SecretString::from(s)),
            _ => None,
        }
    };
    let secret = take_secret("accessToken")
        .map(Err)
        .or_else(|| take_secret("clientSecret").map(Ok));
    let identity_header = take_secret("identityHeader");
    let private_key = match args.get_mut("privateKey").map(Value::take) {
        Some(Value::String(mut b64)) => {
            let der = STANDARD.decode(b64.as_bytes());
            zeroize_string(&mut b64);
            Some(der.map_err(|_| {
                CoreError::InvalidArgument("the certificate's key is not base64".into())
            })?)
        }
        _ => None,
    };
    let text = |name: &str| crate::args::trimmed(args, name);
    let required = |name: &str, what: &str| {
        text(name).ok_or_else(|| {
            CoreError::InvalidArgument(format!("{what} is required for app-only sign-in."))
        })
    };
    let tenant = || {
        let tenant = required("tenantId", "TenantId")?;
        check_segment("TenantId", &tenant)?;
        Ok::<_, CoreError>(tenant)
    };
    let kind = text("type").unwrap_or_default();
    match kind.as_str() {
        "delegated" => Ok(Credential::Delegated(Box::new(
            super::user::credential_from_args(args)?,
        ))),
        "accessToken" => match secret {
            Some(Err(token)) => Ok(Credential::AccessToken(token)),
            _ => Err(CoreError::InvalidArgument(
                "AccessToken is empty: give the access token as a SecureString.".into(),
            )),
        },
        "clientSecret" => match secret {
            Some(Ok(secret)) => Ok(Credential::ClientSecret {
                tenant_id: tenant()?,
                client_id: required("clientId", "The client id (the credential's user name)")?,
                secret,
            }),
            _ => Err(CoreError::InvalidArgument(
                "The client secret (the credential's password) is empty.".into(),
            )),
        },
        "certificate" => {
            let key = private_key.ok_or_else(|| {
                CoreError::InvalidArgument("The certificate's private key is missing.".into())
            })?;
            Ok(Credential::Certificate(Box::new(CertificateCredential {
                tenant_id: tenant()?,
                client_id: required("clientId", "ClientId")?,
                private_key: SecretBox::new(key.into_boxed_slice()),
                x5t: required("x5t", "The certificate's SHA-1 thumbprint")?,
                x5t_s256: required("x5tS256", "The certificate's SHA-256 thumbprint")?,
                x5c: crate::args::strings(args, "x5c"),
                send_chain: args
                    .get("sendChain")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
            })))
        }
        "managedIdentity" => {
            let endpoint = match (text("identityEndpoint"), identity_header) {
                (Some(endpoint), Some(header)) => ManagedIdentityEndpoint::AppService {
                    endpoint: check_identity_endpoint("IDENTITY_ENDPOINT", &endpoint)?,
                    header,
                },
                _ => ManagedIdentityEndpoint::Imds {
                    host: check_identity_endpoint(
                        "AZURE_POD_IDENTITY_AUTHORITY_HOST",
                        &text("imdsHost").unwrap_or_else(|| IMDS_DEFAULT_HOST.into()),
                    )?,
                },
            };
            Ok(Credential::ManagedIdentity {
                client_id: text("clientId"),
                endpoint,
            })
        }
        other => Err(CoreError::InvalidArgument(format!(
            "unknown credential type '{other}'"
        ))),
    }
}

/// Identity endpoints: https, loopback, or the link-local metadata address Azure defines.
fn check_identity_endpoint(what: &str, endpoint: &str) -> Result<String, CoreError> {
    let trimmed = endpoint.trim_end_matches('/');
    if trimmed == IMDS_DEFAULT_HOST {
        return Ok(trimmed.to_string());
    }
    check_endpoint(what, endpoint)
}

fn zeroize_string(s: &mut String) {
    use zeroize::Zeroize;
    s.zeroize();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_endpoints_allow_the_metadata_address_only_as_itself() {
        assert!(check_identity_endpoint("x", "http://169.254.169.254").is_ok());
        assert!(check_identity_endpoint("x", "http://127.0.0.1:5/msi/token").is_ok());
        assert!(check_identity_endpoint("x", "http://169.254.169.254.example.com").is_err());
        assert!(check_identity_endpoint("x", "http://10.0.0.1").is_err());
    }

    #[test]
    fn credentials_are_read_and_validated() {
        let mut args = json!({"type": "clientSecret", "tenantId": "t", "clientId": "c", "clientSecret": "s3cret"});
        assert!(matches!(
            credential_from_args(&mut args),
            Ok(Credential::ClientSecret { .. })
        ));
        assert_eq!(
            args["clientSecret"],
            Value::Null,
            "the secret is moved out of the arguments"
        );
        let mut args = json!({"type": "clientSecret", "clientId": "c", "clientSecret": "s"});
        assert!(credential_from_args(&mut args).is_err());
        let mut args = json!({"type": "managedIdentity"});
        match credential_from_args(&mut args) {
            Ok(Credential::ManagedIdentity {
                endpoint: ManagedIdentityEndpoint::Imds { host },
                ..
            }) => {
                assert_eq!(host, IMDS_DEFAULT_HOST)
            }
            _ => panic!("expected IMDS"),
        }
    }
}
