//! Body normalization and validation: the seed's bodies and a 5-participant body.

use criterion::{criterion_group, criterion_main, Criterion};
use graph_core::schema::body::normalize_invite_body;
use serde_json::{json, Value};

fn participant(id: &str) -> Value {
    json!({
        "@odata.type": "#microsoft.graph.invitationParticipantInfo",
        "replacesCallId": "a7ebfb2d-871e-419c-87af-27290b22e8db",
        "identity": {
            "@odata.type": "#microsoft.graph.identitySet",
            "user": {"@odata.type": "#microsoft.graph.identity", "id": id, "displayName": "string"}
        }
    })
}

fn bodies() -> Vec<(&'static str, Value)> {
    let ctx = "f2fa86af-3c51-4bc2-8fc0-475452d9764f";
    vec![
        (
            "seed-1",
            json!({"participants": [participant("278405a3-f568-4b3e-b684-009193463064")], "clientContext": ctx}),
        ),
        (
            "seed-2",
            json!({"participants": [participant("7e1b4346"), participant("1e126418")], "clientContext": ctx}),
        ),
        (
            "seed-4-phone",
            json!({"participants": [{"identity": {"phone": {"id": "+12345678901"}}}], "clientContext": ctx}),
        ),
        (
            "pascal-case",
            json!({"Participants": [{"Identity": {"User": {"Id": "u1", "DisplayName": "Ann"}}, "Hidden": "True"}], "ClientContext": 12345}),
        ),
        (
            "five-participants",
            json!({"participants": (0..5).map(|i| participant(&format!("user-{i}"))).collect::<Vec<_>>(), "clientContext": ctx}),
        ),
    ]
}

fn normalize(c: &mut Criterion) {
    let mut group = c.benchmark_group("normalize_invite_body");
    for (name, body) in bodies() {
        group.bench_function(name, |b| {
            b.iter(|| normalize_invite_body(std::hint::black_box(&body)).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, normalize);
criterion_main!(benches);
