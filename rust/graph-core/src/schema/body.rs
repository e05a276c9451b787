//! Normalization and validation of invite bodies.
//!
//! Input is the generic JSON the shim made of a PowerShell value. Known
//! properties are matched case-insensitively and renamed to Graph's
//! camelCase; unknown ones pass through verbatim (the models are open).
//! Scalars are converted the way Microsoft's models convert them, so that
//! scripts that work there work here; everything else that does not fit is
//! a problem with its path. All problems are reported at once.

use serde_json::{Map, Number, Value};

use super::model::{Kind, Model, INVITE_BODY};
pub use crate::error::Problem;

/// Graph's documented limits, reported as warnings (the service enforces them).
pub const MAX_PARTICIPANTS: usize = 5;
pub const MAX_CLIENT_CONTEXT: usize = 256;

/// A valid body ready to send, with the warnings it earned.
#[derive(Debug, Clone, PartialEq)]
pub struct NormalizedBody {
    pub body: Value,
    pub warnings: Vec<String>,
}

/// The parts the expanded parameter sets give separately.
#[derive(Debug, Default, Clone)]
pub struct ExpandedBody {
    pub participants: Option<Value>,
    pub client_context: Option<Value>,
    pub additional_properties: Option<Value>,
}

impl ExpandedBody {
    /// Builds the body the `-BodyParameter` sets would have been given:
    /// `-AdditionalProperties` first, then the named parameters over it.
    pub fn into_body(self) -> Result<Value, Vec<Problem>> {
        let mut body = match self.additional_properties {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(map)) => map,
            Some(other) => {
                return Err(vec![Problem {
                    path: "AdditionalProperties".into(),
                    message: format!("expected a hashtable, got {}", describe(&other)),
                }])
            }
        };
        if let Some(p) = self.participants {
            body.retain(|k, _| !k.eq_ignore_ascii_case("participants"));
            body.insert("participants".into(), p);
        }
        if let Some(c) = self.client_context {
            body.retain(|k, _| !k.eq_ignore_ascii_case("clientContext"));
            body.insert("clientContext".into(), c);
        }
        Ok(Value::Object(body))
    }
}

/// Normalizes and validates an invite body.
pub fn normalize_invite_body(input: &Value) -> Result<NormalizedBody, Vec<Problem>> {
    let mut problems = Vec::new();
    let Value::Object(map) = input else {
        return Err(vec![Problem {
            path: String::new(),
            message: format!(
                "expected a hashtable or object with 'participants', got {}",
                describe(input)
            ),
        }]);
    };
    let mut body = normalize_object(&INVITE_BODY, map, "", &mut problems);

    // A single participant given without @( ) is still a list of one, as PowerShell would bind it.
    if let Some(single @ Value::Object(_)) = body.get_mut("participants") {
        *single = Value::Array(vec![single.take()]);
    }
    let mut warnings = Vec::new();
    check_participants(&body, &mut problems, &mut warnings);
    if let Some(Value::String(ctx)) = body.get("clientContext") {
        let len = ctx.chars().count();
        if len > MAX_CLIENT_CONTEXT {
            warnings.push(format!(
                "clientContext is {len} characters long; Graph accepts at most {MAX_CLIENT_CONTEXT} and may refuse the request."
            ));
        }
    }
    if problems.is_empty() {
        Ok(NormalizedBody {
            body: Value::Object(std::mem::take(&mut body)),
            warnings,
        })
    } else {
        Err(problems)
    }
}

fn check_participants(
    body: &Map<String, Value>,
    problems: &mut Vec<Problem>,
    warnings: &mut Vec<String>,
) {
    let participants = match body.get("participants") {
        None | Some(Value::Null) => {
            problems.push(Problem {
                path: "participants".into(),
                message: "is required: give at least one participant to invite".into(),
            });
            return;
        }
        Some(Value::Array(list)) => list,
        // Type problems were already reported by the normalizer.
        Some(_) => return,
    };
    if participants.is_empty() {
        problems.push(Problem {
            path: "participants".into(),
            message: "is empty: give at least one participant to invite".into(),
        });
    }
    for (i, participant) in participants.iter().enumerate() {
        let Value::Object(p) = participant else {
            continue;
        };
        match p.get("identity") {
            None | Some(Value::Null) => problems.push(Problem {
                path: format!("participants[{i}].identity"),
                message: "is required: say who to invite (user, application, device, phone, ...)"
                    .into(),
            }),
            Some(Value::Object(identity)) => {
                let named = identity
                    .iter()
                    .any(|(k, v)| !k.starts_with('@') && !v.is_null());
                if !named {
                    problems.push(Problem {
                        path: format!("participants[{i}].identity"),
                        message: "names no identity: give user, application, device, phone or another identity".into(),
                    });
                }
            }
            Some(_) => {}
        }
    }
    if participants.len() > MAX_PARTICIPANTS {
        warnings.push(format!(
            "{} participants: Graph invites at most {MAX_PARTICIPANTS} in one request and may refuse it.",
            participants.len()
        ));
    }
    if participants.len() > 1 {
        let replacing = participants
            .iter()
            .filter(|p| p.get("replacesCallId").is_some_and(|v| !v.is_null()))
            .count();
        if replacing > 0 {
            warnings.push(
                "replacesCallId is given with more than one participant: Graph supports moving a call into this one for a single participant only."
                    .to_string(),
            );
        }
    }
}

