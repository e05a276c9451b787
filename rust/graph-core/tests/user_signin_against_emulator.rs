//! Delegated sign-in (`Connect-MgGraph -Scopes`) against the emulator's identity
//! platform: device code, browser with PKCE (the emulator's `--follow` mode plays
//! the browser), refresh, consent upgrade, denial, timeout and cancellation.
//! The session is process-wide, so the tests take turns (SESSION_LOCK).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use graph_core::events::Event;
use graph_core::operations as ops;
use graph_emulator::{RunningEmulator, SignInScript};
use serde_json::{json, Value};

mod common;
use common::{error_of, messages_of, result_of, run, start};

static SESSION_LOCK: Mutex<()> = Mutex::new(());

fn error_id(events: &[Event]) -> Option<String> {
    error_of(events).map(|e| e.error_id.clone())
}

/// Connects and returns the error id it ended with, if any.
fn refusal(env: &str, scopes: &[&str], device_code: bool) -> Option<String> {
    error_id(&run(connect(env, scopes, device_code, json!({}))))
}

fn context_of(events: &[Event]) -> Value {
    result_of(events).cloned().unwrap_or(Value::Null)
}

fn script(decision: &str) -> SignInScript {
    serde_json::from_value(json!({"decision": decision})).unwrap()
}

/// The emulator binary (`cargo build --workspace` puts it beside this test's
/// folder), which `--follow`s a sign-in page as a browser would.
fn follower() -> String {
    let exe = std::env::current_exe().unwrap();
    let binary = exe
        .parent()
        .and_then(|deps| deps.parent())
        .unwrap()
        .join("graph-emulator");
    assert!(
        binary.exists(),
        "{} is missing: run `cargo build --workspace` (or build.ps1) before these tests",
        binary.display()
    );
    format!("{} --follow", binary.display())
}

fn connect(env: &str, scopes: &[&str], device_code: bool, extra: Value) -> Value {
    let mut args = json!({"type": "delegated", "environment": env, "scopes": scopes, "useDeviceCode": device_code, "browserCommand": follower()});
    for (k, v) in extra.as_object().unwrap() {
        args[k] = v.clone();
    }
    json!({"op": "connect", "args": args})
}

fn get_me() -> Value {
    json!({"op": "request", "args": {"method": "GET", "uri": "/v1.0/me", "returnBody": true}})
}

/// The display name `GET /me` answered with.
fn me_name(events: &[Event]) -> Value {
    let text = context_of(events)["text"]
        .as_str()
        .unwrap_or("null")
        .to_string();
    serde_json::from_str::<Value>(&text).unwrap_or(Value::Null)["displayName"].clone()
}

fn count(emulator: &RunningEmulator, kind: &str, grant: &str) -> usize {
    emulator
        .requests()
        .iter()
        .filter(|r| r.kind == kind && (grant.is_empty() || r.body["grant_type"] == grant))
        .count()
}

#[test]
fn device_code_signs_in_calls_graph_as_the_user_refreshes_and_cannot_invite() {
    let _turn = SESSION_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let emulator = start("UserDevice");
    let events = run(connect(
        "UserDevice",
        &["User.Read.All, Group.Read.All"],
        true,
        json!({}),
    ));
    assert_eq!(error_id(&events), None, "{events:?}");
    let info = messages_of(&events, "information").join("\n");
    assert!(
        info.contains("/devicelogin") && info.contains("enter the code"),
        "{info}"
    );
    let context = context_of(&events);
    assert_eq!(context["AuthType"], "Delegated");
    assert_eq!(context["TokenCredentialType"], "DeviceCode");
    assert_eq!(context["Account"], "adele.vance@contoso.test");
    assert_eq!(
        context["ClientId"],
        graph_emulator::GRAPH_POWERSHELL_CLIENT_ID
    );
    assert_eq!(
        context["Scopes"],
        json!(["User.Read.All", "Group.Read.All"])
    );
    // Polled at the interval: one pending answer, then the tokens.
    assert_eq!(
        count(
            &emulator,
            "token",
            "urn:ietf:params:oauth:grant-type:device_code"
        ),
        2
    );

    let me = run(get_me());
    assert_eq!(me_name(&me), "Adele Vance", "{me:?}");

    let invite = json!({"op": "invite", "args": {"callId": "c1", "body": {"participants": [{"identity": {"user": {"id": "u"}}}]}}});
    assert_eq!(
        error_id(&run(invite)).as_deref(),
        Some("DelegatedPermissionNotSupported")
    );
    assert!(
        emulator
            .requests()
            .iter()
            .all(|r| !r.raw_path.contains("/invite")),
        "nothing was sent"
    );

    // Graph says the token expired: refreshed once with the refresh token, then retried.
    emulator.expire_tokens();
    let again = run(get_me());
    assert_eq!(me_name(&again), "Adele Vance", "{again:?}");
    assert_eq!(count(&emulator, "token", "refresh_token"), 1);
    // The refresh token was rotated (the emulator accepts each once): a second refresh works too.
    emulator.expire_tokens();
    assert_eq!(me_name(&run(get_me())), "Adele Vance");
    assert_eq!(count(&emulator, "token", "refresh_token"), 2);

    // No token, code or refresh token in any event or in the emulator's record.
    let all: String = [events, me, again]
        .iter()
        .flatten()
        .map(|e| String::from_utf8_lossy(&e.to_json()).into_owned())
        .collect();
    for issued in emulator.issued_tokens() {
        assert!(!all.contains(&issued));
    }
    assert!(
        !all.contains("RT.") && !all.contains("DC."),
        "no refresh token or device code in the streams"
    );
    let record = serde_json::to_string(&emulator.requests()).unwrap();
    assert!(
        !record.contains("RT.") && !record.contains("DC."),
        "the emulator masks them"
    );
}

