//! Invites through 4 parallel runspaces against an emulator scripted with a
//! random mix of faults, the token expiring every 2,000 calls. Counted at the
//! end: every call ended in one success or one clear error (or was stopped),
//! the emulator saw each exactly as often as the retry rules allow, no call
//! ran past its bound, no native call is left, memory stayed flat, and no
//! secret reached any stream. `GRAPH_SOAK_CALLS` sets the length
//! (`build.ps1 -Task Soak`: 100,000); the default run is short.

use std::collections::HashMap;
use std::sync::Mutex;

use graph_emulator::{AppRegistration, ScriptedAnswer};
use graph_host_tests::campaign;
use graph_host_tests::ps_value::{ListKind, MapKind, PsValue};
use graph_host_tests::workbench::{workbench, Outcome, Workbench};
use serde_json::json;

const WORKERS: usize = 4;
const BATCH: usize = 500;
const EXPIRE_EVERY: usize = 2_000;
const HANG_STOP_MS: u64 = 300;
const SECRET: &str = "soak-client-secret-do-not-print";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Fault {
    None,
    Throttled,
    Unavailable,
    Reset,
    Truncated,
    Hang,
}

/// 10% 429, 3% 503, 2% resets, 1% truncated bodies, 1% hangs.
fn pick(roll: u64) -> Fault {
    match roll % 1000 {
        0..=99 => Fault::Throttled,
        100..=129 => Fault::Unavailable,
        130..=149 => Fault::Reset,
        150..=159 => Fault::Truncated,
        160..=169 => Fault::Hang,
        _ => Fault::None,
    }
}

fn script(fault: Fault, roll: u64) -> Vec<ScriptedAnswer> {
    let retry_after = format!("{:.3}", 0.01 + (roll % 91) as f64 / 1000.0);
    let answer = |status: u16| ScriptedAnswer {
        status,
        ..ScriptedAnswer::default()
    };
    match fault {
        Fault::None => vec![],
        Fault::Throttled => vec![ScriptedAnswer {
            headers: HashMap::from([("Retry-After".to_string(), retry_after)]),
            ..answer(429)
        }],
        Fault::Unavailable => vec![ScriptedAnswer {
            headers: HashMap::from([("Retry-After".to_string(), retry_after)]),
            ..answer(503)
        }],
        Fault::Reset => vec![ScriptedAnswer {
            fault: Some("reset".into()),
            ..answer(200)
        }],
        Fault::Truncated => vec![ScriptedAnswer {
            fault: Some("truncate".into()),
            ..answer(200)
        }],
        Fault::Hang => vec![ScriptedAnswer {
            delay_ms: 10_000,
            ..answer(200)
        }],
    }
}

fn invite_parameters(call_id: &str) -> Vec<(&'static str, PsValue)> {
    let user = PsValue::map(
        MapKind::Hashtable,
        vec![
            ("id", PsValue::text("u-1")),
            ("displayName", PsValue::text("Soak")),
        ],
    );
    let identity = PsValue::map(MapKind::Hashtable, vec![("user", user)]);
    let participant = PsValue::map(MapKind::Hashtable, vec![("identity", identity)]);
    vec![
        ("CallId", PsValue::text(call_id)),
        (
            "Participants",
            PsValue::List(ListKind::Array, vec![participant]),
        ),
        ("ClientContext", PsValue::text(call_id)),
    ]
}

#[derive(Default, Debug)]
struct Tally {
    faults: HashMap<String, usize>,
    outcomes: HashMap<String, usize>,
    slowest_ms: f64,
    rejected_tokens: usize,
}