/// `participants[0]` + `identity` → `participants[0].identity`.
pub(crate) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn normalize_object(
    model: &Model,
    map: &Map<String, Value>,
    path: &str,
    problems: &mut Vec<Problem>,
) -> Map<String, Value> {
    let mut out = Map::new();
    for (key, value) in map {
        let (name, normalized) = match model.prop(key) {
            Some(prop) => {
                let child = join(path, prop.json);
                (
                    prop.json.to_string(),
                    normalize_value(&prop.kind, value, &child, problems),
                )
            }
            None => (key.clone(), value.clone()),
        };
        if out.contains_key(&name) {
            problems.push(Problem {
                path: join(path, &name),
                message: format!("is given twice (as '{key}' and another spelling)"),
            });
            continue;
        }
        out.insert(name, normalized);
    }
    out
}

fn normalize_value(kind: &Kind, value: &Value, path: &str, problems: &mut Vec<Problem>) -> Value {
    if value.is_null() {
        return Value::Null;
    }
    let mismatch = |expected: &str, problems: &mut Vec<Problem>| {
        problems.push(Problem {
            path: path.to_string(),
            message: format!("expected {expected}, got {}", describe(value)),
        });
        value.clone()
    };
    match kind {
        Kind::Text => as_text(value).unwrap_or_else(|| mismatch("a string", problems)),
        Kind::Flag => {
            as_flag(value).unwrap_or_else(|| mismatch("a boolean ($true or $false)", problems))
        }
        Kind::Integer => match value {
            Value::Number(n) if n.is_i64() || n.is_u64() => value.clone(),
            Value::String(s) => match s.trim().parse::<i64>() {
                Ok(i) => Value::Number(Number::from(i)),
                Err(_) => mismatch("an integer", problems),
            },
            _ => mismatch("an integer", problems),
        },
        Kind::Object(model) => match value {
            Value::Object(map) => Value::Object(normalize_object(model, map, path, problems)),
            _ => mismatch("a hashtable or object", problems),
        },
        Kind::List(item) => match value {
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| normalize_value(item, v, &format!("{path}[{i}]"), problems))
                    .collect(),
            ),
            // One item where a list is expected: PowerShell binds it as a list of one.
            Value::Object(_) => normalize_value(item, value, &format!("{path}[0]"), problems),
            _ => mismatch("a list", problems),
        },
    }
}

/// A value where a string is expected, as Microsoft's models convert it (Convert.ToString):
/// numbers become their text, booleans True/False; None when it has no text form.
pub(crate) fn as_text(value: &Value) -> Option<Value> {
    match value {
        Value::String(_) => Some(value.clone()),
        Value::Number(n) => Some(Value::String(n.to_string())),
        Value::Bool(b) => Some(Value::String(if *b { "True" } else { "False" }.into())),
        _ => None,
    }
}

/// A value where a boolean is expected, as Microsoft's models convert it
/// (Convert.ChangeType): "true"/"false" in any case, a number is true unless 0.
pub(crate) fn as_flag(value: &Value) -> Option<Value> {
    match value {
        Value::Bool(_) => Some(value.clone()),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        Value::Number(n) => Some(Value::Bool(n.as_f64().is_some_and(|f| f != 0.0))),
        _ => None,
    }
}

