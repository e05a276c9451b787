//! Generated invocations of Invoke-MgInviteCommunicationCallParticipant through
//! the real PowerShell binder, the C# shim and the native core, against the
//! emulator; the oracle (src/oracle.rs) says what each must do.

use graph_host_tests::invite_case::{invite_case, Expected, InviteCase};
use graph_host_tests::oracle::same_json;
use graph_host_tests::workbench::{workbench, Workbench};
use graph_host_tests::{campaign, checks};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

const COMMAND: &str = "Invoke-MgInviteCommunicationCallParticipant";

fn check(bench: &Workbench, case: &InviteCase) -> Result<(), TestCaseError> {
    bench.emulator.clear_requests();
    let outcome = bench
        .run(0, COMMAND, &case.parameters(), 0)
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let sent: Vec<_> = bench
        .emulator
        .requests()
        .into_iter()
        .filter(|r| r.kind == "invite")
        .collect();
    prop_assert!(
        !outcome.all_text().contains(&bench.token),
        "the token appeared in a stream"
    );
    match case.expected(bench.emulator.base_url()) {
        Expected::Sent { body, headers } => {
            prop_assert!(
                outcome.errors.is_empty(),
                "unexpected errors: {:?}",
                outcome.errors
            );
            prop_assert_eq!(sent.len(), 1, "expected exactly one invite to be sent");
            let request = &sent[0];
            prop_assert!(
                same_json(&request.body, &body),
                "the body sent differs from the model\n sent: {}\n want: {}",
                request.body,
                body
            );
            prop_assert_eq!(request.call_id.clone(), case.call_id_text());
            let segment = request
                .raw_path
                .strip_prefix("/v1.0/communications/calls/")
                .and_then(|rest| rest.strip_suffix("/participants/invite"));
            prop_assert!(
                segment.is_some_and(|s| !s.contains(['/', '?', '#'])),
                "the call id is not one path segment: {}",
                request.raw_path
            );
            for (name, value) in &headers {
                prop_assert_eq!(request.headers.get(name), Some(value), "header {}", name);
            }
            prop_assert_eq!(outcome.output.len(), 1, "one operation object is written");
        }
        Expected::Refused(refusals) => {
            prop_assert!(
                sent.is_empty(),
                "a refused invite was sent: {:?}",
                sent[0].body_text
            );
            checks::refused_with_place(&outcome, &refusals)?;
        }
    }
    Ok(())
}

#[test]
fn generated_invites_are_sent_exactly_as_modelled_or_refused_with_their_place() {
    let bench = workbench(1);
    let tally = campaign::run(
        "invite",
        invite_case(),
        12_000,
        InviteCase::to_saved,
        InviteCase::from_saved,
        |case| check(bench, case),
    );
    eprintln!(
        "invite: {} regression cases replayed, {} generated",
        tally.replayed, tally.generated
    );
}
