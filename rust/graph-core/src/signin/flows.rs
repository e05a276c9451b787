//! The interactive part of a user's sign-in: the device authorization grant
//! (RFC 8628) and the authorization code grant with PKCE S256 (RFC 7636),
//! answered on a loopback listener (RFC 8252) with the system's browser.

use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use super::browser;
use super::environment::Environment;
use super::identity::{
    auth_error, identity_error_code, identity_refusal, identity_url, post_identity_form,
    send_identity_request,
};
use super::user::{SignInFlow, UserCredential, UserTokens};
use crate::error::CoreError;
use crate::events::Events;
use crate::http::transport;

/// RFC 8628: the interval when the server names none, and what `slow_down` adds.
const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(5);
const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);

impl UserCredential {
    /// Signs the user in interactively: the browser (falling back to a device
    /// code where none can be opened) or a device code, within `timeout`.
    pub async fn sign_in(
        &mut self,
        environment: &Environment,
        timeout: Duration,
        events: &Events,
    ) -> Result<UserTokens, CoreError> {
        let work = async {
            if self.flow == SignInFlow::Browser {
                match self.browser_sign_in(environment, events).await {
                    Err(SignInProblem::NoBrowser(why)) => {
                        events.warning(format!(
                            "Could not open a web browser ({why}); signing in with a device code instead."
                        ));
                        self.flow = SignInFlow::DeviceCode;
                    }
                    Err(SignInProblem::Failed(error)) => return Err(error),
                    Ok(tokens) => return Ok(tokens),
                }
            }
            self.device_code_sign_in(environment, events).await
        };
        tokio::time::timeout(timeout, work).await.unwrap_or_else(|_| {
            Err(auth_error(
                "SignInTimedOut",
                format!(
                    "The sign-in did not complete within {} s (ClientTimeout). Run Connect-MgGraph again and finish signing in, or give a longer -ClientTimeout.",
                    timeout.as_secs_f64()
                ),
                "OperationTimeout",
            ))
        })
    }

