//! Retries, timeouts and transport faults against the emulator. Retry waits
//! are shrunk with the time-scale hook (the policy's rules are checked from the
//! verbose story and the request record, never by waiting).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use graph_core::events::Event;
use graph_core::operations as ops;
use graph_emulator::{spawn, EmulatorConfig, RunningEmulator, ScriptedAnswer};
use serde_json::{json, Value};

mod common;
use common::{error_of, messages_of, run};

static SESSION_LOCK: Mutex<()> = Mutex::new(());

fn verbose_of(events: &[Event]) -> Vec<String> {
    messages_of(events, "verbose")
}

fn succeeded(events: &[Event]) -> bool {
    events.iter().any(|e| matches!(e, Event::Result { .. })) && error_of(events).is_none()
}

/// An emulator registered as `name`, connected with its static token, retry waits shrunk 100×.
fn connected(name: &str) -> RunningEmulator {
    let emulator = spawn(EmulatorConfig::default()).unwrap();
    run(json!({"op": "testHooks", "args": {"timeScale": 0.01}}));
    run(
        json!({"op": "setRequestContext", "args": {"maxRetry": 3, "retryDelay": 3, "retriesTimeLimit": 0, "clientTimeout": 300}}),
    );
    run(
        json!({"op": "addEnvironment", "args": {"name": name, "graphEndpoint": emulator.base_url(), "azureADEndpoint": emulator.base_url()}}),
    );
    let events = run(
        json!({"op": "connect", "args": {"type": "accessToken", "accessToken": "emulator-token", "environment": name}}),
    );
    assert!(error_of(&events).is_none(), "{events:?}");
    emulator
}

fn invite(call: &str) -> Value {
    json!({"op": "invite", "verbose": true, "args": {"callId": call, "body": {"participants": [{"identity": {"user": {"id": "u"}}}]}}})
}

fn answer(status: u16) -> ScriptedAnswer {
    ScriptedAnswer {
        status,
        ..Default::default()
    }
}

fn throttled(retry_after: &str) -> ScriptedAnswer {
    ScriptedAnswer {
        status: 429,
        headers: [("Retry-After".to_string(), retry_after.to_string())].into(),
        body: Some(json!({"error": {"code": "TooManyRequests", "message": "Throttled."}})),
        ..Default::default()
    }
}

fn lock() -> std::sync::MutexGuard<'static, ()> {
    SESSION_LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

#[test]
fn throttling_then_success_retries_with_retry_attempt_headers() {
    let _guard = lock();
    let emulator = connected("FaultRetry");
    emulator.script("r1", vec![throttled("2.128"), answer(503), answer(200)]);
    let events = run(invite("r1"));
    assert!(succeeded(&events), "{events:?}");
    let story = verbose_of(&events).join("\n");
    assert!(
        story.contains("Waiting 2.128 s (Retry-After) before retry 1 of 3."),
        "{story}"
    );
    assert!(
        story.contains("Waiting 6.000 s (exponential backoff) before retry 2 of 3."),
        "{story}"
    );
    let requests = emulator.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0].headers.get("retry-attempt"), None);
    assert_eq!(
        requests[1].headers.get("retry-attempt").map(String::as_str),
        Some("1")
    );
    assert_eq!(
        requests[2].headers.get("retry-attempt").map(String::as_str),
        Some("2")
    );
}

#[test]
fn backoff_starts_from_retry_delay_and_doubles() {
    let _guard = lock();
    let emulator = connected("FaultBackoff");
    emulator.script(
        "b1",
        vec![answer(504), answer(504), answer(504), answer(200)],
    );
    let events = run(invite("b1"));
    assert!(succeeded(&events));
    let story = verbose_of(&events).join("\n");
    for (n, secs) in [(1, "3.000"), (2, "6.000"), (3, "12.000")] {
        assert!(
            story.contains(&format!(
                "Waiting {secs} s (exponential backoff) before retry {n} of 3."
            )),
            "{story}"
        );
    }
}

#[test]
fn when_retries_run_out_the_last_graph_error_is_returned() {
    let _guard = lock();
    let emulator = connected("FaultExhausted");
    emulator.script("x1", vec![throttled("1"); 5]);
    let events = run(invite("x1"));
    let error = error_of(&events).unwrap();
    assert_eq!(error.error_id, "TooManyRequests");
    assert_eq!(error.message, "[TooManyRequests] : Throttled.");
    assert_eq!(error.category, "LimitsExceeded");
    let details = error.details.as_deref().unwrap();
    assert!(details.contains("Status: 429"), "{details}");
    assert!(details.contains("Retries: 3"), "{details}");
    assert_eq!(emulator.requests().len(), 4, "one try and three retries");
}

#[test]
fn no_retry_for_other_statuses_past_the_time_limit_or_with_max_retry_zero() {
    let _guard = lock();
    let emulator = connected("FaultNoRetry");
    emulator.script("n1", vec![answer(500), answer(200)]);
    assert_eq!(
        error_of(&run(invite("n1"))).unwrap().category,
        "InvalidOperation"
    );
    assert_eq!(emulator.requests().len(), 1);

    emulator.clear_requests();
    run(json!({"op": "setRequestContext", "args": {"retriesTimeLimit": 5}}));
    emulator.script("n2", vec![throttled("10"), answer(200)]);
    assert_eq!(
        error_of(&run(invite("n2"))).unwrap().error_id,
        "TooManyRequests"
    );
    assert_eq!(
        emulator.requests().len(),
        1,
        "a 10 s wait would pass the 5 s limit"
    );

    emulator.clear_requests();
    run(json!({"op": "setRequestContext", "args": {"retriesTimeLimit": 0, "maxRetry": 0}}));
    emulator.script("n3", vec![throttled("1"), answer(200)]);
    assert!(error_of(&run(invite("n3"))).is_some());
    assert_eq!(emulator.requests().len(), 1);
}

