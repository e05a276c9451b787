//! Checks a body against a generated type before anything is sent, and returns it in Graph's
//! spelling: keys matched without regard to case and renamed to Graph's names, scalars
//! converted as Microsoft's models convert them, `@odata.type` resolved to a derived type,
//! enum members in Graph's spelling. Unknown keys pass through (Graph's types are open).
//! Every problem is reported at once, each with its path; an unknown enum member is a
//! warning, since Graph adds members over time.

use serde_json::{Map, Number, Value};

use crate::error::Problem;
use crate::schema::body::{as_flag, as_text, describe, join};
use crate::schema::descriptor::{Kind, Property, StructType};

/// A body that passed, with the warnings it earned.
#[derive(Debug, Clone, PartialEq)]
pub struct Validated {
    pub body: Value,
    pub warnings: Vec<String>,
}

/// Validates `input` as a `ty`.
pub fn validate(ty: &'static StructType, input: &Value) -> Result<Validated, Vec<Problem>> {
    let mut check = Check::default();
    let body = match input {
        Value::Object(map) => Value::Object(check.object(ty, map, "")),
        other => {
            return Err(vec![Problem {
                path: String::new(),
                message: format!("expected a hashtable or object, got {}", describe(other)),
            }])
        }
    };
    if check.problems.is_empty() {
        Ok(Validated {
            body,
            warnings: check.warnings,
        })
    } else {
        Err(check.problems)
    }
}

#[derive(Default)]
struct Check {
    problems: Vec<Problem>,
    warnings: Vec<String>,
}

impl Check {
    fn problem(&mut self, path: &str, message: String) {
        self.problems.push(Problem {
            path: path.to_string(),
            message,
        });
    }

    fn mismatch(&mut self, path: &str, expected: &str, value: &Value) -> Value {
        self.problem(
            path,
            format!("expected {expected}, got {}", describe(value)),
        );
        value.clone()
    }

