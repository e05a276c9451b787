//! The request context (Set-MgRequestContext) and the retry policy: which
//! answers are retried, how long to wait, and when to give up.
//!
//! The policy is a pure function of the context, the attempt, the answer and
//! the clock, so tests check every rule without waiting; the waits themselves
//! go through `scaled`, which tests can shrink.

use std::sync::RwLock;
use std::time::{Duration, SystemTime};

use once_cell::sync::Lazy;
use serde::Serialize;

use crate::error::CoreError;

pub const MAX_RETRY_LIMIT: u32 = 10;
pub const MAX_RETRY_DELAY: Duration = Duration::from_secs(180);

/// Microsoft's request context, process-wide.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestContext {
    pub max_retry: u32,
    pub retry_delay: Duration,
    /// Zero means no limit.
    pub retries_time_limit: Duration,
    pub client_timeout: Duration,
}

impl Default for RequestContext {
    fn default() -> Self {
        Self {
            max_retry: 3,
            retry_delay: Duration::from_secs(3),
            retries_time_limit: Duration::ZERO,
            client_timeout: Duration::from_secs(300),
        }
    }
}

/// How `Get-MgRequestContext` shows it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RequestContextView {
    pub client_timeout: String,
    pub retry_delay: u64,
    pub max_retry: u32,
    pub retries_time_limit: String,
}

pub fn timespan(d: Duration) -> String {
    let s = d.as_secs();
    format!("{:02}:{:02}:{:02}", s / 3600, (s % 3600) / 60, s % 60)
}

impl RequestContext {
    pub fn view(&self) -> RequestContextView {
        RequestContextView {
            client_timeout: timespan(self.client_timeout),
            retry_delay: self.retry_delay.as_secs(),
            max_retry: self.max_retry,
            retries_time_limit: timespan(self.retries_time_limit),
        }
    }
}

static CONTEXT: Lazy<RwLock<RequestContext>> = Lazy::new(|| RwLock::new(RequestContext::default()));
/// Multiplies every retry wait; 1.0 except in tests.
static TIME_SCALE: RwLock<f64> = RwLock::new(1.0);

pub fn current() -> RequestContext {
    CONTEXT.read().unwrap_or_else(|e| e.into_inner()).clone()
}

/// Changes the given fields within Microsoft's bounds; the others stay.
pub fn update(
    max_retry: Option<u32>,
    retry_delay_secs: Option<u64>,
    retries_time_limit_secs: Option<u64>,
    client_timeout_secs: Option<f64>,
) -> Result<RequestContext, CoreError> {
    if max_retry.is_some_and(|m| m > MAX_RETRY_LIMIT) {
        return Err(CoreError::InvalidArgument(format!(
            "MaxRetry must be between 0 and {MAX_RETRY_LIMIT}."
        )));
    }
    if retry_delay_secs.is_some_and(|d| d > MAX_RETRY_DELAY.as_secs()) {
        return Err(CoreError::InvalidArgument(
            "RetryDelay must be between 0 and 180 seconds.".into(),
        ));
    }
    if client_timeout_secs.is_some_and(|t| !(t > 0.0 && t.is_finite())) {
        return Err(CoreError::InvalidArgument(
            "ClientTimeout must be a positive number of seconds.".into(),
        ));
    }
    let mut context = CONTEXT.write().unwrap_or_else(|e| e.into_inner());
    if let Some(m) = max_retry {
        context.max_retry = m;
    }
    if let Some(d) = retry_delay_secs {
        context.retry_delay = Duration::from_secs(d);
    }
    if let Some(l) = retries_time_limit_secs {
        context.retries_time_limit = Duration::from_secs(l);
    }
    if let Some(t) = client_timeout_secs {
        context.client_timeout = Duration::from_secs_f64(t);
    }
    Ok(context.clone())
}

pub fn set_time_scale(scale: f64) {
    *TIME_SCALE.write().unwrap_or_else(|e| e.into_inner()) = scale.clamp(0.0, 1.0);
}

/// A wait as it is really slept (shrunk in tests).
pub fn scaled(wait: Duration) -> Duration {
    wait.mul_f64(*TIME_SCALE.read().unwrap_or_else(|e| e.into_inner()))
}

/// Only throttling and overloaded front ends are retried.
pub fn is_retryable(status: u16) -> bool {
    matches!(status, 429 | 503 | 504)
}

