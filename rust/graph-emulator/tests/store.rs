//! The generic store over HTTP: every collection under `/communications/calls`
//! created, read, updated, listed and removed; paging through nextLink; query options.

mod common;

use common::{emulator, ids, new_call, CALLS};
use serde_json::{json, Value};

#[test]
fn calls_are_created_read_updated_listed_and_removed() {
    let (emulator, client) = emulator();
    let reply = client.post(
        CALLS,
        &json!({"callbackUri": "https://bot.contoso.test/callback", "source": {"identity": {}}}),
    );
    assert_eq!(reply.status, 201, "{}", reply.text());
    let call = reply.json();
    let id = call["id"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 36, "a GUID is assigned");
    assert_eq!(call["@odata.type"], "#microsoft.graph.call");
    assert_eq!(call["state"], "establishing");
    assert!(call["myParticipantId"].is_string());
    assert_eq!(call["source"], json!({"identity": {}}));
    assert_eq!(
        reply.header("location").unwrap(),
        format!("{}{CALLS}/{id}", emulator.base_url())
    );

    let read = client.get(&format!("{CALLS}/{id}")).json();
    assert_eq!(read["id"], id.as_str());
    assert!(read["@odata.context"]
        .as_str()
        .unwrap()
        .ends_with("/v1.0/$metadata#communications/calls/$entity"));
    let patched = client.patch(
        &format!("{CALLS}/{id}"),
        &json!({"state": "established", "source": null, "id": "ignored"}),
    );
    assert_eq!(patched.status, 200);
    assert_eq!(patched.json()["state"], "established");
    assert_eq!(patched.json()["source"], Value::Null);
    assert_eq!(patched.json()["id"], id.as_str());
    assert_eq!(
        client.get(&format!("{CALLS}/{id}")).json()["state"],
        "established"
    );

    new_call(&client, "second");
    assert_eq!(
        ids(&client.get(CALLS).json()),
        vec![id.clone(), "second".into()]
    );
    assert_eq!(client.get(&format!("{CALLS}/$count")).text(), "2");

    assert_eq!(client.delete(&format!("{CALLS}/{id}")).status, 204);
    let gone = client.get(&format!("{CALLS}/{id}"));
    assert_eq!(gone.status, 404);
    assert_eq!(gone.json()["error"]["code"], "8502");
    assert_eq!(client.delete(&format!("{CALLS}/{id}")).status, 404);
    assert_eq!(
        ids(&client.get("/beta/communications/calls").json()),
        vec!["second"]
    );
}

