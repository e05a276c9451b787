//! Graph's v1.0 schema for four generated commands' bodies — create call (`microsoft.graph.call`),
//! `call: answer`, `call: playPrompt` and `call: mute` — restated by hand from Graph's metadata
//! (`spec/graph/v1.0-metadata.xml`: the types' properties, `Nullable`, `Abstract`, `BaseType`,
//! `OptionalParameter`) and the API pages. It shares nothing with graph-core or its generated
//! descriptors (`rust/graph-core/src/generated`), so that a mistake cannot hide in both.
//! `call_body_oracle.rs` says what a body must become under it; `call_body_values.rs` generates
//! values from it.

#[derive(Debug, Clone, Copy)]
pub enum Ty {
    Text,
    Flag,
    Int32,
    Int64,
    Enum(&'static EnumType),
    Object(&'static Complex),
    /// A collection; `true` when its items may be `null` (CSDL's `Nullable` on a collection).
    List(&'static Ty, bool),
}

#[derive(Debug)]
pub struct EnumType {
    pub name: &'static str,
    pub members: &'static [&'static str],
}

#[derive(Debug)]
pub struct Complex {
    pub name: &'static str,
    pub is_abstract: bool,
    pub base: Option<&'static Complex>,
    pub props: &'static [Prop],
}

#[derive(Debug, Clone, Copy)]
pub struct Prop {
    pub name: &'static str,
    pub ty: Ty,
    pub nullable: bool,
}

const fn prop(name: &'static str, ty: Ty) -> Prop {
    Prop {
        name,
        ty,
        nullable: true,
    }
}

const fn required(name: &'static str, ty: Ty) -> Prop {
    Prop {
        name,
        ty,
        nullable: false,
    }
}

const fn complex(name: &'static str, props: &'static [Prop]) -> Complex {
    Complex {
        name,
        is_abstract: false,
        base: None,
        props,
    }
}

const fn derived(name: &'static str, base: &'static Complex, props: &'static [Prop]) -> Complex {
    Complex {
        name,
        is_abstract: false,
        base: Some(base),
        props,
    }
}

const fn abstract_type(name: &'static str, props: &'static [Prop]) -> Complex {
    Complex {
        name,
        is_abstract: true,
        base: None,
        props,
    }
}

pub static MODALITY: EnumType = EnumType {
    name: "modality",
    members: &[
        "audio",
        "video",
        "videoBasedScreenSharing",
        "data",
        "unknownFutureValue",
    ],
};
pub static CALL_DIRECTION: EnumType = EnumType {
    name: "callDirection",
    members: &["incoming", "outgoing"],
};
pub static CALL_STATE: EnumType = EnumType {
    name: "callState",
    members: &[
        "incoming",
        "establishing",
        "established",
        "hold",
        "transferring",
        "transferAccepted",
        "redirecting",
        "terminating",
        "terminated",
        "unknownFutureValue",
    ],
};
pub static ENDPOINT_TYPE: EnumType = EnumType {
    name: "endpointType",
    members: &[
        "default",
        "voicemail",
        "skypeForBusiness",
        "skypeForBusinessVoipPhone",
        "unknownFutureValue",
    ],
};
pub static TONE: EnumType = EnumType {
    name: "tone",
    members: &[
        "tone0", "tone1", "tone2", "tone3", "tone4", "tone5", "tone6", "tone7", "tone8", "tone9",
        "star", "pound", "a", "b", "c", "d", "flash",
    ],
};
pub static MEDIA_STATE: EnumType = EnumType {
    name: "mediaState",
    members: &["active", "inactive", "unknownFutureValue"],
};

pub static IDENTITY: Complex = complex(
    "identity",
    &[prop("displayName", Ty::Text), prop("id", Ty::Text)],
);
pub static IDENTITY_SET: Complex = complex(
    "identitySet",
    &[
        prop("application", Ty::Object(&IDENTITY)),
        prop("device", Ty::Object(&IDENTITY)),
        prop("user", Ty::Object(&IDENTITY)),
    ],
);
pub static MEDIA_INFO: Complex = complex(
    "mediaInfo",
    &[prop("resourceId", Ty::Text), required("uri", Ty::Text)],
);
pub static MEDIA_CONFIG: Complex = abstract_type("mediaConfig", &[]);
pub static APP_HOSTED_MEDIA_CONFIG: Complex = derived(
    "appHostedMediaConfig",
    &MEDIA_CONFIG,
    &[prop("blob", Ty::Text)],
);
pub static SERVICE_HOSTED_MEDIA_CONFIG: Complex = derived(
    "serviceHostedMediaConfig",
    &MEDIA_CONFIG,
    &[prop(
        "preFetchMedia",
        Ty::List(&Ty::Object(&MEDIA_INFO), true),
    )],
);
pub static CALL_OPTIONS: Complex = abstract_type(
    "callOptions",
    &[
        prop("hideBotAfterEscalation", Ty::Flag),
        prop("isContentSharingNotificationEnabled", Ty::Flag),
        prop("isDeltaRosterEnabled", Ty::Flag),
        prop("isInteractiveRosterEnabled", Ty::Flag),
    ],
);
pub static INCOMING_CALL_OPTIONS: Complex = derived("incomingCallOptions", &CALL_OPTIONS, &[]);
pub static OUTGOING_CALL_OPTIONS: Complex = derived("outgoingCallOptions", &CALL_OPTIONS, &[]);
pub static PROMPT: Complex = abstract_type("prompt", &[]);
pub static MEDIA_PROMPT: Complex = derived(
    "mediaPrompt",
    &PROMPT,
    &[required("mediaInfo", Ty::Object(&MEDIA_INFO))],
);
pub static PARTICIPANT_INFO: Complex = complex(
    "participantInfo",
    &[
        prop("countryCode", Ty::Text),
        prop("endpointType", Ty::Enum(&ENDPOINT_TYPE)),
        required("identity", Ty::Object(&IDENTITY_SET)),
        prop("languageId", Ty::Text),
        prop("participantId", Ty::Text),
        prop("region", Ty::Text),
    ],
);
pub static INVITATION_PARTICIPANT_INFO: Complex = complex(
    "invitationParticipantInfo",
    &[
        prop("hidden", Ty::Flag),
        required("identity", Ty::Object(&IDENTITY_SET)),
        prop("participantId", Ty::Text),
        prop("removeFromDefaultAudioRoutingGroup", Ty::Flag),
        prop("replacesCallId", Ty::Text),
    ],
);
pub static MEETING_INFO: Complex = abstract_type("meetingInfo", &[]);
pub static ORGANIZER_MEETING_INFO: Complex = derived(
    "organizerMeetingInfo",
    &MEETING_INFO,
    &[required("organizer", Ty::Object(&IDENTITY_SET))],
);
pub static JOIN_MEETING_ID_MEETING_INFO: Complex = derived(
    "joinMeetingIdMeetingInfo",
    &MEETING_INFO,
    &[
        required("joinMeetingId", Ty::Text),
        prop("passcode", Ty::Text),
    ],
);
pub static TOKEN_MEETING_INFO: Complex = derived(
    "tokenMeetingInfo",
    &MEETING_INFO,
    &[required("token", Ty::Text)],
);
pub static CHAT_INFO: Complex = complex(
    "chatInfo",
    &[
        prop("messageId", Ty::Text),
        prop("replyChainMessageId", Ty::Text),
        prop("threadId", Ty::Text),
    ],
);
pub static TONE_INFO: Complex = complex(
    "toneInfo",
    &[
        required("sequenceId", Ty::Int64),
        required("tone", Ty::Enum(&TONE)),
    ],
);
pub static CALL_MEDIA_STATE: Complex =
    complex("callMediaState", &[prop("audio", Ty::Enum(&MEDIA_STATE))]);

/// `microsoft.graph.call` (with `entity`'s `id`), the properties a client sets when it creates one.
pub static CALL: Complex = complex(
    "call",
    &[
        required("id", Ty::Text),
        required("callbackUri", Ty::Text),
        prop("callChainId", Ty::Text),
        prop("callOptions", Ty::Object(&CALL_OPTIONS)),
        prop("chatInfo", Ty::Object(&CHAT_INFO)),
        prop("direction", Ty::Enum(&CALL_DIRECTION)),
        prop("mediaConfig", Ty::Object(&MEDIA_CONFIG)),
        prop("mediaState", Ty::Object(&CALL_MEDIA_STATE)),
        prop("meetingInfo", Ty::Object(&MEETING_INFO)),
        prop("myParticipantId", Ty::Text),
        prop("requestedModalities", Ty::List(&Ty::Enum(&MODALITY), true)),
        prop("source", Ty::Object(&PARTICIPANT_INFO)),
        prop("state", Ty::Enum(&CALL_STATE)),
        prop("subject", Ty::Text),
        prop(
            "targets",
            Ty::List(&Ty::Object(&INVITATION_PARTICIPANT_INFO), true),
        ),
        prop("tenantId", Ty::Text),
        prop("toneInfo", Ty::Object(&TONE_INFO)),
    ],
);

/// Properties of `call` this model leaves out (read-only or navigation); no generated key may
/// be one of them, since the oracle could not say what becomes of it.
pub const CALL_NOT_MODELLED: &[&str] = &[
    "callRoutes",
    "incomingContext",
    "resultInfo",
    "transcription",
    "audioRoutingGroups",
    "contentSharingSessions",
    "operations",
    "participants",
];

pub static ANSWER: Complex = complex(
    "answer",
    &[
        required("callbackUri", Ty::Text),
        required("mediaConfig", Ty::Object(&MEDIA_CONFIG)),
        prop("acceptedModalities", Ty::List(&Ty::Enum(&MODALITY), true)),
        prop("participantCapacity", Ty::Int32),
        prop("callOptions", Ty::Object(&INCOMING_CALL_OPTIONS)),
    ],
);
pub static PLAY_PROMPT: Complex = complex(
    "playPrompt",
    &[
        required("prompts", Ty::List(&Ty::Object(&PROMPT), false)),
        prop("clientContext", Ty::Text),
    ],
);
pub static MUTE: Complex = complex("mute", &[prop("clientContext", Ty::Text)]);

/// Every complex type above: where `@odata.type` is looked up.
pub static ALL_TYPES: &[&Complex] = &[
    &IDENTITY,
    &IDENTITY_SET,
    &MEDIA_INFO,
    &MEDIA_CONFIG,
    &APP_HOSTED_MEDIA_CONFIG,
    &SERVICE_HOSTED_MEDIA_CONFIG,
    &CALL_OPTIONS,
    &INCOMING_CALL_OPTIONS,
    &OUTGOING_CALL_OPTIONS,
    &PROMPT,
    &MEDIA_PROMPT,
    &PARTICIPANT_INFO,
    &INVITATION_PARTICIPANT_INFO,
    &MEETING_INFO,
    &ORGANIZER_MEETING_INFO,
    &JOIN_MEETING_ID_MEETING_INFO,
    &TOKEN_MEETING_INFO,
    &CHAT_INFO,
    &TONE_INFO,
    &CALL_MEDIA_STATE,
    &CALL,
];

/// One command's body: its type, and the action parameters that must be given.
#[derive(Debug)]
pub struct Operation {
    pub command: &'static str,
    /// The bound action's path segment; `None` for create (`POST /communications/calls`).
    pub action: Option<&'static str>,
    pub body: &'static Complex,
    /// Action parameters neither nullable nor `Core.OptionalParameter`.
    pub required: &'static [&'static str],
}

pub static CREATE_OP: Operation = Operation {
    command: "New-MgCommunicationCall",
    action: None,
    body: &CALL,
    required: &[],
};
pub static ANSWER_OP: Operation = Operation {
    command: "Invoke-MgAnswerCommunicationCall",
    action: Some("answer"),
    body: &ANSWER,
    required: &["callbackUri", "mediaConfig"],
};
pub static PLAY_PROMPT_OP: Operation = Operation {
    command: "Invoke-MgPlayCommunicationCallPrompt",
    action: Some("playPrompt"),
    body: &PLAY_PROMPT,
    required: &["prompts"],
};
pub static MUTE_OP: Operation = Operation {
    command: "Invoke-MgMuteCommunicationCall",
    action: Some("mute"),
    body: &MUTE,
    required: &[],
};

impl Complex {
    pub fn odata_type(&self) -> String {
        format!("#microsoft.graph.{}", self.name)
    }

