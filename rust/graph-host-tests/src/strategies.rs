//! proptest strategies for the values PowerShell users pass.

use proptest::collection::vec;
use proptest::prelude::*;

use crate::ps_value::{DateKind, ListKind, MapKind, PsValue};

pub const DAYS: &[&str] = &[
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// Ticks of 1900-01-01 and 2100-01-01: local times convert without clamping.
const TICKS_1900: i64 = 599_266_080_000_000_000;
const TICKS_2100: i64 = 662_380_416_000_000_000;

/// One UTF-16 code unit chosen to hit the interesting classes of text.
fn unit() -> impl Strategy<Value = Vec<u16>> {
    prop_oneof![
        6 => (0x20u16..0x7f).prop_map(|u| vec![u]),
        1 => (0u16..0x20).prop_map(|u| vec![u]),
        1 => Just(vec![0x7f]),
        2 => (0xa0u16..0xd800).prop_map(|u| vec![u]),
        1 => (0xe000u16..=0xffff).prop_map(|u| vec![u]),
        // A whole emoji (a surrogate pair).
        1 => (0x1f300u32..0x1faff).prop_map(|c| {
            char::from_u32(c).map(|c| c.encode_utf16(&mut [0; 2]).to_vec()).unwrap_or_default()
        }),
        // Half of one.
        1 => (0xd800u16..0xe000).prop_map(|u| vec![u]),
    ]
}

/// Text of any kind: empty, short, with every class of character, and sometimes 100k long.
pub fn text() -> impl Strategy<Value = Vec<u16>> {
    prop_oneof![
        300 => vec(unit(), 0..24).prop_map(|parts| parts.concat()),
        // Rare: each 100k string costs a few milliseconds through every layer.
        1 => (any::<u8>(), 0usize..3).prop_map(|(seed, tail)| {
            let mut long: Vec<u16> = "x".repeat(100_000).encode_utf16().collect();
            long[usize::from(seed) * 300] = 0x00e9;
            long.extend(std::iter::repeat_n(0xd83d, tail.min(1)));
            long
        }),
    ]
}

/// Text a user would type: printable, no lone surrogates (for names that must reach Graph).
pub fn clean_text() -> impl Strategy<Value = String> {
    "[ -~àéüß漢字🎉]{1,20}"
}

pub fn scalar() -> impl Strategy<Value = PsValue> {
    prop_oneof![
        Just(PsValue::Null),
        any::<i32>().prop_map(PsValue::Int),
        any::<i64>().prop_map(PsValue::Long),
        prop_oneof![
            any::<f64>(),
            Just(f64::NAN),
            Just(f64::INFINITY),
            Just(f64::NEG_INFINITY),
            Just(0.1),
            Just(-0.0),
        ]
        .prop_map(PsValue::Double),
        (any::<i64>(), 0u32..10).prop_map(|(m, scale)| PsValue::Decimal(decimal_text(m, scale))),
        any::<bool>().prop_map(PsValue::Bool),
        text().prop_map(PsValue::Str),
        (
            TICKS_1900..TICKS_2100,
            prop_oneof![
                Just(DateKind::Utc),
                Just(DateKind::Local),
                Just(DateKind::Unspecified)
            ]
        )
            .prop_map(|(ticks, kind)| PsValue::Date { ticks, kind }),
        any::<u128>().prop_map(|n| PsValue::Guid(guid_text(n))),
        proptest::sample::select(DAYS).prop_map(PsValue::Enum),
        // Nesting up to and past the writer's limit: the oracle knows which side each falls on.
        (40usize..70).prop_map(nested),
    ]
}

/// A value no request may carry: the writer must refuse it, with its place.
pub fn poison() -> impl Strategy<Value = PsValue> {
    prop_oneof![
        Just(PsValue::Double(f64::NAN)),
        Just(PsValue::Double(f64::NEG_INFINITY)),
        Just(PsValue::Secure("not-to-be-sent".into())),
        Just(PsValue::Script("Get-Date".into())),
        Just(PsValue::Cycle),
        (0u16..0x400, any::<bool>()).prop_map(|(low, high)| PsValue::Str(vec![
            0x41,
            if high { 0xd800 + low } else { 0xdc00 + low },
            0x42
        ])),
        (65usize..80).prop_map(nested),
    ]
}

/// `depth` hashtables inside one another, a string at the bottom.
pub fn nested(depth: usize) -> PsValue {
    (0..depth).fold(PsValue::text("bottom"), |inner, _| {
        PsValue::map(MapKind::Hashtable, vec![("deeper", inner)])
    })
}

fn decimal_text(mantissa: i64, scale: u32) -> String {
    let digits = mantissa.unsigned_abs().to_string();
    let scale = scale as usize;
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (int, frac) = padded.split_at(padded.len() - scale);
    let sign = if mantissa < 0 { "-" } else { "" };
    if frac.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac}")
    }
}