#[test]
fn creating_a_call_follows_graph_checks() {
    let (_emulator, client) = emulator();
    let missing = client.post(CALLS, &json!({"requestedModalities": ["audio"]}));
    assert_eq!(missing.status, 400);
    assert_eq!(missing.json()["error"]["code"], "BadRequest");
    assert!(missing.json()["error"]["innerError"]["request-id"].is_string());
    let not_object = client.post(CALLS, &json!(["callbackUri"]));
    assert_eq!(not_object.status, 400);
    let text = client.send(
        "POST",
        CALLS,
        Some(("text/plain", br#"{"callbackUri":"https://x"}"#.to_vec())),
    );
    assert_eq!(text.status, 400);
    let named = client.post(
        CALLS,
        &json!({"@odata.type": "#microsoft.graph.call", "id": "mine", "callbackUri": "https://x", "state": "incoming"}),
    );
    assert_eq!(named.json()["id"], "mine");
    assert_eq!(named.json()["state"], "incoming");
    let again = client.post(CALLS, &json!({"id": "mine", "callbackUri": "https://x"}));
    assert_eq!(again.status, 409);
}

#[test]
fn every_collection_under_a_call_is_served() {
    let (emulator, client) = emulator();
    new_call(&client, "c1");
    for (collection, entity, not_found) in [
        ("participants", "participant", "8519"),
        ("operations", "commsOperation", "itemNotFound"),
        ("audioRoutingGroups", "audioRoutingGroup", "itemNotFound"),
        (
            "contentSharingSessions",
            "contentSharingSession",
            "itemNotFound",
        ),
    ] {
        let base = format!("{CALLS}/c1/{collection}");
        let created = client.post(&base, &json!({"clientContext": "made"}));
        assert_eq!(created.status, 201, "{collection}: {}", created.text());
        let item = created.json();
        assert_eq!(item["@odata.type"], format!("#microsoft.graph.{entity}"));
        let id = item["id"].as_str().unwrap().to_string();
        assert_eq!(
            created.header("location").unwrap(),
            format!("{}{base}/{id}", emulator.base_url())
        );
        let read = client.get(&format!("{base}/{id}")).json();
        assert_eq!(read["clientContext"], "made");
        assert!(read["@odata.context"]
            .as_str()
            .unwrap()
            .ends_with(&format!("#communications/calls('c1')/{collection}/$entity")));
        let patched = client.patch(
            &format!("{base}/{id}"),
            &json!({"clientContext": "changed"}),
        );
        assert_eq!(patched.status, 200);
        assert_eq!(patched.json()["clientContext"], "changed");
        let list = client.get(&base).json();
        assert_eq!(ids(&list), vec![id.clone()]);
        assert!(list["@odata.context"]
            .as_str()
            .unwrap()
            .ends_with(&format!("#communications/calls('c1')/{collection}")));
        assert_eq!(client.get(&format!("{base}/$count")).text(), "1");
        assert_eq!(client.delete(&format!("{base}/{id}")).status, 204);
        let gone = client.get(&format!("{base}/{id}"));
        assert_eq!(gone.status, 404, "{collection}");
        assert_eq!(gone.json()["error"]["code"], not_found, "{collection}");
        let no_call = client.get(&format!("{CALLS}/nope/{collection}"));
        assert_eq!(no_call.json()["error"]["code"], "8502", "{collection}");
        let no_call = client.post(&format!("{CALLS}/nope/{collection}"), &json!({}));
        assert_eq!(no_call.status, 404, "{collection}");
    }
}

#[test]
fn removing_a_call_removes_everything_under_it() {
    let (_emulator, client) = emulator();
    new_call(&client, "doomed");
    client.post(
        &format!("{CALLS}/doomed/participants"),
        &json!({"id": "p1"}),
    );
    client.post(&format!("{CALLS}/doomed/playPrompt"), &json!({}));
    assert_eq!(
        client
            .get(&format!("{CALLS}/doomed/operations/$count"))
            .text(),
        "1"
    );
    assert_eq!(client.delete(&format!("{CALLS}/doomed")).status, 204);
    let gone = client.get(&format!("{CALLS}/doomed/participants/p1"));
    assert_eq!(gone.json()["error"]["code"], "8502");
    new_call(&client, "doomed");
    assert_eq!(
        ids(&client.get(&format!("{CALLS}/doomed/participants")).json()).len(),
        0
    );
    assert_eq!(
        client
            .get(&format!("{CALLS}/doomed/operations/$count"))
            .text(),
        "0"
    );
}

#[test]
fn pages_are_followed_through_next_links_on_the_same_host() {
    let (emulator, client) = emulator();
    new_call(&client, "paged");
    let base = format!("{CALLS}/paged/audioRoutingGroups");
    for i in 0..5 {
        client.post(
            &base,
            &json!({"id": format!("g{i}"), "routingMode": "oneToOne"}),
        );
    }
    let set = client.post("/_emulator/paging", &json!({"pageSize": 2}));
    assert_eq!(set.status, 204);

    let mut seen = Vec::new();
    let mut next = Some(format!("{base}?$count=true&$select=routingMode"));
    let mut pages = 0;
    while let Some(url) = next {
        let page = client.get(&url).json();
        pages += 1;
        assert_eq!(page["@odata.count"], 5, "every page counts all");
        assert!(page["value"].as_array().unwrap().len() <= 2);
        for item in page["value"].as_array().unwrap() {
            assert_eq!(item.as_object().unwrap().len(), 3, "$select kept: {item}");
        }
        seen.extend(ids(&page));
        next = page["@odata.nextLink"].as_str().map(str::to_string);
        if let Some(link) = &next {
            assert!(link.starts_with(emulator.base_url()), "{link}");
            assert!(link.contains("$select=routingMode"), "{link}");
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, vec!["g0", "g1", "g2", "g3", "g4"]);

    // $skip is kept in the link and applies once.
    let mut seen = Vec::new();
    let mut next = Some(format!("{base}?$skip=1"));
    while let Some(url) = next {
        let page = client.get(&url).json();
        seen.extend(ids(&page));
        next = page["@odata.nextLink"].as_str().map(str::to_string);
    }
    assert_eq!(seen, vec!["g1", "g2", "g3", "g4"]);

    // $top is a page's size too, and the link keeps it.
    let first = client.get(&format!("{base}?$top=1")).json();
    assert_eq!(ids(&first), vec!["g0"]);
    let link = first["@odata.nextLink"].as_str().unwrap();
    assert!(link.contains("$top=1"));
    assert_eq!(ids(&client.get(link).json()), vec!["g1"]);
    emulator.set_page_size(100);
    assert!(client.get(&base).json().get("@odata.nextLink").is_none());
}

#[test]
fn query_options_select_order_skip_and_filter() {
    let (emulator, client) = emulator();
    emulator.set_page_size(3);
    new_call(&client, "q");
    let base = format!("{CALLS}/q/participants");
    for (id, name, muted) in [
        ("a", "Cleo", true),
        ("b", "Ann", false),
        ("c", "Bob", true),
        ("d", "Dee", false),
    ] {
        client.post(
            &base,
            &json!({"id": id, "displayName": name, "isMuted": muted, "info": {"role": name}}),
        );
    }
    let get = |query: &str| client.get(&format!("{base}?{query}")).json();
    assert_eq!(ids(&get("$top=2")), vec!["a", "b"]);
    assert_eq!(ids(&get("$skip=1&$top=2")), vec!["b", "c"]);
    assert_eq!(ids(&get("$skip=3")), vec!["d"]);
    assert_eq!(ids(&get("$orderby=displayName")), vec!["b", "c", "a"]);
    assert_eq!(
        ids(&get("$orderby=displayName%20desc&$top=2")),
        vec!["d", "a"]
    );
    assert_eq!(ids(&get("$filter=isMuted%20eq%20true")), vec!["a", "c"]);
    assert_eq!(ids(&get("$filter=displayName eq 'Bob'")), vec!["c"]);
    assert_eq!(ids(&get("$filter=info/role eq 'Dee'")), vec!["d"]);
    // Anything beyond the simple form is ignored (and recorded).
    assert_eq!(
        ids(&get("$filter=startswith(displayName,'A')&$search=%22x%22")).len(),
        3
    );
    let last = emulator.requests().pop().unwrap();
    assert!(last
        .raw_path
        .contains("$filter=startswith(displayName,'A')&$search"));
    let selected = get("$select=displayName&$top=1");
    assert_eq!(
        selected["value"][0],
        json!({"@odata.type": "#microsoft.graph.participant", "id": "a", "displayName": "Cleo"})
    );
    let one = client.get(&format!("{base}/b?$select=isMuted")).json();
    assert_eq!(one["isMuted"], false);
    assert!(one.get("displayName").is_none());
    let count = client.get(&format!("{base}/$count?$filter=isMuted eq false"));
    assert_eq!(count.text(), "2");
    assert!(count
        .header("content-type")
        .unwrap()
        .starts_with("text/plain"));
    assert_eq!(client.get(&format!("{base}?$top=many")).status, 400);
}

#[test]
fn expand_nests_contained_collections_and_refuses_what_is_not_one() {
    let (_emulator, client) = emulator();
    let records = CALLS.replace("/calls", "/callRecords");
    assert_eq!(client.post(&records, &json!({"id": "r1"})).status, 201);
    for session in ["s1", "s2"] {
        client.post(&format!("{records}/r1/sessions"), &json!({"id": session}));
        for segment in ["g1", "g2", "g3"] {
            client.post(
                &format!("{records}/r1/sessions/{session}/segments"),
                &json!({"id": segment}),
            );
        }
    }
    let record = client
        .get(&format!("{records}/r1?$expand=sessions($expand=segments)"))
        .json();
    let sessions = record["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions[0]["segments"].as_array().unwrap().len(), 3);
    let listed = client.get(&format!("{records}?$expand=sessions")).json();
    assert_eq!(listed["value"][0]["sessions"].as_array().unwrap().len(), 2);
    assert!(listed["value"][0]["sessions"][0].get("segments").is_none());
    // Graph expands navigation properties only.
    new_call(&client, "x");
    let reply = client.get(&format!("{CALLS}/x/participants?$expand=info"));
    assert_eq!(reply.status, 400, "{}", reply.text());
}
