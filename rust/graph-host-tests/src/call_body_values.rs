//! Values for the call commands' bodies, generated from the schema model in
//! `call_body_oracle.rs`: mostly what each property takes (in every form PowerShell users
//! write it), sometimes the wrong kind of value, `$null`, an abstract object without its
//! `@odata.type`, an unknown type or enum member. The generator only proposes; the oracle
//! alone says what each value must become.

use std::collections::HashSet;

use once_cell::sync::Lazy;
use proptest::collection::vec;
use proptest::prelude::*;

use crate::call_body_schema::{known_names, Complex, EnumType, Ty};
use crate::ps_value::{ListKind, MapKind, PsValue};
use crate::strategies::{any_value, clean_text, keys, list_kind, map_kind, spell, text};

static KNOWN: Lazy<HashSet<String>> = Lazy::new(known_names);

/// Keys that no type of the model names (so that the oracle knows they are kept as sent).
pub fn unknown(keys: Vec<String>) -> Vec<String> {
    keys.into_iter()
        .filter(|k| !KNOWN.contains(&k.to_ascii_lowercase()))
        .collect()
}

/// What an unknown key holds: plain values mostly, any value (poisons included) one time in four.
fn extra_value() -> BoxedStrategy<PsValue> {
    let plain = prop_oneof![
        clean_text().prop_map(|s| PsValue::text(&s)),
        any::<i64>().prop_map(PsValue::Long),
        any::<bool>().prop_map(PsValue::Bool),
        Just(PsValue::Null),
    ];
    prop_oneof![
        3 => plain.clone(),
        1 => (map_kind(), keys(0..3), vec(plain, 3))
            .prop_map(|(kind, k, v)| PsValue::Map(kind, k.into_iter().zip(v).collect())),
        1 => any_value(),
    ]
    .boxed()
}

/// Unknown keys with any values, for objects that get them.
pub fn extras(range: std::ops::Range<usize>) -> BoxedStrategy<Vec<(String, PsValue)>> {
    (keys(range), vec(extra_value(), 3))
        .prop_map(|(k, v)| unknown(k).into_iter().zip(v).collect())
        .boxed()
}

/// Text as users pass it to a text property: strings of every kind, numbers, booleans.
pub fn text_value(ascii: bool) -> BoxedStrategy<PsValue> {
    let strings = if ascii {
        // `Unicode="false"` in the metadata: kept to printable ASCII (a lone surrogate is
        // still tried, which the writer must refuse before anything else looks at it).
        prop_oneof![
            8 => "[ -~]{0,40}".prop_map(|s| PsValue::text(&s)),
            1 => Just(PsValue::Str(vec![0x61, 0xd83d, 0x62])),
        ]
        .boxed()
    } else {
        prop_oneof![
            8 => clean_text().prop_map(|s| PsValue::text(&s)),
            1 => text().prop_map(PsValue::Str),
        ]
        .boxed()
    };
    prop_oneof![
        8 => strings,
        1 => any::<i32>().prop_map(PsValue::Int),
        1 => any::<i64>().prop_map(PsValue::Long),
        1 => any::<bool>().prop_map(PsValue::Bool),
    ]
    .boxed()
}

fn flag_value() -> BoxedStrategy<PsValue> {
    prop_oneof![
        4 => any::<bool>().prop_map(PsValue::Bool),
        2 => prop::sample::select(vec!["true", "False", " TRUE ", "yes", "0", ""]).prop_map(PsValue::text),
        1 => prop::sample::select(vec![0, 1, 7]).prop_map(PsValue::Int),
    ]
    .boxed()
}