/// "a string ('yes')", "an object", ... for messages.
pub fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("a boolean ({})", if *b { "$true" } else { "$false" }),
        Value::Number(n) => format!("a number ({n})"),
        Value::String(s) => {
            let shown: String = s.chars().take(40).collect();
            let ellipsis = if s.chars().count() > 40 { "…" } else { "" };
            format!("a string ('{shown}{ellipsis}')")
        }
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a hashtable or object".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn seed_one() -> Value {
        json!({
            "participants": [{
                "@odata.type": "#microsoft.graph.invitationParticipantInfo",
                "replacesCallId": "a7ebfb2d-871e-419c-87af-27290b22e8db",
                "identity": {
                    "@odata.type": "#microsoft.graph.identitySet",
                    "user": {
                        "@odata.type": "#microsoft.graph.identity",
                        "id": "278405a3-f568-4b3e-b684-009193463064",
                        "displayName": "string"
                    }
                }
            }],
            "clientContext": "f2fa86af-3c51-4bc2-8fc0-475452d9764f"
        })
    }

    fn problems_of(v: Value) -> Vec<String> {
        normalize_invite_body(&v)
            .expect_err("expected problems")
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn seed_example_passes_unchanged() {
        let out = normalize_invite_body(&seed_one()).unwrap();
        assert_eq!(out.body, seed_one());
        assert!(out.warnings.is_empty());
    }

    #[test]
    fn phone_and_identity_provider_pass_verbatim() {
        let body = json!({"participants": [{"identity": {"phone": {"id": "+12345678901"}, "user": {"id": "x", "identityProvider": "AAD"}}}]});
        let out = normalize_invite_body(&body).unwrap();
        assert_eq!(out.body, body);
    }

    #[test]
    fn pascal_case_becomes_camel_case() {
        let body = json!({
            "Participants": [{"Identity": {"User": {"Id": "u1", "DisplayName": "Ann"}}, "ReplacesCallId": "c", "Hidden": false}],
            "ClientContext": "ctx"
        });
        let out = normalize_invite_body(&body).unwrap();
        assert_eq!(
            out.body,
            json!({
                "participants": [{"identity": {"user": {"id": "u1", "displayName": "Ann"}}, "replacesCallId": "c", "hidden": false}],
                "clientContext": "ctx"
            })
        );
    }

    #[test]
    fn scalars_convert_like_microsofts_models() {
        let body = json!({"participants": [{"identity": {"user": {"id": 42}}, "hidden": "True", "removeFromDefaultAudioRoutingGroup": 0}], "clientContext": 12345});
        let out = normalize_invite_body(&body).unwrap();
        assert_eq!(out.body["clientContext"], json!("12345"));
        assert_eq!(out.body["participants"][0]["hidden"], json!(true));
        assert_eq!(
            out.body["participants"][0]["removeFromDefaultAudioRoutingGroup"],
            json!(false)
        );
        assert_eq!(
            out.body["participants"][0]["identity"]["user"]["id"],
            json!("42")
        );
    }

    #[test]
    fn single_participant_without_list_is_a_list_of_one() {
        let out =
            normalize_invite_body(&json!({"participants": {"identity": {"user": {"id": "u"}}}}))
                .unwrap();
        assert!(out.body["participants"].is_array());
    }

    #[test]
    fn every_problem_is_reported_with_its_path() {
        let problems = problems_of(json!({
            "participants": [
                {"identity": {"user": {"id": {"nested": 1}}}, "hidden": "yes"},
                {"hidden": true},
                "just a string"
            ],
            "clientContext": ["a", "b"]
        }));
        assert_eq!(
            problems,
            vec![
                "participants[0].identity.user.id: expected a string, got a hashtable or object",
                "participants[0].hidden: expected a boolean ($true or $false), got a string ('yes')",
                "participants[2]: expected a hashtable or object, got a string ('just a string')",
                "clientContext: expected a string, got a list",
                "participants[1].identity: is required: say who to invite (user, application, device, phone, ...)",
            ]
        );
    }

    #[test]
    fn missing_or_empty_participants_are_problems() {
        assert_eq!(
            problems_of(json!({"clientContext": "x"})),
            vec!["participants: is required: give at least one participant to invite"]
        );
        assert_eq!(
            problems_of(json!({"participants": []})),
            vec!["participants: is empty: give at least one participant to invite"]
        );
        assert_eq!(
            problems_of(json!("text")),
            vec!["body: expected a hashtable or object with 'participants', got a string ('text')"]
        );
        assert_eq!(
            problems_of(json!({"participants": [{"identity": {"@odata.type": "#microsoft.graph.identitySet"}}]})),
            vec!["participants[0].identity: names no identity: give user, application, device, phone or another identity"]
        );
    }

    #[test]
    fn duplicate_spellings_are_problems() {
        let mut map = Map::new();
        map.insert(
            "participants".into(),
            json!([{"identity": {"user": {"id": "a"}}}]),
        );
        map.insert(
            "PARTICIPANTS".into(),
            json!([{"identity": {"user": {"id": "b"}}}]),
        );
        let problems = problems_of(Value::Object(map));
        assert_eq!(
            problems,
            vec!["participants: is given twice (as 'PARTICIPANTS' and another spelling)"]
        );
    }

    #[test]
    fn service_limits_are_warnings() {
        let one = json!({"identity": {"user": {"id": "u"}}, "replacesCallId": "c"});
        let body = json!({"participants": vec![one; 6], "clientContext": "x".repeat(300)});
        let out = normalize_invite_body(&body).unwrap();
        assert_eq!(out.warnings.len(), 3, "{:?}", out.warnings);
    }

    #[test]
    fn expanded_parameters_build_the_same_body() {
        let built = ExpandedBody {
            participants: Some(seed_one()["participants"].clone()),
            client_context: Some(json!("f2fa86af-3c51-4bc2-8fc0-475452d9764f")),
            additional_properties: Some(json!({"Participants": "overridden"})),
        }
        .into_body()
        .unwrap();
        let a = normalize_invite_body(&built).unwrap().body;
        let b = normalize_invite_body(&seed_one()).unwrap().body;
        assert_eq!(a["participants"], b["participants"]);
        assert_eq!(a["clientContext"], b["clientContext"]);
    }
}
