//! Delegated sign-in, as a public client: who is signed in, the refresh token
//! that keeps the session going (and, under `-ContextScope CurrentUser`, in the
//! sign-in file), and getting the user's tokens for `Connect-MgGraph -Scopes`
//! (the session makes them its connection). The interactive flows are in
//! `flows.rs`. Microsoft's module does this with MSAL; the protocol is small.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use super::cache::{self as signin_cache, SignInKey};
use super::environment::Environment;
use super::identity::{access_token_of, auth_error, identity_url, jwt_claims, post_identity_form};
use crate::args;
use crate::error::CoreError;
use crate::events::Events;
use crate::http::request::check_segment;

/// Microsoft Graph PowerShell's public client id, Microsoft's default for `-Scopes`.
pub const DEFAULT_CLIENT_ID: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
/// Microsoft's bound on an interactive sign-in when `-ClientTimeout` is not given.
pub const DEFAULT_SIGN_IN_TIMEOUT: Duration = Duration::from_secs(120);
/// Scopes every delegated sign-in asks for: the id token and a refresh token.
const OIDC_SCOPES: &[&str] = &["openid", "profile", "offline_access"];

/// How the person signs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInFlow {
    Browser,
    DeviceCode,
}

impl SignInFlow {
    /// Microsoft's TokenCredentialType for it.
    pub fn credential_type(self) -> &'static str {
        match self {
            SignInFlow::Browser => "InteractiveBrowser",
            SignInFlow::DeviceCode => "DeviceCode",
        }
    }
}

/// A signed-in user: who, for which app and scopes, and the refresh token
/// (zeroed when replaced or dropped).
pub struct UserCredential {
    pub tenant_id: String,
    pub client_id: String,
    /// The Graph scopes asked for (as given, without the OpenID ones).
    pub scopes: Vec<String>,
    pub flow: SignInFlow,
    /// A command to open the browser with, instead of `$BROWSER` or the system's.
    pub browser_command: Option<String>,
    refresh_token: Mutex<Option<SecretString>>,
    /// The account the last answer that named one named: refreshes that name nobody keep it.
    account: Mutex<Option<String>>,
    /// `-ContextScope CurrentUser`: the file the sign-in is kept in, and under which key.
    keep_at: Option<(PathBuf, SignInKey)>,
}

/// What a sign-in or a refresh produced.
pub struct UserTokens {
    pub access_token: SecretString,
    pub lifetime: Duration,
    /// The signed-in account (`preferred_username` of the id token, or `upn`).
    pub account: Option<String>,
}

impl UserCredential {
    pub fn new(
        tenant_id: String,
        client_id: String,
        scopes: Vec<String>,
        flow: SignInFlow,
        browser_command: Option<String>,
    ) -> Self {
        Self {
            tenant_id,
            client_id,
            scopes,
            flow,
            browser_command,
            refresh_token: Mutex::new(None),
            account: Mutex::new(None),
            keep_at: None,
        }
    }

    fn clear_refresh_token(&self) {
        *self.lock_refresh() = None;
    }

    pub fn has_refresh_token(&self) -> bool {
        self.lock_refresh().is_some()
    }

