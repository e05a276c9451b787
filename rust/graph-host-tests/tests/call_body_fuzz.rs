//! Generated invocations of four generated call commands (create call, answer, play prompt,
//! mute) through the real PowerShell binder, the C# shim and the native core, against the
//! emulator; the oracle (src/call_body_oracle.rs) says what each must do. The ignored tests at
//! the end are places where the module and Graph's documented schema disagree today: each
//! asserts what the schema says, so that it passes once the module is changed.

use std::cell::RefCell;
use std::io::{Read, Write};

use graph_host_tests::call_body_case::{call_body_case, CallBodyCase, Command, Expected};
use graph_host_tests::oracle::same_json;
use graph_host_tests::ps_value::{MapKind, PsValue};
use graph_host_tests::workbench::{workbench, Outcome, Workbench};
use graph_host_tests::{campaign, checks};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// The tests share one emulator and read what it received: one at a time.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// Makes a call with this id exist (`POST /_emulator/calls`), so that its actions succeed.
fn seed_call(base_url: &str, id: &str) -> std::io::Result<()> {
    let address = base_url.trim_start_matches("http://");
    let body = serde_json::json!({ "id": id }).to_string();
    let mut stream = std::net::TcpStream::connect(address)?;
    write!(
        stream,
        "POST /_emulator/calls HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    if answer.starts_with("HTTP/1.1 201") {
        Ok(())
    } else {
        Err(std::io::Error::other(answer))
    }
}

/// Runs a case on a fresh emulator store (its call seeded), and what reached the emulator.
fn run(
    bench: &Workbench,
    case: &CallBodyCase,
) -> Result<(Outcome, Vec<graph_emulator::RecordedRequest>), TestCaseError> {
    bench.emulator.reset();
    if case.command != Command::Create {
        if let Some(id) = case.call_id_text() {
            seed_call(bench.emulator.base_url(), &id)
                .map_err(|e| TestCaseError::fail(format!("seeding the call: {e}")))?;
        }
    }
    let outcome = bench
        .run(0, case.command_name(), &case.parameters(), 0)
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let sent = bench
        .emulator
        .requests()
        .into_iter()
        .filter(|r| r.kind == "graph")
        .collect();
    Ok((outcome, sent))
}

/// How the generated cases fell, for the figures in docs/reliability.md.
#[derive(Default)]
struct Tally {
    /// Per command: sent, refused.
    by_command: std::collections::BTreeMap<&'static str, (u32, u32)>,
    warned: u32,
    service_refused: u32,
    /// How often each reason is among a refused case's places.
    reasons: std::collections::BTreeMap<&'static str, u32>,
}

fn check(
    bench: &Workbench,
    case: &CallBodyCase,
    tally: &RefCell<Tally>,
) -> Result<(), TestCaseError> {
    let (outcome, sent) = run(bench, case)?;
    prop_assert!(
        !outcome.all_text().contains(&bench.token),
        "the token appeared in a stream"
    );
    let expected = case.expected(bench.emulator.base_url());
    {
        let mut t = tally.borrow_mut();
        let entry = t.by_command.entry(case.command_name()).or_default();
        match &expected {
            Expected::Sent {
                warnings,
                service_refuses,
                ..
            } => {
                entry.0 += 1;
                t.warned += u32::from(!warnings.is_empty());
                t.service_refused += u32::from(*service_refuses);
            }
            Expected::Refused(refusals) => {
                entry.1 += 1;
                let mut says: Vec<_> = refusals.iter().map(|r| r.says).collect();
                says.sort_unstable();
                says.dedup();
                for reason in says {
                    *t.reasons.entry(reason).or_default() += 1;
                }
            }
        }
    }
    match expected {
        Expected::Sent {
            body,
            warnings,
            service_refuses,
            outputs,
        } => {
            if service_refuses {
                prop_assert!(
                    outcome.errors.len() == 1 && outcome.errors[0].message.contains("callbackUri"),
                    "expected the service's one refusal of a call without callbackUri: {:?}",
                    outcome.errors
                );
            } else {
                prop_assert!(
                    outcome.errors.is_empty(),
                    "unexpected errors: {:?}",
                    outcome.errors
                );
            }
            prop_assert_eq!(sent.len(), 1, "expected exactly one request to be sent");
            let request = &sent[0];
            prop_assert_eq!(&request.method, "POST");
            prop_assert!(
                same_json(&request.body, &body),
                "the body sent differs from the model\n sent: {}\n want: {}",
                request.body_text,
                body
            );
            match case.command.op().action {
                None => prop_assert_eq!(&request.raw_path, "/v1.0/communications/calls"),
                Some(action) => {
                    prop_assert_eq!(request.call_id.clone(), case.call_id_text());
                    let suffix = format!("/{action}");
                    let segment = request
                        .raw_path
                        .strip_prefix("/v1.0/communications/calls/")
                        .and_then(|rest| rest.strip_suffix(suffix.as_str()));
                    prop_assert!(
                        segment.is_some_and(|s| !s.contains(['/', '?', '#'])),
                        "the call id is not one path segment: {}",
                        request.raw_path
                    );
                }
            }
            prop_assert_eq!(
                outcome.warnings.len(),
                warnings.len(),
                "warnings {:?}, expected for {:?}",
                outcome.warnings,
                warnings
            );
            for w in &warnings {
                let value = format!("'{}'", w.value);
                // Control characters may not survive into a warning's text; the place must.
                let named = |text: &String| {
                    text.to_lowercase()
                        .starts_with(&format!("{}:", w.path.to_lowercase()))
                        && (w.value.chars().any(char::is_control) || text.contains(&value))
                };
                prop_assert!(
                    outcome.warnings.iter().any(named),
                    "no warning names {} {}: {:?}",
                    w.path,
                    value,
                    outcome.warnings
                );
            }
            prop_assert_eq!(outcome.output.len(), outputs, "objects written");
        }
        Expected::Refused(refusals) => {
            prop_assert!(
                sent.is_empty(),
                "a refused body was sent: {:?}",
                sent[0].body_text
            );
            checks::refused_with_place(&outcome, &refusals)?;
        }
    }
    Ok(())
}

