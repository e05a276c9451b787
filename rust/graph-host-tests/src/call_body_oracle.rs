//! What a body of the four call commands must become on the wire under Graph's schema
//! (`call_body_schema.rs`), or which places the user must be told about. Like `oracle.rs`, it
//! shares nothing with graph-core or its generated descriptors.
//!
//! The rules: property names match without regard to case and are sent in Graph's spelling;
//! unknown keys are kept as sent (Microsoft's models carry them as additional properties);
//! text takes numbers and booleans as their text; booleans take `"true"`/`"false"` and numbers;
//! whole numbers take integral numbers and decimal-digit text within range; an enum member in
//! any case is sent in Graph's spelling, an unknown member is a warning and sent as given; an
//! abstract type needs `@odata.type` naming a concrete type derived from it; an `@odata.type`
//! this schema does not know is a warning; `null` where `Nullable="false"` is refused, and so is
//! a missing action parameter that is neither nullable nor optional; a collection given one
//! value is a collection of one.
//!
//! Not modelled, so the generator stays inside them (and the module does not check them
//! either): the `Unicode="false"` facet of `callbackUri`/`clientContext` (ASCII only), the
//! pages' limits the metadata does not carry (256 characters of `clientContext`, 20 prompts),
//! and whether a non-nullable property inside an object may be left out (the pages do not say;
//! the generator always gives one).

use serde_json::{Map, Value};

use crate::call_body_schema::{Complex, Operation, Ty, ALL_TYPES};
use crate::oracle::Refusal;

/// An unknown enum member or `@odata.type`, sent as given: the warning names the place and value.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    pub path: String,
    pub value: String,
}

/// What Graph must receive for a body, and the warnings the user must see.
#[derive(Debug, Clone)]
pub struct Expectation {
    pub body: Value,
    pub warnings: Vec<Warning>,
}

/// The body the service must receive for `body` (the JSON the writer made of the user's
/// values), or every place the user must be told about.
pub fn expected_body(op: &Operation, body: &Value) -> Result<Expectation, Vec<Refusal>> {
    let mut shaper = Shaper::default();
    let Value::Object(map) = body else {
        return Err(vec![Refusal {
            path: String::new(),
            says: "expected",
        }]);
    };
    let shaped = shaper.object(op.body, map, "");
    for name in op.required {
        if !shaped.contains_key(*name) {
            shaper.refuse(name, "required");
        }
    }
    if shaper.refusals.is_empty() {
        Ok(Expectation {
            body: Value::Object(shaped),
            warnings: shaper.warnings,
        })
    } else {
        Err(shaper.refusals)
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

#[derive(Default)]
struct Shaper {
    refusals: Vec<Refusal>,
    warnings: Vec<Warning>,
}

impl Shaper {
    fn refuse(&mut self, path: &str, says: &'static str) -> Value {
        self.refusals.push(Refusal {
            path: path.to_string(),
            says,
        });
        Value::Null
    }

    /// The type an object stands for: the concrete type its `@odata.type` names, else the one declared.
    fn which(
        &mut self,
        declared: &'static Complex,
        map: &Map<String, Value>,
        path: &str,
    ) -> &'static Complex {
        let tag = map
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("@odata.type"));
        match tag {
            None => {
                if declared.is_abstract {
                    self.refuse(path, "abstract");
                }
                declared
            }
            Some((_, Value::String(name))) => {
                let named = ALL_TYPES
                    .iter()
                    .find(|t| t.odata_type() == *name && t.derives_from(declared));
                match named {
                    // Naming the abstract type itself says no more than leaving it out.
                    Some(t) if t.is_abstract => {
                        self.refuse(path, "abstract");
                        declared
                    }
                    Some(t) => t,
                    None => {
                        self.warnings.push(Warning {
                            path: path.to_string(),
                            value: name.clone(),
                        });
                        declared
                    }
                }
            }
            Some(_) => {
                self.refuse(&join(path, "@odata.type"), "expected");
                declared
            }
        }
    }

    fn object(
        &mut self,
        declared: &'static Complex,
        map: &Map<String, Value>,
        path: &str,
    ) -> Map<String, Value> {
        let ty = self.which(declared, map, path);
        let props = ty.all_props();
        let mut shaped = Map::new();
        for (key, value) in map {
            if key.eq_ignore_ascii_case("@odata.type") {
                shaped.insert("@odata.type".into(), value.clone());
                continue;
            }
            match props.iter().find(|p| p.name.eq_ignore_ascii_case(key)) {
                Some(p) => {
                    let here = join(path, p.name);
                    let v = match value {
                        Value::Null if p.nullable => Value::Null,
                        Value::Null => self.refuse(&here, "null"),
                        v => self.value(p.ty, v, &here),
                    };
                    shaped.insert(p.name.to_string(), v);
                }
                None => {
                    shaped.insert(key.clone(), value.clone());
                }
            }
        }
        shaped
    }

    fn value(&mut self, ty: Ty, value: &Value, path: &str) -> Value {
        match (ty, value) {
            (Ty::Text, Value::String(_)) => value.clone(),
            (Ty::Text, Value::Number(n)) if n.is_i64() || n.is_u64() => {
                Value::String(n.to_string())
            }
            (Ty::Text, Value::Bool(b)) => Value::String(if *b { "True" } else { "False" }.into()),
            (Ty::Flag, Value::Bool(_)) => value.clone(),
            (Ty::Flag, Value::String(s)) if s.trim().eq_ignore_ascii_case("true") => {
                Value::Bool(true)
            }
            (Ty::Flag, Value::String(s)) if s.trim().eq_ignore_ascii_case("false") => {
                Value::Bool(false)
            }
            (Ty::Flag, Value::Number(n)) => Value::Bool(n.as_f64() != Some(0.0)),
            (Ty::Int32, v) => self.whole(v, i32::MIN.into(), i32::MAX.into(), path, "Int32"),
            (Ty::Int64, v) => self.whole(v, i64::MIN.into(), i64::MAX.into(), path, "Int64"),
            (Ty::Enum(e), Value::String(s)) => {
                match e.members.iter().find(|m| m.eq_ignore_ascii_case(s.trim())) {
                    Some(member) => Value::String(member.to_string()),
                    None => {
                        self.warnings.push(Warning {
                            path: path.to_string(),
                            value: s.clone(),
                        });
                        value.clone()
                    }
                }
            }
            (Ty::Object(c), Value::Object(map)) => Value::Object(self.object(c, map, path)),
            (Ty::List(item, nulls), Value::Array(items)) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        let here = format!("{path}[{i}]");
                        match v {
                            Value::Null if nulls => Value::Null,
                            Value::Null => self.refuse(&here, "null"),
                            v => self.value(*item, v, &here),
                        }
                    })
                    .collect(),
            ),
            // One value where a collection belongs is a collection of one.
            (Ty::List(item, _), v) => {
                Value::Array(vec![self.value(*item, v, &format!("{path}[0]"))])
            }
            _ => self.refuse(path, "expected"),
        }
    }

    /// A whole number in `min..=max`: integral numbers, and text of decimal digits with a sign.
    fn whole(
        &mut self,
        value: &Value,
        min: i128,
        max: i128,
        path: &str,
        says: &'static str,
    ) -> Value {
        let whole: Option<i128> = match value {
            Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
                (Some(i), _, _) => Some(i.into()),
                (None, Some(u), _) => Some(u.into()),
                // The generator keeps floats far from the ends of the Int64 range.
                (None, None, Some(f)) if f.fract() == 0.0 && f.abs() < 1e30 => Some(f as i128),
                _ => None,
            },
            Value::String(s) => digits(s.trim()),
            _ => None,
        };
        match whole {
            Some(n) if (min..=max).contains(&n) => Value::from(n as i64),
            _ => self.refuse(path, says),
        }
    }
}

