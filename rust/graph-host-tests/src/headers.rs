//! Generated `-Headers` for both cmdlets, what must arrive of them, and how a case saves them.

use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::Value;

use crate::oracle::Refusal;
use crate::ps_value::{MapKind, PsValue};
use crate::strategies::text;

/// Header names and their values as UTF-16 (so lone surrogates can be given).
pub type Headers = Vec<(String, Vec<u16>)>;

/// No headers in 70% of cases; else one or two `x-fuzz-*` headers with any text.
pub fn headers() -> impl Strategy<Value = Option<Headers>> {
    proptest::option::weighted(
        0.3,
        vec(("x-fuzz-[a-z]{1,6}", text()), 1..3).prop_map(|mut pairs| {
            let mut seen = std::collections::HashSet::new();
            pairs.retain(|(k, _)| seen.insert(k.clone()));
            pairs
        }),
    )
}

/// The hashtable a script passes as `-Headers`.
pub fn as_value(headers: &Headers) -> PsValue {
    PsValue::Map(
        MapKind::Hashtable,
        headers
            .iter()
            .map(|(k, v)| (k.clone(), PsValue::Str(v.clone())))
            .collect(),
    )
}

/// Header values travel as printable ASCII, spaces and tabs (trimmed at the ends, as HTTP
/// does); anything else is refused by name.
pub fn expected(headers: Option<&Headers>, refusals: &mut Vec<Refusal>) -> Vec<(String, String)> {
    let mut sent = Vec::new();
    for (name, value) in headers.map(Vec::as_slice).unwrap_or_default() {
        let refuse = |path: String, says| Refusal { path, says };
        match String::from_utf16(value) {
            Err(_) => refusals.push(refuse(format!("Headers.{name}"), "surrogate")),
            Ok(v) if v.contains(['\r', '\n', '\0']) => {
                refusals.push(refuse(name.clone(), "CR, LF or NUL"))
            }
            Ok(v) if !v.chars().all(|c| c == '\t' || (' '..='~').contains(&c)) => {
                refusals.push(refuse(name.clone(), "ASCII"))
            }
            Ok(v) => sent.push((name.clone(), v.trim_matches([' ', '\t']).to_string())),
        }
    }
    sent
}

pub fn to_saved(headers: Option<&Headers>) -> Value {
    headers.map_or(Value::Null, |h| as_value(h).typed())
}

/// `None` when the saved value is not headers; `Some(None)` when there were none.
pub fn from_saved(saved: Option<&Value>) -> Option<Option<Headers>> {
    match saved {
        Some(Value::Null) | None => Some(None),
        Some(h) => match PsValue::from_typed(h)? {
            PsValue::Map(_, entries) => entries
                .into_iter()
                .map(|(k, v)| match v {
                    PsValue::Str(units) => Some((k, units)),
                    _ => None,
                })
                .collect::<Option<Headers>>()
                .map(Some),
            _ => None,
        },
    }
}