/// `Retry-After` as seconds (fractions too) or an HTTP date.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs));
    }
    httpdate::parse_http_date(value)
        .ok()
        .map(|at| at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Why a wait lasts as long as it does (for the verbose story).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitReason {
    RetryAfter,
    Backoff,
}

/// The wait before retry number `retries_done + 1`, or `None` to give up.
pub fn next_wait(
    context: &RequestContext,
    retries_done: u32,
    status: u16,
    retry_after: Option<&str>,
    now: SystemTime,
    elapsed: Duration,
) -> Option<(Duration, WaitReason)> {
    if !is_retryable(status) || retries_done >= context.max_retry {
        return None;
    }
    let (wait, reason) = match retry_after.and_then(|v| parse_retry_after(v, now)) {
        Some(wait) => (wait, WaitReason::RetryAfter),
        None => (
            context
                .retry_delay
                .saturating_mul(1u32 << retries_done.min(16)),
            WaitReason::Backoff,
        ),
    };
    let wait = wait.min(MAX_RETRY_DELAY);
    if !context.retries_time_limit.is_zero() && elapsed + wait > context.retries_time_limit {
        return None;
    }
    Some((wait, reason))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> RequestContext {
        RequestContext::default()
    }

    #[test]
    fn only_429_503_504_are_retried() {
        let now = SystemTime::now();
        for status in [429, 503, 504] {
            assert!(next_wait(&ctx(), 0, status, None, now, Duration::ZERO).is_some());
        }
        for status in [400, 401, 403, 404, 500, 502] {
            assert!(next_wait(&ctx(), 0, status, None, now, Duration::ZERO).is_none());
        }
    }

    #[test]
    fn retry_after_seconds_fractions_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("2", now), Some(Duration::from_secs(2)));
        assert_eq!(
            parse_retry_after(" 2.128 ", now),
            Some(Duration::from_millis(2128))
        );
        let later = httpdate::fmt_http_date(now + Duration::from_secs(7));
        assert_eq!(parse_retry_after(&later, now), Some(Duration::from_secs(7)));
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(7));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
        let (wait, reason) = next_wait(&ctx(), 0, 429, Some("2.128"), now, Duration::ZERO).unwrap();
        assert_eq!(
            (wait, reason),
            (Duration::from_millis(2128), WaitReason::RetryAfter)
        );
    }

    #[test]
    fn backoff_doubles_from_retry_delay_and_is_capped() {
        let now = SystemTime::now();
        let waits: Vec<_> = (0..3)
            .map(|n| {
                next_wait(&ctx(), n, 503, None, now, Duration::ZERO)
                    .unwrap()
                    .0
                    .as_secs()
            })
            .collect();
        assert_eq!(waits, vec![3, 6, 12]);
        let big = RequestContext {
            retry_delay: Duration::from_secs(100),
            max_retry: 10,
            ..ctx()
        };
        assert_eq!(
            next_wait(&big, 3, 503, None, now, Duration::ZERO)
                .unwrap()
                .0,
            MAX_RETRY_DELAY
        );
        assert_eq!(
            next_wait(&ctx(), 0, 429, Some("100000"), now, Duration::ZERO)
                .unwrap()
                .0,
            MAX_RETRY_DELAY
        );
    }

    #[test]
    fn gives_up_after_max_retry_or_past_the_time_limit() {
        let now = SystemTime::now();
        assert!(next_wait(&ctx(), 3, 429, None, now, Duration::ZERO).is_none());
        let none = RequestContext {
            max_retry: 0,
            ..ctx()
        };
        assert!(next_wait(&none, 0, 429, None, now, Duration::ZERO).is_none());
        let limited = RequestContext {
            retries_time_limit: Duration::from_secs(10),
            ..ctx()
        };
        assert!(next_wait(&limited, 0, 429, Some("5"), now, Duration::from_secs(4)).is_some());
        assert!(next_wait(&limited, 0, 429, Some("5"), now, Duration::from_secs(6)).is_none());
    }

    #[test]
    fn bounds_are_microsofts() {
        assert!(update(Some(11), None, None, None).is_err());
        assert!(update(None, Some(181), None, None).is_err());
        assert!(update(None, None, None, Some(0.0)).is_err());
        assert_eq!(timespan(Duration::from_secs(300)), "00:05:00");
    }
}
