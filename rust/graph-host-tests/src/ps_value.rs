//! The values a PowerShell script can hold, described so that the harness can
//! build them (`TypedValues.cs`) and the oracle can predict what they become.

use serde_json::{json, Value};

/// `DateTime.Kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateKind {
    Utc,
    Local,
    Unspecified,
}

/// Which PowerShell container holds entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapKind {
    /// `@{}`
    Hashtable,
    /// `[ordered]@{}`
    Ordered,
    /// `[pscustomobject]@{}`
    PsCustom,
}

/// Which PowerShell container holds items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    /// `@()` (object[])
    Array,
    /// `[System.Collections.Generic.List[object]]`
    List,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PsValue {
    Null,
    Int(i32),
    Long(i64),
    Double(f64),
    /// The decimal's invariant text.
    Decimal(String),
    Bool(bool),
    /// UTF-16 code units, so that lone surrogates can be expressed.
    Str(Vec<u16>),
    Date {
        ticks: i64,
        kind: DateKind,
    },
    Guid(String),
    /// A `[DayOfWeek]` member.
    Enum(&'static str),
    Secure(String),
    /// A `PSCredential` (user name and password).
    Credential(String, String),
    Script(String),
    Map(MapKind, Vec<(String, PsValue)>),
    List(ListKind, Vec<PsValue>),
    /// The nearest enclosing container (a value that refers back to itself).
    Cycle,
}

impl PsValue {
    pub fn text(s: &str) -> Self {
        PsValue::Str(s.encode_utf16().collect())
    }

    pub fn map(kind: MapKind, entries: Vec<(&str, PsValue)>) -> Self {
        PsValue::Map(
            kind,
            entries
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        )
    }

    /// The typed JSON `TypedValues.cs` reads.
    pub fn typed(&self) -> Value {
        match self {
            PsValue::Null => json!({"t": "null"}),
            PsValue::Int(i) => json!({"t": "int", "v": i}),
            PsValue::Long(l) => json!({"t": "long", "v": l}),
            PsValue::Double(d) if d.is_finite() => json!({"t": "double", "v": d}),
            PsValue::Double(d) => {
                let text = if d.is_nan() {
                    "NaN"
                } else if *d > 0.0 {
                    "Infinity"
                } else {
                    "-Infinity"
                };
                json!({"t": "double", "v": text})
            }
            PsValue::Decimal(text) => json!({"t": "decimal", "v": text}),
            PsValue::Bool(b) => json!({"t": "bool", "v": b}),
            PsValue::Str(units) => match String::from_utf16(units) {
                Ok(text) => json!({"t": "str", "v": text}),
                Err(_) => json!({"t": "str", "u": units}),
            },
            PsValue::Date { ticks, kind } => {
                json!({"t": "date", "ticks": ticks, "kind": format!("{kind:?}")})
            }
            PsValue::Guid(g) => json!({"t": "guid", "v": g}),
            PsValue::Enum(name) => json!({"t": "enum", "v": name}),
            PsValue::Secure(s) => json!({"t": "secure", "v": s}),
            PsValue::Credential(user, password) => {
                json!({"t": "credential", "user": user, "password": password})
            }
            PsValue::Script(s) => json!({"t": "script", "v": s}),
            PsValue::Map(kind, entries) => {
                let t = match kind {
                    MapKind::Hashtable => "hashtable",
                    MapKind::Ordered => "ordered",
                    MapKind::PsCustom => "pscustom",
                };
                let e: Vec<Value> = entries.iter().map(|(k, v)| json!([k, v.typed()])).collect();
                json!({"t": t, "e": e})
            }
            PsValue::List(kind, items) => {
                let t = match kind {
                    ListKind::Array => "array",
                    ListKind::List => "list",
                };
                let i: Vec<Value> = items.iter().map(PsValue::typed).collect();
                json!({"t": t, "i": i})
            }
            PsValue::Cycle => json!({"t": "cycle"}),
        }
    }

    /// Reads back what `typed` wrote (regression cases are saved as typed JSON).
    pub fn from_typed(typed: &Value) -> Option<PsValue> {
        let v = typed.get("v");
        Some(match typed.get("t")?.as_str()? {
            "null" => PsValue::Null,
            "int" => PsValue::Int(i32::try_from(v?.as_i64()?).ok()?),
            "long" => PsValue::Long(v?.as_i64()?),
            "double" => PsValue::Double(match v? {
                Value::String(s) => match s.as_str() {
                    "NaN" => f64::NAN,
                    "Infinity" => f64::INFINITY,
                    _ => f64::NEG_INFINITY,
                },
                n => n.as_f64()?,
            }),
            "decimal" => PsValue::Decimal(v?.as_str()?.to_string()),
            "bool" => PsValue::Bool(v?.as_bool()?),
            "str" => match v {
                Some(text) => PsValue::text(text.as_str()?),
                None => PsValue::Str(
                    typed
                        .get("u")?
                        .as_array()?
                        .iter()
                        .map(|u| u.as_u64().and_then(|u| u16::try_from(u).ok()))
                        .collect::<Option<_>>()?,
                ),
            },
            "date" => PsValue::Date {
                ticks: typed.get("ticks")?.as_i64()?,
                kind: match typed.get("kind")?.as_str()? {
                    "Utc" => DateKind::Utc,
                    "Local" => DateKind::Local,
                    _ => DateKind::Unspecified,
                },
            },
            "guid" => PsValue::Guid(v?.as_str()?.to_string()),
            "enum" => PsValue::Enum(
                crate::strategies::DAYS
                    .iter()
                    .find(|d| Some(**d) == v.and_then(Value::as_str))?,
            ),
            "secure" => PsValue::Secure(v?.as_str()?.to_string()),
            "credential" => PsValue::Credential(
                typed.get("user")?.as_str()?.to_string(),
                typed.get("password")?.as_str()?.to_string(),
            ),
            "script" => PsValue::Script(v?.as_str()?.to_string()),
            t @ ("hashtable" | "ordered" | "pscustom") => PsValue::Map(
                match t {
                    "hashtable" => MapKind::Hashtable,
                    "ordered" => MapKind::Ordered,
                    _ => MapKind::PsCustom,
                },
                typed
                    .get("e")?
                    .as_array()?
                    .iter()
                    .map(|e| {
                        Some((
                            e.get(0)?.as_str()?.to_string(),
                            PsValue::from_typed(e.get(1)?)?,
                        ))
                    })
                    .collect::<Option<_>>()?,
            ),
            t @ ("array" | "list") => PsValue::List(
                if t == "array" {
                    ListKind::Array
                } else {
                    ListKind::List
                },
                typed
                    .get("i")?
                    .as_array()?
                    .iter()
                    .map(PsValue::from_typed)
                    .collect::<Option<_>>()?,
            ),
            "cycle" => PsValue::Cycle,
            _ => return None,
        })
    }
}
