//! What the suites against the emulator share: running an operation as the
//! shim does, reading its events, and an emulator registered as an environment.
#![allow(dead_code)] // each suite uses its own part

use graph_core::error::ErrorData;
use graph_core::events::Event;
use graph_core::operations as ops;
use graph_emulator::{spawn, EmulatorConfig, RunningEmulator};
use serde_json::{json, Value};

/// Starts an operation and drains its events to the end.
pub fn run(request: Value) -> Vec<Event> {
    let call = ops::start(request.to_string().as_bytes());
    call.events.iter().collect()
}

pub fn error_of(events: &[Event]) -> Option<&ErrorData> {
    events.iter().find_map(|e| match e {
        Event::Error { error } => Some(error),
        _ => None,
    })
}

pub fn result_of(events: &[Event]) -> Option<&Value> {
    events.iter().find_map(|e| match e {
        Event::Result { value, .. } => Some(value),
        _ => None,
    })
}

/// The messages of one stream: `verbose`, `warning` or `information`.
pub fn messages_of(events: &[Event], stream: &str) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match (e, stream) {
            (Event::Verbose { message }, "verbose")
            | (Event::Warning { message }, "warning")
            | (Event::Information { message }, "information") => Some(message.clone()),
            _ => None,
        })
        .collect()
}

/// An emulator, added as environment `name` for Graph and the identity platform.
pub fn start(name: &str) -> RunningEmulator {
    let emulator = spawn(EmulatorConfig::default()).unwrap();
    let add = json!({"op": "addEnvironment", "args": {"name": name, "graphEndpoint": emulator.base_url(), "azureADEndpoint": emulator.base_url()}});
    assert!(error_of(&run(add)).is_none());
    emulator
}
