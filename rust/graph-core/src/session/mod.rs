//! The process-wide Graph session, as in Microsoft's module: the named
//! environments, the current connection and its credential. The session owns
//! the sign-in: it finds the environment and the settings, hands them to
//! `signin`, and keeps what comes back as its connection.

use std::sync::{Arc, RwLock};

use once_cell::sync::Lazy;
use serde::Serialize;

use crate::error::CoreError;
use crate::signin::{cache as signin_cache, Authenticator};

mod connect;
mod environments;

pub use crate::signin::Environment;
pub use connect::{connect, ConnectOptions};
pub use environments::{
    configure_settings_file, environments, find_environment, remove_environment, set_environment,
    settings_file,
};

/// A poisoned lock means a panic elsewhere; the data itself is still consistent.
fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|e| e.into_inner())
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(|e| e.into_inner())
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

/// Makes `connection` the session's; the one it replaces is dropped (its secrets zeroed).
pub(crate) fn install(connection: Connection) {
    *write(&SESSION) = Some(connection);
}

/// Forgets the connection (its secrets and tokens are zeroed as they are
/// dropped) and any user's sign-in kept for later sessions.
pub fn disconnect() -> Option<Context> {
    if let Some(kept) = signin_cache::path(settings_file().as_deref()) {
        signin_cache::remove(&kept);
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
