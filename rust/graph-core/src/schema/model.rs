//! The slice of Graph's model the invite operation uses, described once and
//! read both ways: to normalize request bodies (case-insensitive names,
//! scalar conversion, type checks) and to shape responses into the
//! PowerShell models' PascalCase objects.

/// What a property holds.
#[derive(Debug)]
pub enum Kind {
    Text,
    Flag,
    Integer,
    Object(&'static Model),
    List(&'static Kind),
}

/// A property of a model: its JSON name, its name on the PowerShell model,
/// and whether the PowerShell model declares it (undeclared ones are known
/// to Graph but land in `AdditionalProperties` on output).
#[derive(Debug)]
pub struct Prop {
    pub json: &'static str,
    pub ps: &'static str,
    pub kind: Kind,
    pub declared: bool,
}

/// A model; `ps_type` is the PowerShell model's class name, without namespace.
#[derive(Debug)]
pub struct Model {
    pub ps_type: &'static str,
    pub props: &'static [Prop],
}

impl Model {
    /// The property whose JSON name matches `key`, ignoring case as PowerShell does.
    pub fn prop(&self, key: &str) -> Option<&'static Prop> {
        self.props.iter().find(|p| p.json.eq_ignore_ascii_case(key))
    }
}

pub const MODELS_NAMESPACE: &str = "Microsoft.Graph.PowerShell.Models";

const fn declared(json: &'static str, ps: &'static str, kind: Kind) -> Prop {
    Prop {
        json,
        ps,
        kind,
        declared: true,
    }
}

const fn undeclared(json: &'static str, ps: &'static str, kind: Kind) -> Prop {
    Prop {
        json,
        ps,
        kind,
        declared: false,
    }
}

pub static IDENTITY: Model = Model {
    ps_type: "MicrosoftGraphIdentity",
    props: &[
        declared("displayName", "DisplayName", Kind::Text),
        declared("id", "Id", Kind::Text),
    ],
};

/// identitySet: `user`, `application` and `device` are declared; the others
/// are what Graph's communications API uses on top (the set is open).
pub static IDENTITY_SET: Model = Model {
    ps_type: "MicrosoftGraphIdentitySet",
    props: &[
        declared("application", "Application", Kind::Object(&IDENTITY)),
        declared("device", "Device", Kind::Object(&IDENTITY)),
        declared("user", "User", Kind::Object(&IDENTITY)),
        undeclared("phone", "Phone", Kind::Object(&IDENTITY)),
        undeclared("guest", "Guest", Kind::Object(&IDENTITY)),
        undeclared(
            "applicationInstance",
            "ApplicationInstance",
            Kind::Object(&IDENTITY),
        ),
        undeclared("encrypted", "Encrypted", Kind::Object(&IDENTITY)),
        undeclared("onPremises", "OnPremises", Kind::Object(&IDENTITY)),
        undeclared(
            "azureCommunicationServicesUser",
            "AzureCommunicationServicesUser",
            Kind::Object(&IDENTITY),
        ),
    ],
};

pub static INVITATION_PARTICIPANT_INFO: Model = Model {
    ps_type: "MicrosoftGraphInvitationParticipantInfo",
    props: &[
        declared("hidden", "Hidden", Kind::Flag),
        declared("identity", "Identity", Kind::Object(&IDENTITY_SET)),
        declared("participantId", "ParticipantId", Kind::Text),
        declared(
            "removeFromDefaultAudioRoutingGroup",
            "RemoveFromDefaultAudioRoutingGroup",
            Kind::Flag,
        ),
        declared("replacesCallId", "ReplacesCallId", Kind::Text),
    ],
};

static PARTICIPANT_LIST: Kind = Kind::Object(&INVITATION_PARTICIPANT_INFO);

/// The body of `POST /communications/calls/{id}/participants/invite`.
pub static INVITE_BODY: Model = Model {
    ps_type: "MicrosoftGraphInviteRequestBody",
    props: &[
        declared("clientContext", "ClientContext", Kind::Text),
        declared(
            "participants",
            "Participants",
            Kind::List(&PARTICIPANT_LIST),
        ),
    ],
};

pub static RESULT_INFO: Model = Model {
    ps_type: "MicrosoftGraphResultInfo",
    props: &[
        declared("code", "Code", Kind::Integer),
        declared("message", "Message", Kind::Text),
        declared("subcode", "Subcode", Kind::Integer),
    ],
};

/// The answer of the invite action.
pub static INVITE_PARTICIPANTS_OPERATION: Model = Model {
    ps_type: "MicrosoftGraphInviteParticipantsOperation",
    props: &[
        declared("clientContext", "ClientContext", Kind::Text),
        declared("id", "Id", Kind::Text),
        declared(
            "participants",
            "Participants",
            Kind::List(&PARTICIPANT_LIST),
        ),
        declared("resultInfo", "ResultInfo", Kind::Object(&RESULT_INFO)),
        declared("status", "Status", Kind::Text),
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_ignore_case() {
        assert_eq!(
            INVITE_BODY.prop("PARTICIPANTS").unwrap().json,
            "participants"
        );
        assert_eq!(IDENTITY_SET.prop("User").unwrap().json, "user");
        assert!(IDENTITY.prop("identityProvider").is_none());
    }

    #[test]
    fn every_model_has_unique_names() {
        for model in [
            &IDENTITY,
            &IDENTITY_SET,
            &INVITATION_PARTICIPANT_INFO,
            &INVITE_BODY,
            &RESULT_INFO,
            &INVITE_PARTICIPANTS_OPERATION,
        ] {
            for (i, a) in model.props.iter().enumerate() {
                for b in &model.props[i + 1..] {
                    assert!(!a.json.eq_ignore_ascii_case(b.json), "{}", a.json);
                }
                assert!(a.ps.eq_ignore_ascii_case(a.json));
            }
        }
    }
}