    /// Its own properties and those of its base types.
    pub fn all_props(&'static self) -> Vec<&'static Prop> {
        let mut props: Vec<&'static Prop> = self.props.iter().collect();
        let mut base = self.base;
        while let Some(b) = base {
            props.extend(b.props.iter());
            base = b.base;
        }
        props
    }

    pub fn derives_from(&self, other: &Complex) -> bool {
        std::ptr::eq(self, other) || self.base.is_some_and(|b| b.derives_from(other))
    }

    /// The concrete types an object declared as this one may be.
    pub fn concrete(&'static self) -> Vec<&'static Complex> {
        ALL_TYPES
            .iter()
            .copied()
            .filter(|t| !t.is_abstract && t.derives_from(self))
            .collect()
    }
}

/// Every property name the model knows, in lower case (generated unknown keys avoid them all).
pub fn known_names() -> std::collections::HashSet<String> {
    ALL_TYPES
        .iter()
        .flat_map(|t| t.props.iter().map(|p| p.name))
        .chain(
            [&ANSWER, &PLAY_PROMPT, &MUTE]
                .iter()
                .flat_map(|t| t.props.iter().map(|p| p.name)),
        )
        .chain(CALL_NOT_MODELLED.iter().copied())
        .chain(["@odata.type"])
        .map(str::to_ascii_lowercase)
        .collect()
}
