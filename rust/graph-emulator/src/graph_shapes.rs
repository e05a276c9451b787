//! Graph's shapes for the paths the store serves, written here from Graph's
//! documentation (and its v1.0 metadata's bound actions), not from `graph-core`'s
//! descriptors: the collections under `/communications/calls`,
//! `/communications/presences`, `/communications/onlineMeetings`, `/communications/callRecords`
//! and `/users/{id}`, the entity type
//! each holds, the actions bound to an item or a collection and how Graph answers
//! each. And the resolution of a request path against that table.

use serde_json::{Map, Value};

/// Checks and completes a new item's properties; the error is a 400's message.
pub(crate) type OnCreate = fn(&mut Map<String, Value>) -> Result<(), String>;

/// An action bound to a collection that reads or changes it: the status and the entity answered,
/// or a 400's message.
pub(crate) type CollectionAction =
    fn(&mut crate::store::Collection, &Map<String, Value>) -> Result<(u16, Value), String>;

/// A collection of entities, what is under each of its items, and its actions.
pub(crate) struct CollectionShape {
    /// The path segment, e.g. `participants`.
    pub name: &'static str,
    /// The entity type, e.g. `participant` (`#microsoft.graph.participant`).
    pub entity: &'static str,
    /// The collections under each item.
    pub children: &'static [&'static CollectionShape],
    /// Actions bound to one item (`.../{id}/mute`).
    pub item_actions: &'static [ActionShape],
    /// Actions bound to the collection (`.../calls/logTeleconferenceDeviceQuality`).
    pub collection_actions: &'static [ActionShape],
    /// Checks and defaults of a new item (`POST <collection>`).
    pub on_create: Option<OnCreate>,
    /// The item's stream properties (`GET`/`PUT .../{id}/content`), served by `crate::streams`.
    pub streams: &'static [&'static str],
}

/// A bound action: how Graph answers it, and what it changes on its target.
pub(crate) struct ActionShape {
    pub name: &'static str,
    pub answer: ActionAnswer,
    /// Properties of the target item the action sets.
    pub sets: &'static [(&'static str, Literal)],
    /// Properties of the request body the action copies onto its target item.
    pub merges: &'static [&'static str],
}

pub(crate) enum ActionAnswer {
    /// This status, no body.
    Empty(u16),
    /// What a function of the collection and the body answers: a status and an entity.
    Handler(CollectionAction),
    /// This status and a new operation of this type and status, also added to the call's
    /// `operations` (with a `Location` header naming it).
    Operation {
        code: u16,
        entity: &'static str,
        status: &'static str,
    },
}

#[derive(Clone, Copy)]
pub(crate) enum Literal {
    Text(&'static str),
    Flag(bool),
}

impl Literal {
    pub(crate) fn to_value(self) -> Value {
        match self {
            Literal::Text(t) => Value::String(t.to_string()),
            Literal::Flag(b) => Value::Bool(b),
        }
    }
}

/// Where a top-level collection lives: `/{version}/<prefix...>/<collection>`.
pub(crate) struct RootShape {
    pub prefix: &'static [&'static str],
    pub collection: &'static CollectionShape,
}

const fn empty(name: &'static str, code: u16) -> ActionShape {
    ActionShape {
        name,
        answer: ActionAnswer::Empty(code),
        sets: &[],
        merges: &[],
    }
}

const fn operation(
    name: &'static str,
    code: u16,
    entity: &'static str,
    status: &'static str,
) -> ActionShape {
    ActionShape {
        name,
        answer: ActionAnswer::Operation {
            code,
            entity,
            status,
        },
        sets: &[],
        merges: &[],
    }
}

const fn setting(mut action: ActionShape, sets: &'static [(&'static str, Literal)]) -> ActionShape {
    action.sets = sets;
    action
}

const fn merging(mut action: ActionShape, keys: &'static [&'static str]) -> ActionShape {
    action.merges = keys;
    action
}

pub(crate) static PARTICIPANTS: CollectionShape = CollectionShape {
    name: "participants",
    entity: "participant",
    children: &[],
    item_actions: &[
        setting(
            operation("mute", 200, "muteParticipantOperation", "completed"),
            &[("isMuted", Literal::Flag(true))],
        ),
        operation("startHoldMusic", 202, "startHoldMusicOperation", "running"),
        operation("stopHoldMusic", 202, "stopHoldMusicOperation", "running"),
    ],
    // `invite` is bound here too; its own handler (crate::invite) serves it before the store.
    collection_actions: &[],
    on_create: None,
    streams: &[],
};

pub(crate) static OPERATIONS: CollectionShape = CollectionShape {
    name: "operations",
    entity: "commsOperation",
    children: &[],
    item_actions: &[],
    collection_actions: &[],
    on_create: None,
    streams: &[],
};

