//! The session's operations (Microsoft.Graph.Authentication's cmdlets):
//! `Connect-MgGraph`, `Disconnect-MgGraph`, `Get-MgContext`, the environments
//! and the request context.

use std::time::Duration;

use serde_json::Value;

use super::with_type_names;
use crate::args::text;
use crate::error::CoreError;
use crate::events::Events;
use crate::http::retry;
use crate::session::{self, ConnectOptions};
use crate::signin;

const CONTEXT_TYPE: &str = "Microsoft.Graph.PowerShell.Authentication.AuthContext";
const REQUEST_CONTEXT_TYPE: &str = "Microsoft.Graph.PowerShell.Authentication.RequestContext";
const ENVIRONMENT_TYPE: &str = "Microsoft.Graph.PowerShell.Authentication.GraphEnvironment";

pub(super) async fn connect(mut args: Value, events: &Events) -> Result<(), CoreError> {
    let credential = signin::credential_from_args(&mut args)?;
    let options = ConnectOptions {
        environment: text(&args, "environment"),
        credential_type: text(&args, "credentialType"),
        client_timeout: args
            .get("clientTimeout")
            .and_then(Value::as_f64)
            .filter(|s| *s > 0.0)
            .map(Duration::from_secs_f64),
        certificate_thumbprint: text(&args, "thumbprint"),
        certificate_subject_name: text(&args, "subjectName"),
        context_scope: text(&args, "contextScope"),
    };
    let context = session::connect(credential, options, events).await?;
    events.verbose(format!(
        "Connected to environment '{}' ({}).",
        context.environment, context.token_credential_type
    ));
    events.result(with_type_names(context, CONTEXT_TYPE), None);
    Ok(())
}

pub(super) fn disconnect(events: &Events) -> Result<(), CoreError> {
    match session::disconnect() {
        Some(context) => events.result(with_type_names(context, CONTEXT_TYPE), None),
        None => {
            return Err(CoreError::InvalidArgument(
                "No application to sign out from.".into(),
            ))
        }
    }
    Ok(())
}

pub(super) fn get_context(events: &Events) -> Result<(), CoreError> {
    if let Some(context) = session::context() {
        events.result(with_type_names(context, CONTEXT_TYPE), None);
    }
    Ok(())
}

pub(super) fn get_environments(args: Value, events: &Events) -> Result<(), CoreError> {
    let name = text(&args, "name");
    for environment in session::environments(name.as_deref())? {
        events.result(with_type_names(environment, ENVIRONMENT_TYPE), None);
    }
    Ok(())
}

/// `Add-MgEnvironment` and `Set-MgEnvironment`.
pub(super) fn set_environment(args: Value, events: &Events) -> Result<(), CoreError> {
    let environment = session::set_environment(
        &text(&args, "name").unwrap_or_default(),
        text(&args, "graphEndpoint").as_deref(),
        text(&args, "azureADEndpoint").as_deref(),
    )?;
    events.result(with_type_names(environment, ENVIRONMENT_TYPE), None);
    Ok(())
}

pub(super) fn remove_environment(args: Value, events: &Events) -> Result<(), CoreError> {
    let environment = session::remove_environment(&text(&args, "name").unwrap_or_default())?;
    events.result(with_type_names(environment, ENVIRONMENT_TYPE), None);
    Ok(())
}

pub(super) fn get_request_context(events: &Events) -> Result<(), CoreError> {
    events.result(
        with_type_names(retry::current().view(), REQUEST_CONTEXT_TYPE),
        None,
    );
    Ok(())
}

pub(super) fn set_request_context(args: Value, events: &Events) -> Result<(), CoreError> {
    let number = |name: &str| args.get(name).and_then(Value::as_f64);
    let context = retry::update(
        number("maxRetry").map(|n| n as u32),
        number("retryDelay").map(|n| n as u64),
        number("retriesTimeLimit").map(|n| n as u64),
        number("clientTimeout"),
    )?;
    events.verbose(format!("Request context: {:?}", context.view()));
    events.result(with_type_names(context.view(), REQUEST_CONTEXT_TYPE), None);
    Ok(())
}