    async fn device_code_sign_in(
        &self,
        environment: &Environment,
        events: &Events,
    ) -> Result<UserTokens, CoreError> {
        let url = identity_url(environment, &self.tenant_id, "devicecode");
        let scope = self.scope_parameter(environment);
        let form = [
            ("client_id", self.client_id.as_str()),
            ("scope", scope.as_str()),
        ];
        events.verbose(format!("Requesting a device code from {url}"));
        let parsed = post_identity_form(&url, &form).await?;
        let text = |name: &str| parsed.get(name).and_then(Value::as_str).unwrap_or("");
        let device_code = SecretString::from(text("device_code").to_string());
        if device_code.expose_secret().is_empty() {
            return Err(auth_error(
                "InvalidDeviceCodeResponse",
                format!("The identity endpoint {url} answered without a device_code."),
                "AuthenticationError",
            ));
        }
        let seconds = |name: &str| {
            parsed
                .get(name)
                .and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()))
        };
        // At least a second apart, whatever the server says: never a busy loop.
        let mut interval = seconds("interval")
            .map(|s| Duration::from_secs(s.max(1)))
            .unwrap_or(DEFAULT_POLL_INTERVAL);
        let expires_at = Instant::now() + Duration::from_secs(seconds("expires_in").unwrap_or(900));
        let message = match text("message") {
            "" => format!(
                "To sign in, use a web browser to open the page {} and enter the code {} to authenticate.",
                text("verification_uri"),
                text("user_code")
            ),
            message => message.to_string(),
        };
        events.information(message);
        let token_url = identity_url(environment, &self.tenant_id, "token");
        loop {
            tokio::time::sleep(interval).await;
            if Instant::now() >= expires_at {
                return Err(code_expired());
            }
            let form = [
                ("client_id", self.client_id.as_str()),
                ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                ("device_code", device_code.expose_secret()),
            ];
            let (status, parsed) = send_identity_request(
                transport::client()?.post(&token_url).form(&form),
                &token_url,
            )
            .await?;
            if status.is_success() {
                return self.accept(&parsed, &token_url, events);
            }
            match identity_error_code(&parsed) {
                "authorization_pending" => {}
                "slow_down" => {
                    interval += SLOW_DOWN_STEP;
                    events.verbose(format!(
                        "The identity platform asks to poll more slowly: every {} s now.",
                        interval.as_secs()
                    ));
                }
                "expired_token" | "code_expired" => return Err(code_expired()),
                "authorization_declined" | "access_denied" => return Err(declined(&parsed)),
                _ => return Err(identity_refusal(status, &parsed)),
            }
        }
    }

    async fn browser_sign_in(
        &self,
        environment: &Environment,
        events: &Events,
    ) -> Result<UserTokens, SignInProblem> {
        let listener = browser::LoopbackListener::bind()
            .await
            .map_err(SignInProblem::NoBrowser)?;
        let redirect_uri = listener.redirect_uri();
        let verifier = URL_SAFE_NO_PAD.encode(random_bytes::<32>()?);
        let challenge = URL_SAFE_NO_PAD.encode(ring::digest::digest(
            &ring::digest::SHA256,
            verifier.as_bytes(),
        ));
        let state = URL_SAFE_NO_PAD.encode(random_bytes::<16>()?);
        let scope = self.scope_parameter(environment);
        let authorize = url::Url::parse_with_params(
            &identity_url(environment, &self.tenant_id, "authorize"),
            &[
                ("client_id", self.client_id.as_str()),
                ("response_type", "code"),
                ("redirect_uri", redirect_uri.as_str()),
                ("scope", scope.as_str()),
                ("state", state.as_str()),
                ("code_challenge", challenge.as_str()),
                ("code_challenge_method", "S256"),
                ("prompt", "select_account"),
            ],
        )
        .map_err(|e| {
            SignInProblem::Failed(CoreError::InvalidArgument(format!(
                "the sign-in address could not be built: {e}"
            )))
        })?;
        events.verbose(format!(
            "Waiting for the sign-in's answer on {redirect_uri} (listening on 127.0.0.1 only)."
        ));
        // The opener may wait on the page it opens (a test's follower does): listen meanwhile.
        let waiting = listener.answer(&state, events);
        tokio::pin!(waiting);
        let answer = tokio::select! {
            opened = browser::open(authorize.as_str(), self.browser_command.as_deref()) => {
                opened.map_err(SignInProblem::NoBrowser)?;
                events.information(
                    "Opened the sign-in page in your web browser; finish signing in there.".to_string(),
                );
                waiting.await
            }
            answer = &mut waiting => answer,
        };
        let code = match answer {
            Ok(browser::Answer::Code(code)) => code,
            Ok(browser::Answer::Refused { error, description }) => {
                return Err(SignInProblem::Failed(declined(&serde_json::json!({
                    "error": error, "error_description": description
                }))))
            }
            Err(problem) => {
                return Err(SignInProblem::Failed(auth_error(
                    "LoopbackListenerFailed",
                    format!("Waiting for the browser's answer failed: {problem}"),
                    "AuthenticationError",
                )))
            }
        };
        let token_url = identity_url(environment, &self.tenant_id, "token");
        let form = [
            ("client_id", self.client_id.as_str()),
            ("grant_type", "authorization_code"),
            ("code", code.expose_secret()),
            ("redirect_uri", redirect_uri.as_str()),
            ("code_verifier", verifier.as_str()),
            ("scope", scope.as_str()),
        ];
        let parsed = post_identity_form(&token_url, &form).await?;
        Ok(self.accept(&parsed, &token_url, events)?)
    }
}

/// Why the browser sign-in did not give tokens: no browser (fall back), or a failure.
enum SignInProblem {
    NoBrowser(String),
    Failed(CoreError),
}

impl From<CoreError> for SignInProblem {
    fn from(error: CoreError) -> Self {
        SignInProblem::Failed(error)
    }
}

fn random_bytes<const N: usize>() -> Result<[u8; N], CoreError> {
    use ring::rand::SecureRandom;
    let mut bytes = [0u8; N];
    ring::rand::SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| {
            auth_error(
                "NoRandomness",
                "The system's random number generator failed.".into(),
                "AuthenticationError",
            )
        })?;
    Ok(bytes)
}

fn code_expired() -> CoreError {
    auth_error(
        "DeviceCodeExpired",
        "The device code expired before the sign-in was finished. Run Connect-MgGraph again and enter the new code."
            .into(),
        "AuthenticationError",
    )
}

fn declined(parsed: &Value) -> CoreError {
    let description = parsed
        .get("error_description")
        .and_then(Value::as_str)
        .map(|d| d.lines().next().unwrap_or(d))
        .unwrap_or("the user declined");
    auth_error(
        "SignInDeclined",
        format!(
            "The sign-in was declined ([{}] {description}). Nothing was connected.",
            identity_error_code(parsed)
        ),
        "AuthenticationError",
    )
}
