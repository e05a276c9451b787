//! HTTPS against the emulator: its CA trusted through SSL_CERT_FILE (as the
//! shim passes it), a CA nobody trusts refused, and a wrong host name refused.
//! A test binary of its own: the HTTP client is built once per process.

use graph_core::error::ErrorData;
use graph_core::events::Event;
use graph_core::ops;
use graph_emulator::{spawn, EmulatorConfig};
use serde_json::{json, Value};

fn run(request: Value) -> Vec<Event> {
    ops::start(request.to_string().as_bytes())
        .events
        .iter()
        .collect()
}

fn error_of(events: &[Event]) -> Option<&ErrorData> {
    events.iter().find_map(|e| match e {
        Event::Error { error } => Some(error),
        _ => None,
    })
}

fn invite_via(name: &str, graph: &str) -> Vec<Event> {
    run(
        json!({"op": "addEnvironment", "args": {"name": name, "graphEndpoint": graph, "azureADEndpoint": graph}}),
    );
    run(
        json!({"op": "connect", "args": {"type": "accessToken", "accessToken": "emulator-token", "environment": name}}),
    );
    run(
        json!({"op": "invite", "args": {"callId": "tls", "body": {"participants": [{"identity": {"user": {"id": "u"}}}]}}}),
    )
}

#[test]
fn https_trusts_the_given_ca_and_refuses_others() {
    let trusted_dir = std::env::temp_dir().join(format!("graph-tls-{}", uuid::Uuid::new_v4()));
    let other_dir = std::env::temp_dir().join(format!("graph-tls-{}", uuid::Uuid::new_v4()));
    let trusted = spawn(EmulatorConfig {
        tls_dir: Some(trusted_dir.clone()),
        ..Default::default()
    })
    .unwrap();
    let untrusted = spawn(EmulatorConfig {
        tls_dir: Some(other_dir.clone()),
        ..Default::default()
    })
    .unwrap();
    assert!(trusted.base_url().starts_with("https://127.0.0.1:"));
    let ca = trusted.ca_path().unwrap().to_str().unwrap().to_string();
    // The first request configures the process's client, as the shim does.
    let first = json!({"op": "getContext", "network": {"SSL_CERT_FILE": ca}});
    run(first);

    let events = invite_via("TlsTrusted", trusted.base_url());
    assert!(error_of(&events).is_none(), "{events:?}");
    assert_eq!(trusted.requests().len(), 1);

    let events = invite_via("TlsUntrusted", untrusted.base_url());
    let error = error_of(&events).unwrap();
    assert_eq!(error.category, "ConnectionError");
    assert!(
        error.message.to_lowercase().contains("certificate"),
        "{}",
        error.message
    );
    assert!(untrusted.requests().is_empty());

    let wrong_host = trusted.base_url().replace("127.0.0.1", "localhost");
    let events = invite_via("TlsWrongHost", &wrong_host);
    let error = error_of(&events).unwrap();
    assert!(
        error.message.to_lowercase().contains("certificate"),
        "{}",
        error.message
    );
    assert_eq!(
        trusted.requests().len(),
        1,
        "nothing reached the server under the wrong name"
    );
    let _ = std::fs::remove_dir_all(trusted_dir);
    let _ = std::fs::remove_dir_all(other_dir);
}