#[test]
fn generated_call_bodies_are_sent_exactly_as_modelled_or_refused_with_their_place() {
    let _serial = serial();
    let bench = workbench(1);
    let started = std::time::Instant::now();
    let outcomes = RefCell::new(Tally::default());
    let tally = campaign::run(
        "call-body",
        call_body_case(),
        30_000,
        CallBodyCase::to_saved,
        CallBodyCase::from_saved,
        |case| check(bench, case, &outcomes),
    );
    let outcomes = outcomes.into_inner();
    eprintln!(
        "call-body: {} regression cases replayed, {} generated, {:.1} s; (sent, refused) by command {:?}; {} sent with warnings, {} refused by the service after sending; reasons {:?}",
        tally.replayed,
        tally.generated,
        started.elapsed().as_secs_f64(),
        outcomes.by_command,
        outcomes.warned,
        outcomes.service_refused,
        outcomes.reasons
    );
}

// ---- Where the module and Graph's documented schema (or the module's own rules) disagree ----

fn text(s: &str) -> PsValue {
    PsValue::text(s)
}

fn map(entries: Vec<(&str, PsValue)>) -> PsValue {
    PsValue::map(MapKind::Hashtable, entries)
}

fn list(items: Vec<PsValue>) -> PsValue {
    PsValue::List(graph_host_tests::ps_value::ListKind::Array, items)
}

fn seeded(bench: &Workbench) {
    bench.emulator.reset();
    seed_call(bench.emulator.base_url(), "c1").expect("seeding c1");
}

fn refused_naming(outcome: &Outcome, sent: usize, place: &str, says: &str) {
    assert_eq!(sent, 0, "nothing may be sent: {outcome:?}");
    assert!(
        outcome
            .errors
            .iter()
            .any(|e| e.message.contains(place) && e.message.contains(says)),
        "expected an error naming {place} ({says}): {:?}",
        outcome.errors
    );
}

fn graph_requests(bench: &Workbench) -> Vec<graph_emulator::RecordedRequest> {
    bench
        .emulator
        .requests()
        .into_iter()
        .filter(|r| r.kind == "graph")
        .collect()
}

fn play(bench: &Workbench, prompts: PsValue) -> (Outcome, usize) {
    seeded(bench);
    let outcome = bench
        .run(
            0,
            "Invoke-MgPlayCommunicationCallPrompt",
            &[
                ("CallId", text("c1")),
                ("BodyParameter", map(vec![("prompts", prompts)])),
            ],
            0,
        )
        .expect("the harness runs");
    (outcome, graph_requests(bench).len())
}

fn answer_with_media_config(
    bench: &Workbench,
    media_config: PsValue,
) -> (Outcome, Vec<graph_emulator::RecordedRequest>) {
    seeded(bench);
    let outcome = bench
        .run(
            0,
            "Invoke-MgAnswerCommunicationCall",
            &[
                ("CallId", text("c1")),
                (
                    "BodyParameter",
                    map(vec![
                        ("callbackUri", text("https://bot.contoso.com/api/calls")),
                        ("mediaConfig", media_config),
                    ]),
                ),
            ],
            0,
        )
        .expect("the harness runs");
    (outcome, graph_requests(bench))
}

