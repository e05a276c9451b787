//! The process-wide Graph session, as in Microsoft's module: the named
//! environments, the current connection and its credential.

use std::sync::RwLock;

use once_cell::sync::Lazy;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde_json::Value;

use crate::error::CoreError;
use crate::request::check_endpoint;

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

/// How the session authenticates.
pub enum Credential {
    AccessToken(SecretString),
}

pub struct Connection {
    pub environment: Environment,
    pub credential: Credential,
    pub context: Context,
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

static SESSION: Lazy<RwLock<Option<Connection>>> = Lazy::new(|| RwLock::new(None));

/// Connects with a token the user already holds. Its claims (when it is a
/// JWT) fill the context as Microsoft's module does; it is not verified here.
pub fn connect_with_token(token: SecretString, environment: &str) -> Result<Context, CoreError> {
    let environment = find_environment(environment)?;
    if token.expose_secret().trim().is_empty() {
        return Err(CoreError::InvalidArgument(
            "AccessToken is empty: give the access token as a SecureString.".into(),
        ));
    }
    if token.expose_secret().contains(['\r', '\n', '\0', ' ']) {
        return Err(CoreError::InvalidArgument(
            "AccessToken contains whitespace or control characters; give the bare token without 'Bearer '.".into(),
        ));
    }
    let claims = jwt_claims(token.expose_secret());
    let claim = |name: &str| claims.get(name).and_then(Value::as_str).map(str::to_string);
    let scopes = claims
        .get("roles")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .or_else(|| claim("scp").map(|s| s.split(' ').map(str::to_string).collect()))
        .unwrap_or_default();
    let context = Context {
        client_id: claim("appid").or_else(|| claim("azp")),
        tenant_id: claim("tid"),
        scopes,
        auth_type: "UserProvidedAccessToken".into(),
        token_credential_type: "UserProvidedAccessToken".into(),
        certificate_thumbprint: None,
        certificate_subject_name: None,
        context_scope: "Process".into(),
        environment: environment.name.clone(),
        app_name: claim("app_displayname"),
        client_timeout: "00:05:00".into(),
        managed_identity_id: None,
    };
    *write(&SESSION) = Some(Connection {
        environment,
        credential: Credential::AccessToken(token),
        context: context.clone(),
    });
    Ok(context)
}

/// Forgets the connection; the token is zeroed as it is dropped.
pub fn disconnect() -> Option<Context> {
    write(&SESSION).take().map(|c| c.context)
}

pub fn context() -> Option<Context> {
    read(&SESSION).as_ref().map(|c| c.context.clone())
}

/// What a request needs: the environment and a bearer token.
pub struct Authorization {
    pub environment: Environment,
    pub bearer: SecretString,
}

pub fn authorization() -> Result<Authorization, CoreError> {
    let session = read(&SESSION);
    let connection = session.as_ref().ok_or(CoreError::NotConnected)?;
    let bearer = match &connection.credential {
        Credential::AccessToken(token) => token.clone(),
    };
    Ok(Authorization {
        environment: connection.environment.clone(),
        bearer,
    })
}

/// The payload of a JWT, unverified; an empty object for anything else.
fn jwt_claims(token: &str) -> serde_json::Map<String, Value> {
    use base64::Engine;
    let payload = token.split('.').nth(1).unwrap_or("");
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
        .and_then(|v| match v {
            Value::Object(map) => Some(map),
            _ => None,
        })
        .unwrap_or_default()
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