/// `[+-]?[0-9]+` as a number (at most 30 digits, which is all the generator writes).
fn digits(text: &str) -> Option<i128> {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    if unsigned.is_empty() || unsigned.len() > 30 || !unsigned.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call_body_schema::{ANSWER_OP, PLAY_PROMPT_OP};
    use serde_json::json;

    #[test]
    fn the_documented_examples_are_sent_as_they_are() {
        let answer = json!({
            "callbackUri": "https://bot.contoso.com/api/calls",
            "acceptedModalities": ["audio"],
            "mediaConfig": {
                "@odata.type": "#microsoft.graph.serviceHostedMediaConfig",
                "preFetchMedia": [{"uri": "https://cdn.contoso.com/beep.wav", "resourceId": "1D6D"}]
            },
            "callOptions": {"@odata.type": "#microsoft.graph.incomingCallOptions", "isContentSharingNotificationEnabled": true},
            "participantCapacity": 200
        });
        let got = expected_body(&ANSWER_OP, &answer).unwrap();
        assert_eq!(got.body, answer);
        assert!(got.warnings.is_empty());
    }

    #[test]
    fn names_enums_and_numbers_take_graphs_form() {
        let body = json!({
            "CALLBACKURI": 5, "MediaConfig": {"@odata.type": "#microsoft.graph.appHostedMediaConfig", "BLOB": true},
            "acceptedmodalities": "VIDEO", "participantCapacity": " -7 ", "extra": {"Deep": 1}
        });
        let got = expected_body(&ANSWER_OP, &body).unwrap();
        assert_eq!(
            got.body,
            json!({"callbackUri": "5", "mediaConfig": {"@odata.type": "#microsoft.graph.appHostedMediaConfig", "blob": "True"},
                   "acceptedModalities": ["video"], "participantCapacity": -7, "extra": {"Deep": 1}})
        );
    }

    #[test]
    fn problems_are_named_by_their_place() {
        let body = json!({"prompts": [{"mediaInfo": {"uri": "u"}}, {"@odata.type": "#microsoft.graph.mediaPrompt", "mediaInfo": {"uri": null}}, null]});
        let refusals = expected_body(&PLAY_PROMPT_OP, &body).unwrap_err();
        let places: Vec<_> = refusals.iter().map(|r| (r.path.as_str(), r.says)).collect();
        assert_eq!(
            places,
            [
                ("prompts[0]", "abstract"),
                ("prompts[1].mediaInfo.uri", "null"),
                ("prompts[2]", "null")
            ]
        );
        let refusals =
            expected_body(&ANSWER_OP, &json!({"participantCapacity": 2147483648i64})).unwrap_err();
        let places: Vec<_> = refusals.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(
            places,
            ["participantCapacity", "callbackUri", "mediaConfig"]
        );
    }

    #[test]
    fn unknown_members_and_types_are_warnings() {
        let body = json!({"callbackUri": "x", "mediaConfig": {"@odata.type": "#microsoft.graph.fooConfig", "blob": 1},
                          "acceptedModalities": ["hologram", " Audio "]});
        let got = expected_body(&ANSWER_OP, &body).unwrap();
        assert_eq!(got.body["acceptedModalities"], json!(["hologram", "audio"]));
        assert_eq!(
            got.body["mediaConfig"]["blob"],
            json!(1),
            "an unknown type's keys are the declared type's"
        );
        assert_eq!(got.warnings.len(), 2);
    }
}