    fn lock_refresh(&self) -> std::sync::MutexGuard<'_, Option<SecretString>> {
        self.refresh_token.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The scope parameter: each Graph scope qualified with the environment's
    /// Graph resource, then the OpenID scopes.
    pub(crate) fn scope_parameter(&self, environment: &Environment) -> String {
        self.scopes
            .iter()
            .filter(|s| !OIDC_SCOPES.iter().any(|o| o.eq_ignore_ascii_case(s)))
            .map(|s| {
                if s.contains("://") {
                    s.clone()
                } else {
                    format!("{}/{s}", environment.graph_endpoint)
                }
            })
            .chain(OIDC_SCOPES.iter().map(|s| s.to_string()))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Reads a token answer and keeps its (rotated) refresh token, in memory
    /// and, under `-ContextScope CurrentUser`, in the sign-in file.
    pub(crate) fn accept(
        &self,
        parsed: &Value,
        what: &str,
        events: &Events,
    ) -> Result<UserTokens, CoreError> {
        let (access_token, lifetime) = access_token_of(parsed, what)?;
        let rotated = parsed
            .get("refresh_token")
            .and_then(Value::as_str)
            .map(|r| SecretString::from(r.to_string()));
        let id_claims = parsed
            .get("id_token")
            .and_then(Value::as_str)
            .map(jwt_claims)
            .unwrap_or_default();
        let access_claims = jwt_claims(access_token.expose_secret());
        let named = ["preferred_username", "upn", "unique_name"]
            .iter()
            .find_map(|name| {
                id_claims
                    .get(*name)
                    .or_else(|| access_claims.get(*name))
                    .and_then(Value::as_str)
            })
            .map(str::to_string);
        let account = {
            let mut known = self.account.lock().unwrap_or_else(|e| e.into_inner());
            if named.is_some() {
                *known = named;
            }
            known.clone()
        };
        if let Some(refresh) = rotated {
            if let Some((path, key)) = &self.keep_at {
                if let Err(problem) =
                    signin_cache::save(path, key, &self.scopes, account.as_deref(), &refresh)
                {
                    events.warning(format!(
                        "The sign-in could not be kept for later sessions: {problem}"
                    ));
                }
            }
            // The old one is zeroed as it is dropped.
            *self.lock_refresh() = Some(refresh);
        }
        Ok(UserTokens {
            access_token,
            lifetime,
            account,
        })
    }

    /// A new access token from the refresh token, without the user. Fails with
    /// `interaction_required`-style errors when the user must sign in again.
    pub async fn refresh(
        &self,
        environment: &Environment,
        events: &Events,
    ) -> Result<UserTokens, CoreError> {
        let url = identity_url(environment, &self.tenant_id, "token");
        let refresh = self.lock_refresh().clone().ok_or_else(|| {
            auth_error(
                "SignInRequired",
                "The sign-in has no refresh token; run Connect-MgGraph again.".into(),
                "AuthenticationError",
            )
        })?;
        let scope = self.scope_parameter(environment);
        let form = [
            ("client_id", self.client_id.as_str()),
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh.expose_secret()),
            ("scope", scope.as_str()),
        ];
        events.verbose(format!("Refreshing the user's token at {url}"));
        let parsed = post_identity_form(&url, &form).await?;
        self.accept(&parsed, &url, events)
    }
}

/// How a user's sign-in goes, as the session decides it.
pub struct SignInOptions {
    /// Keep the sign-in for later sessions (`-ContextScope` other than `Process`).
    pub keep: bool,
    /// The file it is kept in (`cache::path`), when the shim named a settings file.
    pub kept_file: Option<PathBuf>,
    /// The bound on an interactive sign-in.
    pub timeout: Duration,
}

impl UserCredential {
    /// Tokens for the user: without asking when the kept sign-in has every
    /// scope and still works, else by signing in interactively.
    pub async fn sign_in_or_resume(
        &mut self,
        environment: &Environment,
        options: SignInOptions,
        events: &Events,
    ) -> Result<UserTokens, CoreError> {
        let kept = keep_sign_in(self, environment, options.keep, options.kept_file, events);
        match kept {
            Some(kept) => match self.refresh(environment, events).await {
                Ok(tokens) => {
                    events.verbose(format!(
                        "Signed in without asking, with the sign-in kept in '{}'.",
                        kept.display()
                    ));
                    Ok(tokens)
                }
                Err(e) => {
                    events.verbose(format!(
                        "The kept sign-in no longer works ({e}); signing in again."
                    ));
                    self.clear_refresh_token();
                    self.sign_in(environment, options.timeout, events).await
                }
            },
            None => self.sign_in(environment, options.timeout, events).await,
        }
    }

    /// Whether the sign-in is kept for later sessions (`-ContextScope CurrentUser`).
    pub fn is_kept(&self) -> bool {
        self.keep_at.is_some()
    }
}

