//! Generated invocations of Invoke-MgInviteCommunicationCallParticipant in all
//! four parameter sets, and what the oracle says each must do.

use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::{Map, Value};

use crate::headers::{self, Headers};
use crate::oracle::{self, Refusal};
use crate::ps_value::{MapKind, PsValue};
use crate::strategies::{
    any_value, call_url_length, clean_text, keys, list_kind, map_kind, plant, poison, spell, text,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InviteSet {
    Invite,
    InviteExpanded,
    InviteViaIdentity,
    InviteViaIdentityExpanded,
}

impl InviteSet {
    fn expanded(self) -> bool {
        matches!(
            self,
            InviteSet::InviteExpanded | InviteSet::InviteViaIdentityExpanded
        )
    }
    fn via_identity(self) -> bool {
        matches!(
            self,
            InviteSet::InviteViaIdentity | InviteSet::InviteViaIdentityExpanded
        )
    }
}

/// One generated invocation.
#[derive(Debug, Clone)]
pub struct InviteCase {
    pub set: InviteSet,
    pub call_id: Vec<u16>,
    /// Participant dictionaries or objects.
    pub participants: PsValue,
    pub client_context: Option<PsValue>,
    /// Keys Graph's schema does not name: sent as they are.
    pub extras: Vec<(String, PsValue)>,
    pub body_kind: MapKind,
    /// The spelling of Graph's property names: camelCase, PascalCase, lower, UPPER.
    pub spelling: usize,
    pub headers: Option<Headers>,
}

/// What must happen.
#[derive(Debug, Clone)]
pub enum Expected {
    /// The emulator receives this body for this call id, with these headers.
    Sent {
        body: Value,
        headers: Vec<(String, String)>,
    },
    /// One error names one of these places; nothing is sent.
    Refused(Vec<Refusal>),
}

/// A value for a documented text property (strings, or what PowerShell users put there).
fn text_field() -> impl Strategy<Value = PsValue> {
    prop_oneof![
        6 => text().prop_map(PsValue::Str),
        1 => any::<i32>().prop_map(PsValue::Int),
        1 => any::<i64>().prop_map(PsValue::Long),
        1 => any::<bool>().prop_map(PsValue::Bool),
        1 => Just(PsValue::Null),
    ]
}

/// A value for a documented boolean property.
fn flag_field() -> impl Strategy<Value = PsValue> {
    prop_oneof![
        4 => any::<bool>().prop_map(PsValue::Bool),
        2 => prop::sample::select(vec!["true", "False", " TRUE ", "yes", "0", ""]).prop_map(PsValue::text),
        1 => prop::sample::select(vec![0, 1, 7]).prop_map(PsValue::Int),
    ]
}

fn participant(spelling: usize) -> impl Strategy<Value = PsValue> {
    let who = prop::sample::select(vec!["user", "application", "phone", "device", "guest"]);
    (
        map_kind(),
        map_kind(),
        map_kind(),
        who,
        clean_text(),
        text_field(),
        proptest::option::of(flag_field()),
        proptest::option::of(text_field()),
        keys(0..3),
        vec(any_value(), 3),
    )
        .prop_map(
            move |(pk, ik, wk, who, id, name, hidden, replaces, extra_keys, extra_values)| {
                let whom = PsValue::Map(
                    wk,
                    vec![
                        (spell("id", spelling), PsValue::text(&id)),
                        (spell("displayName", spelling), name),
                    ],
                );
                let identity = PsValue::Map(ik, vec![(spell(who, spelling), whom)]);
                let mut entries = vec![(spell("identity", spelling), identity)];
                if let Some(h) = hidden {
                    entries.push((spell("hidden", spelling), h));
                }
                if let Some(r) = replaces {
                    entries.push((spell("replacesCallId", spelling), r));
                }
                entries.extend(unknown(extra_keys).into_iter().zip(extra_values));
                PsValue::Map(pk, entries)
            },
        )
}

/// Keys that are not Graph's property names.
fn unknown(keys: Vec<String>) -> Vec<String> {
    const NAMED: &[&str] = &[
        "participants",
        "clientcontext",
        "identity",
        "hidden",
        "replacescallid",
        "participantid",
        "removefromdefaultaudioroutinggroup",
        "callid",
    ];
    keys.into_iter()
        .filter(|k| !NAMED.contains(&k.to_ascii_lowercase().as_str()))
        .collect()
}

/// Call ids: GUID-like, the awkward ones (`.`, `a/b`, `#x`, `%2F`, spaces, Unicode) and any text.
pub fn call_id() -> impl Strategy<Value = Vec<u16>> {
    prop_oneof![
        4 => "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}".prop_map(|s| s.encode_utf16().collect()),
        1 => prop::sample::select(vec![".", "..", "a/b", "a?b=1", "#x", "%2F", "a b", "ü漢🎉", " "])
            .prop_map(|s| s.encode_utf16().collect()),
        2 => text().prop_filter("PowerShell refuses an empty mandatory string", |t| !t.is_empty()),
    ]
}

pub fn invite_case() -> impl Strategy<Value = InviteCase> {
    let set = prop::sample::select(vec![
        InviteSet::Invite,
        InviteSet::InviteExpanded,
        InviteSet::InviteViaIdentity,
        InviteSet::InviteViaIdentityExpanded,
    ]);
    (set, 0usize..4).prop_flat_map(|(set, spelling)| {
        (
            call_id(),
            list_kind(),
            vec(participant(spelling), 1..7),
            proptest::option::of(if set.expanded() {
                text().prop_map(PsValue::Str).boxed()
            } else {
                text_field().boxed()
            }),
            keys(0..3),
            vec(any_value(), 3),
            if set.expanded() {
                Just(MapKind::Hashtable).boxed()
            } else {
                map_kind().boxed()
            },
            headers::headers(),
            proptest::option::weighted(0.3, (poison(), vec(any::<usize>(), 0..5), any::<bool>())),
        )
            .prop_map(
                move |(
                    call_id,
                    list_kind,
                    people,
                    client_context,
                    extra_keys,
                    extra_values,
                    body_kind,
                    headers,
                    poisoned,
                )| {
                    let mut case = InviteCase {
                        set,
                        call_id,
                        participants: PsValue::List(list_kind, people),
                        client_context,
                        extras: unknown(extra_keys).into_iter().zip(extra_values).collect(),
                        body_kind,
                        spelling,
                        headers,
                    };
                    if let Some((bad, route, in_participants)) = poisoned {
                        if in_participants || case.extras.is_empty() {
                            // Inside a participant (never the list itself: it binds to a typed parameter).
                            let mut route = route;
                            route.insert(0, 0);
                            route.truncate(route.len().max(2));
                            case.participants = plant(case.participants, bad, &route);
                        } else {
                            let i = route.first().copied().unwrap_or(0) % case.extras.len();
                            let old = std::mem::replace(&mut case.extras[i].1, PsValue::Null);
                            case.extras[i].1 = plant(old, bad, route.get(1..).unwrap_or(&[]));
                        }
                    }
                    case
                },
            )
    })
}

impl InviteCase {
    fn body(&self) -> PsValue {
        let mut entries = vec![(
            spell("participants", self.spelling),
            self.participants.clone(),
        )];
        if let Some(c) = &self.client_context {
            entries.push((spell("clientContext", self.spelling), c.clone()));
        }
        entries.extend(self.extras.iter().cloned());
        PsValue::Map(self.body_kind, entries)
    }

    /// The cmdlet's parameters, as a script would give them.
    pub fn parameters(&self) -> Vec<(String, PsValue)> {
        let mut params = Vec::new();
        if self.set.via_identity() {
            // The identity object as scripts make it: a hashtable, an ordered one or an object.
            let kind = [MapKind::Hashtable, MapKind::Ordered, MapKind::PsCustom][self.spelling % 3];
            let identity = PsValue::Map(
                kind,
                vec![("CallId".to_string(), PsValue::Str(self.call_id.clone()))],
            );
            params.push(("InputObject".to_string(), identity));
        } else {
            params.push(("CallId".to_string(), PsValue::Str(self.call_id.clone())));
        }
        if self.set.expanded() {
            params.push(("Participants".to_string(), self.participants.clone()));
            if let Some(c) = &self.client_context {
                params.push(("ClientContext".to_string(), c.clone()));
            }
            if !self.extras.is_empty() {
                params.push((
                    "AdditionalProperties".to_string(),
                    PsValue::Map(MapKind::Hashtable, self.extras.clone()),
                ));
            }
        } else {
            params.push(("BodyParameter".to_string(), self.body()));
        }
        if let Some(h) = &self.headers {
            params.push(("Headers".to_string(), headers::as_value(h)));
        }
        params
    }

    pub fn call_id_text(&self) -> Option<String> {
        String::from_utf16(&self.call_id).ok()
    }

    /// What the oracle predicts, for an invite sent to `graph_endpoint`.
    pub fn expected(&self, graph_endpoint: &str) -> Expected {
        let mut refusals = Vec::new();
        // Every layer's refusals are listed together: which one the error names depends on the
        // order the shim and the core meet them in.
        match self.call_id_text() {
            None => refusals.push(Refusal {
                path: "CallId".into(),
                says: "surrogate",
            }),
            Some(id) if id.trim().is_empty() => refusals.push(Refusal {
                path: "CallId".into(),
                says: "empty",
            }),
            Some(id) if id.chars().any(char::is_control) => refusals.push(Refusal {
                path: "CallId".into(),
                says: "control characters",
            }),
            Some(id) if id == "." || id == ".." => refusals.push(Refusal {
                path: "CallId".into(),
                says: "segment",
            }),
            Some(id)
                if call_url_length(graph_endpoint, &id, "/participants/invite")
                    > oracle::MAX_URL_LEN =>
            {
                refusals.push(Refusal {
                    path: "CallId".into(),
                    says: "too long",
                })
            }
            Some(_) => {}
        }
        let written = if self.set.expanded() {
            let mut body = Map::new();
            let mut collect = |r: Result<Value, Vec<Refusal>>| match r {
                Ok(v) => Some(v),
                Err(mut r) => {
                    refusals.append(&mut r);
                    None
                }
            };
            if let Some(Value::Object(extra)) = collect(oracle::to_json(
                &PsValue::Map(MapKind::Hashtable, self.extras.clone()),
                "",
            )) {
                body = extra;
            }
            if let Some(p) = collect(oracle::to_json(&self.participants, "participants")) {
                body.insert("participants".into(), p);
            }
            if let Some(c) = &self.client_context {
                if let Some(c) = collect(oracle::to_json(c, "clientContext")) {
                    body.insert("clientContext".into(), c);
                }
            }
            Value::Object(body)
        } else {
            match oracle::to_json(&self.body(), "") {
                Ok(v) => v,
                Err(mut r) => {
                    refusals.append(&mut r);
                    Value::Null
                }
            }
        };
        let headers = headers::expected(self.headers.as_ref(), &mut refusals);
        // Every place that must be refused is listed: which one the error names first depends on
        // dictionary order and on which layer (the writer or the validator) meets it first.
        match oracle::expected_invite_body(&written) {
            Ok(body) if refusals.is_empty() => Expected::Sent { body, headers },
            Ok(_) => Expected::Refused(refusals),
            Err(mut r) => {
                if written.is_object() {
                    refusals.append(&mut r);
                }
                Expected::Refused(refusals)
            }
        }
    }
}

fn map_kind_name(kind: MapKind) -> &'static str {
    match kind {
        MapKind::Hashtable => "hashtable",
        MapKind::Ordered => "ordered",
        MapKind::PsCustom => "pscustom",
    }
}

