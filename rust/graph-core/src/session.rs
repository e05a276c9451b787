//! The process-wide Graph session, as in Microsoft's module: the named
//! environments, the current connection and its credential.

use std::path::{Path, PathBuf};
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
        kind: BUILT_IN.into(),
    }
}

const BUILT_IN: &str = "Built-in";
const USER_DEFINED: &str = "User-defined";

fn built_ins() -> Vec<Environment> {
    vec![
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
        built_in(
            "BleuCloud",
            "https://login.sovcloud-identity.fr",
            "https://graph.svc.sovcloud.fr",
        ),
        built_in(
            "DelosCloud",
            "https://login.sovcloud-identity.de",
            "https://graph.svc.sovcloud.de",
        ),
        built_in(
            "GovSGCloud",
            "https://login.sovcloud-identity.sg",
            "https://graph.svc.sovcloud.sg",
        ),
    ]
}

/// The user-defined environments and the file that keeps them between sessions
/// (`~/.mg/mg.context.json`, where Microsoft's module keeps them, so both see the same).
#[derive(Default)]
struct EnvironmentStore {
    custom: Vec<Environment>,
    file: Option<PathBuf>,
    loaded: bool,
    /// Why the file could not be read; nothing is written over it while this is set.
    load_error: Option<String>,
}

static STORE: Lazy<RwLock<EnvironmentStore>> = Lazy::new(Default::default);

/// A poisoned lock means a panic elsewhere; the data itself is still consistent.
fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|e| e.into_inner())
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(|e| e.into_inner())
}

/// The environment settings file the shim named, if any.
pub fn settings_file() -> Option<PathBuf> {
    read(&STORE).file.clone()
}

/// Where the shim says the settings live; the file is (re)read on the next use.
pub fn configure_settings_file(path: Option<PathBuf>) {
    let mut store = write(&STORE);
    if store.file != path {
        store.file = path;
        store.loaded = false;
        store.load_error = None;
        store.custom.clear();
    }
}

fn corrupt(path: &Path, why: impl std::fmt::Display) -> String {
    format!(
        "The environment settings file '{}' could not be read: {why}. Fix it or delete it (the built-in environments need no file).",
        path.display()
    )
}

fn load(store: &mut EnvironmentStore) {
    if store.loaded {
        return;
    }
    store.loaded = true;
    let Some(path) = store.file.clone() else {
        return;
    };
    let text = match std::fs::read(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return,
        Err(e) => {
            store.load_error = Some(corrupt(&path, e));
            return;
        }
    };
    let parsed: Value = match serde_json::from_slice(&text) {
        Ok(v) => v,
        Err(e) => {
            store.load_error = Some(corrupt(&path, format!("it is not valid JSON ({e})")));
            return;
        }
    };
    let Some(table) = parsed.get("EnvironmentTable").and_then(Value::as_object) else {
        store.load_error = Some(corrupt(&path, "it has no 'EnvironmentTable' object"));
        return;
    };
    let builtins = built_ins();
    for (key, entry) in table {
        let field = |name: &str| entry.get(name).and_then(Value::as_str).unwrap_or("");
        let name = if field("Name").is_empty() {
            key.as_str()
        } else {
            field("Name")
        };
        if builtins.iter().any(|b| b.name.eq_ignore_ascii_case(name)) {
            continue;
        }
        let checked = check_endpoint("GraphEndpoint", field("GraphEndpoint")).and_then(|graph| {
            Ok((
                graph,
                check_endpoint("AzureADEndpoint", field("AzureADEndpoint"))?,
            ))
        });
        match checked {
            Ok((graph_endpoint, azure_ad_endpoint)) => store.custom.push(Environment {
                name: name.to_string(),
                azure_ad_endpoint,
                graph_endpoint,
                kind: USER_DEFINED.into(),
            }),
            Err(e) => {
                store.load_error = Some(corrupt(&path, format!("environment '{name}': {e}")));
                store.custom.clear();
                return;
            }
        }
    }
}

fn save(store: &EnvironmentStore) -> Result<(), CoreError> {
    let Some(path) = &store.file else {
        return Ok(());
    };
    let table: serde_json::Map<String, Value> = store
        .custom
        .iter()
        .map(|e| {
            (
                e.name.clone(),
                serde_json::to_value(e).unwrap_or(Value::Null),
            )
        })
        .collect();
    let text = serde_json::to_vec_pretty(&serde_json::json!({ "EnvironmentTable": table }))
        .map_err(|e| CoreError::InvalidArgument(e.to_string()))?;
    let written = path
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|_| {
            // Written beside and renamed, so a crash never leaves half a file.
            let partial = path.with_extension("json.partial");
            std::fs::write(&partial, &text)?;
            std::fs::rename(&partial, path)
        });
    written.map_err(|e| {
        CoreError::InvalidArgument(format!(
            "The environment was changed for this session but could not be saved to '{}': {e}.",
            path.display()
        ))
    })
}