/// Under `-ContextScope CurrentUser`: points `user` at the sign-in file (so new
/// refresh tokens are kept) and, when it holds a sign-in with every scope asked
/// for, loads its refresh token and returns the file's path. A kept sign-in
/// with fewer scopes widens `user.scopes` (the consent upgrade).
fn keep_sign_in(
    user: &mut UserCredential,
    environment: &Environment,
    keep: bool,
    kept_file: Option<PathBuf>,
    events: &Events,
) -> Option<PathBuf> {
    if !keep {
        return None;
    }
    if !signin_cache::supported() {
        events.warning("The sign-in is kept in this process only: keeping it encrypted on this platform (DPAPI) is not built yet. Use -ContextScope Process to silence this.");
        return None;
    }
    let path = kept_file?;
    let key = SignInKey {
        environment: environment.name.clone(),
        tenant_id: user.tenant_id.clone(),
        client_id: user.client_id.clone(),
    };
    let kept = match signin_cache::load(&path, &key) {
        Ok(kept) => kept,
        Err(problem) => {
            events.warning(problem);
            None
        }
    };
    if let Some(warning) = signin_cache::warn_unencrypted_once(&path) {
        events.warning(warning);
    }
    user.keep_at = Some((path.clone(), key));
    let kept = kept?;
    let has_all = user
        .scopes
        .iter()
        .all(|s| kept.scopes.iter().any(|k| k.eq_ignore_ascii_case(s)));
    if !has_all {
        let mut wanted = kept.scopes.clone();
        wanted.extend(user.scopes.iter().cloned());
        user.scopes = parse_scopes(&wanted);
        return None;
    }
    user.scopes = kept.scopes;
    *user.account.lock().unwrap_or_else(|e| e.into_inner()) = kept.account;
    *user.lock_refresh() = Some(kept.refresh_token);
    Some(path)
}

/// Reads `Connect-MgGraph -Scopes` arguments: Microsoft's defaults for the
/// client (Microsoft Graph PowerShell), the tenant (`common`) and the scopes (`User.Read`).
pub fn credential_from_args(args: &Value) -> Result<UserCredential, CoreError> {
    let text = |name: &str| args::trimmed(args, name);
    let tenant_id = text("tenantId").unwrap_or_else(|| "common".into());
    check_segment("TenantId", &tenant_id)?;
    let client_id = text("clientId").unwrap_or_else(|| DEFAULT_CLIENT_ID.into());
    check_segment("ClientId", &client_id)?;
    let mut scopes = parse_scopes(&args::strings(args, "scopes"));
    if scopes.is_empty() {
        scopes.push("User.Read".into());
    }
    let flow = if args::flag(args, "useDeviceCode") {
        SignInFlow::DeviceCode
    } else {
        SignInFlow::Browser
    };
    Ok(UserCredential::new(
        tenant_id,
        client_id,
        scopes,
        flow,
        text("browserCommand"),
    ))
}

/// Graph scopes from `-Scopes`: comma-separated or an array, trimmed, no duplicates.
pub fn parse_scopes(values: &[String]) -> Vec<String> {
    let mut scopes: Vec<String> = Vec::new();
    for scope in values.iter().flat_map(|v| v.split(',')).map(str::trim) {
        if !scope.is_empty() && !scopes.iter().any(|s| s.eq_ignore_ascii_case(scope)) {
            scopes.push(scope.to_string());
        }
    }
    scopes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_split_trimmed_and_deduplicated() {
        let given = vec![
            "User.Read.All, Group.Read.All".to_string(),
            " user.read.all ".to_string(),
            String::new(),
            "Mail.Send".to_string(),
        ];
        assert_eq!(
            parse_scopes(&given),
            vec!["User.Read.All", "Group.Read.All", "Mail.Send"]
        );
    }

    #[test]
    fn the_scope_parameter_names_the_environments_graph() {
        let user = UserCredential::new(
            "common".into(),
            DEFAULT_CLIENT_ID.into(),
            vec![
                "User.Read".into(),
                "https://other.test/x".into(),
                "openid".into(),
            ],
            SignInFlow::DeviceCode,
            None,
        );
        let environment = Environment {
            name: "Global".into(),
            azure_ad_endpoint: "https://login.microsoftonline.com".into(),
            graph_endpoint: "https://graph.microsoft.com".into(),
            kind: "Built-in".into(),
        };
        assert_eq!(
            user.scope_parameter(&environment),
            "https://graph.microsoft.com/User.Read https://other.test/x openid profile offline_access"
        );
    }
}
