//! Bound actions over HTTP as Graph documents them, scripted answers on paths
//! without a call id, and the token and version checks on every store path.

mod common;

use common::{emulator, ids, new_call, CALLS};
use graph_emulator::ScriptedAnswer;
use serde_json::{json, Value};

const CALL_OPERATIONS: &[(&str, u16, &str, &str)] = &[
    ("mute", 200, "muteParticipantOperation", "completed"),
    ("unmute", 200, "unmuteParticipantOperation", "completed"),
    ("playPrompt", 200, "playPromptOperation", "running"),
    ("recordResponse", 200, "recordOperation", "running"),
    (
        "subscribeToTone",
        200,
        "subscribeToToneOperation",
        "completed",
    ),
    (
        "cancelMediaProcessing",
        200,
        "cancelMediaProcessingOperation",
        "completed",
    ),
    (
        "updateRecordingStatus",
        200,
        "updateRecordingStatusOperation",
        "completed",
    ),
    ("sendDtmfTones", 200, "sendDtmfTonesOperation", "running"),
    (
        "addLargeGalleryView",
        202,
        "addLargeGalleryViewOperation",
        "running",
    ),
];

#[test]
fn call_actions_answer_as_graph_documents_and_are_recorded() {
    let (emulator, client) = emulator();
    new_call(&client, "act");
    for (i, (action, code, entity, status)) in CALL_OPERATIONS.iter().enumerate() {
        // Both URL forms, in turn.
        let segment = if i % 2 == 0 {
            action.to_string()
        } else {
            format!("microsoft.graph.{action}")
        };
        let context = format!("ctx-{action}");
        let body = json!({"clientContext": context, "unknownProperty": {"open": true}});
        let reply = client.post(&format!("{CALLS}/act/{segment}"), &body);
        assert_eq!(reply.status, *code, "{action}: {}", reply.text());
        let operation = reply.json();
        assert_eq!(
            operation["@odata.type"],
            format!("#microsoft.graph.{entity}")
        );
        assert_eq!(operation["status"], *status);
        assert_eq!(operation["clientContext"], context.as_str());
        assert_eq!(operation["resultInfo"], Value::Null);
        let id = operation["id"].as_str().unwrap();
        let location = reply.header("location").unwrap();
        assert_eq!(
            location,
            format!("{}{CALLS}/act/operations/{id}", emulator.base_url())
        );
        let stored = client.get(&format!("{CALLS}/act/operations/{id}")).json();
        assert_eq!(stored["@odata.type"], operation["@odata.type"]);
        let request = emulator
            .requests()
            .into_iter()
            .rfind(|r| r.method == "POST")
            .unwrap();
        assert_eq!(request.kind, "graph");
        assert_eq!(request.call_id.as_deref(), Some("act"));
        assert_eq!(request.raw_path, format!("{CALLS}/act/{segment}"));
        assert_eq!(request.body, body);
    }
    assert_eq!(
        client.get(&format!("{CALLS}/act/operations/$count")).text(),
        CALL_OPERATIONS.len().to_string()
    );

    for (action, code, state) in [
        ("keepAlive", 200, "establishing"),
        ("changeScreenSharingRole", 202, "establishing"),
        ("microsoft.graph.answer", 202, "established"),
        ("transfer", 202, "terminated"),
        ("answer", 202, "established"),
        ("reject", 202, "terminated"),
        ("microsoft.graph.redirect", 202, "terminated"),
    ] {
        let reply = client.post(
            &format!("{CALLS}/act/{action}"),
            &json!({"callbackUri": "https://x"}),
        );
        assert_eq!(reply.status, code, "{action}");
        assert!(reply.body.is_empty(), "{action} answers no body");
        assert_eq!(
            client.get(&format!("{CALLS}/act")).json()["state"],
            state,
            "{action}"
        );
    }
    let empty = client.send("POST", &format!("{CALLS}/act/keepAlive"), None);
    assert_eq!(empty.status, 200, "no body is an empty object");

    let log = client.post(
        &format!("{CALLS}/logTeleconferenceDeviceQuality"),
        &json!({"quality": {}}),
    );
    assert_eq!(log.status, 204);
    let log = client.post(
        &format!("{CALLS}/microsoft.graph.logTeleconferenceDeviceQuality"),
        &json!({}),
    );
    assert_eq!(log.status, 204);

    let unknown = client.post(&format!("{CALLS}/act/dance"), &json!({}));
    assert_eq!(unknown.status, 400);
    assert!(unknown.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("Unsupported action"));
    let missing = client.post(&format!("{CALLS}/gone/answer"), &json!({}));
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["error"]["code"], "8502");
    let not_object = client.send(
        "POST",
        &format!("{CALLS}/act/playPrompt"),
        Some(("application/json", b"[1]".to_vec())),
    );
    assert_eq!(not_object.status, 400);
}