/// Regression (found by this suite): GraphCommand wrote -InputObject's ids unchecked, and a lone
/// surrogate became U+FFFD, so the action went to another call (`/calls/a%EF%BF%BDb/mute`).
#[test]
fn an_input_object_id_with_a_lone_surrogate_is_refused() {
    let _serial = serial();
    let bench = workbench(1);
    seeded(bench);
    let id = PsValue::Str(vec![0x61, 0xd800, 0x62]);
    let outcome = bench
        .run(
            0,
            "Invoke-MgMuteCommunicationCall",
            &[("InputObject", map(vec![("CallId", id)]))],
            0,
        )
        .expect("the harness runs");
    refused_naming(&outcome, graph_requests(bench).len(), "CallId", "surrogate");
}

/// Regression: a URL made too long by an id names that id (CallId), as the invite's does.
#[test]
fn an_over_long_call_id_is_named() {
    let _serial = serial();
    let bench = workbench(1);
    bench.emulator.reset();
    let outcome = bench
        .run(
            0,
            "Invoke-MgMuteCommunicationCall",
            &[("CallId", text(&"x".repeat(70_000)))],
            0,
        )
        .expect("the harness runs");
    refused_naming(&outcome, graph_requests(bench).len(), "CallId", "too long");
}

/// Regression: `prompts` is `Collection(graph.prompt)` with `Nullable="false"`: its items may not be null.
#[test]
fn a_null_prompt_is_refused() {
    let _serial = serial();
    let bench = workbench(1);
    let (outcome, sent) = play(bench, list(vec![PsValue::Null]));
    refused_naming(&outcome, sent, "prompts[0]", "null");
}

/// Regression: `prompt` and `mediaConfig` are abstract: naming them says no more than leaving the
/// type out, which is refused.
#[test]
fn an_abstract_odata_type_is_refused() {
    let _serial = serial();
    let bench = workbench(1);
    let (outcome, sent) = play(
        bench,
        list(vec![map(vec![(
            "@odata.type",
            text("#microsoft.graph.prompt"),
        )])]),
    );
    refused_naming(&outcome, sent, "prompts[0]", "abstract");
    let (outcome, sent) = answer_with_media_config(
        bench,
        map(vec![("@odata.type", text("#microsoft.graph.mediaConfig"))]),
    );
    refused_naming(&outcome, sent.len(), "mediaConfig", "abstract");
}

/// Regression: a type name given in another case (or without `#`) is read as Graph's type and
/// sent in Graph's spelling (OData's type names are case-sensitive and carry `#`), as enum members are.
#[test]
fn an_odata_type_in_another_spelling_is_sent_in_graphs() {
    let _serial = serial();
    let bench = workbench(1);
    for given in [
        "#MICROSOFT.GRAPH.SERVICEHOSTEDMEDIACONFIG",
        "microsoft.graph.serviceHostedMediaConfig",
    ] {
        let (outcome, sent) =
            answer_with_media_config(bench, map(vec![("@odata.type", text(given))]));
        assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
        assert_eq!(sent.len(), 1);
        assert_eq!(
            sent[0].body["mediaConfig"]["@odata.type"], "#microsoft.graph.serviceHostedMediaConfig",
            "given {given}"
        );
    }
}

/// Regression: a generated command's refusal said "Invalid invite body:"; only the invite's may.
#[test]
fn a_mute_body_error_does_not_speak_of_an_invite() {
    let _serial = serial();
    let bench = workbench(1);
    seeded(bench);
    let outcome = bench
        .run(
            0,
            "Invoke-MgMuteCommunicationCall",
            &[
                ("CallId", text("c1")),
                ("BodyParameter", map(vec![("clientContext", map(vec![]))])),
            ],
            0,
        )
        .expect("the harness runs");
    assert_eq!(outcome.errors.len(), 1);
    assert!(
        !outcome.errors[0].message.contains("invite"),
        "{}",
        outcome.errors[0].message
    );
}

/// Regression: `participantCapacity = [decimal]'3.0'` was refused ("got a number (3.0)") while
/// `3.0` as a double, `'3'` and `[decimal]'3'` were sent as 3 (the writer prints the decimal's
/// scale). Microsoft's models convert any integral number; so does the validator now.
#[test]
fn an_integral_decimal_is_a_whole_number() {
    let _serial = serial();
    let bench = workbench(1);
    let (outcome, sent) = {
        seeded(bench);
        let body = map(vec![
            ("callbackUri", text("https://bot.contoso.com/api/calls")),
            (
                "mediaConfig",
                map(vec![(
                    "@odata.type",
                    text("#microsoft.graph.appHostedMediaConfig"),
                )]),
            ),
            ("participantCapacity", PsValue::Decimal("3.0".into())),
        ]);
        let outcome = bench
            .run(
                0,
                "Invoke-MgAnswerCommunicationCall",
                &[("CallId", text("c1")), ("BodyParameter", body)],
                0,
            )
            .expect("the harness runs");
        (outcome, graph_requests(bench))
    };
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    assert_eq!(sent[0].body["participantCapacity"], 3);
}
