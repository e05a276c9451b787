//! The C ABI under abuse: arbitrary bytes and mutated requests into
//! `mg_call_start`, `next`/`cancel`/`free` interleaved across threads, event
//! buffers freed in every order. No panic may cross, nothing may abort, every
//! call must end (`mg_live_calls()` back to 0) and resident memory stays bounded.

use std::sync::Once;
use std::time::{Duration, Instant};

use graph_ffi::{
    mg_buffer_free, mg_call_cancel, mg_call_free, mg_call_next, mg_call_start, mg_live_calls,
    MgBuffer, MgResult,
};
use proptest::prelude::*;
use proptest::test_runner::Config;

/// Requests that never need the network: nothing is connected in this process, and the
/// environment points every proxy at a closed loopback port besides (set in `guard_network`).
const TEMPLATES: &[&str] = &[
    r#"{"op":"getContext"}"#,
    r#"{"op":"getRequestContext"}"#,
    r#"{"op":"disconnect"}"#,
    r#"{"op":"invite","callId":"c-1","body":{"participants":[{"identity":{"user":{"id":"u1","displayName":"Ann"}}}],"clientContext":"x"}}"#,
    r#"{"op":"invite","callId":"c-1","validateOnly":true,"body":{"Participants":[{"Identity":{"User":{"Id":"u1"}},"Hidden":"true"}]},"headers":{"x-a":"1"}}"#,
    r#"{"op":"invite","callId":"c-1","expanded":true,"participants":[{"identity":{"phone":{"id":"+1"}}}],"additionalProperties":{"k":[1,2.5,null,true]}}"#,
    r#"{"op":"request","method":"GET","uri":"/v1.0/communications/calls/c-1"}"#,
    r#"{"op":"request","method":"POST","uri":"v1.0/x","bodyText":"{\"a\":1}","headers":{"x-b":"2"}}"#,
];

fn guard_network() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for name in [
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "ALL_PROXY",
            "http_proxy",
            "https_proxy",
            "all_proxy",
        ] {
            std::env::set_var(name, "http://127.0.0.1:9");
        }
        std::env::remove_var("NO_PROXY");
        std::env::remove_var("no_proxy");
    });
}

#[derive(Debug, Clone)]
enum Edit {
    Flip(usize, u8),
    Truncate(usize),
    Insert(usize, u8),
    Duplicate(usize, usize),
}

fn apply(template: &str, edits: &[Edit]) -> Vec<u8> {
    let mut bytes = template.as_bytes().to_vec();
    for edit in edits {
        let len = bytes.len().max(1);
        match *edit {
            Edit::Flip(at, mask) => {
                if let Some(b) = bytes.get_mut(at % len) {
                    *b ^= mask;
                }
            }
            Edit::Truncate(at) => bytes.truncate(at % len),
            Edit::Insert(at, b) => bytes.insert((at % len).min(bytes.len()), b),
            Edit::Duplicate(from, n) => {
                let from = (from % len).min(bytes.len());
                let to = (from + n % 64).min(bytes.len());
                let slice = bytes[from..to].to_vec();
                bytes.splice(from..from, slice);
            }
        }
    }
    bytes
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 1u8..=255).prop_map(|(a, m)| Edit::Flip(a, m)),
        any::<usize>().prop_map(Edit::Truncate),
        (any::<usize>(), any::<u8>()).prop_map(|(a, b)| Edit::Insert(a, b)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, n)| Edit::Duplicate(a, n)),
    ]
}

fn request() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..256),
        (0..TEMPLATES.len(), prop::collection::vec(edit(), 0..4))
            .prop_map(|(t, edits)| apply(TEMPLATES[t], &edits)),
    ]
}

/// What a test does with a live handle before it frees it.
#[derive(Debug, Clone, Copy)]
enum Step {
    Next(u32),
    Cancel,
    CancelFromAnotherThread,
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    prop::collection::vec(
        prop_oneof![
            4 => (0u32..3).prop_map(Step::Next),
            1 => Just(Step::Cancel),
            1 => Just(Step::CancelFromAnotherThread),
        ],
        0..8,
    )
}

/// A handle as a number, so that another thread may cancel it (the ABI allows that).
#[derive(Clone, Copy)]
struct Handle(usize);

