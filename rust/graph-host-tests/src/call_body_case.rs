//! Generated invocations of four generated call commands — `New-MgCommunicationCall`,
//! `Invoke-MgAnswerCommunicationCall`, `Invoke-MgPlayCommunicationCallPrompt`,
//! `Invoke-MgMuteCommunicationCall` — in each of their parameter sets (the body as
//! `-BodyParameter` or as expanded parameters, the call id as `-CallId` or `-InputObject`),
//! and what the oracle (`call_body_oracle.rs`) says each must do.

use proptest::prelude::*;
use serde_json::{json, Map, Value};

use crate::call_body_oracle::{expected_body, Warning};
use crate::call_body_schema::{Operation, Prop, Ty, ANSWER_OP, CREATE_OP, MUTE_OP, PLAY_PROMPT_OP};
use crate::call_body_values::{bind, bound_value, extras, typed_value, Binding};
use crate::invite_case::call_id;
use crate::oracle::{self, Refusal};
use crate::ps_value::{MapKind, PsValue};
use crate::strategies::{call_url_length, map_kind, plant, poison, spell};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Create,
    Answer,
    PlayPrompt,
    Mute,
}

const COMMANDS: [Command; 4] = [
    Command::Create,
    Command::Answer,
    Command::PlayPrompt,
    Command::Mute,
];

impl Command {
    pub fn op(self) -> &'static Operation {
        match self {
            Command::Create => &CREATE_OP,
            Command::Answer => &ANSWER_OP,
            Command::PlayPrompt => &PLAY_PROMPT_OP,
            Command::Mute => &MUTE_OP,
        }
    }
}

/// The `[hashtable]` expanded parameters (the others of object type take any dictionary or object).
const HASHTABLE_PARAMETERS: &[(Command, &str)] = &[
    (Command::Create, "mediaConfig"),
    (Command::Create, "meetingInfo"),
    (Command::Answer, "mediaConfig"),
    (Command::Answer, "callOptions"),
];

/// Action parameters declared `Unicode="false"` (see the oracle's note).
const ASCII_TEXT: &[(Command, &str)] = &[
    (Command::Answer, "callbackUri"),
    (Command::PlayPrompt, "clientContext"),
    (Command::Mute, "clientContext"),
];

fn binding(command: Command, p: &Prop) -> Binding {
    match p.ty {
        Ty::Text | Ty::Enum(_) => Binding::Text,
        Ty::List(&Ty::Enum(_), _) => Binding::TextList,
        Ty::Int32 => Binding::Int,
        _ if HASHTABLE_PARAMETERS.contains(&(command, p.name)) => Binding::Hashtable,
        _ => Binding::Model,
    }
}

fn prop_of(command: Command, name: &str) -> &'static Prop {
    command
        .op()
        .body
        .props
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("{name} is not a property of {}", command.op().body.name))
}

/// `callbackUri` → `CallbackUri`.
fn parameter_name(name: &str) -> String {
    spell(name, 1)
}

/// One generated invocation.
#[derive(Debug, Clone)]
pub struct CallBodyCase {
    pub command: Command,
    /// The body as expanded parameters (and `-AdditionalProperties`), else as `-BodyParameter`.
    pub expanded: bool,
    /// The call id in `-InputObject`, else in `-CallId` (not for create, which has none).
    pub via_identity: bool,
    pub call_id: Vec<u16>,
    pub identity_kind: MapKind,
    pub body_kind: MapKind,
    /// The spelling of Graph's names in the body: camelCase, PascalCase, lower, UPPER.
    pub spelling: usize,
    /// The body's properties by Graph's name, with the values given.
    pub fields: Vec<(String, PsValue)>,
    /// Keys Graph's schema does not name: sent as they are.
    pub extras: Vec<(String, PsValue)>,
    pub pass_thru: bool,
}

/// What must happen.
#[derive(Debug, Clone)]
pub enum Expected {
    /// Exactly one request with this body reaches the emulator; these warnings are written.
    Sent {
        body: Value,
        warnings: Vec<Warning>,
        /// Graph (and the emulator) refuse a new call without a callback URI: one error, after sending.
        service_refuses: bool,
        /// How many objects the command writes.
        outputs: usize,
    },
    /// Errors name one of these places; nothing is sent.
    Refused(Vec<Refusal>),
}

fn fields(
    command: Command,
    expanded: bool,
    spelling: usize,
) -> BoxedStrategy<Vec<(String, PsValue)>> {
    let op = command.op();
    let each: Vec<BoxedStrategy<Option<(String, PsValue)>>> = op
        .body
        .props
        .iter()
        .map(|p| {
            let ascii = ASCII_TEXT.contains(&(command, p.name));
            let value = if expanded {
                bound_value(binding(command, p), p.ty, spelling, ascii)
            } else {
                typed_value(p.ty, spelling, ascii)
            };
            let given = if op.required.contains(&p.name) || p.name == "callbackUri" {
                0.93
            } else if command == Command::Create {
                0.25
            } else {
                0.6
            };
            let name = p.name.to_string();
            proptest::option::weighted(given, value)
                .prop_map(move |v| v.map(|v| (name.clone(), v)))
                .boxed()
        })
        .collect();
    each.prop_map(|f| f.into_iter().flatten().collect()).boxed()
}