    /// The type an object stands for: its `@odata.type` when that names this type or one
    /// derived from it; an abstract type without one is a problem (Graph cannot read it).
    fn concrete(
        &mut self,
        declared: &'static StructType,
        map: &Map<String, Value>,
        path: &str,
    ) -> &'static StructType {
        let named = map
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("@odata.type"))
            .map(|(_, v)| v);
        match named {
            Some(Value::String(name)) => match declared.resolve(name) {
                // Naming an abstract type says no more than naming none.
                Some(ty) if ty.is_abstract => {
                    self.abstract_problem(ty, path);
                    ty
                }
                Some(ty) => ty,
                None => {
                    self.warnings.push(format!(
                        "{}: @odata.type '{name}' is not {} or a type derived from it; it is sent as given.",
                        if path.is_empty() { "body" } else { path },
                        declared.name
                    ));
                    declared
                }
            },
            Some(other) => {
                self.mismatch(&join(path, "@odata.type"), "a string", other);
                declared
            }
            None if declared.is_abstract => {
                self.abstract_problem(declared, path);
                declared
            }
            None => declared,
        }
    }

    fn abstract_problem(&mut self, ty: &'static StructType, path: &str) {
        let choices: Vec<String> = ty
            .derived
            .iter()
            .filter(|d| !d.is_abstract)
            .map(|d| format!("#{}", d.name))
            .collect();
        self.problem(
            path,
            format!(
                "is a {}, which is abstract: say which kind with '@odata.type' (one of {})",
                ty.name,
                choices.join(", ")
            ),
        );
    }

    fn object(
        &mut self,
        declared: &'static StructType,
        map: &Map<String, Value>,
        path: &str,
    ) -> Map<String, Value> {
        let ty = self.concrete(declared, map, path);
        let mut out = Map::new();
        for (key, value) in map {
            let (name, normalized) = match ty.prop(key) {
                Some(prop) => {
                    let child = join(path, prop.name);
                    (prop.name.to_string(), self.property(prop, value, &child))
                }
                // A type Graph knows goes in Graph's spelling (OData's type names are case-sensitive).
                None if key.eq_ignore_ascii_case("@odata.type") => {
                    let known = matches!(value, Value::String(n) if declared.resolve(n).is_some());
                    let spelled = if known {
                        Value::String(format!("#{}", ty.name))
                    } else {
                        value.clone()
                    };
                    ("@odata.type".to_string(), spelled)
                }
                None => (key.clone(), value.clone()),
            };
            if out.contains_key(&name) {
                self.problem(
                    &join(path, &name),
                    format!("is given twice (as '{key}' and another spelling)"),
                );
                continue;
            }
            out.insert(name, normalized);
        }
        for prop in ty.all_props() {
            if prop.required && !out.contains_key(prop.name) {
                self.problem(&join(path, prop.name), "is required".to_string());
            }
        }
        out
    }

    fn property(&mut self, prop: &'static Property, value: &Value, path: &str) -> Value {
        if value.is_null() {
            if !prop.nullable {
                self.problem(path, "is null, and Graph does not accept null here".into());
            }
            return Value::Null;
        }
        if !prop.collection {
            return self.value(&prop.kind, value, path);
        }
        match value {
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        let at = format!("{path}[{i}]");
                        if v.is_null() && !prop.nullable {
                            self.problem(
                                &at,
                                "is null, and Graph does not accept null here".into(),
                            );
                            return Value::Null;
                        }
                        self.value(&prop.kind, v, &at)
                    })
                    .collect(),
            ),
            // One item where a list is expected: PowerShell binds it as a list of one.
            single => Value::Array(vec![self.value(&prop.kind, single, &format!("{path}[0]"))]),
        }
    }

    fn value(&mut self, kind: &Kind, value: &Value, path: &str) -> Value {
        if value.is_null() {
            return Value::Null;
        }
        match kind {
            Kind::String | Kind::Binary | Kind::Stream => {
                as_text(value).unwrap_or_else(|| self.mismatch(path, "a string", value))
            }
            Kind::Guid => match value {
                Value::String(s) if is_guid(s) => value.clone(),
                _ => self.mismatch(path, "a GUID", value),
            },
            Kind::Boolean => as_flag(value)
                .unwrap_or_else(|| self.mismatch(path, "a boolean ($true or $false)", value)),
            Kind::Int32 | Kind::Int64 => {
                let (low, high, name) = if matches!(kind, Kind::Int32) {
                    (i32::MIN as i64, i32::MAX as i64, "a whole number (Int32)")
                } else {
                    (i64::MIN, i64::MAX, "a whole number (Int64)")
                };
                let parsed = match value {
                    // A whole number written with a scale (a [decimal] 3.0) is still whole.
                    Value::Number(n) => n.as_i64().or_else(|| {
                        n.as_f64()
                            .filter(|f| f.fract() == 0.0 && f.abs() < 9.2e18)
                            .map(|f| f as i64)
                    }),
                    Value::String(s) => s.trim().parse::<i64>().ok(),
                    _ => None,
                };
                match parsed {
                    Some(i) if (low..=high).contains(&i) => Value::Number(Number::from(i)),
                    Some(i) => {
                        self.problem(path, format!("{i} is out of range for {name}"));
                        value.clone()
                    }
                    None => self.mismatch(path, name, value),
                }
            }
            Kind::Number => match value {
                Value::Number(_) => value.clone(),
                Value::String(s) => match s.trim().parse::<f64>().ok().and_then(Number::from_f64) {
                    Some(n) => Value::Number(n),
                    None => self.mismatch(path, "a number", value),
                },
                _ => self.mismatch(path, "a number", value),
            },
            Kind::DateTimeOffset => match value {
                Value::String(s) if is_date_time(s) => value.clone(),
                _ => self.mismatch(
                    path,
                    "a date and time (a [datetime] or ISO 8601 text such as 2026-11-28T09:00:00Z)",
                    value,
                ),
            },
            Kind::Date => match value {
                Value::String(s) if is_date(s.get(..10).unwrap_or("")) => {
                    Value::String(s[..10].to_string())
                }
                _ => self.mismatch(path, "a date (2026-11-28)", value),
            },
            Kind::TimeOfDay => match value {
                Value::String(s) if is_time(s) => value.clone(),
                _ => self.mismatch(path, "a time of day (09:30:00)", value),
            },
            Kind::Duration => match value {
                Value::String(s) if is_iso_duration(s) => value.clone(),
                Value::String(s) => match timespan_to_iso(s) {
                    Some(iso) => Value::String(iso),
                    None => self.mismatch(
                        path,
                        "a duration (a [timespan] or ISO 8601 text such as PT30S)",
                        value,
                    ),
                },
                _ => self.mismatch(
                    path,
                    "a duration (a [timespan] or ISO 8601 text such as PT30S)",
                    value,
                ),
            },
            Kind::Untyped => value.clone(),
            Kind::Enum(e) => match value {
                Value::String(s) => {
                    let parts: Vec<&str> = if e.flags {
                        s.split(',').map(str::trim).collect()
                    } else {
                        vec![s.as_str()]
                    };
                    let mut spelled = Vec::new();
                    for part in &parts {
                        match e.member(part) {
                            Some(m) => spelled.push(m.to_string()),
                            None => {
                                self.warnings.push(format!(
                                    "{path}: '{part}' is not a member of {} that this module knows ({}); it is sent as given.",
                                    e.name,
                                    e.members.join(", ")
                                ));
                                spelled.push(part.to_string());
                            }
                        }
                    }
                    Value::String(spelled.join(","))
                }
                _ => self.mismatch(
                    path,
                    &format!("one of {} (a string)", e.members.join(", ")),
                    value,
                ),
            },
            Kind::Struct(ty) => match value {
                Value::Object(map) => Value::Object(self.object(ty, map, path)),
                _ => self.mismatch(path, "a hashtable or object", value),
            },
        }
    }
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_guid(s: &str) -> bool {
    let parts: Vec<&str> = s.trim_matches(['{', '}']).split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    s.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && digits(&s[..4])
        && digits(&s[5..7])
        && digits(&s[8..])
}