/// Whole numbers as users write them: ints, longs, digit text (padded, signed, too long),
/// floats (integral or not, in and out of range; never -0.0), decimals.
fn whole_value() -> BoxedStrategy<PsValue> {
    prop_oneof![
        4 => any::<i32>().prop_map(PsValue::Int),
        1 => prop_oneof![any::<i64>(), -3_000_000_000i64..3_000_000_000].prop_map(PsValue::Long),
        2 => (
            prop::sample::select(vec!["", " ", "  "]),
            prop::sample::select(vec!["", "+", "-"]),
            "[0-9]{1,22}",
            prop::sample::select(vec!["", " "]),
        )
            .prop_map(|(a, sign, d, b)| PsValue::text(&format!("{a}{sign}{d}{b}"))),
        1 => prop::sample::select(vec!["", "+", "1e3", "0x10", "12.0", "- 5", "abc"]).prop_map(PsValue::text),
        1 => prop::sample::select(vec![0.0, 1.0, 7.0, -3.0, 2.5, 0.1, 1e9, 3e9, -3e9, 1e20])
            .prop_map(PsValue::Double),
        // Not "3.0": the module refuses a decimal written with a fraction (reported).
        1 => prop::sample::select(vec!["3", "3.5", "-12", "2147483648", "9223372036854775808"])
            .prop_map(|d| PsValue::Decimal(d.to_string())),
    ]
    .boxed()
}

/// A member in any case (sometimes space-padded), or one this schema does not have.
pub fn enum_value(e: &'static EnumType) -> BoxedStrategy<PsValue> {
    let member = (
        prop::sample::select(e.members),
        0usize..4,
        prop::sample::select(vec!["", "", "", " "]),
    )
        .prop_map(|(m, spelling, pad)| PsValue::text(&format!("{pad}{}{pad}", spell(m, spelling))));
    let unknown = prop::sample::select(vec![
        "hologram",
        "screenSharing",
        "ringing",
        "",
        "tone12",
        "Audio Video",
    ])
    .prop_map(PsValue::text);
    prop_oneof![8 => member, 1 => unknown].boxed()
}

/// A value of the wrong kind for `ty` (the oracle says whether it is converted or refused).
/// Never a float for text: .NET and Rust print floats differently, and no schema rule is at stake.
fn wrong_value(ty: Ty) -> BoxedStrategy<PsValue> {
    let mut options: Vec<BoxedStrategy<PsValue>> = vec![
        any::<i32>().prop_map(PsValue::Int).boxed(),
        any::<bool>().prop_map(PsValue::Bool).boxed(),
        text().prop_map(PsValue::Str).boxed(),
        (map_kind(), extras(0..2))
            .prop_map(|(k, e)| PsValue::Map(k, e))
            .boxed(),
        (list_kind(), vec(clean_text(), 0..3))
            .prop_map(|(k, items)| {
                PsValue::List(k, items.iter().map(|s| PsValue::text(s)).collect())
            })
            .boxed(),
    ];
    if !matches!(ty, Ty::Text) {
        options.push(Just(PsValue::Double(2.5)).boxed());
    }
    proptest::strategy::Union::new(options).boxed()
}

/// What a property of type `ty` gets: mostly a fitting value, sometimes a wrong one or `$null`.
pub fn typed_value(ty: Ty, spelling: usize, ascii: bool) -> BoxedStrategy<PsValue> {
    let fitting = match ty {
        Ty::Text => text_value(ascii),
        Ty::Flag => flag_value(),
        Ty::Int32 | Ty::Int64 => whole_value(),
        Ty::Enum(e) => enum_value(e),
        Ty::Object(c) => object_value(c, spelling, None),
        Ty::List(item, nulls) => list_value(*item, nulls, spelling, None),
    };
    prop_oneof![
        40 => fitting,
        1 => wrong_value(ty),
        1 => Just(PsValue::Null),
    ]
    .boxed()
}

/// A collection: a list (or, one time in eight, its only item given alone).
pub fn list_value(
    item: Ty,
    nulls: bool,
    spelling: usize,
    kind: Option<ListKind>,
) -> BoxedStrategy<PsValue> {
    // Null items only where the schema allows them (prompts' may not be null; see the report).
    let one = if nulls {
        typed_value(item, spelling, false)
    } else {
        typed_value(item, spelling, false)
            .prop_filter("no null items here", |v| *v != PsValue::Null)
            .boxed()
    };
    let kind = match kind {
        Some(k) => Just(k).boxed(),
        None => list_kind().boxed(),
    };
    prop_oneof![
        7 => (kind, vec(one.clone(), 0..4)).prop_map(|(k, items)| PsValue::List(k, items)),
        1 => one,
    ]
    .boxed()
}