/// Checks one call's outcome against its fault; returns the outcome's name.
fn judge(fault: Fault, outcome: &Outcome, bench: &Workbench) -> Result<&'static str, String> {
    let text = outcome.all_text();
    if text.contains(SECRET) || text.contains(&bench.token) {
        return Err("a secret reached a stream".into());
    }
    let bound_ms = if fault == Fault::Hang {
        HANG_STOP_MS as f64 + 2_000.0
    } else {
        5_000.0
    };
    if outcome.elapsed_ms > bound_ms {
        return Err(format!(
            "ran {:.0} ms, past its bound of {bound_ms} ms",
            outcome.elapsed_ms
        ));
    }
    match fault {
        Fault::None | Fault::Throttled | Fault::Unavailable
            if outcome.errors.is_empty() && outcome.output.len() == 1 =>
        {
            Ok("success")
        }
        Fault::Reset | Fault::Truncated
            if outcome.output.is_empty()
                && outcome.errors.len() == 1
                && outcome.errors[0].category == "ConnectionError" =>
        {
            Ok("clear error")
        }
        Fault::Hang
            if outcome.stopped && outcome.output.is_empty() && outcome.errors.len() <= 1 =>
        {
            Ok("stopped")
        }
        _ => Err(format!("{fault:?} ended as {outcome:?}")),
    }
}

/// How many accepted requests the emulator must see for a call: one, plus one retry when throttled.
fn accepted_requests(fault: Fault) -> usize {
    match fault {
        Fault::Throttled | Fault::Unavailable => 2,
        _ => 1,
    }
}