pub(crate) static AUDIO_ROUTING_GROUPS: CollectionShape = CollectionShape {
    name: "audioRoutingGroups",
    entity: "audioRoutingGroup",
    children: &[],
    item_actions: &[],
    collection_actions: &[],
    on_create: None,
    streams: &[],
};

pub(crate) static CONTENT_SHARING_SESSIONS: CollectionShape = CollectionShape {
    name: "contentSharingSessions",
    entity: "contentSharingSession",
    children: &[],
    item_actions: &[],
    collection_actions: &[],
    on_create: None,
    streams: &[],
};

pub(crate) static CALLS: CollectionShape = CollectionShape {
    name: "calls",
    entity: "call",
    children: &[
        &PARTICIPANTS,
        &OPERATIONS,
        &AUDIO_ROUTING_GROUPS,
        &CONTENT_SHARING_SESSIONS,
    ],
    item_actions: &[
        setting(
            empty("answer", 202),
            &[("state", Literal::Text("established"))],
        ),
        setting(
            empty("reject", 202),
            &[("state", Literal::Text("terminated"))],
        ),
        setting(
            empty("redirect", 202),
            &[("state", Literal::Text("terminated"))],
        ),
        setting(
            empty("transfer", 202),
            &[("state", Literal::Text("terminated"))],
        ),
        empty("keepAlive", 200),
        empty("changeScreenSharingRole", 202),
        operation("mute", 200, "muteParticipantOperation", "completed"),
        operation("unmute", 200, "unmuteParticipantOperation", "completed"),
        operation("playPrompt", 200, "playPromptOperation", "running"),
        operation("recordResponse", 200, "recordOperation", "running"),
        operation(
            "subscribeToTone",
            200,
            "subscribeToToneOperation",
            "completed",
        ),
        operation(
            "cancelMediaProcessing",
            200,
            "cancelMediaProcessingOperation",
            "completed",
        ),
        operation(
            "updateRecordingStatus",
            200,
            "updateRecordingStatusOperation",
            "completed",
        ),
        operation("sendDtmfTones", 200, "sendDtmfTonesOperation", "running"),
        operation(
            "addLargeGalleryView",
            202,
            "addLargeGalleryViewOperation",
            "running",
        ),
    ],
    collection_actions: &[empty("logTeleconferenceDeviceQuality", 204)],
    on_create: Some(crate::calls::new_call),
    streams: &[],
};

/// A user's presence (`/communications/presences/{user-id}`): Graph answers its actions
/// `200 OK` with no body; setting a presence or a status message shows in the next read.
pub(crate) static PRESENCES: CollectionShape = CollectionShape {
    name: "presences",
    entity: "presence",
    children: &[],
    item_actions: &[
        merging(empty("setPresence", 200), &["availability", "activity"]),
        setting(
            empty("clearPresence", 200),
            &[
                ("availability", Literal::Text("Offline")),
                ("activity", Literal::Text("Offline")),
            ],
        ),
        merging(empty("setStatusMessage", 200), &["statusMessage"]),
        empty("setUserPreferredPresence", 200),
        empty("clearUserPreferredPresence", 200),
        merging(
            empty("setAutomaticLocation", 200),
            &["workLocationType", "placeId"],
        ),
        merging(
            empty("setManualLocation", 200),
            &["workLocationType", "placeId"],
        ),
        empty("clearAutomaticLocation", 200),
        empty("clearLocation", 200),
    ],
    collection_actions: &[],
    on_create: None,
    streams: &[],
};

pub(crate) static ATTENDANCE_RECORDS: CollectionShape = CollectionShape {
    name: "attendanceRecords",
    entity: "attendanceRecord",
    children: &[],
    item_actions: &[],
    collection_actions: &[],
    on_create: None,
    streams: &[],
};

pub(crate) static ATTENDANCE_REPORTS: CollectionShape = CollectionShape {
    name: "attendanceReports",
    entity: "meetingAttendanceReport",
    children: &[&ATTENDANCE_RECORDS],
    item_actions: &[],
    collection_actions: &[],
    on_create: None,
    streams: &[],
};

pub(crate) static TRANSCRIPTS: CollectionShape = CollectionShape {
    name: "transcripts",
    entity: "callTranscript",
    children: &[],
    item_actions: &[],
    collection_actions: &[],
    on_create: None,
    streams: &["content", "metadataContent"],
};

pub(crate) static RECORDINGS: CollectionShape = CollectionShape {
    name: "recordings",
    entity: "callRecording",
    children: &[],
    item_actions: &[],
    collection_actions: &[],
    on_create: None,
    streams: &["content"],
};