fn run_case(
    bytes: &[u8],
    steps: &[Step],
    drain: bool,
    free_order: &[usize],
) -> Result<(), TestCaseError> {
    let mut handle = std::ptr::null_mut();
    // SAFETY: a valid slice and out pointer.
    let rc = unsafe { mg_call_start(bytes.as_ptr(), bytes.len(), &mut handle) };
    prop_assert_eq!(rc, MgResult::Ok);
    prop_assert!(!handle.is_null());
    let mut buffers = Vec::new();
    let mut others = Vec::new();
    let mut finished = false;
    let next = |timeout: u32, buffers: &mut Vec<MgBuffer>| -> Result<MgResult, TestCaseError> {
        let mut out = MgBuffer {
            ptr: std::ptr::null_mut(),
            len: 0,
        };
        // SAFETY: the handle is live until mg_call_free below; out is valid.
        let rc = unsafe { mg_call_next(handle, timeout, &mut out) };
        prop_assert_ne!(rc, MgResult::Panic);
        if rc == MgResult::Ok {
            // SAFETY: the library handed out ptr/len and we have not freed it yet.
            let event = unsafe { std::slice::from_raw_parts(out.ptr, out.len) };
            prop_assert!(
                serde_json::from_slice::<serde_json::Value>(event).is_ok(),
                "an event is not JSON"
            );
            buffers.push(out);
        }
        Ok(rc)
    };
    for step in steps {
        match *step {
            Step::Next(ms) => finished |= next(ms, &mut buffers)? == MgResult::Finished,
            // SAFETY: live handle.
            Step::Cancel => prop_assert_eq!(unsafe { mg_call_cancel(handle) }, MgResult::Ok),
            Step::CancelFromAnotherThread => {
                let h = Handle(handle as usize);
                others.push(std::thread::spawn(move || {
                    let h = h;
                    // SAFETY: the handle is freed only after this thread is joined.
                    unsafe { mg_call_cancel(h.0 as *mut _) }
                }));
            }
        }
    }
    if drain {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !finished {
            prop_assert!(Instant::now() < deadline, "the call did not finish");
            finished = next(20, &mut buffers)? == MgResult::Finished;
        }
    }
    for other in others {
        prop_assert_eq!(other.join().ok(), Some(MgResult::Ok));
    }
    // Buffers outlive their call: free the handle first, then the buffers in a generated order.
    // SAFETY: freed once; no other thread holds it any more.
    prop_assert_eq!(unsafe { mg_call_free(handle) }, MgResult::Ok);
    let mut order: Vec<usize> = (0..buffers.len()).collect();
    for (i, pick) in free_order.iter().enumerate().take(order.len()) {
        let j = pick % order.len();
        order.swap(i, j);
    }
    for i in order {
        let buffer = std::mem::replace(
            &mut buffers[i],
            MgBuffer {
                ptr: std::ptr::null_mut(),
                len: 0,
            },
        );
        // SAFETY: each buffer freed once.
        prop_assert_eq!(unsafe { mg_buffer_free(buffer) }, MgResult::Ok);
    }
    Ok(())
}

fn resident_kib() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| {
            s.split_whitespace()
                .nth(1)
                .and_then(|p| p.parse::<u64>().ok())
        })
        .map_or(0, |pages| pages * 4)
}

fn wait_for_no_live_calls() -> usize {
    let deadline = Instant::now() + Duration::from_secs(20);
    while mg_live_calls() != 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    mg_live_calls()
}

fn cases() -> u32 {
    std::env::var("GRAPH_ABI_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000)
}

#[test]
fn abused_abi_never_panics_leaks_or_grows() {
    guard_network();
    let mut runner = proptest::test_runner::TestRunner::new(Config {
        cases: cases(),
        // A failure is saved beside this file (proptest-regressions/) and replayed first next time.
        source_file: Some(file!()),
        ..Config::default()
    });
    let strategy = (
        request(),
        steps(),
        any::<bool>(),
        prop::collection::vec(any::<usize>(), 0..8),
    );
    // Warm up (runtime threads, allocator pools), then measure.
    let mut warm = proptest::test_runner::TestRunner::new(Config {
        cases: 2_000,
        // The warm-up keeps nothing: the measured runner above saves and replays failures.
        failure_persistence: None,
        ..Config::default()
    });
    warm.run(&strategy, |(bytes, steps, drain, order)| {
        run_case(&bytes, &steps, drain, &order)
    })
    .unwrap();
    assert_eq!(
        wait_for_no_live_calls(),
        0,
        "calls still live after the warm-up"
    );
    let before = resident_kib();
    let started = Instant::now();
    runner
        .run(&strategy, |(bytes, steps, drain, order)| {
            run_case(&bytes, &steps, drain, &order)
        })
        .unwrap();
    assert_eq!(
        wait_for_no_live_calls(),
        0,
        "calls still live after {} cases",
        cases()
    );
    let grown = resident_kib().saturating_sub(before);
    eprintln!(
        "C ABI: {} cases in {:.1} s, resident memory grew {grown} KiB",
        cases(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        grown < 32 * 1024,
        "resident memory grew {grown} KiB over {} cases",
        cases()
    );
}