#[test]
fn invites_under_faults_all_end_once_within_bounds_and_leak_nothing() {
    let calls: usize = std::env::var("GRAPH_SOAK_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    let bench = workbench(WORKERS);
    let app: AppRegistration = serde_json::from_value(json!({
        "tenantId": "soak-tenant", "clientId": "soak-app", "clientSecret": SECRET,
    }))
    .unwrap();
    bench.emulator.register_app(app).unwrap();
    let connected = bench
        .run(
            0,
            "Connect-MgGraph",
            &[
                (
                    "ClientSecretCredential",
                    PsValue::Credential("soak-app".into(), SECRET.into()),
                ),
                ("TenantId", PsValue::text("soak-tenant")),
                ("Environment", PsValue::text("Fuzz")),
                ("NoWelcome", PsValue::Bool(true)),
            ],
            0,
        )
        .unwrap();
    assert!(connected.errors.is_empty(), "{:?}", connected.errors);

    let seed = campaign::seed();
    let mut state = u64::from_le_bytes(seed[..8].try_into().unwrap()) | 1;
    let mut roll = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    eprintln!(
        "soak: {calls} calls, seed {}",
        seed.iter().map(|b| format!("{b:02x}")).collect::<String>()
    );
    let started = std::time::Instant::now();
    let mut tally = Tally::default();
    // Memory is read at each tenth of the run. One reading moves by a few MiB with the moment
    // (a collection, the allocator returning memory), so growth compares medians: of the
    // readings after warm-up (the second to fourth tenth: tiered JIT, PowerShell's caches and
    // the GC's budget have settled) and of the last three.
    let mark_every = (calls / 10).max(1);
    let mut next_mark = mark_every;
    let mut marks: Vec<(u64, u64)> = Vec::new();
    let mut done = 0;
    while done < calls {
        if done > 0 && done % EXPIRE_EVERY == 0 {
            bench.emulator.expire_tokens();
        }
        let n = BATCH.min(calls - done);
        let plan: Vec<(String, Fault, u64)> = (done..done + n)
            .map(|i| {
                let r = roll();
                (format!("soak-{i}"), pick(r), r >> 10)
            })
            .collect();
        // The emulator runs in this process too: keep its state to one batch, so that what
        // grows is ours.
        bench.emulator.reset();
        for (id, fault, r) in &plan {
            bench.emulator.script(id, script(*fault, *r));
        }
        let results = Mutex::new(Vec::with_capacity(n));
        std::thread::scope(|scope| {
            for worker in 0..WORKERS {
                let (plan, results) = (&plan, &results);
                scope.spawn(move || {
                    for (id, fault, _) in plan.iter().skip(worker).step_by(WORKERS) {
                        let stop = if *fault == Fault::Hang {
                            HANG_STOP_MS
                        } else {
                            0
                        };
                        let outcome = bench.run(
                            worker,
                            "Invoke-MgInviteCommunicationCallParticipant",
                            &invite_parameters(id),
                            stop,
                        );
                        results.lock().unwrap().push((id.clone(), *fault, outcome));
                    }
                });
            }
        });
        let mut seen: HashMap<String, (usize, usize)> = HashMap::new();
        for request in bench
            .emulator
            .requests()
            .into_iter()
            .filter(|r| r.kind == "invite")
        {
            let entry = seen.entry(request.call_id.unwrap_or_default()).or_default();
            if request.token_accepted {
                entry.0 += 1
            } else {
                entry.1 += 1
            }
        }
        for (id, fault, outcome) in results.into_inner().unwrap() {
            let outcome = outcome.unwrap_or_else(|e| panic!("{id}: {e}"));
            let name = judge(fault, &outcome, bench).unwrap_or_else(|e| panic!("{id}: {e}"));
            let (accepted, rejected) = seen.get(&id).copied().unwrap_or_default();
            assert_eq!(
                accepted,
                accepted_requests(fault),
                "{id} ({fault:?}): sent {accepted} times with a valid token"
            );
            assert!(
                rejected <= 1,
                "{id}: {rejected} requests with an expired token (one refresh is the rule)"
            );
            tally.rejected_tokens += rejected;
            *tally.faults.entry(format!("{fault:?}")).or_default() += 1;
            *tally.outcomes.entry(name.to_string()).or_default() += 1;
            tally.slowest_ms = tally.slowest_ms.max(if fault == Fault::Hang {
                0.0
            } else {
                outcome.elapsed_ms
            });
        }
        done += n;
        if done >= next_mark {
            next_mark += mark_every;
            let (ws, managed) = bench.memory().unwrap();
            marks.push((ws, managed));
            eprintln!(
                "soak: {done} calls, {:.0} s, working set {:.1} MiB",
                started.elapsed().as_secs_f64(),
                ws as f64 / 1_048_576.0
            );
        }
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while bench.live_native_calls().unwrap() != 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let live = bench.live_native_calls().unwrap();
    let (working_set, managed) = bench.memory().unwrap();
    marks.push((working_set, managed));
    let median = |part: &[(u64, u64)], pick: fn(&(u64, u64)) -> u64| {
        let mut values: Vec<u64> = part.iter().map(pick).collect();
        values.sort_unstable();
        values.get(values.len() / 2).copied().unwrap_or(0)
    };
    let settled = &marks[1.min(marks.len() - 1)..4.min(marks.len())];
    let last = &marks[marks.len().saturating_sub(3)..];
    let (base_ws, base_managed) = (median(settled, |m| m.0), median(settled, |m| m.1));
    let (end_ws, end_managed) = (median(last, |m| m.0), median(last, |m| m.1));
    let grown_mib = (end_ws as f64 - base_ws as f64) / 1_048_576.0;
    eprintln!(
        "soak: {calls} calls in {:.1} s; faults {:?}; outcomes {:?}; expired-token retries {}; slowest non-hang call {:.0} ms; \
         live native calls {live}; working set {:.1} MiB at the end ({grown_mib:+.1} MiB after warm-up, medians), managed heap {:+.1} MiB",
        started.elapsed().as_secs_f64(),
        tally.faults,
        tally.outcomes,
        tally.rejected_tokens,
        tally.slowest_ms,
        working_set as f64 / 1_048_576.0,
        (end_managed as f64 - base_managed as f64) / 1_048_576.0,
    );
    assert_eq!(live, 0, "native calls left live");
    assert_eq!(
        tally.outcomes.values().sum::<usize>(),
        calls,
        "every call ended exactly once"
    );
    if calls >= 20_000 {
        assert!(
            grown_mib <= 5.0,
            "working set grew {grown_mib:.1} MiB after warm-up"
        );
    }
}
