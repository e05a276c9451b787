//! The invite body's own model, which its normalizer (`body.rs`) reads: case-insensitive
//! names, Microsoft's scalar conversions, type checks. It is checked against the generator's
//! descriptors (the tests below) and differs from them on purpose in one place: an identity
//! set also takes the members of `communicationsIdentitySet` (`phone`, `guest`, ...) without
//! an `@odata.type`, as Graph's invite reads them, so that they are checked and spelled as
//! Graph's, where the generic validator would pass them through as unknown keys.

/// What a property holds.
#[derive(Debug)]
pub enum Kind {
    Text,
    Flag,
    Integer,
    Object(&'static Model),
    List(&'static Kind),
}

/// A property of a model by its JSON name; `declared` is false for the members an identity
/// set takes from `communicationsIdentitySet`.
#[derive(Debug)]
pub struct Prop {
    pub json: &'static str,
    pub kind: Kind,
    pub declared: bool,
}

#[derive(Debug)]
pub struct Model {
    /// Graph's type, `microsoft.graph.identitySet`.
    pub graph_type: &'static str,
    pub props: &'static [Prop],
}

impl Model {
    /// The property whose JSON name matches `key`, ignoring case as PowerShell does.
    pub fn prop(&self, key: &str) -> Option<&'static Prop> {
        self.props.iter().find(|p| p.json.eq_ignore_ascii_case(key))
    }
}

const fn declared(json: &'static str, kind: Kind) -> Prop {
    Prop {
        json,
        kind,
        declared: true,
    }
}

const fn communications(json: &'static str, kind: Kind) -> Prop {
    Prop {
        json,
        kind,
        declared: false,
    }
}

pub static IDENTITY: Model = Model {
    graph_type: "microsoft.graph.identity",
    props: &[
        declared("displayName", Kind::Text),
        declared("id", Kind::Text),
    ],
};

/// identitySet: `user`, `application` and `device` are its own; the others are
/// `communicationsIdentitySet`'s, which Graph's invite reads without `@odata.type`.
pub static IDENTITY_SET: Model = Model {
    graph_type: "microsoft.graph.identitySet",
    props: &[
        declared("application", Kind::Object(&IDENTITY)),
        declared("device", Kind::Object(&IDENTITY)),
        declared("user", Kind::Object(&IDENTITY)),
        communications("phone", Kind::Object(&IDENTITY)),
        communications("guest", Kind::Object(&IDENTITY)),
        communications("applicationInstance", Kind::Object(&IDENTITY)),
        communications("assertedIdentity", Kind::Object(&IDENTITY)),
        communications("encrypted", Kind::Object(&IDENTITY)),
        communications("onPremises", Kind::Object(&IDENTITY)),
        communications("azureCommunicationServicesUser", Kind::Object(&IDENTITY)),
    ],
};

pub static INVITATION_PARTICIPANT_INFO: Model = Model {
    graph_type: "microsoft.graph.invitationParticipantInfo",
    props: &[
        declared("hidden", Kind::Flag),
        declared("identity", Kind::Object(&IDENTITY_SET)),
        declared("participantId", Kind::Text),
        declared("removeFromDefaultAudioRoutingGroup", Kind::Flag),
        declared("replacesCallId", Kind::Text),
    ],
};

static PARTICIPANT_LIST: Kind = Kind::Object(&INVITATION_PARTICIPANT_INFO);

/// The body of `POST /communications/calls/{id}/participants/invite`.
pub static INVITE_BODY: Model = Model {
    graph_type: "microsoft.graph.invite",
    props: &[
        declared("clientContext", Kind::Text),
        declared("participants", Kind::List(&PARTICIPANT_LIST)),
    ],
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operations::command::Command;
    use crate::schema::descriptor::{Kind as GeneratedKind, Property, StructType};

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
        ] {
            for (i, a) in model.props.iter().enumerate() {
                for b in &model.props[i + 1..] {
                    assert!(!a.json.eq_ignore_ascii_case(b.json), "{}", a.json);
                }
            }
        }
    }

    /// The generator's descriptor of the same Graph type, and of the type a property holds.
    fn generated(model: &Model) -> &'static StructType {
        let invite = Command::find("Invoke-MgInviteCommunicationCallParticipant").unwrap();
        let body = invite.body.as_ref().unwrap().ty;
        let mut found = None;
        visit(body, &mut |ty| {
            if ty.name == model.graph_type
                || (model.graph_type == "microsoft.graph.invite" && std::ptr::eq(ty, body))
            {
                found = Some(ty);
            }
        });
        found.unwrap_or_else(|| panic!("{} is not in the generated descriptors", model.graph_type))
    }

    fn visit(ty: &'static StructType, f: &mut dyn FnMut(&'static StructType)) {
        f(ty);
        for derived in ty.derived {
            f(derived);
        }
        for prop in ty.props {
            if let GeneratedKind::Struct(inner) = prop.kind {
                if !std::ptr::eq(inner, ty) {
                    visit(inner, f);
                }
            }
        }
    }

    fn same_kind(ours: &Kind, theirs: &'static Property) -> bool {
        match (ours, &theirs.kind) {
            (Kind::List(item), _) if theirs.collection => match (item, &theirs.kind) {
                (Kind::Object(m), GeneratedKind::Struct(t)) => m.graph_type == t.name,
                _ => false,
            },
            (Kind::Text, GeneratedKind::String) => !theirs.collection,
            (Kind::Flag, GeneratedKind::Boolean) => !theirs.collection,
            (Kind::Object(m), GeneratedKind::Struct(t)) => {
                !theirs.collection && m.graph_type == t.name
            }
            _ => false,
        }
    }

    /// The hand-written model says what the generator's descriptors say, property for
    /// property, with communicationsIdentitySet's members on the identity set: a change in
    /// Graph's metadata fails here instead of passing unnoticed.
    #[test]
    fn the_model_agrees_with_the_generated_descriptors() {
        let comms = communications_identity_set();
        for model in [
            &IDENTITY,
            &IDENTITY_SET,
            &INVITATION_PARTICIPANT_INFO,
            &INVITE_BODY,
        ] {
            let ty = generated(model);
            let mut theirs: Vec<&'static Property> = ty.all_props();
            if std::ptr::eq(model, &IDENTITY_SET) {
                theirs.extend(comms.props.iter());
            }
            for prop in model.props {
                let matching = theirs.iter().find(|p| p.name == prop.json);
                let Some(matching) = matching else {
                    panic!(
                        "{}.{} is not in Graph's metadata",
                        model.graph_type, prop.json
                    )
                };
                assert!(
                    same_kind(&prop.kind, matching),
                    "{}.{}: {:?} vs {:?}",
                    model.graph_type,
                    prop.json,
                    prop.kind,
                    matching.kind
                );
                let own = ty.prop(prop.json).is_some();
                assert_eq!(prop.declared, own, "{}.{}", model.graph_type, prop.json);
            }
            for theirs in theirs {
                // endpointType is an enum the invite's model passes through as sent.
                let skipped = theirs.name == "endpointType";
                assert!(
                    skipped || model.prop(theirs.name).is_some(),
                    "{}.{} is missing from the invite's model",
                    model.graph_type,
                    theirs.name
                );
            }
        }
    }

    #[allow(non_snake_case)]
    fn communications_identity_set() -> &'static StructType {
        generated(&IDENTITY_SET)
            .resolve("#microsoft.graph.communicationsIdentitySet")
            .expect("identitySet has communicationsIdentitySet among its derived types")
    }
}
