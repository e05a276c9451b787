//! Runs a generator for N cases with a printed seed, replays saved regression
//! cases first, and saves every shrunk failure as a new regression case.

use std::fmt::Debug;
use std::path::PathBuf;

use proptest::strategy::Strategy;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};
use serde_json::Value;

/// How many cases: `GRAPH_FUZZ_CASES` (set by `build.ps1 -Task Fuzz -Cases N`), else `default`.
pub fn cases(default: u32) -> u32 {
    std::env::var("GRAPH_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// `GRAPH_FUZZ_SEED` (64 hex digits) to repeat a run, else a fresh one.
pub fn seed() -> [u8; 32] {
    let mut seed = [0u8; 32];
    if let Ok(hex) = std::env::var("GRAPH_FUZZ_SEED") {
        for (i, byte) in seed.iter_mut().enumerate() {
            *byte = hex
                .get(i * 2..i * 2 + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .unwrap_or(0);
        }
        return seed;
    }
    let mut state = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(1)
        ^ u64::from(std::process::id()) << 32;
    for byte in &mut seed {
        // xorshift: enough to pick a seed, which is printed anyway.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        *byte = state as u8;
    }
    seed
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The folder of saved failures for one generator.
pub fn regression_dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("regressions")
        .join(name)
}

/// The result of a campaign, for the figures in docs/reliability.md.
#[derive(Debug, Default)]
pub struct Tally {
    pub replayed: usize,
    pub generated: u32,
}

/// Replays `regressions/<name>/*.json`, then runs `cases` generated cases.
/// Panics with the seed and the saved file on the first failure.
pub fn run<T: Debug + Clone>(
    name: &str,
    strategy: impl Strategy<Value = T>,
    default_cases: u32,
    save: impl Fn(&T) -> Value,
    load: impl Fn(&Value) -> Option<T>,
    check: impl Fn(&T) -> Result<(), TestCaseError>,
) -> Tally {
    let mut tally = Tally::default();
    let dir = regression_dir(name);
    let mut saved: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    saved.sort();
    for path in saved
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
    {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        // Saved cases may nest deeper than serde_json's default limit (they test the writer's own).
        let mut reader = serde_json::Deserializer::from_str(&text);
        reader.disable_recursion_limit();
        let case = serde::Deserialize::deserialize(&mut reader)
            .ok()
            .and_then(|v: Value| load(&v))
            .unwrap_or_else(|| panic!("{}: not a readable {name} case", path.display()));
        if let Err(e) = check(&case) {
            panic!(
                "regression case {} fails again: {e}\n{case:#?}",
                path.display()
            );
        }
        tally.replayed += 1;
    }

    let cases = cases(default_cases);
    let seed = seed();
    eprintln!(
        "{name}: {cases} cases, seed {} (GRAPH_FUZZ_SEED repeats it)",
        hex(&seed)
    );
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 4096,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed));
    match runner.run(&strategy, |case| check(&case)) {
        Ok(()) => {}
        Err(TestError::Fail(reason, case)) => {
            let json = save(&case);
            let text = serde_json::to_string_pretty(&json).unwrap_or_default();
            let file = dir.join(format!("{:016x}.json", fnv(&text)));
            let _ = std::fs::create_dir_all(&dir);
            let _ = std::fs::write(&file, &text);
            panic!(
                "{name} failed (seed {}): {reason}\nshrunk case saved as {} (commit it: the default run replays it)\n{case:#?}",
                hex(&seed),
                file.display()
            );
        }
        Err(TestError::Abort(reason)) => panic!("{name} aborted (seed {}): {reason}", hex(&seed)),
    }
    tally.generated = cases;
    tally
}

fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}