fn is_time(s: &str) -> bool {
    let main = s.split('.').next().unwrap_or("");
    let parts: Vec<&str> = main.split(':').collect();
    (parts.len() == 2 || parts.len() == 3) && parts.iter().all(|p| p.len() == 2 && digits(p))
}

/// ISO 8601 with a time and, as Graph needs, a zone (Z or ±hh:mm); our shim writes [datetime] as UTC.
fn is_date_time(s: &str) -> bool {
    let Some((date, rest)) = s.split_once(['T', 't', ' ']) else {
        return false;
    };
    if !is_date(date) {
        return false;
    }
    let (time, zone_ok) = if let Some(t) = rest.strip_suffix(['Z', 'z']) {
        (t, true)
    } else if let Some(at) = rest.rfind(['+', '-']) {
        (&rest[..at], is_time(&rest[at + 1..]))
    } else {
        (rest, false)
    };
    zone_ok && is_time(time)
}

fn is_iso_duration(s: &str) -> bool {
    let s = s.strip_prefix('-').unwrap_or(s);
    let Some(body) = s.strip_prefix('P') else {
        return false;
    };
    let mut seen_digit = false;
    let mut any_unit = false;
    for c in body.chars() {
        match c {
            '0'..='9' | '.' => seen_digit = true,
            'Y' | 'M' | 'W' | 'D' | 'H' | 'S' if seen_digit => {
                seen_digit = false;
                any_unit = true;
            }
            'T' if !seen_digit => {}
            _ => return false,
        }
    }
    any_unit && !seen_digit
}