/// Online meetings, under `communications` and under each user: a new meeting gets its join
/// URL; `createOrGet` returns the meeting with the body's `externalId` (200) or makes it (201).
pub(crate) static ONLINE_MEETINGS: CollectionShape = CollectionShape {
    name: "onlineMeetings",
    entity: "onlineMeeting",
    children: &[&ATTENDANCE_REPORTS, &TRANSCRIPTS, &RECORDINGS],
    // Graph accepts the SMS for sending later.
    item_actions: &[
        empty("sendVirtualAppointmentSms", 202),
        empty("sendVirtualAppointmentReminderSms", 202),
    ],
    collection_actions: &[ActionShape {
        name: "createOrGet",
        answer: ActionAnswer::Handler(crate::meetings::create_or_get),
        sets: &[],
        merges: &[],
    }],
    on_create: Some(crate::meetings::new_meeting),
    streams: &["attendeeReport"],
};

pub(crate) static SEGMENTS: CollectionShape = CollectionShape {
    name: "segments",
    entity: "callRecords.segment",
    children: &[],
    item_actions: &[],
    collection_actions: &[],
    on_create: None,
    streams: &[],
};

pub(crate) static CALL_RECORD_PARTICIPANTS: CollectionShape = CollectionShape {
    name: "participants_v2",
    entity: "callRecords.participant",
    children: &[],
    item_actions: &[],
    collection_actions: &[],
    on_create: None,
    streams: &[],
};

pub(crate) static SESSIONS: CollectionShape = CollectionShape {
    name: "sessions",
    entity: "callRecords.session",
    children: &[&SEGMENTS],
    item_actions: &[],
    collection_actions: &[],
    on_create: None,
    streams: &[],
};

/// Call records (`/communications/callRecords`), their sessions and each session's segments
/// (`$expand=sessions($expand=segments)` nests them).
pub(crate) static CALL_RECORDS: CollectionShape = CollectionShape {
    name: "callRecords",
    entity: "callRecords.callRecord",
    children: &[&SESSIONS, &CALL_RECORD_PARTICIPANTS],
    item_actions: &[],
    collection_actions: &[],
    on_create: None,
    streams: &[],
};

/// Users, so far as paths under one go (`/users/{id}/onlineMeetings`): every user exists, as
/// in a tenant (`/users/{id}/presence` is the user's `communications/presences/{id}`).
pub(crate) static USERS: CollectionShape = CollectionShape {
    name: "users",
    entity: "user",
    children: &[&ONLINE_MEETINGS],
    item_actions: &[],
    collection_actions: &[],
    on_create: None,
    streams: &[],
};

/// The top-level collections the store serves.
pub(crate) static ROOTS: &[RootShape] = &[
    RootShape {
        prefix: &["communications"],
        collection: &CALLS,
    },
    RootShape {
        prefix: &["communications"],
        collection: &PRESENCES,
    },
    RootShape {
        prefix: &["communications"],
        collection: &ONLINE_MEETINGS,
    },
    RootShape {
        prefix: &["communications"],
        collection: &CALL_RECORDS,
    },
    RootShape {
        prefix: &[],
        collection: &USERS,
    },
];

/// One collection on a request's path, and the item it names there, if any.
pub(crate) struct Step {
    pub shape: &'static CollectionShape,
    pub id: Option<String>,
}

/// What follows the last collection or item on the path.
#[derive(Debug, PartialEq)]
pub(crate) enum Tail {
    Nothing,
    /// `/$count`
    Count,
    /// A bound action, its name without the `microsoft.graph.` prefix.
    Action(String),
    /// A segment the table does not know where it stands.
    Unknown(String),
}

/// A request's path resolved against the table: never empty.
pub(crate) struct Address {
    pub root: &'static RootShape,
    pub steps: Vec<Step>,
    pub tail: Tail,
}

impl Address {
    pub(crate) fn last(&self) -> &Step {
        self.steps.last().expect("an address has at least one step")
    }

    /// The path of the first `n` steps with their ids (percent-encoded), e.g.
    /// `communications/calls/c%2F1/participants`.
    pub(crate) fn url_path(&self, n: usize) -> String {
        let mut parts: Vec<String> = self.root.prefix.iter().map(|p| p.to_string()).collect();
        for step in self.steps.iter().take(n) {
            parts.push(step.shape.name.to_string());
            if let Some(id) = &step.id {
                parts.push(encode_segment(id));
            }
        }
        parts.join("/")
    }

    /// `communications/calls('c1')/participants`, as `@odata.context` names a collection.
    pub(crate) fn context_path(&self) -> String {
        let mut out: String = self.root.prefix.iter().map(|p| format!("{p}/")).collect();
        let last = self.steps.len() - 1;
        for (i, step) in self.steps.iter().enumerate() {
            out.push_str(step.shape.name);
            match &step.id {
                Some(id) if i < last => {
                    out.push_str(&format!("('{}')/", id.replace('\'', "''")));
                }
                _ => {}
            }
        }
        out
    }
}