/// The environments, built-in first; `name` picks one (case-insensitive).
pub fn environments(name: Option<&str>) -> Result<Vec<Environment>, CoreError> {
    let mut store = write(&STORE);
    load(&mut store);
    if let Some(error) = &store.load_error {
        return Err(CoreError::InvalidArgument(error.clone()));
    }
    Ok(built_ins()
        .into_iter()
        .chain(store.custom.iter().cloned())
        .filter(|e| name.is_none_or(|n| e.name.eq_ignore_ascii_case(n)))
        .collect())
}

pub fn find_environment(name: &str) -> Result<Environment, CoreError> {
    if let Some(builtin) = built_ins()
        .into_iter()
        .find(|e| e.name.eq_ignore_ascii_case(name))
    {
        return Ok(builtin);
    }
    environments(Some(name))?.into_iter().next().ok_or_else(|| {
        let known: Vec<String> = environments(None)
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.name)
            .collect();
        CoreError::InvalidArgument(format!(
            "Environment '{name}' is not known. Known environments: {}. Add one with Add-MgEnvironment.",
            known.join(", ")
        ))
    })
}

fn refuse_built_in(name: &str, verb: &str) -> Result<(), CoreError> {
    match built_ins()
        .iter()
        .find(|b| b.name.eq_ignore_ascii_case(name))
    {
        Some(b) => Err(CoreError::InvalidArgument(format!(
            "'{}' is a built-in environment and cannot be {verb}; choose another name.",
            b.name
        ))),
        None => Ok(()),
    }
}

/// Adds a user-defined environment, or changes the endpoints given for an existing
/// one (`Set-MgEnvironment`), and saves the user-defined ones.
pub fn set_environment(
    name: &str,
    graph: Option<&str>,
    aad: Option<&str>,
) -> Result<Environment, CoreError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(CoreError::InvalidArgument(
            "Name is null or empty: give the environment a name.".into(),
        ));
    }
    refuse_built_in(name, "replaced")?;
    let graph = graph
        .map(|g| check_endpoint("GraphEndpoint", g))
        .transpose()?;
    let aad = aad
        .map(|a| check_endpoint("AzureADEndpoint", a))
        .transpose()?;
    let mut store = write(&STORE);
    load(&mut store);
    if let Some(error) = &store.load_error {
        return Err(CoreError::InvalidArgument(error.clone()));
    }
    let existing = store
        .custom
        .iter()
        .position(|e| e.name.eq_ignore_ascii_case(name));
    let environment = match (existing, graph, aad) {
        (Some(i), graph, aad) => {
            let e = &mut store.custom[i];
            if let Some(graph) = graph {
                e.graph_endpoint = graph;
            }
            if let Some(aad) = aad {
                e.azure_ad_endpoint = aad;
            }
            e.clone()
        }
        (None, Some(graph_endpoint), Some(azure_ad_endpoint)) => {
            let e = Environment {
                name: name.into(),
                graph_endpoint,
                azure_ad_endpoint,
                kind: USER_DEFINED.into(),
            };
            store.custom.push(e.clone());
            e
        }
        (None, _, _) => {
            return Err(CoreError::InvalidArgument(format!(
                "Environment '{name}' does not exist yet: give both -GraphEndpoint and -AzureADEndpoint to add it."
            )))
        }
    };
    save(&store)?;
    Ok(environment)
}

/// Removes a user-defined environment and saves the rest.
pub fn remove_environment(name: &str) -> Result<Environment, CoreError> {
    refuse_built_in(name, "removed")?;
    let mut store = write(&STORE);
    load(&mut store);
    if let Some(error) = &store.load_error {
        return Err(CoreError::InvalidArgument(error.clone()));
    }
    let Some(i) = store
        .custom
        .iter()
        .position(|e| e.name.eq_ignore_ascii_case(name))
    else {
        return Err(CoreError::InvalidArgument(format!(
            "Environment {name} not found."
        )));
    };
    let removed = store.custom.remove(i);
    save(&store)?;
    Ok(removed)
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
    /// The signed-in user (delegated sign-in only).
    pub account: Option<String>,
    pub app_name: Option<String>,
    pub client_timeout: String,
    pub managed_identity_id: Option<String>,
}

#[derive(Clone)]
pub struct Connection {
    pub auth: Arc<Authenticator>,
    pub context: Context,
    /// The token's roles leave out the invite permission.
    pub lacks_invite_role: bool,
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
    /// `-ContextScope`: `CurrentUser` (a user's sign-in's default) keeps it across sessions.
    pub context_scope: Option<String>,
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
    let credential = match credential {
        Credential::Delegated(user) => {
            return crate::user_signin::connect_user(*user, environment, &options, events).await
        }
        other => other,
    };
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
        Credential::Delegated(_) => unreachable!("user sign-in is connected above"),
    };
    let auth = Arc::new(Authenticator::new(environment.clone(), credential));
    let token = auth.token(events).await?;
    let claims = jwt_claims(token.expose_secret());
    let claim = |name: &str| claims.get(name).and_then(Value::as_str).map(str::to_string);
    let roles = token_roles(token.expose_secret());
    // An app-only token without the invite permission still serves Invoke-MgGraphRequest;
    // the invite itself is refused before sending.
    let lacks_invite_role = roles
        .as_ref()
        .is_some_and(|roles| !roles.iter().any(|r| r == INVITE_ROLE));
    if lacks_invite_role {
        events.warning(format!(
            "The token has no application permission {INVITE_ROLE}: Invoke-MgInviteCommunicationCallParticipant will be refused until the app registration has it (with admin consent). Other Graph calls work as the token allows."
        ));
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
        account: None,
    };
    install(Connection {
        auth,
        context: context.clone(),
        lacks_invite_role,
    });
    Ok(context)
}

