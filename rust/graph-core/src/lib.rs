//! graph-core: everything the PowerShell module does, without PowerShell.
//!
//! The shim hands in JSON requests (`operations::start`) and drains JSON events;
//! this crate normalizes and validates bodies, keeps the process-wide
//! session, and talks HTTP to Graph.
//!
//! The folders depend downwards only:
//! `operations` → `session` → `signin` → `http` → (`events`, `error`);
//! `operations` also uses `schema` (bodies and output), and `args` is read by all.

pub mod args;
pub mod error;
pub mod events;
pub mod generated;
pub mod http;
pub mod operations;
pub mod schema;
pub mod session;
pub mod signin;

pub use error::CoreError;

/// The product version, reported in the User-Agent and by the FFI.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
