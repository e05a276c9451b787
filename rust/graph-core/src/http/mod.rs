//! Talking HTTP to Graph: the one client and its transport rules, the checks
//! on what goes into a request, the request context and its retry policy, and
//! sending one request with retries. Knows nothing of sign-in: the bearer
//! token comes from whatever implements [`dispatch::TokenSource`].

pub mod dispatch;
pub mod request;
pub mod retry;
pub mod transport;
