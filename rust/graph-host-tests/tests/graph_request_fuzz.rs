//! Generated invocations of Invoke-MgGraphRequest through the real binder,
//! shim and core, against the emulator; the oracle says what each must do.

use graph_host_tests::oracle::same_json;
use graph_host_tests::request_case::{request_case, Expected, RequestCase};
use graph_host_tests::workbench::{workbench, Workbench};
use graph_host_tests::{campaign, checks};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

fn check(bench: &Workbench, case: &RequestCase) -> Result<(), TestCaseError> {
    bench.emulator.clear_requests();
    let outcome = bench
        .run(0, "Invoke-MgGraphRequest", &case.parameters(), 0)
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let sent: Vec<_> = bench
        .emulator
        .requests()
        .into_iter()
        .filter(|r| r.kind == "graph")
        .collect();
    prop_assert!(
        !outcome.all_text().contains(&bench.token),
        "the token appeared in a stream"
    );
    match case.expected() {
        Expected::Sent {
            path,
            json,
            text,
            headers,
        } => {
            prop_assert!(
                outcome.errors.is_empty(),
                "unexpected errors: {:?}",
                outcome.errors
            );
            prop_assert_eq!(sent.len(), 1, "expected exactly one request to be sent");
            let request = &sent[0];
            prop_assert_eq!(&request.method, case.method);
            prop_assert_eq!(&request.raw_path, &path);
            if let Some(json) = json {
                prop_assert!(
                    same_json(&request.body, &json),
                    "the body sent differs from the model\n sent: {}\n want: {}",
                    request.body_text,
                    json
                );
            }
            if let Some(text) = text {
                prop_assert_eq!(&request.body_text, &text, "a text body is sent as it is");
            }
            for (name, value) in &headers {
                prop_assert_eq!(request.headers.get(name), Some(value), "header {}", name);
            }
        }
        Expected::Refused(refusals) => {
            prop_assert!(
                sent.is_empty(),
                "a refused request was sent: {:?}",
                sent[0].body_text
            );
            checks::refused_with_place(&outcome, &refusals)?;
        }
    }
    Ok(())
}

#[test]
fn generated_requests_are_sent_exactly_as_modelled_or_refused_with_their_place() {
    let bench = workbench(1);
    let tally = campaign::run(
        "graph-request",
        request_case(),
        8_000,
        RequestCase::to_saved,
        RequestCase::from_saved,
        |case| check(bench, case),
    );
    eprintln!(
        "graph-request: {} regression cases replayed, {} generated",
        tally.replayed, tally.generated
    );
}
