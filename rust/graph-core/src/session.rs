//! The process-wide Graph session, as in Microsoft's module: the named
//! environments, the current connection and its credential.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use once_cell::sync::Lazy;
use secrecy::ExposeSecret;
use serde::Serialize;
use serde_json::Value;

use crate::auth::{jwt_claims, token_roles, Authenticator, Credential, INVITE_ROLE};
use crate::error::CoreError;
use crate::events::Events;
use crate::request::check_endpoint;
use crate::retry;

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct Environment {
    pub name: String,
    #[serde(rename = "AzureADEndpoint")]
    pub azure_ad_endpoint: String,
    pub graph_endpoint: String,
    /// "Built-in" or "User-defined", as `Get-MgEnvironment` shows.
    #[serde(rename = "Type")]
    pub kind: String,
}

fn built_in(name: &str, aad: &str, graph: &str) -> Environment {
    Environment {
        name: name.into(),
        azure_ad_endpoint: aad.into(),
        graph_endpoint: graph.into(),
        kind: "Built-in".into(),
    }
}

static ENVIRONMENTS: Lazy<RwLock<Vec<Environment>>> = Lazy::new(|| {
    RwLock::new(vec![
        built_in(
            "Global",
            "https://login.microsoftonline.com",
            "https://graph.microsoft.com",
        ),
        built_in(
            "China",
            "https://login.chinacloudapi.cn",
            "https://microsoftgraph.chinacloudapi.cn",
        ),
        built_in(
            "USGov",
            "https://login.microsoftonline.us",
            "https://graph.microsoft.us",
        ),
        built_in(
            "USGovDoD",
            "https://login.microsoftonline.us",
            "https://dod-graph.microsoft.us",
        ),
    ])
});

/// A poisoned lock means a panic elsewhere; the data itself is still consistent.
fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|e| e.into_inner())
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(|e| e.into_inner())
}

pub fn environments(name: Option<&str>) -> Vec<Environment> {
    read(&ENVIRONMENTS)
        .iter()
        .filter(|e| name.is_none_or(|n| e.name.eq_ignore_ascii_case(n)))
        .cloned()
        .collect()
}

pub fn find_environment(name: &str) -> Result<Environment, CoreError> {
    environments(Some(name)).into_iter().next().ok_or_else(|| {
        let known: Vec<String> = environments(None).into_iter().map(|e| e.name).collect();
        CoreError::InvalidArgument(format!(
            "Environment '{name}' is not known. Known environments: {}. Add one with Add-MgEnvironment.",
            known.join(", ")
        ))
    })
}

/// Adds or replaces a user-defined environment; built-in ones cannot be replaced.
pub fn add_environment(name: &str, graph: &str, aad: &str) -> Result<Environment, CoreError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(CoreError::InvalidArgument(
            "Name is null or empty: give the environment a name.".into(),
        ));
    }
    let environment = Environment {
        name: name.into(),
        graph_endpoint: check_endpoint("GraphEndpoint", graph)?,
        azure_ad_endpoint: check_endpoint("AzureADEndpoint", aad)?,
        kind: "User-defined".into(),
    };
    let mut all = write(&ENVIRONMENTS);
    if let Some(existing) = all.iter_mut().find(|e| e.name.eq_ignore_ascii_case(name)) {
        if existing.kind == "Built-in" {
            return Err(CoreError::InvalidArgument(format!(
                "'{}' is a built-in environment and cannot be replaced; choose another name.",
                existing.name
            )));
        }
        *existing = environment.clone();
    } else {
        all.push(environment.clone());
    }
    Ok(environment)
}

/// What `Get-MgContext` shows; never a secret.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct Context {
    pub client_id: Option<String>,
    pub tenant_id: Option<String>,
    pub scopes: Vec<String>,
    pub auth_type: String,
    pub token_credential_type: String,
    pub certificate_thumbprint: Option<String>,
    pub certificate_subject_name: Option<String>,
    pub context_scope: String,
    pub environment: String,
    pub app_name: Option<String>,
    pub client_timeout: String,
    pub managed_identity_id: Option<String>,
}

pub struct Connection {
    pub auth: Arc<Authenticator>,
    pub context: Context,
}

static SESSION: Lazy<RwLock<Option<Connection>>> = Lazy::new(|| RwLock::new(None));

/// How the shim describes the connection beyond the credential itself.
#[derive(Debug, Default)]
pub struct ConnectOptions {
    pub environment: Option<String>,
    /// Microsoft's TokenCredentialType; derived from the credential when absent.
    pub credential_type: Option<String>,
    pub client_timeout: Option<Duration>,
    pub certificate_thumbprint: Option<String>,
    pub certificate_subject_name: Option<String>,
}