impl InviteCase {
    /// The case as a regression file holds it.
    pub fn to_saved(&self) -> Value {
        let text_map =
            |pairs: &[(String, PsValue)]| PsValue::Map(MapKind::Hashtable, pairs.to_vec()).typed();
        serde_json::json!({
            "set": format!("{:?}", self.set),
            "callId": PsValue::Str(self.call_id.clone()).typed(),
            "participants": self.participants.typed(),
            "clientContext": self.client_context.as_ref().map(PsValue::typed),
            "extras": text_map(&self.extras),
            "bodyKind": map_kind_name(self.body_kind),
            "spelling": self.spelling,
            "headers": headers::to_saved(self.headers.as_ref()),
        })
    }

    pub fn from_saved(v: &Value) -> Option<Self> {
        let set = match v.get("set")?.as_str()? {
            "Invite" => InviteSet::Invite,
            "InviteExpanded" => InviteSet::InviteExpanded,
            "InviteViaIdentity" => InviteSet::InviteViaIdentity,
            _ => InviteSet::InviteViaIdentityExpanded,
        };
        let PsValue::Str(call_id) = PsValue::from_typed(v.get("callId")?)? else {
            return None;
        };
        let entries = |value: &Value| match PsValue::from_typed(value) {
            Some(PsValue::Map(_, entries)) => Some(entries),
            _ => None,
        };
        let headers = headers::from_saved(v.get("headers"))?;
        Some(InviteCase {
            set,
            call_id,
            participants: PsValue::from_typed(v.get("participants")?)?,
            client_context: match v.get("clientContext") {
                Some(Value::Null) | None => None,
                Some(c) => Some(PsValue::from_typed(c)?),
            },
            extras: entries(v.get("extras")?)?,
            body_kind: match v.get("bodyKind")?.as_str()? {
                "hashtable" => MapKind::Hashtable,
                "ordered" => MapKind::Ordered,
                _ => MapKind::PsCustom,
            },
            spelling: usize::try_from(v.get("spelling")?.as_u64()?).ok()?,
            headers,
        })
    }
}
