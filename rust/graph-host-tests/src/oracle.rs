//! An independent model of what a PowerShell value becomes on the wire: the
//! generic conversion (Microsoft's, as ConvertTo-Json and the Graph models do
//! it) and the invite body's schema from Graph's documentation. It shares no
//! code with graph-core or the C# writer, so that a disagreement shows.

use serde_json::{Map, Number, Value};

use crate::ps_value::{DateKind, PsValue};

/// Deeper than this many containers is refused (the writer's documented limit).
pub const MAX_DEPTH: usize = 64;
/// The harness runs .NET with TZ=Etc/GMT-3: local time is UTC+3 all year.
pub const LOCAL_OFFSET_TICKS: i64 = 3 * 3600 * 10_000_000;

/// The longest URL a request can carry (the `http` crate's limit for a URI).
pub const MAX_URL_LEN: usize = 65_534;

/// A value that must be refused, the place it is at, and a word the message must hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub path: String,
    pub says: &'static str,
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// The JSON a value becomes, or every place that must be refused (the writer
/// stops at the first it meets, in the container's own order).
pub fn to_json(value: &PsValue, path: &str) -> Result<Value, Vec<Refusal>> {
    let mut refusals = Vec::new();
    let json = convert(value, path, 0, &mut refusals);
    if refusals.is_empty() {
        Ok(json)
    } else {
        Err(refusals)
    }
}

fn refuse(refusals: &mut Vec<Refusal>, path: &str, says: &'static str) -> Value {
    refusals.push(Refusal {
        path: path.to_string(),
        says,
    });
    Value::Null
}

fn convert(value: &PsValue, path: &str, depth: usize, refusals: &mut Vec<Refusal>) -> Value {
    if depth > MAX_DEPTH {
        return refuse(refusals, path, "levels deep");
    }
    match value {
        PsValue::Null => Value::Null,
        PsValue::Int(i) => Value::from(*i),
        PsValue::Long(l) => Value::from(*l),
        PsValue::Double(d) if d.is_finite() => {
            Number::from_f64(*d).map_or(Value::Null, Value::Number)
        }
        PsValue::Double(_) => refuse(refusals, path, "no JSON form"),
        PsValue::Decimal(text) => text
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map_or(Value::Null, Value::Number),
        PsValue::Bool(b) => Value::Bool(*b),
        PsValue::Str(units) => match String::from_utf16(units) {
            Ok(text) => Value::String(text),
            Err(_) => refuse(refusals, path, "surrogate"),
        },
        PsValue::Date { ticks, kind } => Value::String(format_utc(match kind {
            DateKind::Utc => *ticks,
            DateKind::Local | DateKind::Unspecified => ticks - LOCAL_OFFSET_TICKS,
        })),
        PsValue::Guid(g) => Value::String(g.to_ascii_lowercase()),
        PsValue::Enum(name) => Value::String(name.to_string()),
        PsValue::Secure(_) => refuse(refusals, path, "SecureString"),
        PsValue::Credential(..) => refuse(refusals, path, "PSCredential"),
        PsValue::Script(_) => refuse(refusals, path, "script block"),
        PsValue::Cycle => refuse(refusals, path, "refers back to itself"),
        PsValue::Map(_, entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), convert(v, &join(path, k), depth + 1, refusals)))
                .collect(),
        ),
        PsValue::List(_, items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| convert(v, &format!("{path}[{i}]"), depth + 1, refusals))
                .collect(),
        ),
    }
}

/// `yyyy-MM-ddTHH:mm:ss.FFFFFFFZ` of .NET ticks (100 ns since 0001-01-01).
pub fn format_utc(ticks: i64) -> String {
    const TICKS_PER_DAY: i64 = 864_000_000_000;
    let days = ticks.div_euclid(TICKS_PER_DAY);
    let in_day = ticks.rem_euclid(TICKS_PER_DAY);
    // Days since 1970-01-01, then Howard Hinnant's civil-from-days.
    let z = days - 719_162 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let seconds = in_day / 10_000_000;
    let fraction = in_day % 10_000_000;
    let mut text = format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    );
    if fraction > 0 {
        text.push_str(format!(".{fraction:07}").trim_end_matches('0'));
    }
    text.push('Z');
    text
}

/// Graph's invite body, as documented: property names, and what each holds.
#[derive(Clone, Copy)]
enum Field {
    Text,
    Flag,
    Object(&'static [(&'static str, Field)]),
    ListOf(&'static [(&'static str, Field)]),
}

