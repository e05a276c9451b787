//! `-ContextScope CurrentUser` (Microsoft's default for a user's sign-in): the
//! refresh token kept across sessions in a file beside the environment
//! settings, so the next `Connect-MgGraph -Scopes` signs in without asking.
//!
//! The file is created owner-only (0600, written to a temporary file and
//! renamed) and refused when its permissions are looser. Nothing encrypts it
//! on Linux and macOS: no keyring library is vendored and D-Bus is not to be
//! hand-written, so the first use says so once; `-ContextScope Process` keeps
//! nothing on disk. On Windows (DPAPI is not built yet) nothing is written.
//! A corrupt or foreign file is ignored with a warning, never fatal.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// The file's name in the settings folder (beside Microsoft's `mg.context.json`).
pub const FILE_NAME: &str = "mg.user-signin.json";
const FORMAT_VERSION: u32 = 1;

static WARNED_UNENCRYPTED: AtomicBool = AtomicBool::new(false);

/// Whether this platform can keep a sign-in on disk at all.
pub fn supported() -> bool {
    cfg!(unix)
}

/// Where the sign-in is kept: the folder of the settings file, when the shim named one.
pub fn path(settings_file: Option<&Path>) -> Option<PathBuf> {
    settings_file.and_then(|file| file.parent().map(|dir| dir.join(FILE_NAME)))
}

/// Says, the first time only, that the file is not encrypted.
pub fn warn_unencrypted_once(path: &Path) -> Option<String> {
    (!WARNED_UNENCRYPTED.swap(true, Ordering::SeqCst)).then(|| {
        format!(
            "The sign-in is kept in '{}' so later sessions connect without asking: readable by you alone, but not encrypted (no keyring is available here). Use -ContextScope Process to keep nothing on disk; Disconnect-MgGraph removes it.",
            path.display()
        )
    })
}

/// Who is signed in, for which app, tenant, cloud and scopes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignInKey {
    pub environment: String,
    pub tenant_id: String,
    pub client_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StoredRef<'a> {
    version: u32,
    #[serde(flatten)]
    key: &'a SignInKey,
    scopes: &'a [String],
    account: Option<&'a str>,
    refresh_token: &'a str,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Stored {
    version: u32,
    #[serde(flatten)]
    key: SignInKey,
    scopes: Vec<String>,
    #[serde(default)]
    account: Option<String>,
    refresh_token: String,
}

/// A sign-in read back from the file (its Debug text hides the token).
#[derive(Debug)]
pub struct KeptSignIn {
    pub scopes: Vec<String>,
    /// Who signed in: a refresh need not say it again (no id token, an access token the
    /// client cannot read), so the file remembers it.
    pub account: Option<String>,
    pub refresh_token: SecretString,
}

/// Writes the sign-in, owner-only, replacing the file in one step.
pub fn save(
    path: &Path,
    key: &SignInKey,
    scopes: &[String],
    account: Option<&str>,
    refresh_token: &SecretString,
) -> Result<(), String> {
    let stored = StoredRef {
        version: FORMAT_VERSION,
        key,
        scopes,
        account,
        refresh_token: refresh_token.expose_secret(),
    };
    let bytes = Zeroizing::new(serde_json::to_vec_pretty(&stored).map_err(|e| e.to_string())?);
    let dir = path
        .parent()
        .ok_or_else(|| format!("'{}' has no folder", path.display()))?;
    create_private_dir(dir)
        .map_err(|e| format!("'{}' could not be created: {e}", dir.display()))?;
    let temporary = dir.join(format!(
        ".{FILE_NAME}.{}.tmp",
        uuid::Uuid::new_v4().simple()
    ));
    let written =
        write_private(&temporary, &bytes).and_then(|()| std::fs::rename(&temporary, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(format!("'{}' could not be written: {e}", path.display()));
    }
    Ok(())
}

/// The kept sign-in for `key`; `Ok(None)` when there is none (or another one),
/// `Err` with the reason when the file is unusable (the caller warns and goes on).
pub fn load(path: &Path, key: &SignInKey) -> Result<Option<KeptSignIn>, String> {
    let metadata = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(format!(
                "The kept sign-in '{}' could not be read ({e}); ignored.",
                path.display()
            ))
        }
    };
    if let Some(mode) = loose_permissions(&metadata) {
        return Err(format!(
            "The kept sign-in '{}' is readable by others (mode {mode:o}); it was ignored. Delete it, or make it owner-only (chmod 600).",
            path.display()
        ));
    }
    let bytes = Zeroizing::new(std::fs::read(path).map_err(|e| {
        format!(
            "The kept sign-in '{}' could not be read ({e}); ignored.",
            path.display()
        )
    })?);
    let stored: Stored = serde_json::from_slice(&bytes).map_err(|e| {
        format!(
            "The kept sign-in '{}' is not valid ({e}); ignored. Disconnect-MgGraph removes it.",
            path.display()
        )
    })?;
    if stored.version != FORMAT_VERSION || stored.refresh_token.is_empty() {
        return Err(format!(
            "The kept sign-in '{}' is of another version; ignored.",
            path.display()
        ));
    }
    let same = stored
        .key
        .environment
        .eq_ignore_ascii_case(&key.environment)
        && stored.key.client_id == key.client_id
        && stored.key.tenant_id.eq_ignore_ascii_case(&key.tenant_id);
    Ok(same.then(|| KeptSignIn {
        scopes: stored.scopes,
        account: stored.account,
        refresh_token: SecretString::from(stored.refresh_token),
    }))
}

/// Removes the kept sign-in; true when there was one.
pub fn remove(path: &Path) -> bool {
    std::fs::remove_file(path).is_ok()
}

#[cfg(unix)]
fn loose_permissions(metadata: &std::fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    let mode = metadata.permissions().mode() & 0o777;
    (mode & 0o077 != 0).then_some(mode)
}

#[cfg(not(unix))]
fn loose_permissions(_: &std::fs::Metadata) -> Option<u32> {
    None
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn key() -> SignInKey {
        SignInKey {
            environment: "Global".into(),
            tenant_id: "common".into(),
            client_id: "app".into(),
        }
    }

    #[test]
    fn a_sign_in_is_kept_owner_only_and_read_back_for_the_same_app_only() {
        let dir = std::env::temp_dir().join(format!("signin-cache-{}", uuid::Uuid::new_v4()));
        let file = dir.join(FILE_NAME);
        let token = SecretString::from("RT.secret".to_string());
        save(
            &file,
            &key(),
            &["User.Read".into()],
            Some("a@b.test"),
            &token,
        )
        .unwrap();
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let kept = load(&file, &key()).unwrap().unwrap();
        assert_eq!(kept.refresh_token.expose_secret(), "RT.secret");
        assert_eq!(kept.scopes, vec!["User.Read"]);
        assert_eq!(kept.account.as_deref(), Some("a@b.test"));
        let other = SignInKey {
            client_id: "other".into(),
            ..key()
        };
        assert!(load(&file, &other).unwrap().is_none());

        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(load(&file, &key())
            .unwrap_err()
            .contains("readable by others"));
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        std::fs::write(&file, "{ not json").unwrap();
        assert!(load(&file, &key()).unwrap_err().contains("not valid"));
        assert!(remove(&file));
        assert!(load(&file, &key()).unwrap().is_none());
        let _ = std::fs::remove_dir_all(dir);
    }
}