#[test]
fn device_code_honours_slow_down_denial_and_expiry() {
    let _turn = SESSION_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let emulator = start("UserDevicePaths");
    emulator.script_signin(
        serde_json::from_value(json!({"slowDown": true, "pendingPolls": 0})).unwrap(),
    );
    let started = Instant::now();
    let events = run(connect("UserDevicePaths", &["User.Read"], true, json!({})));
    assert_eq!(error_id(&events), None, "{events:?}");
    assert!(
        started.elapsed() >= Duration::from_secs(6),
        "slow_down adds 5 s to the 1 s interval"
    );

    emulator.script_signin(script("deny"));
    assert_eq!(
        refusal("UserDevicePaths", &["Mail.Send"], true).as_deref(),
        Some("SignInDeclined")
    );
    emulator.script_signin(script("expire"));
    assert_eq!(
        refusal("UserDevicePaths", &["Mail.Send"], true).as_deref(),
        Some("DeviceCodeExpired")
    );
}

#[test]
fn a_stalled_sign_in_ends_at_client_timeout_or_at_once_when_stopped() {
    let _turn = SESSION_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let emulator = start("UserStall");
    emulator.script_signin(script("stall"));
    let started = Instant::now();
    let mut request = connect("UserStall", &["User.Read"], true, json!({}));
    request["args"]["clientTimeout"] = json!(2.5);
    let events = run(request);
    assert_eq!(
        error_id(&events).as_deref(),
        Some("SignInTimedOut"),
        "{events:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(4));

    emulator.script_signin(script("stall"));
    let call = ops::start(
        connect("UserStall", &["User.Read"], false, json!({}))
            .to_string()
            .as_bytes(),
    );
    std::thread::sleep(Duration::from_millis(500));
    let stopped = Instant::now();
    call.cancel();
    while call.events.recv().is_ok() {}
    assert!(
        stopped.elapsed() < Duration::from_secs(1),
        "Ctrl+C ends the wait at once"
    );
}

#[test]
fn the_browser_sign_in_uses_pkce_and_a_consent_upgrade_keeps_both_scopes() {
    let _turn = SESSION_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let emulator = start("UserBrowser");
    let events = run(connect("UserBrowser", &["User.Read"], false, json!({})));
    assert_eq!(error_id(&events), None, "{events:?}");
    assert_eq!(
        context_of(&events)["TokenCredentialType"],
        "InteractiveBrowser",
        "{events:?}"
    );
    assert_eq!(count(&emulator, "authorize", ""), 1);
    assert_eq!(count(&emulator, "token", "authorization_code"), 1);

    // The same scopes again: the sign-in is kept, nobody is asked.
    assert_eq!(
        error_id(&run(connect(
            "UserBrowser",
            &["user.read"],
            false,
            json!({})
        ))),
        None
    );
    assert_eq!(count(&emulator, "authorize", ""), 1);

    // More scopes: one more interactive sign-in, for both.
    let upgraded = run(connect("UserBrowser", &["Mail.Send"], false, json!({})));
    assert_eq!(
        context_of(&upgraded)["Scopes"],
        json!(["User.Read", "Mail.Send"]),
        "{upgraded:?}"
    );
    assert_eq!(count(&emulator, "authorize", ""), 2);

    emulator.script_signin(script("deny"));
    assert_eq!(
        refusal("UserBrowser", &["Files.Read"], false).as_deref(),
        Some("SignInDeclined")
    );
}

#[test]
fn without_a_browser_the_sign_in_falls_back_to_a_device_code() {
    let _turn = SESSION_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let emulator = start("UserNoBrowser");
    let events = run(connect(
        "UserNoBrowser",
        &["User.Read"],
        false,
        json!({"browserCommand": "/nonexistent/browser"}),
    ));
    assert_eq!(error_id(&events), None, "{events:?}");
    let warnings = messages_of(&events, "warning").join("\n");
    assert!(
        warnings.contains("Could not open a web browser") && warnings.contains("device code"),
        "{warnings}"
    );
    assert_eq!(context_of(&events)["TokenCredentialType"], "DeviceCode");
    assert_eq!(count(&emulator, "authorize", ""), 0);
}