/// .NET's TimeSpan text (`[-][d.]hh:mm:ss[.fffffff]`, what a [timespan] becomes in JSON) as ISO 8601.
fn timespan_to_iso(s: &str) -> Option<String> {
    let (negative, s) = match s.trim().strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.trim()),
    };
    let (days, clock) = match s.split_once(':') {
        Some((head, _)) if head.contains('.') => {
            let (d, _) = head.split_once('.')?;
            (d.parse::<u64>().ok()?, &s[d.len() + 1..])
        }
        Some(_) => (0, s),
        None => return None,
    };
    let parts: Vec<&str> = clock.split(':').collect();
    if parts.len() != 3 || !digits(parts[0]) || !digits(parts[1]) {
        return None;
    }
    let hours: u64 = parts[0].parse().ok()?;
    let minutes: u64 = parts[1].parse().ok()?;
    let seconds: f64 = parts[2].parse().ok()?;
    let mut iso = String::from(if negative { "-P" } else { "P" });
    if days > 0 {
        iso.push_str(&format!("{days}D"));
    }
    iso.push('T');
    if hours > 0 {
        iso.push_str(&format!("{hours}H"));
    }
    if minutes > 0 {
        iso.push_str(&format!("{minutes}M"));
    }
    if seconds > 0.0 || (hours == 0 && minutes == 0) {
        iso.push_str(&format!("{seconds}S"));
    }
    Some(iso)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generated::types::*;
    use serde_json::json;

    fn problems(ty: &'static StructType, v: Value) -> Vec<String> {
        validate(ty, &v)
            .expect_err("expected problems")
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn keys_take_graphs_spelling_and_scalars_convert() {
        let ok = validate(
            &T_MICROSOFT_GRAPH_PARTICIPANT,
            &json!({"ISMUTED": "true", "Info": {"Identity": {"User": {"Id": 5}}}, "extra": 1}),
        )
        .unwrap();
        assert_eq!(
            ok.body,
            json!({"isMuted": true, "info": {"identity": {"user": {"id": "5"}}}, "extra": 1})
        );
    }

    #[test]
    fn every_problem_at_once_with_its_path() {
        let found = problems(
            &T_MICROSOFT_GRAPH_PARTICIPANT,
            json!({"isMuted": "yes", "info": "text", "rosterSequenceNumber": "x"}),
        );
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found
            .iter()
            .any(|p| p.starts_with("isMuted: expected a boolean")));
        assert!(found
            .iter()
            .any(|p| p.starts_with("info: expected a hashtable")));
        assert!(found
            .iter()
            .any(|p| p.starts_with("rosterSequenceNumber: expected a whole number (Int64)")));
        let range = problems(
            &B_INVOKE_MG_ANSWER_COMMUNICATION_CALL,
            json!({"callbackUri": "x", "mediaConfig": {"@odata.type": "#microsoft.graph.appHostedMediaConfig"}, "participantCapacity": 99999999999i64}),
        );
        assert_eq!(
            range,
            ["participantCapacity: 99999999999 is out of range for a whole number (Int32)"]
        );
    }

    #[test]
    fn abstract_types_need_odata_type_and_derived_types_are_checked() {
        let found = problems(
            &B_INVOKE_MG_ANSWER_COMMUNICATION_CALL,
            json!({"callbackUri": "https://x", "mediaConfig": {}}),
        );
        assert!(
            found[0]
                .starts_with("mediaConfig: is a microsoft.graph.mediaConfig, which is abstract"),
            "{found:?}"
        );
        let ok = validate(
            &B_INVOKE_MG_ANSWER_COMMUNICATION_CALL,
            &json!({"CallbackUri": "https://x", "mediaConfig": {"@odata.type": "#microsoft.graph.appHostedMediaConfig", "BLOB": "b"}, "acceptedModalities": "AUDIO"}),
        )
        .unwrap();
        assert_eq!(ok.body["mediaConfig"]["blob"], "b");
        assert_eq!(ok.body["acceptedModalities"], json!(["audio"]));
    }

    #[test]
    fn required_action_parameters_and_unknown_enum_members() {
        let found = problems(&B_INVOKE_MG_ANSWER_COMMUNICATION_CALL, json!({}));
        assert!(
            found.iter().any(|p| p == "callbackUri: is required"),
            "{found:?}"
        );
        let ok = validate(
            &B_INVOKE_MG_ANSWER_COMMUNICATION_CALL,
            &json!({"callbackUri": "x", "mediaConfig": {"@odata.type": "#microsoft.graph.serviceHostedMediaConfig"}, "acceptedModalities": ["hologram"]}),
        )
        .unwrap();
        assert_eq!(ok.warnings.len(), 1);
        assert_eq!(ok.body["acceptedModalities"], json!(["hologram"]));
    }

    #[test]
    fn durations_and_dates() {
        assert_eq!(timespan_to_iso("00:01:30").as_deref(), Some("PT1M30S"));
        assert_eq!(timespan_to_iso("1.02:00:00").as_deref(), Some("P1DT2H"));
        assert!(is_iso_duration("PT30S") && !is_iso_duration("P") && !is_iso_duration("30"));
        assert!(
            is_date_time("2026-11-28T09:00:00.123Z") && is_date_time("2026-11-28T09:00:00+01:00")
        );
        assert!(!is_date_time("2026-11-28") && !is_date_time("yesterday"));
        assert!(is_guid("8c6a3b8e-1d1f-4b7e-9c55-6f3f0f5d2a10") && !is_guid("8c6a3b8e"));
    }
}