const IDENTITY: &[(&str, Field)] = &[("displayName", Field::Text), ("id", Field::Text)];
const IDENTITY_SET: &[(&str, Field)] = &[
    ("application", Field::Object(IDENTITY)),
    ("applicationInstance", Field::Object(IDENTITY)),
    ("azureCommunicationServicesUser", Field::Object(IDENTITY)),
    ("device", Field::Object(IDENTITY)),
    ("encrypted", Field::Object(IDENTITY)),
    ("guest", Field::Object(IDENTITY)),
    ("onPremises", Field::Object(IDENTITY)),
    ("phone", Field::Object(IDENTITY)),
    ("user", Field::Object(IDENTITY)),
];
const PARTICIPANT: &[(&str, Field)] = &[
    ("hidden", Field::Flag),
    ("identity", Field::Object(IDENTITY_SET)),
    ("participantId", Field::Text),
    ("removeFromDefaultAudioRoutingGroup", Field::Flag),
    ("replacesCallId", Field::Text),
];
const INVITE: &[(&str, Field)] = &[
    ("clientContext", Field::Text),
    ("participants", Field::ListOf(PARTICIPANT)),
];

/// What the service must receive for a body, or the places a user must be told about.
pub fn expected_invite_body(body: &Value) -> Result<Value, Vec<Refusal>> {
    let mut refusals = Vec::new();
    let Value::Object(map) = body else {
        return Err(vec![Refusal {
            path: String::new(),
            says: "expected a hashtable",
        }]);
    };
    let shaped = shape_object(INVITE, map, "", &mut refusals);
    if refusals.is_empty() {
        Ok(Value::Object(shaped))
    } else {
        Err(refusals)
    }
}

fn shape_object(
    schema: &[(&str, Field)],
    map: &Map<String, Value>,
    path: &str,
    refusals: &mut Vec<Refusal>,
) -> Map<String, Value> {
    map.iter()
        .map(|(key, value)| {
            match schema
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(key))
            {
                Some((name, field)) => {
                    let shaped = shape(*field, value, &join(path, name), refusals);
                    (name.to_string(), shaped)
                }
                None => (key.clone(), value.clone()),
            }
        })
        .collect()
}

fn shape(field: Field, value: &Value, path: &str, refusals: &mut Vec<Refusal>) -> Value {
    if value.is_null() {
        return Value::Null;
    }
    match (field, value) {
        (Field::Text, Value::String(_)) => value.clone(),
        (Field::Text, Value::Number(n)) if n.is_i64() || n.is_u64() => Value::String(n.to_string()),
        (Field::Text, Value::Bool(b)) => Value::String(if *b { "True" } else { "False" }.into()),
        (Field::Flag, Value::Bool(_)) => value.clone(),
        (Field::Flag, Value::String(s)) if s.trim().eq_ignore_ascii_case("true") => {
            Value::Bool(true)
        }
        (Field::Flag, Value::String(s)) if s.trim().eq_ignore_ascii_case("false") => {
            Value::Bool(false)
        }
        (Field::Flag, Value::Number(n)) => Value::Bool(n.as_f64() != Some(0.0)),
        (Field::Object(schema), Value::Object(map)) => {
            Value::Object(shape_object(schema, map, path, refusals))
        }
        (Field::ListOf(schema), Value::Array(items)) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    shape(
                        Field::Object(schema),
                        item,
                        &format!("{path}[{i}]"),
                        refusals,
                    )
                })
                .collect(),
        ),
        // One participant without @( ) is a list of one.
        (Field::ListOf(schema), Value::Object(_)) => Value::Array(vec![shape(
            Field::Object(schema),
            value,
            &format!("{path}[0]"),
            refusals,
        )]),
        _ => refuse(refusals, path, "expected"),
    }
}

/// JSON equality where numbers compare by value (1.0 and 1 are one number on the wire).
pub fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(i), Some(j)) => i == j,
            _ => x.as_f64() == y.as_f64(),
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_json(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_format_as_dotnet_does() {
        assert_eq!(format_utc(0), "0001-01-01T00:00:00Z");
        // 2024-02-29T13:45:30.1234500Z
        let ticks = 638_448_111_301_234_500;
        assert_eq!(format_utc(ticks), "2024-02-29T13:45:30.12345Z");
        assert_eq!(
            format_utc(3_155_378_975_999_999_999),
            "9999-12-31T23:59:59.9999999Z"
        );
    }
}