/// Which `@odata.type` an object carries.
#[derive(Debug, Clone)]
enum Tag {
    None,
    Known(&'static Complex),
    Unknown(&'static str),
    NotText(PsValue),
}

fn tag(declared: &'static Complex) -> BoxedStrategy<Tag> {
    let odd = prop_oneof![
        prop::sample::select(vec![
            "#microsoft.graph.fooConfig",
            "#microsoft.graph.call",
            "#microsoft.graph.user",
        ])
        .prop_map(Tag::Unknown),
        prop::sample::select(vec![PsValue::Int(5), PsValue::Null, PsValue::Bool(true)])
            .prop_map(Tag::NotText),
    ];
    if declared.is_abstract {
        prop_oneof![
            30 => prop::sample::select(declared.concrete()).prop_map(Tag::Known),
            1 => Just(Tag::None),
            1 => odd,
        ]
        .boxed()
    } else {
        prop_oneof![
            20 => Just(Tag::None),
            2 => Just(Tag::Known(declared)),
            1 => odd,
        ]
        .boxed()
    }
}

/// An object of `declared` (or of a concrete type derived from it): its properties in the
/// case's spelling, each non-nullable one always, the others now and then, and sometimes
/// unknown keys. `kind` forces the container (a `[hashtable]` parameter takes no other).
pub fn object_value(
    declared: &'static Complex,
    spelling: usize,
    kind: Option<MapKind>,
) -> BoxedStrategy<PsValue> {
    let kind = match kind {
        Some(k) => Just(k).boxed(),
        None => map_kind().boxed(),
    };
    (
        tag(declared),
        kind,
        proptest::option::weighted(0.15, extras(0..2)),
    )
        .prop_flat_map(move |(tag, kind, extra)| {
            let ty = match &tag {
                Tag::Known(t) => *t,
                _ => declared,
            };
            let fields: Vec<BoxedStrategy<Option<(String, PsValue)>>> = ty
                .all_props()
                .into_iter()
                .map(|p| {
                    let name = spell(p.name, spelling);
                    let value = typed_value(p.ty, spelling, false);
                    if p.nullable {
                        proptest::option::weighted(0.4, value)
                            .prop_map(move |v| v.map(|v| (name.clone(), v)))
                            .boxed()
                    } else {
                        value.prop_map(move |v| Some((name.clone(), v))).boxed()
                    }
                })
                .collect();
            let tag_entry = match &tag {
                Tag::None => None,
                Tag::Known(t) => Some(PsValue::text(&t.odata_type())),
                Tag::Unknown(name) => Some(PsValue::text(name)),
                Tag::NotText(v) => Some(v.clone()),
            }
            .map(|v| (spell("@odata.type", spelling), v));
            let extra = extra.unwrap_or_default();
            fields.prop_map(move |fields| {
                let mut entries: Vec<(String, PsValue)> = tag_entry.clone().into_iter().collect();
                entries.extend(fields.into_iter().flatten());
                entries.extend(extra.iter().cloned());
                PsValue::Map(kind, entries)
            })
        })
        .boxed()
}

/// How PowerShell binds an expanded parameter of the generated cmdlet before the shim sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    /// `[string]`: numbers and booleans become their text.
    Text,
    /// `[string[]]`: each item becomes text; one value becomes an array of one.
    TextList,
    /// `[int]`: digit text is converted; what does not fit is a binding error.
    Int,
    /// `[hashtable]`: the shim takes it as it is.
    Hashtable,
    /// A model interface with `[PowerShellValueTransformation]`: any dictionary or object.
    Model,
}

/// What an expanded parameter gets (values its binding takes, and a few it refuses).
pub fn bound_value(
    binding: Binding,
    ty: Ty,
    spelling: usize,
    ascii: bool,
) -> BoxedStrategy<PsValue> {
    match (binding, ty) {
        (Binding::Text, Ty::Enum(e)) => prop_oneof![
            6 => enum_value(e),
            1 => any::<i32>().prop_map(PsValue::Int),
            1 => Just(PsValue::Null),
        ]
        .boxed(),
        (Binding::Text, _) => prop_oneof![
            12 => text_value(ascii),
            1 => Just(PsValue::Null),
        ]
        .boxed(),
        (Binding::TextList, Ty::List(&Ty::Enum(e), _)) => {
            let item = prop_oneof![8 => enum_value(e), 1 => (0..9i32).prop_map(PsValue::Int)];
            prop_oneof![
                6 => vec(item.clone(), 0..4).prop_map(|items| PsValue::List(ListKind::Array, items)),
                1 => item,
            ]
            .boxed()
        }
        (Binding::Int, _) => prop_oneof![
            8 => any::<i32>().prop_map(PsValue::Int),
            1 => (0u32..100_000).prop_map(|n| PsValue::text(&format!(" {n} "))),
            1 => prop::sample::select(vec![3_000_000_000i64, -2_147_483_649]).prop_map(PsValue::Long),
            1 => Just(PsValue::text("abc")),
        ]
        .boxed(),
        (Binding::Hashtable, Ty::Object(c)) => prop_oneof![
            12 => object_value(c, spelling, Some(MapKind::Hashtable)),
            1 => Just(PsValue::Null),
        ]
        .boxed(),
        (_, Ty::Object(c)) => object_value(c, spelling, None),
        (_, Ty::List(&Ty::Object(c), _)) => prop_oneof![
            6 => (list_kind(), vec(object_value(c, spelling, None), 0..4))
                .prop_map(|(k, items)| PsValue::List(k, items)),
            1 => object_value(c, spelling, None),
        ]
        .boxed(),
        (binding, ty) => unreachable!("no expanded parameter binds {ty:?} as {binding:?}"),
    }
}

/// The value PowerShell hands the cmdlet for `value` bound as `binding` to a parameter of
/// type `ty`, or why binding fails.
pub fn bind(binding: Binding, ty: Ty, value: &PsValue) -> Result<PsValue, &'static str> {
    let as_text = |v: &PsValue| match v {
        PsValue::Int(i) => PsValue::text(&i.to_string()),
        PsValue::Long(l) => PsValue::text(&l.to_string()),
        PsValue::Bool(b) => PsValue::text(if *b { "True" } else { "False" }),
        other => other.clone(),
    };
    match (binding, value) {
        (Binding::Text, v) => Ok(as_text(v)),
        (Binding::TextList, PsValue::List(kind, items)) => {
            Ok(PsValue::List(*kind, items.iter().map(as_text).collect()))
        }
        (Binding::TextList, v) => Ok(PsValue::List(ListKind::Array, vec![as_text(v)])),
        (Binding::Int, PsValue::Int(i)) => Ok(PsValue::Int(*i)),
        (Binding::Int, PsValue::Long(l)) => {
            i32::try_from(*l).map(PsValue::Int).map_err(|_| "cannot")
        }
        (Binding::Int, PsValue::Str(units)) => String::from_utf16(units)
            .ok()
            .and_then(|s| s.trim().parse::<i32>().ok())
            .map(PsValue::Int)
            .ok_or("cannot"),
        (Binding::Int, _) => Err("cannot"),
        // An array parameter given one object holds an array of one.
        (Binding::Model, v @ PsValue::Map(..)) if matches!(ty, Ty::List(..)) => {
            Ok(PsValue::List(ListKind::Array, vec![v.clone()]))
        }
        (Binding::Hashtable | Binding::Model, v) => Ok(v.clone()),
    }
}
