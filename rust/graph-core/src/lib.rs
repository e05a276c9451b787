//! graph-core: everything the PowerShell module does, without PowerShell.
//!
//! The shim hands in JSON requests (`ops::start`) and drains JSON events;
//! this crate normalizes and validates bodies, keeps the process-wide
//! session, and talks HTTP to Graph.

pub mod args;
pub mod auth;
pub mod body;
pub mod browser;
pub mod dispatch;
pub mod error;
pub mod events;
pub mod graph_request;
pub mod http;
pub mod model;
pub mod ops;
pub mod output;
pub mod request;
pub mod retry;
pub mod session;
pub mod signin_cache;
pub mod signin_flows;
pub mod user_signin;

pub use error::CoreError;

/// The product version, reported in the User-Agent and by the FFI.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
