//! Signing in: the credentials a session can hold and their token cache,
//! a user's sign-in (its interactive flows, the browser and loopback listener,
//! the sign-in kept across sessions), and the identity platform's requests.
//!
//! Nothing here knows the session: the session hands in what a sign-in needs
//! (the environment, the file a sign-in is kept in, the timeout) and makes
//! the result its connection.

pub mod browser;
pub mod cache;
pub mod credential;
pub mod environment;
pub mod flows;
pub mod identity;
pub mod user;

pub use credential::{
    client_assertion, credential_from_args, Authenticator, CertificateCredential, Credential,
    ManagedIdentityEndpoint, INVITE_ROLE,
};
pub use environment::Environment;
pub use identity::{jwt_claims, token_roles};
pub use user::{SignInFlow, SignInOptions, UserCredential, UserTokens};