fn guid_text(n: u128) -> String {
    let h = format!("{n:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

pub fn map_kind() -> impl Strategy<Value = MapKind> {
    prop_oneof![
        Just(MapKind::Hashtable),
        Just(MapKind::Ordered),
        Just(MapKind::PsCustom)
    ]
}

pub fn list_kind() -> impl Strategy<Value = ListKind> {
    prop_oneof![Just(ListKind::Array), Just(ListKind::List)]
}

/// Keys users write: ASCII names, odd characters, non-ASCII letters; never two that PowerShell would
/// take for one (its dictionaries and objects ignore case).
pub fn keys(range: std::ops::Range<usize>) -> impl Strategy<Value = Vec<String>> {
    vec("[a-zA-Z@][a-zA-Z0-9_.@ -]{0,12}|[àéü漢]{1,3}", range).prop_map(|mut keys| {
        let mut seen = std::collections::HashSet::new();
        keys.retain(|k| seen.insert(k.to_uppercase()));
        keys
    })
}

/// Any value: scalars and containers nested a few levels, with any keys.
pub fn any_value() -> impl Strategy<Value = PsValue> {
    scalar().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            (map_kind(), keys(0..6), vec(inner.clone(), 6)).prop_map(|(kind, keys, values)| {
                PsValue::Map(kind, keys.into_iter().zip(values).collect())
            }),
            (list_kind(), vec(inner, 0..5)).prop_map(|(kind, items)| PsValue::List(kind, items)),
        ]
    })
}

/// Puts `poison` somewhere inside `value` (or makes it the value), following `route`.
pub fn plant(value: PsValue, poison: PsValue, route: &[usize]) -> PsValue {
    match (value, route.split_first()) {
        (PsValue::Map(kind, mut entries), Some((&pick, rest))) if !entries.is_empty() => {
            let i = pick % entries.len();
            let old = std::mem::replace(&mut entries[i].1, PsValue::Null);
            entries[i].1 = plant(old, poison, rest);
            PsValue::Map(kind, entries)
        }
        (PsValue::Map(kind, mut entries), _) => {
            entries.push(("planted".into(), poison));
            PsValue::Map(kind, entries)
        }
        (PsValue::List(kind, mut items), Some((&pick, rest))) if !items.is_empty() => {
            let i = pick % items.len();
            let old = std::mem::replace(&mut items[i], PsValue::Null);
            items[i] = plant(old, poison, rest);
            PsValue::List(kind, items)
        }
        (PsValue::List(kind, mut items), _) => {
            items.push(poison);
            PsValue::List(kind, items)
        }
        (_, _) => poison,
    }
}

/// Graph's name in one of four spellings: camelCase, PascalCase, lower, UPPER.
pub fn spell(name: &str, spelling: usize) -> String {
    match spelling % 4 {
        0 => name.to_string(),
        1 => {
            let mut c = name.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        }
        2 => name.to_ascii_lowercase(),
        _ => name.to_ascii_uppercase(),
    }
}

/// A call URL's length: the call id percent-encoded (every UTF-8 byte but `A-Z a-z 0-9 - . _ ~`
/// becomes three characters) after Graph's fixed part, then `rest` (`/participants/invite`).
pub fn call_url_length(graph_endpoint: &str, call_id: &str, rest: &str) -> usize {
    let escaped: usize = call_id
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                1
            } else {
                3
            }
        })
        .sum();
    graph_endpoint.len() + "/v1.0/communications/calls/".len() + escaped + rest.len()
}
