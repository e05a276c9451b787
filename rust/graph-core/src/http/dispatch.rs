//! Sending one Graph request the way every operation does: with a bearer
//! token (the session's, refreshed once after an expired-token 401, or one the
//! caller gave), retrying throttling (429) and overloaded front ends (503, 504)
//! as the request context says, within ClientTimeout.

use std::future::Future;
use std::time::{Instant, SystemTime};

use secrecy::SecretString;

use super::retry::{self, RequestContext, WaitReason};
use super::transport::{self, Exchange, Head, Outgoing};
use crate::error::CoreError;
use crate::events::Events;

/// A credential that hands out bearer tokens and replaces one Graph rejected
/// as expired: the session's (`signin::Authenticator`). Declared here so that
/// sending needs nothing from the sign-in code.
pub trait TokenSource: Sync {
    /// A token that is not due for refresh.
    fn token(
        &self,
        events: &Events,
    ) -> impl Future<Output = Result<SecretString, CoreError>> + Send;

    /// After Graph refused `rejected` as expired: a new token, or `None` when
    /// the credential cannot refresh.
    fn token_after_rejection(
        &self,
        rejected: &SecretString,
        events: &Events,
    ) -> impl Future<Output = Result<Option<SecretString>, CoreError>> + Send;

    /// What the verbose stream says the request is sent with.
    fn describe(&self) -> String;
}

/// Where the bearer token comes from.
pub enum Bearer<'a, S: TokenSource> {
    /// The connected session's credential (refreshable).
    Session(&'a S),
    /// A token given for this one request (`Invoke-MgGraphRequest -Token`).
    Given(SecretString),
}

impl<S: TokenSource> Bearer<'_, S> {
    async fn token(&self, events: &Events) -> Result<SecretString, CoreError> {
        match self {
            Bearer::Session(auth) => auth.token(events).await,
            Bearer::Given(token) => Ok(token.clone()),
        }
    }

    fn describe(&self) -> String {
        match self {
            Bearer::Session(auth) => auth.describe(),
            Bearer::Given(_) => "With the given token".into(),
        }
    }
}

/// A request as the operation prepared it; sent again unchanged on a retry.
pub struct Prepared {
    pub method: reqwest::Method,
    pub url: String,
    pub body: Option<Vec<u8>>,
    pub content_type: Option<String>,
    pub accept: Option<String>,
    pub user_agent: Option<String>,
    pub headers: Vec<(String, String)>,
}

/// The final answer: read in full, or (a success the caller wants to stream)
/// with its body still unread.
pub enum Answer {
    Read(Exchange),
    Unread(Head, reqwest::Response),
}

impl Answer {
    pub fn status(&self) -> u16 {
        match self {
            Answer::Read(exchange) => exchange.status,
            Answer::Unread(head, _) => head.status,
        }
    }
}

/// Sends `prepared` with retries, bounded by the request context's ClientTimeout.
/// With `stream_success`, a 2xx answer comes back unread.
pub async fn send_with_retries<S: TokenSource>(
    bearer: &Bearer<'_, S>,
    context: &RequestContext,
    prepared: &Prepared,
    stream_success: bool,
    events: &Events,
) -> Result<Answer, CoreError> {
    tokio::time::timeout(
        context.client_timeout,
        retry_loop(bearer, context, prepared, stream_success, events),
    )
    .await
    .map_err(|_| {
        CoreError::Timeout(format!(
            "The request did not complete within ClientTimeout ({} s, retries and waits included); raise it with Set-MgRequestContext -ClientTimeout.",
            context.client_timeout.as_secs_f64()
        ))
    })?
}

async fn retry_loop<S: TokenSource>(
    bearer: &Bearer<'_, S>,
    context: &RequestContext,
    prepared: &Prepared,
    stream_success: bool,
    events: &Events,
) -> Result<Answer, CoreError> {
    let started = Instant::now();
    let mut token = bearer.token(events).await?;
    let mut refreshed_after_401 = false;
    let mut retries = 0u32;
    loop {
        let client_request_id = uuid::Uuid::new_v4().to_string();
        events.verbose(format!(
            "{}: {} {} (client-request-id {client_request_id}){}",
            bearer.describe(),
            prepared.method,
            prepared.url,
            if retries > 0 {
                format!(", retry {retries} of {}", context.max_retry)
            } else {
                String::new()
            }
        ));
        let response = transport::send(
            Outgoing {
                method: prepared.method.clone(),
                url: &prepared.url,
                bearer: &token,
                body: prepared.body.as_deref(),
                content_type: prepared.content_type.as_deref(),
                accept: prepared.accept.as_deref(),
                user_agent: prepared.user_agent.as_deref(),
                extra_headers: &prepared.headers,
                client_request_id,
                retry_attempt: (retries > 0).then_some(retries),
            },
            events,
        )
        .await?;
        let status = response.status();
        events.verbose(format!(
            "Graph answered {} {}",
            status.as_u16(),
            status.canonical_reason().unwrap_or("")
        ));
        if stream_success && status.is_success() {
            return Ok(Answer::Unread(Head::of(&response), response));
        }
        let exchange = transport::read_exchange(response, &prepared.url, events).await?;
        if exchange.status == 401
            && !refreshed_after_401
            && transport::says_token_expired(&exchange)
        {
            if let Bearer::Session(auth) = bearer {
                if let Some(fresh) = auth.token_after_rejection(&token, events).await? {
                    token = fresh;
                    refreshed_after_401 = true;
                    continue;
                }
            }
        }
        let wait = retry::next_wait(
            context,
            retries,
            exchange.status,
            exchange.header("retry-after"),
            SystemTime::now(),
            started.elapsed(),
        );
        match wait {
            Some((wait, reason)) => {
                retries += 1;
                events.verbose(format!(
                    "Waiting {:.3} s ({}) before retry {retries} of {}.",
                    wait.as_secs_f64(),
                    match reason {
                        WaitReason::RetryAfter => "Retry-After",
                        WaitReason::Backoff => "exponential backoff",
                    },
                    context.max_retry
                ));
                tokio::time::sleep(retry::scaled(wait)).await;
            }
            None => {
                if retry::is_retryable(exchange.status) && retries > 0 {
                    events.verbose(format!(
                        "Giving up after {retries} retries; returning Graph's last answer."
                    ));
                }
                return Ok(Answer::Read(Exchange {
                    retries,
                    ..exchange
                }));
            }
        }
    }
}