/// Connects: for app-only credentials a first token is fetched now, so a wrong
/// secret or a missing permission is reported by Connect-MgGraph, not later.
pub async fn connect(
    credential: Credential,
    options: ConnectOptions,
    events: &Events,
) -> Result<Context, CoreError> {
    let environment = find_environment(options.environment.as_deref().unwrap_or("Global"))?;
    if let Some(timeout) = options.client_timeout {
        // Microsoft's -ClientTimeout sets the request context's timeout.
        retry::update(None, None, None, Some(timeout.as_secs_f64()))?;
    }
    let (client_id, tenant_id, managed_identity_id, kind) = match &credential {
        Credential::AccessToken(token) => {
            if token.expose_secret().contains(['\r', '\n', '\0', ' ']) {
                return Err(CoreError::InvalidArgument(
                    "AccessToken contains whitespace or control characters; give the bare token without 'Bearer '.".into(),
                ));
            }
            (None, None, None, "UserProvidedAccessToken")
        }
        Credential::ClientSecret {
            tenant_id,
            client_id,
            ..
        } => (
            Some(client_id.clone()),
            Some(tenant_id.clone()),
            None,
            "ClientSecret",
        ),
        Credential::Certificate(cert) => (
            Some(cert.client_id.clone()),
            Some(cert.tenant_id.clone()),
            None,
            "ClientCertificate",
        ),
        Credential::ManagedIdentity { client_id, .. } => (
            client_id.clone(),
            None,
            client_id.clone(),
            "ManagedIdentity",
        ),
    };
    let auth = Arc::new(Authenticator::new(environment.clone(), credential));
    let token = auth.token(events).await?;
    let claims = jwt_claims(token.expose_secret());
    let claim = |name: &str| claims.get(name).and_then(Value::as_str).map(str::to_string);
    let roles = token_roles(token.expose_secret());
    if let Some(roles) = &roles {
        if !roles.iter().any(|r| r == INVITE_ROLE) {
            return Err(CoreError::Authentication {
                error_id: "MissingApplicationPermission".into(),
                message: format!(
                    "The token has no application permission {INVITE_ROLE} (it has: {}). Inviting participants needs it: add it to the app registration as an application permission and grant admin consent.",
                    if roles.is_empty() { "none".to_string() } else { roles.join(", ") }
                ),
                category: "PermissionDenied",
            });
        }
    }
    let scopes = roles
        .or_else(|| claim("scp").map(|s| s.split(' ').map(str::to_string).collect()))
        .unwrap_or_default();
    let context = Context {
        client_id: client_id
            .or_else(|| claim("appid"))
            .or_else(|| claim("azp")),
        tenant_id: tenant_id.or_else(|| claim("tid")),
        scopes,
        auth_type: if kind == "UserProvidedAccessToken" {
            kind.into()
        } else {
            "AppOnly".into()
        },
        token_credential_type: options.credential_type.unwrap_or_else(|| kind.into()),
        certificate_thumbprint: options.certificate_thumbprint,
        certificate_subject_name: options.certificate_subject_name,
        context_scope: "Process".into(),
        environment: environment.name.clone(),
        app_name: claim("app_displayname"),
        client_timeout: retry::timespan(retry::current().client_timeout),
        managed_identity_id,
    };
    *write(&SESSION) = Some(Connection {
        auth,
        context: context.clone(),
    });
    Ok(context)
}

/// Forgets the connection; its secrets and tokens are zeroed as they are dropped.
pub fn disconnect() -> Option<Context> {
    write(&SESSION).take().map(|c| c.context)
}

pub fn context() -> Option<Context> {
    read(&SESSION).as_ref().map(|c| c.context.clone())
}

/// The current connection's authenticator.
pub fn authorization() -> Result<Arc<Authenticator>, CoreError> {
    read(&SESSION)
        .as_ref()
        .map(|c| c.auth.clone())
        .ok_or(CoreError::NotConnected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_are_read_from_a_jwt() {
        use base64::Engine;
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(r#"{"tid":"t1","appid":"a1","roles":["Calls.InitiateGroupCall.All"]}"#);
        let claims = jwt_claims(&format!("eyJhbGciOiJub25lIn0.{payload}.sig"));
        assert_eq!(claims["tid"], "t1");
        assert!(jwt_claims("opaque-token").is_empty());
    }

    #[test]
    fn built_in_environments_cannot_be_replaced() {
        assert!(add_environment("global", "https://x.example", "https://y.example").is_err());
        assert!(add_environment("", "https://x.example", "https://y.example").is_err());
        let e =
            add_environment("UnitTestEnv", "http://127.0.0.1:9/", "http://127.0.0.1:9").unwrap();
        assert_eq!(e.graph_endpoint, "http://127.0.0.1:9");
        assert_eq!(
            find_environment("unittestenv").unwrap().kind,
            "User-defined"
        );
        assert!(find_environment("nowhere").is_err());
    }
}