#[test]
fn participant_actions_and_invites_share_the_store() {
    let (emulator, client) = emulator();
    let invite = client.post(
        &format!("{CALLS}/inv/participants/invite"),
        &json!({"participants": [{"identity": {"user": {"id": "u1", "displayName": "Ann"}}}], "clientContext": "i"}),
    );
    assert_eq!(invite.status, 200, "{}", invite.text());
    assert_eq!(
        client.get(&format!("{CALLS}/inv")).json()["state"],
        "established"
    );
    let list = client.get(&format!("{CALLS}/inv/participants")).json();
    let pid = ids(&list)[0].clone();
    assert_eq!(list["value"][0]["info"]["identity"]["user"]["id"], "u1");

    let mute = client.post(
        &format!("{CALLS}/inv/participants/{pid}/mute"),
        &json!({"clientContext": "m"}),
    );
    assert_eq!(mute.status, 200);
    assert_eq!(
        mute.json()["@odata.type"],
        "#microsoft.graph.muteParticipantOperation"
    );
    assert_eq!(mute.json()["status"], "completed");
    assert_eq!(
        client
            .get(&format!("{CALLS}/inv/participants/{pid}"))
            .json()["isMuted"],
        true
    );
    for (action, entity) in [
        ("startHoldMusic", "startHoldMusicOperation"),
        ("microsoft.graph.stopHoldMusic", "stopHoldMusicOperation"),
    ] {
        let reply = client.post(
            &format!("{CALLS}/inv/participants/{pid}/{action}"),
            &json!({"clientContext": "h"}),
        );
        assert_eq!(reply.status, 202, "{action}");
        assert_eq!(
            reply.json()["@odata.type"],
            format!("#microsoft.graph.{entity}")
        );
        let id = reply.json()["id"].as_str().unwrap().to_string();
        assert_eq!(
            client.get(&format!("{CALLS}/inv/operations/{id}")).status,
            200
        );
    }
    let unknown = client.post(&format!("{CALLS}/inv/participants/{pid}/wave"), &json!({}));
    assert_eq!(unknown.status, 400);
    let missing = client.post(&format!("{CALLS}/inv/participants/nobody/mute"), &json!({}));
    assert_eq!(missing.json()["error"]["code"], "8519");

    // A seeded call replaces what was there.
    let seeded = client.post(
        "/_emulator/calls",
        &json!({"id": "inv", "participants": [{"identity": {"user": {"id": "u2"}}}]}),
    );
    assert_eq!(seeded.status, 201);
    assert_eq!(
        ids(&client.get(&format!("{CALLS}/inv/participants")).json()).len(),
        1
    );
    assert_eq!(
        client.get(&format!("{CALLS}/inv/operations/$count")).text(),
        "0"
    );
    let kinds: Vec<String> = emulator.requests().iter().map(|r| r.kind.clone()).collect();
    assert_eq!(kinds[0], "invite");
    assert!(kinds[1..].iter().all(|k| k == "graph"));
}

#[test]
fn scripted_answers_work_on_paths_without_a_call_id() {
    let (emulator, client) = emulator();
    emulator.script_path(
        "/communications/calls",
        vec![ScriptedAnswer {
            status: 503,
            headers: [("Retry-After".to_string(), "1".to_string())].into(),
            ..ScriptedAnswer::default()
        }],
    );
    let refused = client.post(CALLS, &json!({"callbackUri": "https://x", "id": "s1"}));
    assert_eq!(refused.status, 503);
    assert_eq!(refused.header("retry-after"), Some("1"));
    assert_eq!(refused.json()["error"]["code"], "Service Unavailable");
    assert_eq!(
        client
            .post(CALLS, &json!({"callbackUri": "https://x", "id": "s1"}))
            .status,
        201
    );

    // Over HTTP, with a version in the path and a `*` segment; a call's own script goes first.
    let set = client.post(
        "/_emulator/script",
        &json!({"path": "/v1.0/communications/calls/*/participants", "answers": [{"status": 429}, {"status": 500}]}),
    );
    assert_eq!(set.status, 204);
    emulator.script(
        "s1",
        vec![ScriptedAnswer {
            status: 502,
            ..ScriptedAnswer::default()
        }],
    );
    assert_eq!(client.get(&format!("{CALLS}/s1")).status, 502);
    assert_eq!(
        client.get(&format!("{CALLS}/s1")).status,
        200,
        "the path script is not for the call"
    );
    assert_eq!(client.get(&format!("{CALLS}/s1/participants")).status, 429);
    let invite = client.post(
        &format!("{CALLS}/s1/participants/invite"),
        &json!({"participants": [{"identity": {"user": {"id": "u"}}}]}),
    );
    assert_eq!(invite.status, 500, "the invite plays path scripts too");
    assert_eq!(client.get(&format!("{CALLS}/s1/participants")).status, 200);

    // A refused token leaves the script for the retry.
    client.post(
        "/_emulator/script",
        &json!({"path": "/", "answers": [{"status": 504}]}),
    );
    let mut anonymous = common::Client::new(emulator.base_url());
    anonymous.token = None;
    assert_eq!(anonymous.get(CALLS).status, 401);
    assert_eq!(client.get("/v1.0/me").status, 504);
}

#[test]
fn every_store_path_checks_the_token_and_the_version() {
    let (emulator, mut client) = emulator();
    client.token = Some("wrong".into());
    for (method, path) in [
        ("GET", CALLS.to_string()),
        ("POST", CALLS.to_string()),
        ("GET", format!("{CALLS}/x/participants/$count")),
        ("POST", format!("{CALLS}/x/answer")),
        ("DELETE", format!("{CALLS}/x/participants/p")),
    ] {
        let reply = client.send(method, &path, None);
        assert_eq!(reply.status, 401, "{method} {path}");
        assert_eq!(reply.json()["error"]["code"], "InvalidAuthenticationToken");
    }
    assert!(emulator
        .requests()
        .iter()
        .all(|r| !r.token_accepted && r.kind == "graph"));
    client.token = Some(common::TOKEN.into());
    assert_eq!(client.get("/v9/communications/calls").status, 400);
    assert_eq!(client.send("PUT", CALLS, None).status, 405);
    assert_eq!(client.get("/v1.0/communications/other").status, 404);
}