fn bare(segment: &str) -> &str {
    segment.strip_prefix("microsoft.graph.").unwrap_or(segment)
}

/// Resolves the segments after the version; `None` when no root collection matches.
/// On a collection, `POST` to a last segment that is not `$count` names an action.
pub(crate) fn resolve(segments: &[String], post: bool) -> Option<Address> {
    let root = ROOTS.iter().find(|r| {
        segments.len() > r.prefix.len()
            && r.prefix.iter().zip(segments).all(|(p, s)| p == s)
            && segments[r.prefix.len()] == r.collection.name
    })?;
    let mut steps = vec![Step {
        shape: root.collection,
        id: None,
    }];
    let rest = &segments[root.prefix.len() + 1..];
    let mut tail = Tail::Nothing;
    for (i, segment) in rest.iter().enumerate() {
        let last = i + 1 == rest.len();
        let step = steps.last_mut().expect("never empty");
        if step.id.is_none() {
            let known_action = step
                .shape
                .collection_actions
                .iter()
                .any(|a| a.name == bare(segment));
            tail = if segment == "$count" && last {
                Tail::Count
            } else if last && (known_action || post) {
                Tail::Action(bare(segment).to_string())
            } else if known_action || segment == "$count" {
                Tail::Unknown(segment.clone())
            } else {
                step.id = Some(segment.clone());
                continue;
            };
            break;
        }
        if let Some(child) = step.shape.children.iter().find(|c| c.name == segment) {
            steps.push(Step {
                shape: child,
                id: None,
            });
            continue;
        }
        tail = if last {
            Tail::Action(bare(segment).to_string())
        } else {
            Tail::Unknown(segment.clone())
        };
        break;
    }
    Some(Address { root, steps, tail })
}

/// Percent-decodes one path segment (invalid escapes are kept as they are).
pub(crate) fn decode_segment(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encodes an id for a URL path: everything but RFC 3986's unreserved characters.
pub(crate) fn encode_segment(id: &str) -> String {
    id.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A request path's decoded segments, without empty ones.
pub(crate) fn segments(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(decode_segment)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(path: &str) -> Vec<String> {
        segments(path)
    }

    #[test]
    fn paths_resolve_against_the_table() {
        let a = resolve(&parts("/communications/calls"), false).unwrap();
        assert_eq!(a.steps.len(), 1);
        assert_eq!(a.tail, Tail::Nothing);
        let a = resolve(&parts("/communications/calls/c1/participants/p1"), false).unwrap();
        assert_eq!(a.steps.len(), 2);
        assert_eq!(a.last().id.as_deref(), Some("p1"));
        let a = resolve(
            &parts("/communications/calls/c1/microsoft.graph.answer"),
            true,
        )
        .unwrap();
        assert_eq!(a.tail, Tail::Action("answer".into()));
        let a = resolve(&parts("/communications/calls/$count"), false).unwrap();
        assert_eq!(a.tail, Tail::Count);
        let a = resolve(
            &parts("/communications/calls/logTeleconferenceDeviceQuality"),
            true,
        )
        .unwrap();
        assert_eq!(
            a.tail,
            Tail::Action("logTeleconferenceDeviceQuality".into())
        );
        let a = resolve(&parts("/communications/calls/c1/nothing/x"), false).unwrap();
        assert_eq!(a.tail, Tail::Unknown("nothing".into()));
        assert!(resolve(&parts("/communications/adhocCalls"), false).is_none());
        let a = resolve(
            &parts("/users/u1/onlineMeetings/m1/attendanceReports/r1/attendanceRecords"),
            false,
        )
        .unwrap();
        assert_eq!(a.steps.len(), 4);
        assert_eq!(a.steps[0].id.as_deref(), Some("u1"));
        assert_eq!(a.last().shape.entity, "attendanceRecord");
        let a = resolve(&parts("/communications/onlineMeetings/createOrGet"), true).unwrap();
        assert_eq!(a.tail, Tail::Action("createOrGet".into()));
    }

    #[test]
    fn urls_encode_ids_and_contexts_name_parents() {
        let a = resolve(&parts("/communications/calls/a%2Fb/participants"), false).unwrap();
        assert_eq!(a.steps[0].id.as_deref(), Some("a/b"));
        assert_eq!(a.url_path(2), "communications/calls/a%2Fb/participants");
        assert_eq!(a.url_path(1), "communications/calls/a%2Fb");
        assert_eq!(a.context_path(), "communications/calls('a/b')/participants");
        assert_eq!(decode_segment("%zz%41"), "%zzA");
    }
}
