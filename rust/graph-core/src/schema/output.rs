//! Shapes Graph's JSON into the tree the shim turns into PowerShell objects:
//! an object with `@ps.typeNames` becomes a PSObject with those type names
//! and the model's PascalCase properties; unknown keys go into
//! `AdditionalProperties`; `@ps.json` keeps the object as Graph sent it, a JSON value the
//! shim indents only when a script calls `ToJsonString()` (not a string per level: escaping
//! every level's text into the next one cost more than the rest of the shaping).

use serde_json::{Map, Value};

use super::model::{Kind, Model, MODELS_NAMESPACE};

pub const TYPE_NAMES_KEY: &str = "@ps.typeNames";
pub const JSON_KEY: &str = "@ps.json";

pub fn shape(model: &Model, value: &Value) -> Value {
    let Value::Object(map) = value else {
        return value.clone();
    };
    let mut out = Map::new();
    out.insert(
        TYPE_NAMES_KEY.into(),
        Value::Array(vec![
            Value::String(format!("{MODELS_NAMESPACE}.{}", model.ps_type)),
            Value::String(format!("{MODELS_NAMESPACE}.I{}", model.ps_type)),
        ]),
    );
    out.insert(JSON_KEY.into(), value.clone());
    for prop in model.props.iter().filter(|p| p.declared) {
        let found = map
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(prop.json))
            .map(|(_, v)| v);
        let shaped = match found {
            Some(v) => shape_value(&prop.kind, v),
            None => Value::Null,
        };
        out.insert(prop.ps.into(), shaped);
    }
    let additional: Map<String, Value> = map
        .iter()
        .filter(|(k, _)| {
            !model
                .props
                .iter()
                .any(|p| p.declared && p.json.eq_ignore_ascii_case(k))
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    out.insert("AdditionalProperties".into(), Value::Object(additional));
    Value::Object(out)
}

fn shape_value(kind: &Kind, value: &Value) -> Value {
    match (kind, value) {
        (Kind::Object(model), Value::Object(_)) => shape(model, value),
        (Kind::List(item), Value::Array(items)) => {
            Value::Array(items.iter().map(|v| shape_value(item, v)).collect())
        }
        _ => value.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::model::INVITE_PARTICIPANTS_OPERATION;
    use serde_json::json;

    #[test]
    fn operation_gets_pascal_case_and_type_names() {
        let shaped = shape(
            &INVITE_PARTICIPANTS_OPERATION,
            &json!({
                "@odata.type": "#microsoft.graph.inviteParticipantsOperation",
                "id": "op1", "status": "Running", "clientContext": "ctx",
                "resultInfo": {"code": 200, "subcode": 5, "message": "ok"},
                "participants": [{"identity": {"user": {"id": "u1", "displayName": "Ann"}, "phone": {"id": "+1"}}}]
            }),
        );
        assert_eq!(shaped["Id"], "op1");
        assert_eq!(shaped["Status"], "Running");
        assert_eq!(shaped["ResultInfo"]["Subcode"], 5);
        assert_eq!(
            shaped[TYPE_NAMES_KEY][0],
            "Microsoft.Graph.PowerShell.Models.MicrosoftGraphInviteParticipantsOperation"
        );
        let identity = &shaped["Participants"][0]["Identity"];
        assert_eq!(identity["User"]["DisplayName"], "Ann");
        assert_eq!(identity["AdditionalProperties"]["phone"]["id"], "+1");
        assert_eq!(
            shaped["AdditionalProperties"]["@odata.type"],
            "#microsoft.graph.inviteParticipantsOperation"
        );
        assert_eq!(shaped["ResultInfo"][JSON_KEY]["subcode"], 5);
    }
}