pub fn call_body_case() -> impl Strategy<Value = CallBodyCase> {
    (
        prop::sample::select(COMMANDS.to_vec()),
        any::<bool>(),
        0usize..4,
    )
        .prop_flat_map(|(command, expanded, spelling)| {
            (
                fields(command, expanded, spelling),
                extras(0..3),
                // Mostly ids Graph gives; the invite's generator (one in four) for the awkward ones.
                prop_oneof![
                    3 => "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}".prop_map(|s| s.encode_utf16().collect()),
                    1 => call_id(),
                ],
                any::<bool>(),
                map_kind(),
                if expanded {
                    Just(MapKind::Hashtable).boxed()
                } else {
                    map_kind().boxed()
                },
                any::<bool>(),
                proptest::option::weighted(0.12, (poison(), proptest::collection::vec(any::<usize>(), 1..5))),
            )
                .prop_map(
                    move |(fields, extras, call_id, via_identity, identity_kind, body_kind, pass_thru, poisoned)| {
                        let action = command.op().action.is_some();
                        // A lone surrogate in -InputObject's id is sent as U+FFFD today (reported;
                        // the ignored test `an_input_object_id_with_a_lone_surrogate_is_refused`).
                        let via_identity = action
                            && via_identity
                            && String::from_utf16(&call_id).is_ok();
                        let mut case = CallBodyCase {
                            command,
                            expanded,
                            via_identity,
                            call_id: if action { call_id } else { Vec::new() },
                            identity_kind,
                            body_kind,
                            spelling,
                            fields,
                            extras,
                            pass_thru: pass_thru && command == Command::Answer,
                        };
                        if let Some((bad, route)) = poisoned {
                            case.plant(bad, &route);
                        }
                        case
                    },
                )
        })
}

impl CallBodyCase {
    /// Puts a value no request may carry somewhere in the body: anywhere in `-BodyParameter`;
    /// inside an expanded parameter only where PowerShell passes it on untouched.
    fn plant(&mut self, bad: PsValue, route: &[usize]) {
        let (command, expanded) = (self.command, self.expanded);
        let mut slots: Vec<&mut PsValue> = self
            .fields
            .iter_mut()
            .filter(|(name, v)| {
                !expanded
                    || (matches!(
                        binding(command, prop_of(command, name)),
                        Binding::Hashtable | Binding::Model
                    ) && match v {
                        PsValue::Map(..) => true,
                        PsValue::List(_, items) => !items.is_empty(),
                        _ => false,
                    })
            })
            .map(|(_, v)| v)
            .chain(self.extras.iter_mut().map(|(_, v)| v))
            .collect();
        if slots.is_empty() {
            return;
        }
        let pick = route[0] % slots.len();
        let slot = &mut slots[pick];
        let mut rest = route[1..].to_vec();
        if expanded && matches!(slot, PsValue::List(..)) {
            // Inside an item of a model list, never an item itself (that binds to a model type).
            rest.resize(rest.len().max(2), 0);
        }
        let old = std::mem::replace(&mut **slot, PsValue::Null);
        **slot = plant(old, bad, &rest);
    }

    fn body(&self) -> PsValue {
        let mut entries: Vec<(String, PsValue)> = self
            .fields
            .iter()
            .map(|(name, v)| (spell(name, self.spelling), v.clone()))
            .collect();
        entries.extend(self.extras.iter().cloned());
        PsValue::Map(self.body_kind, entries)
    }