/// Makes `connection` the session's; the one it replaces is dropped (its secrets zeroed).
pub(crate) fn install(connection: Connection) {
    *write(&SESSION) = Some(connection);
}

/// Forgets the connection (its secrets and tokens are zeroed as they are
/// dropped) and any user's sign-in kept for later sessions.
pub fn disconnect() -> Option<Context> {
    if let Some(kept) = crate::signin_cache::path() {
        crate::signin_cache::remove(&kept);
    }
    write(&SESSION).take().map(|c| c.context)
}

pub fn context() -> Option<Context> {
    read(&SESSION).as_ref().map(|c| c.context.clone())
}

/// The current connection.
pub fn connection() -> Result<Connection, CoreError> {
    read(&SESSION).clone().ok_or(CoreError::NotConnected)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The environment store is process-wide; these tests take turns with it.
    static STORE_TESTS: std::sync::Mutex<()> = std::sync::Mutex::new(());

    #[test]
    fn claims_are_read_from_a_jwt() {
        use base64::Engine;
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(r#"{"tid":"t1","appid":"a1","roles":["Calls.InitiateGroupCall.All"]}"#);
        let claims = jwt_claims(&format!("eyJhbGciOiJub25lIn0.{payload}.sig"));
        assert_eq!(claims["tid"], "t1");
        assert!(jwt_claims("opaque-token").is_empty());
    }

    fn add(name: &str, graph: &str, aad: &str) -> Result<Environment, CoreError> {
        set_environment(name, Some(graph), Some(aad))
    }

    #[test]
    fn built_in_environments_cannot_be_replaced() {
        let _turn = STORE_TESTS.lock().unwrap_or_else(|e| e.into_inner());
        assert!(add("global", "https://x.example", "https://y.example").is_err());
        assert!(add("", "https://x.example", "https://y.example").is_err());
        assert!(remove_environment("USGov").is_err());
        let e = add("UnitTestEnv", "http://127.0.0.1:9/", "http://127.0.0.1:9").unwrap();
        assert_eq!(e.graph_endpoint, "http://127.0.0.1:9");
        assert_eq!(
            find_environment("unittestenv").unwrap().kind,
            "User-defined"
        );
        assert!(find_environment("nowhere").is_err());
        let changed =
            set_environment("unittestenv", Some("https://graph.unit.test"), None).unwrap();
        assert_eq!(changed.azure_ad_endpoint, "http://127.0.0.1:9");
        assert_eq!(changed.graph_endpoint, "https://graph.unit.test");
        assert!(set_environment("NotYet", Some("https://graph.unit.test"), None).is_err());
        remove_environment("UnitTestEnv").unwrap();
        assert!(find_environment("UnitTestEnv").is_err());
        assert!(remove_environment("UnitTestEnv").is_err());
    }

    #[test]
    fn environments_persist_in_microsofts_file_and_a_corrupt_file_is_reported() {
        let _turn = STORE_TESTS.lock().unwrap_or_else(|e| e.into_inner());
        let dir = std::env::temp_dir().join(format!("graph-core-env-{}", uuid::Uuid::new_v4()));
        let file = dir.join("mg.context.json");
        configure_settings_file(Some(file.clone()));
        add(
            "Saved",
            "https://graph.saved.test",
            "https://login.saved.test",
        )
        .unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.contains("\"EnvironmentTable\""), "{text}");
        // Another process (or Microsoft's module) reads the same file.
        configure_settings_file(None);
        configure_settings_file(Some(file.clone()));
        assert_eq!(
            find_environment("saved").unwrap().graph_endpoint,
            "https://graph.saved.test"
        );
        std::fs::write(&file, "{ not json").unwrap();
        configure_settings_file(None);
        configure_settings_file(Some(file.clone()));
        let error = environments(None).unwrap_err().to_string();
        assert!(
            error.contains("mg.context.json") && error.contains("not valid JSON"),
            "{error}"
        );
        assert!(
            add("Other", "https://a.test", "https://b.test").is_err(),
            "a corrupt file is not overwritten"
        );
        assert_eq!(find_environment("Global").unwrap().name, "Global");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "{ not json");
        configure_settings_file(None);
        let _ = std::fs::remove_dir_all(dir);
    }
}
