//! What is specific to online meetings, beyond the generic store: a new meeting's join
//! details, `createOrGet`, which finds a meeting by its `externalId` or makes it, and the
//! `getVirtualAppointmentJoinWebUrl()` function.

use serde_json::{json, Map, Value};

use crate::store::Collection;

/// `POST .../onlineMeetings`: Graph gives a new meeting its join URL.
pub(crate) fn new_meeting(meeting: &mut Map<String, Value>) -> Result<(), String> {
    let thread = uuid::Uuid::new_v4().simple().to_string();
    meeting.entry("joinWebUrl").or_insert_with(|| {
        json!(format!(
            "https://teams.microsoft.com/l/meetup-join/19%3ameeting_{thread}%40thread.v2/0"
        ))
    });
    Ok(())
}

/// `POST .../onlineMeetings/createOrGet`: the meeting with this `externalId` (200), else a new
/// one from the body (201). Graph requires `externalId`.
pub(crate) fn create_or_get(
    meetings: &mut Collection,
    body: &Map<String, Value>,
) -> Result<(u16, Value), String> {
    let Some(Value::String(external_id)) = body.get("externalId") else {
        return Err("The externalId field is required.".into());
    };
    if let Some(found) = meetings
        .values()
        .find(|m| m.get("externalId").and_then(Value::as_str) == Some(external_id))
    {
        return Ok((200, found.clone()));
    }
    let id = uuid::Uuid::new_v4().to_string();
    let mut meeting = body.clone();
    meeting.insert("id".into(), json!(id));
    meeting.insert(
        "@odata.type".into(),
        json!("#microsoft.graph.onlineMeeting"),
    );
    new_meeting(&mut meeting)?;
    let meeting = Value::Object(meeting);
    meetings.insert(id, meeting.clone());
    Ok((201, meeting))
}

/// `GET .../onlineMeetings/{id}/getVirtualAppointmentJoinWebUrl()`: the meeting's appointment
/// join URL, as Graph answers a function returning a string (`value`).
pub(crate) fn function(name: &str, meeting: &Value) -> Option<Value> {
    if name.strip_prefix("microsoft.graph.").unwrap_or(name) != "getVirtualAppointmentJoinWebUrl()"
    {
        return None;
    }
    let id = meeting
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    Some(json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Edm.String",
        "value": format!("https://visit.teams.microsoft.com/webrtc-svc/api/route?tid=contoso-tenant&convId={id}"),
    }))
}
