//! HTTPS against the emulator: its CA trusted through SSL_CERT_FILE (as the
//! shim passes it), a CA nobody trusts refused, and a wrong host name refused.
//! A test binary of its own: the HTTP client is built once per process.

use graph_core::error::ErrorData;
use graph_core::events::Event;
use graph_core::operations as ops;
use graph_emulator::{spawn, EmulatorConfig, ScriptedAnswer};
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

/// One test: the client's trust store is fixed when the process's first request builds it.
#[test]
fn https_trust_redirects_and_http2() {
    let trusted_dir = std::env::temp_dir().join(format!("graph-tls-{}", uuid::Uuid::new_v4()));
    let trusted = spawn(EmulatorConfig {
        tls_dir: Some(trusted_dir.clone()),
        ..Default::default()
    })
    .unwrap();
    https_trusts_the_given_ca_and_refuses_others(&trusted);
    redirects_are_bounded_never_downgrade_and_drop_authorization_off_host(&trusted);
    let _ = std::fs::remove_dir_all(trusted_dir);
}

fn https_trusts_the_given_ca_and_refuses_others(trusted: &graph_emulator::RunningEmulator) {
    let other_dir = std::env::temp_dir().join(format!("graph-tls-{}", uuid::Uuid::new_v4()));
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
    assert_eq!(
        trusted.requests()[0].http_version,
        "HTTP/2.0",
        "HTTP/2 where the server offers it"
    );

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
    let _ = std::fs::remove_dir_all(other_dir);
}

fn redirect_to(location: &str) -> ScriptedAnswer {
    ScriptedAnswer {
        status: 307,
        headers: [("Location".to_string(), location.to_string())].into(),
        body_text: Some(String::new()),
        ..Default::default()
    }
}

fn redirects_are_bounded_never_downgrade_and_drop_authorization_off_host(
    https: &graph_emulator::RunningEmulator,
) {
    https.clear_requests();
    let http = spawn(EmulatorConfig::default()).unwrap();
    let invite_url =
        |base: &str| format!("{base}/v1.0/communications/calls/tls/participants/invite");

    // Within five redirects the call follows them, keeping POST and its body.
    https.script("tls", vec![redirect_to(&invite_url(https.base_url())); 2]);
    let events = invite_via("Redirects", https.base_url());
    assert!(error_of(&events).is_none(), "{events:?}");
    let requests = https.requests();
    assert_eq!(requests.len(), 3);
    assert!(requests
        .iter()
        .all(|r| r.method == "POST" && r.body["participants"].is_array()));

    // A sixth redirect is refused.
    https.clear_requests();
    https.script("tls", vec![redirect_to(&invite_url(https.base_url())); 6]);
    let error = error_of(&invite_via("Redirects", https.base_url()))
        .cloned()
        .unwrap();
    assert!(
        error.message.contains("more than 5 redirects"),
        "{}",
        error.message
    );
    assert_eq!(https.requests().len(), 6);

    // https never goes to http.
    https.script("tls", vec![redirect_to(&invite_url(http.base_url()))]);
    let error = error_of(&invite_via("Redirects", https.base_url()))
        .cloned()
        .unwrap();
    assert!(
        error.message.contains("from https to http"),
        "{}",
        error.message
    );
    assert!(http.requests().is_empty());

    // Leaving the host drops Authorization (127.0.0.1 -> localhost is another host).
    let other_host = http.base_url().replace("127.0.0.1", "localhost");
    http.script("tls", vec![redirect_to(&invite_url(&other_host))]);
    invite_via("RedirectsHttp", http.base_url());
    let requests = http.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].auth_scheme.as_deref(), Some("Bearer"));
    assert_eq!(
        requests[1].auth_scheme, None,
        "no bearer token for another host"
    );
}