#[test]
fn request_context_bounds_are_enforced() {
    let _guard = lock();
    for args in [
        json!({"maxRetry": 11}),
        json!({"retryDelay": 181}),
        json!({"clientTimeout": 0}),
    ] {
        let events = run(json!({"op": "setRequestContext", "args": args}));
        assert_eq!(
            error_of(&events).unwrap().category,
            "InvalidArgument",
            "{args}"
        );
    }
}

#[test]
fn client_timeout_bounds_the_whole_call() {
    let _guard = lock();
    let emulator = connected("FaultTimeout");
    run(json!({"op": "setRequestContext", "args": {"clientTimeout": 0.5}}));
    emulator.script(
        "t1",
        vec![ScriptedAnswer {
            status: 200,
            delay_ms: 5_000,
            ..Default::default()
        }],
    );
    let began = Instant::now();
    let events = run(invite("t1"));
    let error = error_of(&events).unwrap();
    assert_eq!(error.category, "OperationTimeout");
    assert!(
        error.message.contains("ClientTimeout (0.5 s"),
        "{}",
        error.message
    );
    assert!(began.elapsed() < Duration::from_secs(4));
    run(json!({"op": "setRequestContext", "args": {"clientTimeout": 300}}));
}

#[test]
fn cancelling_during_a_retry_after_wait_returns_at_once() {
    let _guard = lock();
    let emulator = connected("FaultCancelWait");
    run(json!({"op": "testHooks", "args": {"timeScale": 1.0}}));
    emulator.script("w1", vec![throttled("60")]);
    let call = ops::start(invite("w1").to_string().as_bytes());
    // Wait for the verbose line that announces the 60 s wait.
    loop {
        match call.events.recv_timeout(Duration::from_secs(10)).unwrap() {
            Event::Verbose { message } if message.starts_with("Waiting 60") => break,
            _ => {}
        }
    }
    let began = Instant::now();
    call.cancel();
    let rest: Vec<Event> = call.events.iter().collect();
    assert!(began.elapsed() < Duration::from_secs(1));
    assert_eq!(error_of(&rest).unwrap().error_id, "Cancelled");
    run(json!({"op": "testHooks", "args": {"timeScale": 0.01}}));
}

#[test]
fn transport_faults_are_clear_errors() {
    let _guard = lock();
    let emulator = connected("FaultTransport");
    let fault = |name: &str| ScriptedAnswer {
        status: 200,
        fault: Some(name.into()),
        ..Default::default()
    };
    let cases = [
        ("drop", fault("drop"), "ConnectionError", "failed"),
        ("reset", fault("reset"), "ConnectionError", "broke off"),
        (
            "truncate",
            fault("truncate"),
            "ConnectionError",
            "broke off",
        ),
        (
            "oversized",
            fault("oversized"),
            "InvalidResult",
            "larger than 16 MiB",
        ),
        (
            "malformed",
            ScriptedAnswer {
                status: 200,
                body_text: Some("{\"id\": \"op\", ".into()),
                ..Default::default()
            },
            "InvalidResult",
            "not valid JSON",
        ),
        (
            "html",
            ScriptedAnswer {
                status: 502,
                headers: [("content-type".to_string(), "text/html".to_string())].into(),
                body_text: Some(
                    "<html><head><title>502 Bad Gateway</title></head><body>proxy</body></html>"
                        .into(),
                ),
                ..Default::default()
            },
            "ResourceUnavailable",
            "text/html",
        ),
    ];
    for (call, scripted, category, says) in cases {
        emulator.script(call, vec![scripted]);
        let events = run(invite(call));
        let error = error_of(&events).unwrap_or_else(|| panic!("{call}: {events:?}"));
        assert_eq!(error.category, category, "{call}: {}", error.message);
        assert!(error.message.contains(says), "{call}: {}", error.message);
    }
}

#[test]
fn unreachable_and_unresolvable_hosts_are_clear_errors() {
    let _guard = lock();
    let _emulator = connected("FaultHosts");
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    run(
        json!({"op": "addEnvironment", "args": {"name": "FaultClosed", "graphEndpoint": format!("http://{closed}"), "azureADEndpoint": format!("http://{closed}")}}),
    );
    run(
        json!({"op": "connect", "args": {"type": "accessToken", "accessToken": "t", "environment": "FaultClosed"}}),
    );
    let error = error_of(&run(invite("c1"))).cloned().unwrap();
    assert_eq!(error.category, "ConnectionError");
    assert!(
        error
            .message
            .starts_with(&format!("Could not connect to http://{closed}/")),
        "{}",
        error.message
    );

    // No DNS query leaves the machine: the resolver hook answers for this name.
    run(json!({"op": "testHooks", "args": {"unresolvableHosts": ["graph.unresolvable.test"]}}));
    run(
        json!({"op": "addEnvironment", "args": {"name": "FaultDns", "graphEndpoint": "https://graph.unresolvable.test", "azureADEndpoint": "https://login.unresolvable.test"}}),
    );
    run(
        json!({"op": "connect", "args": {"type": "accessToken", "accessToken": "t", "environment": "FaultDns"}}),
    );
    let error = error_of(&run(invite("d1"))).cloned().unwrap();
    assert_eq!(error.category, "ConnectionError");
    assert!(
        error
            .message
            .contains("'graph.unresolvable.test' does not resolve"),
        "{}",
        error.message
    );
}
