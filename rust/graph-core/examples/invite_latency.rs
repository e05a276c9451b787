//! Profiling aid: the latency of the invite operation without PowerShell, against an
//! in-process emulator. `cargo run --release -p graph-core --example invite_latency`.

use std::time::Instant;

use graph_core::operations as ops;
use graph_emulator::{spawn, EmulatorConfig};
use serde_json::json;

fn run(request: &serde_json::Value) -> usize {
    ops::start(request.to_string().as_bytes())
        .events
        .iter()
        .count()
}

fn main() {
    let emulator = spawn(EmulatorConfig::default()).unwrap();
    let base = emulator.base_url().to_string();
    run(
        &json!({"op": "addEnvironment", "args": {"name": "Lat", "graphEndpoint": base, "azureADEndpoint": base}}),
    );
    run(
        &json!({"op": "connect", "args": {"type": "accessToken", "accessToken": "emulator-token", "environment": "Lat"}}),
    );
    let invite = json!({"op": "invite", "args": {"callId": "lat", "body": {"participants": [{"identity": {"user": {"id": "u"}}}], "clientContext": "c"}}});
    for _ in 0..200 {
        run(&invite);
    }
    let mut samples: Vec<f64> = (0..2000)
        .map(|_| {
            let began = Instant::now();
            run(&invite);
            began.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    println!(
        "invite op p50 {:.1} us, p95 {:.1} us",
        samples[1000], samples[1900]
    );
    // Resident memory over many calls: growth here would be the native side's.
    let rss = || {
        std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmRSS:"))
                    .map(str::to_string)
            })
            .unwrap_or_default()
    };
    for round in 1..=4 {
        for _ in 0..25_000 {
            run(&invite);
        }
        // The in-process emulator's own record is not the client's memory.
        emulator.clear_requests();
        println!("after {} more calls: {}", round * 25_000, rss());
    }
}
