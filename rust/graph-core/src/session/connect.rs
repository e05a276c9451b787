//! `Connect-MgGraph`: app-only credentials get a first token now, a user's
//! sign-in reuses or widens the current one, and either becomes the session's
//! connection.

use std::sync::Arc;
use std::time::Duration;

use secrecy::ExposeSecret;
use serde_json::Value;

use super::{connection, find_environment, install, settings_file, Connection, Context};
use crate::error::CoreError;
use crate::events::Events;
use crate::http::retry;
use crate::signin::user::{parse_scopes, DEFAULT_SIGN_IN_TIMEOUT};
use crate::signin::{
    cache as signin_cache, jwt_claims, token_roles, Authenticator, Credential, Environment,
    SignInOptions, UserCredential, INVITE_ROLE,
};

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
            return connect_user(*user, environment, &options, events).await
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

/// `Connect-MgGraph -Scopes`: reuses the current sign-in when it already has
/// the scopes (same environment, app and tenant), else signs in interactively
/// for the scopes of both (consent upgrade), then makes it the session's.
async fn connect_user(
    mut user: UserCredential,
    environment: Environment,
    options: &ConnectOptions,
    events: &Events,
) -> Result<Context, CoreError> {
    if let Ok(current) = connection() {
        if let Credential::Delegated(signed_in) = &current.auth.credential {
            let same_sign_in = current.auth.environment.name == environment.name
                && signed_in.client_id == user.client_id
                && signed_in.tenant_id.eq_ignore_ascii_case(&user.tenant_id);
            if same_sign_in {
                let has = |scope: &String| {
                    current
                        .context
                        .scopes
                        .iter()
                        .any(|s| s.eq_ignore_ascii_case(scope))
                };
                if user.scopes.iter().all(has) {
                    events.verbose(format!(
                        "Already signed in as {} with these scopes; keeping that sign-in.",
                        current.context.account.as_deref().unwrap_or("the user")
                    ));
                    return Ok(current.context);
                }
                let mut wanted = signed_in.scopes.clone();
                wanted.extend(user.scopes.iter().cloned());
                user.scopes = parse_scopes(&wanted);
                events.verbose(format!(
                    "Asking for consent to more scopes: {}.",
                    user.scopes.join(", ")
                ));
            }
        }
    }
    let sign_in = SignInOptions {
        keep: options.context_scope.as_deref() != Some("Process"),
        kept_file: signin_cache::path(settings_file().as_deref()),
        timeout: options.client_timeout.unwrap_or(DEFAULT_SIGN_IN_TIMEOUT),
    };
    let tokens = user
        .sign_in_or_resume(&environment, sign_in, events)
        .await?;
    let claims = jwt_claims(tokens.access_token.expose_secret());
    let claim = |name: &str| claims.get(name).and_then(Value::as_str).map(str::to_string);
    let context = Context {
        client_id: Some(user.client_id.clone()),
        tenant_id: claim("tid").or_else(|| Some(user.tenant_id.clone())),
        scopes: claim("scp")
            .map(|s| {
                s.split(' ')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_else(|| user.scopes.clone()),
        auth_type: "Delegated".into(),
        token_credential_type: user.flow.credential_type().into(),
        certificate_thumbprint: None,
        certificate_subject_name: None,
        context_scope: if user.is_kept() {
            "CurrentUser"
        } else {
            "Process"
        }
        .into(),
        environment: environment.name.clone(),
        app_name: claim("app_displayname"),
        client_timeout: retry::timespan(retry::current().client_timeout),
        managed_identity_id: None,
        account: tokens.account,
    };
    let auth = Authenticator::with_token(
        environment,
        Credential::Delegated(Box::new(user)),
        tokens.access_token,
        tokens.lifetime,
    );
    install(Connection {
        auth: Arc::new(auth),
        context: context.clone(),
        lacks_invite_role: false,
    });
    Ok(context)
}
