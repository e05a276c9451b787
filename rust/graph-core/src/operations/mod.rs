//! The operations the shim can start, each from a JSON request:
//! `{"op": "...", "verbose": bool, "debug": bool, "args": {...}}`.
//!
//! This is the table of operations; `runtime` starts them and carries their
//! events, and each operation lives in a file of its own job.

use serde_json::{json, Value};

use crate::error::CoreError;
use crate::events::Events;
use crate::http::{retry, transport};

pub mod command;
pub mod files;
pub mod generic;
pub mod graph_request;
pub mod invite;
pub mod runtime;
pub mod session;

pub use runtime::{live_calls, start, Call};

/// The key that makes the shim build a PSObject with these type names (the session's objects).
const TYPE_NAMES_KEY: &str = "@ps.typeNames";

fn with_type_names(value: impl serde::Serialize, type_name: &str) -> Value {
    let mut value = serde_json::to_value(value).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        map.insert(TYPE_NAMES_KEY.into(), json!([type_name]));
    }
    value
}

async fn run(op: &str, args: Value, events: &Events) -> Result<(), CoreError> {
    match op {
        "invite" => invite::invite(args, events).await,
        "command" => generic::run(args, events).await,
        "connect" => session::connect(args, events).await,
        "disconnect" => session::disconnect(events),
        "getContext" => session::get_context(events),
        "getEnvironments" => session::get_environments(args, events),
        "addEnvironment" | "setEnvironment" => session::set_environment(args, events),
        "removeEnvironment" => session::remove_environment(args, events),
        "request" => graph_request::run(args, events).await,
        "getRequestContext" => session::get_request_context(events),
        "commandTable" => {
            events.result(command::table(), None);
            Ok(())
        }
        "setRequestContext" => session::set_request_context(args, events),
        // Test aids: shrink retry waits; make host names fail to resolve without a DNS query.
        "testHooks" => {
            if let Some(scale) = args.get("timeScale").and_then(Value::as_f64) {
                retry::set_time_scale(scale);
            }
            if let Some(hosts) = args.get("unresolvableHosts").and_then(Value::as_array) {
                transport::set_unresolvable_hosts(
                    hosts.iter().filter_map(Value::as_str).map(str::to_string),
                );
            }
            Ok(())
        }
        other => Err(CoreError::UnknownOperation(other.to_string())),
    }
}