    pub fn command_name(&self) -> &'static str {
        self.command.op().command
    }

    /// The cmdlet's parameters, as a script would give them.
    pub fn parameters(&self) -> Vec<(String, PsValue)> {
        let mut params = Vec::new();
        if self.command.op().action.is_some() {
            let id = PsValue::Str(self.call_id.clone());
            if self.via_identity {
                params.push((
                    "InputObject".to_string(),
                    PsValue::Map(self.identity_kind, vec![("CallId".to_string(), id)]),
                ));
            } else {
                params.push(("CallId".to_string(), id));
            }
        }
        if self.expanded {
            for (name, v) in &self.fields {
                params.push((parameter_name(name), v.clone()));
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
        if self.pass_thru {
            params.push(("PassThru".to_string(), PsValue::Bool(true)));
        }
        params
    }

    pub fn call_id_text(&self) -> Option<String> {
        String::from_utf16(&self.call_id).ok()
    }

    /// What the oracle predicts, for a request sent to `graph_endpoint`.
    pub fn expected(&self, graph_endpoint: &str) -> Expected {
        let op = self.command.op();
        let mut refusals = Vec::new();
        if let Some(action) = op.action {
            if let Some(r) = call_id_refusal(graph_endpoint, &self.call_id, action) {
                refusals.push(r);
            }
        }
        let written = if self.expanded {
            let mut body = Map::new();
            match oracle::to_json(&PsValue::Map(MapKind::Hashtable, self.extras.clone()), "") {
                Ok(Value::Object(extra)) => body = extra,
                Ok(_) => {}
                Err(mut r) => refusals.append(&mut r),
            }
            for (name, v) in &self.fields {
                let p = prop_of(self.command, name);
                match bind(binding(self.command, p), p.ty, v) {
                    Ok(bound) => match oracle::to_json(&bound, name) {
                        Ok(json) => {
                            body.insert(name.clone(), json);
                        }
                        Err(mut r) => refusals.append(&mut r),
                    },
                    Err(says) => refusals.push(Refusal {
                        path: parameter_name(name),
                        says,
                    }),
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
        // Every place that must be refused is listed: which one an error names first depends on
        // the order the binder, the writer and the validator meet them in.
        match expected_body(op, &written) {
            Ok(e) if refusals.is_empty() => {
                let service_refuses = self.command == Command::Create
                    && !matches!(e.body.get("callbackUri"), Some(Value::String(u)) if !u.is_empty());
                let outputs = match self.command {
                    _ if service_refuses => 0,
                    Command::Answer => usize::from(self.pass_thru),
                    _ => 1,
                };
                Expected::Sent {
                    body: e.body,
                    warnings: e.warnings,
                    service_refuses,
                    outputs,
                }
            }
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

/// Why a call id cannot be sent, if it cannot: the same rules as the invite's.
fn call_id_refusal(graph_endpoint: &str, id: &[u16], action: &str) -> Option<Refusal> {
    let refusal = |path: &str, says| {
        Some(Refusal {
            path: path.into(),
            says,
        })
    };
    match String::from_utf16(id) {
        Err(_) => refusal("CallId", "surrogate"),
        Ok(id) if id.trim().is_empty() => refusal("CallId", "empty"),
        Ok(id) if id.chars().any(char::is_control) => refusal("CallId", "control characters"),
        Ok(id) if id == "." || id == ".." => refusal("CallId", "segment"),
        // The generated commands' message does not name CallId yet (reported; the ignored test
        // `an_over_long_call_id_is_named`), so any place is taken here.
        Ok(id)
            if call_url_length(graph_endpoint, &id, &format!("/{action}"))
                > oracle::MAX_URL_LEN =>
        {
            refusal("", "too long")
        }
        Ok(_) => None,
    }
}

fn map_kind_name(kind: MapKind) -> &'static str {
    match kind {
        MapKind::Hashtable => "hashtable",
        MapKind::Ordered => "ordered",
        MapKind::PsCustom => "pscustom",
    }
}

fn map_kind_of(name: &str) -> Option<MapKind> {
    match name {
        "hashtable" => Some(MapKind::Hashtable),
        "ordered" => Some(MapKind::Ordered),
        "pscustom" => Some(MapKind::PsCustom),
        _ => None,
    }
}

impl CallBodyCase {
    /// The case as a regression file holds it.
    pub fn to_saved(&self) -> Value {
        let pairs = |p: &[(String, PsValue)]| PsValue::Map(MapKind::Ordered, p.to_vec()).typed();
        json!({
            "command": self.command_name(),
            "expanded": self.expanded,
            "viaIdentity": self.via_identity,
            "callId": PsValue::Str(self.call_id.clone()).typed(),
            "identityKind": map_kind_name(self.identity_kind),
            "bodyKind": map_kind_name(self.body_kind),
            "spelling": self.spelling,
            "fields": pairs(&self.fields),
            "extras": pairs(&self.extras),
            "passThru": self.pass_thru,
        })
    }

    pub fn from_saved(v: &Value) -> Option<Self> {
        let command = COMMANDS
            .into_iter()
            .find(|c| Some(c.op().command) == v.get("command").and_then(Value::as_str))?;
        let PsValue::Str(call_id) = PsValue::from_typed(v.get("callId")?)? else {
            return None;
        };
        let pairs = |value: &Value| match PsValue::from_typed(value) {
            Some(PsValue::Map(_, entries)) => Some(entries),
            _ => None,
        };
        Some(CallBodyCase {
            command,
            expanded: v.get("expanded")?.as_bool()?,
            via_identity: v.get("viaIdentity")?.as_bool()?,
            call_id,
            identity_kind: map_kind_of(v.get("identityKind")?.as_str()?)?,
            body_kind: map_kind_of(v.get("bodyKind")?.as_str()?)?,
            spelling: usize::try_from(v.get("spelling")?.as_u64()?).ok()?,
            fields: pairs(v.get("fields")?)?,
            extras: pairs(v.get("extras")?)?,
            pass_thru: v.get("passThru")?.as_bool()?,
        })
    }
}
