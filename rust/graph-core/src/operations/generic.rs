//! The one operation every generated command runs: a descriptor (`operations::command`) plus the
//! values the cmdlet bound, by parameter name. It fills the path (each id one percent-encoded
//! segment), builds the query, validates the body against the descriptor's type, sends through
//! the session with its retries, timeouts and Ctrl+C, and reads the answer as the descriptor says:
//! one object, pages of a collection, a count, a stream to a file, a function's value, or nothing.
//!
//! Results for the shim: `{"item": {...}, "type": "microsoft.graph.x"}` per object,
//! `{"count": n}`, `{"odataCount": n}`, `{"accepted": true}` for an answer with no body,
//! `{"page": n}` after each page (its response headers), `{"body": {...}}` for `validateOnly`,
//! `{"saved": path, "bytes": n}` for a stream written to its file, `{"value": ...}` for a function's.

use std::path::PathBuf;

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use serde_json::{json, Map, Value};
use url::Url;

use crate::error::{CoreError, Problem};
use crate::events::Events;
use crate::http::dispatch::{send_with_retries, Answer as Sent, Bearer, Prepared};
use crate::http::request::{check_headers, check_segment, check_url_length, escape_segment};
use crate::http::retry;
use crate::http::transport::{self, Exchange};
use crate::operations::command::{Answer, Body, Command, Operation};
use crate::operations::files;
use crate::schema::validate::validate;
use crate::session::{self, Context};
use crate::signin::Authenticator;

/// Headers the commands set themselves.
const OWNED_HEADERS: &[&str] = &["authorization", "content-type", "content-length", "host"];

/// What a query value may hold unescaped: OData's punctuation stays readable.
const QUERY_VALUE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'&')
    .add(b'+')
    .add(b'<')
    .add(b'=')
    .add(b'>')
    .add(b'`')
    .add(b'{')
    .add(b'}');

pub(super) async fn run(mut args: Value, events: &Events) -> Result<(), CoreError> {
    let name = args.get("command").and_then(Value::as_str).unwrap_or("");
    let set = args.get("set").and_then(Value::as_str).unwrap_or("");
    let command = Command::find(name)
        .ok_or_else(|| CoreError::UnknownOperation(format!("command {name}")))?;
    let operation = command.operation(set).ok_or_else(|| {
        CoreError::InvalidArgument(format!("{name} has no parameter set '{set}'."))
    })?;
    let mut values = match args.get_mut("values").map(Value::take) {
        Some(Value::Object(map)) => map,
        _ => Map::new(),
    };

    let body = match command.body {
        Some(ref body) if operation.method != "GET" && operation.method != "DELETE" => {
            Some(prepare_body(body, &mut values, events)?)
        }
        _ => None,
    };
    if args.get("validateOnly").and_then(Value::as_bool) == Some(true) {
        events.result(json!({ "body": body }), None);
        return Ok(());
    }

    let want_count = args.get("count").and_then(Value::as_bool) == Some(true);
    let path = fill_path(operation, &values)?;
    let query = build_query(operation, &values, want_count)?;
    let mut headers = check_headers(args.get("headers"), OWNED_HEADERS)?;
    if let Some(etag) = values.get("IfMatch").and_then(Value::as_str) {
        headers.push(("If-Match".into(), etag.to_string()));
    }

    let connection = session::connection()?;
    let endpoint = connection
        .auth
        .environment
        .graph_endpoint
        .trim_end_matches('/')
        .to_string();
    let url = format!("{endpoint}/v1.0{path}{query}");
    // Too long is the longest id's doing, when an id is what makes it long (as the invite says CallId).
    let longest = operation
        .path_params
        .iter()
        .max_by_key(|p| {
            values
                .get(p.param)
                .and_then(Value::as_str)
                .map_or(0, str::len)
        })
        .map_or("The request", |p| p.param);
    check_url_length(longest, &url).map_err(CoreError::InvalidArgument)?;
    let mut prepared = Prepared {
        method: operation.method.parse().map_err(|_| {
            CoreError::InvalidArgument(format!("unknown method {}", operation.method))
        })?,
        url,
        body: match &body {
            Some(b) => Some(serde_json::to_vec(b).map_err(|e| {
                CoreError::InvalidArgument(format!("the body could not be serialized: {e}"))
            })?),
            None => None,
        },
        content_type: body.as_ref().map(|_| "application/json".to_string()),
        accept: Some(
            match operation.answer {
                Answer::Count => "text/plain",
                Answer::Stream => "*/*",
                _ => "application/json",
            }
            .into(),
        ),
        user_agent: None,
        headers,
    };
    if operation.upload {
        let (bytes, by_extension) = files::read_upload(values.get("InFile")).await?;
        let given = values
            .get("ContentType")
            .and_then(Value::as_str)
            .filter(|t| !t.trim().is_empty());
        prepared.body = Some(bytes);
        prepared.content_type = Some(given.unwrap_or(by_extension).to_string());
    }
    let bearer = Bearer::Session(connection.auth.as_ref());
    let context = retry::current();
    if operation.answer == Answer::Stream {
        let target = values
            .get("OutFile")
            .and_then(Value::as_str)
            .filter(|p| !p.trim().is_empty())
            .map(PathBuf::from)
            .ok_or_else(|| {
                CoreError::InvalidArgument(
                    "OutFile is null or empty: give the file to write to.".into(),
                )
            })?;
        return download(
            &bearer,
            &context,
            &prepared,
            &target,
            &connection.context,
            events,
        )
        .await;
    }

    let limit = values.get("Top").and_then(Value::as_u64);
    let all = values.get("All").and_then(Value::as_bool) == Some(true);
    let mut emitted: u64 = 0;
    let mut page = 0u32;
    loop {
        let exchange = match send_with_retries(&bearer, &context, &prepared, false, events).await? {
            Sent::Read(exchange) => exchange,
            Sent::Unread(..) => unreachable!("a call that does not stream reads every answer"),
        };
        if !(200..300).contains(&exchange.status) {
            return Err(graph_failure(&exchange, &connection.context));
        }
        let headers = exchange.headers_json();
        match operation.answer {
            Answer::Count => {
                let text = String::from_utf8_lossy(&exchange.body);
                let count: i64 =
                    text.trim()
                        .trim_start_matches('\u{feff}')
                        .parse()
                        .map_err(|_| {
                            CoreError::InvalidResponse(format!(
                                "Graph answered {} to a count with '{}', which is not a number.",
                                exchange.status,
                                text.chars().take(40).collect::<String>()
                            ))
                        })?;
                events.result(json!({ "count": count }), Some(headers));
                return Ok(());
            }
            Answer::Value => {
                let answer = parse(&exchange)?;
                let value = answer.get("value").cloned().unwrap_or(Value::Null);
                events.result(json!({ "value": value }), Some(headers));
                return Ok(());
            }
            Answer::Stream => unreachable!("streams are downloaded above"),
            Answer::Entity | Answer::None if is_empty(&exchange) => {
                events.result(json!({ "accepted": true }), Some(headers));
                return Ok(());
            }
            Answer::Entity | Answer::None => {
                let item = parse(&exchange)?;
                events.result(
                    json!({ "item": item, "type": operation.answer_type }),
                    Some(headers),
                );
                return Ok(());
            }
            Answer::Collection => {
                let mut answer = parse(&exchange)?;
                if page == 0 && want_count {
                    if let Some(total) = answer.get("@odata.count") {
                        events.result(json!({ "odataCount": total }), None);
                    }
                }
                let items = match answer.get_mut("value").map(Value::take) {
                    Some(Value::Array(items)) => items,
                    _ => {
                        return Err(CoreError::InvalidResponse(format!(
                            "Graph answered {} with no 'value' list for a collection.",
                            exchange.status
                        )))
                    }
                };
                for item in items {
                    if limit.is_some_and(|cap| emitted >= cap) {
                        break;
                    }
                    events.result(json!({ "item": item, "type": operation.answer_type }), None);
                    emitted += 1;
                }
                page += 1;
                events.result(json!({ "page": page }), Some(headers));
                let more = all || limit.is_some_and(|cap| emitted < cap);
                let next = answer.get("@odata.nextLink").and_then(Value::as_str);
                match next {
                    Some(next) if more => {
                        prepared.url = same_host(&endpoint, next)?;
                        events.verbose(format!("Following @odata.nextLink to page {}.", page + 1));
                    }
                    _ => return Ok(()),
                }
            }
        }
    }
}

/// A stream property's bytes, written to `target` as they arrive (`files::stream_to_file`: no
/// half-written file is left when the connection breaks off).
async fn download(
    bearer: &Bearer<'_, Authenticator>,
    context: &retry::RequestContext,
    prepared: &Prepared,
    target: &std::path::Path,
    signed_in: &Context,
    events: &Events,
) -> Result<(), CoreError> {
    let (written, headers) =
        match send_with_retries(bearer, context, prepared, true, events).await? {
            Sent::Read(exchange) => {
                if !(200..300).contains(&exchange.status) {
                    return Err(graph_failure(&exchange, signed_in));
                }
                files::write_file(target, &exchange.body).await?;
                (exchange.body.len() as u64, exchange.headers_json())
            }
            Sent::Unread(head, response) => {
                let headers = transport::headers_json(&head.headers);
                (
                    files::stream_to_file(response, target, &prepared.url).await?,
                    headers,
                )
            }
        };
    events.verbose(format!("Saved {written} bytes to '{}'.", target.display()));
    events.result(
        json!({ "saved": target.display().to_string(), "bytes": written }),
        Some(headers),
    );
    Ok(())
}

/// Graph's error answer as an error record's data; a 403 also says which sign-in Graph refused.
fn graph_failure(exchange: &Exchange, signed_in: &Context) -> CoreError {
    let mut error = transport::graph_error(exchange);
    if exchange.status == 403 {
        error.message = refused_sign_in(&error.message, signed_in);
    }
    CoreError::Graph(Box::new(error))
}

/// A 403 says which sign-in Graph refused, and with what it was made: a user's sign-in and its
/// scopes, or an app's and its application permissions.
fn refused_sign_in(message: &str, context: &Context) -> String {
    let granted = if context.scopes.is_empty() {
        "none".to_string()
    } else {
        context.scopes.join(", ")
    };
    let kind = if context.auth_type == "Delegated" {
        format!("a user's sign-in (delegated; scopes: {granted})")
    } else {
        format!("an app-only sign-in (application permissions: {granted})")
    };
    format!("{message} Graph refused this request under {kind}: the sign-in needs a permission this request requires, consented for the app.")
}

fn is_empty(exchange: &Exchange) -> bool {
    exchange.body.iter().all(u8::is_ascii_whitespace)
}

fn parse(exchange: &Exchange) -> Result<Value, CoreError> {
    serde_json::from_slice(&exchange.body).map_err(|e| {
        CoreError::InvalidResponse(format!(
            "Graph answered {} but its body is not valid JSON ({e}).",
            exchange.status
        ))
    })
}

/// The body the cmdlet gave (-BodyParameter, or the expanded parameters over
/// -AdditionalProperties), validated against the command's type unless the shim says it already
/// was (after -WhatIf/-Confirm asked about exactly that body).
fn prepare_body(
    body: &Body,
    values: &mut Map<String, Value>,
    events: &Events,
) -> Result<Value, CoreError> {
    let validated = values.remove("@validated").and_then(|v| v.as_bool()) == Some(true);
    let given = values
        .remove("BodyParameter")
        .or_else(|| values.remove("Body"));
    let input = match given {
        Some(Value::Null) => {
            return Err(CoreError::InvalidRequestBody(vec![Problem {
                path: String::new(),
                message: "BodyParameter is null: give the body as a hashtable".into(),
            }]))
        }
        Some(value) => value,
        None => {
            let mut map = match values.remove("AdditionalProperties") {
                None | Some(Value::Null) => Map::new(),
                Some(Value::Object(map)) => map,
                Some(other) => {
                    return Err(CoreError::InvalidRequestBody(vec![Problem {
                        path: "AdditionalProperties".into(),
                        message: format!(
                            "expected a hashtable, got {}",
                            crate::schema::body::describe(&other)
                        ),
                    }]))
                }
            };
            for (param, property) in body.params {
                if let Some(value) = values.remove(*param) {
                    map.retain(|k, _| !k.eq_ignore_ascii_case(property));
                    map.insert((*property).to_string(), value);
                }
            }
            Value::Object(map)
        }
    };
    if validated {
        return Ok(input);
    }
    let checked = validate(body.ty, &input).map_err(CoreError::InvalidRequestBody)?;
    for warning in checked.warnings {
        events.warning(warning);
    }
    Ok(checked.body)
}

/// The path with each id as one percent-encoded segment; an id missing or empty is refused by name.
fn fill_path(operation: &Operation, values: &Map<String, Value>) -> Result<String, CoreError> {
    let mut path = operation.path.to_string();
    for param in operation.path_params {
        let id = match values.get(param.param) {
            Some(Value::String(s)) if !s.trim().is_empty() => s.as_str(),
            _ => {
                return Err(CoreError::InvalidArgument(format!(
                    "{} is null or empty: give the key of the object ({{{}}} in {}).",
                    param.param, param.key, operation.path
                )))
            }
        };
        if id.chars().any(char::is_control) {
            return Err(CoreError::InvalidArgument(format!(
                "{} contains control characters.",
                param.param
            )));
        }
        check_segment(param.param, id)?;
        path = path.replace(&format!("{{{}}}", param.key), &escape_segment(id));
    }
    Ok(path)
}

/// `?$select=...&$top=...` from the query parameters the cmdlet bound.
fn build_query(
    operation: &Operation,
    values: &Map<String, Value>,
    count: bool,
) -> Result<String, CoreError> {
    let list = |name: &str| -> Option<String> {
        match values.get(name)? {
            Value::Array(items) => Some(
                items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::trim))
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            Value::String(s) => Some(s.clone()),
            _ => None,
        }
        .filter(|s| !s.is_empty())
    };
    let number = |name: &str| values.get(name).and_then(Value::as_i64);
    for name in ["Top", "Skip", "PageSize"] {
        if number(name).is_some_and(|n| n < 0) {
            return Err(CoreError::InvalidArgument(format!(
                "{name} is negative: give 0 or more."
            )));
        }
    }
    let mut pairs: Vec<(&str, String)> = Vec::new();
    if let Some(select) = list("Property") {
        pairs.push(("$select", select));
    }
    if let Some(expand) = list("ExpandProperty") {
        pairs.push(("$expand", expand));
    }
    if let Some(filter) = values.get("Filter").and_then(Value::as_str) {
        pairs.push(("$filter", filter.to_string()));
    }
    if let Some(search) = values.get("Search").and_then(Value::as_str) {
        pairs.push(("$search", search.to_string()));
    }
    if let Some(sort) = list("Sort") {
        pairs.push(("$orderby", sort));
    }
    if operation.answer == Answer::Collection {
        // -PageSize asks for pages of that size; -Top alone asks for that many at once.
        let top = match (number("PageSize"), number("Top")) {
            (Some(size), Some(top)) => Some(size.min(top)),
            (size, top) => size.or(top),
        };
        if let Some(top) = top {
            pairs.push(("$top", top.to_string()));
        }
        if let Some(skip) = number("Skip") {
            pairs.push(("$skip", skip.to_string()));
        }
        if count {
            pairs.push(("$count", "true".into()));
        }
    }
    if pairs.is_empty() {
        return Ok(String::new());
    }
    let encoded: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", utf8_percent_encode(v, QUERY_VALUE)))
        .collect();
    Ok(format!("?{}", encoded.join("&")))
}

/// A nextLink is followed only on the connected Graph host: the token never goes elsewhere.
fn same_host(endpoint: &str, next: &str) -> Result<String, CoreError> {
    let origin = |u: &str| Url::parse(u).ok().map(|u| u.origin());
    match (origin(endpoint), origin(next)) {
        (Some(a), Some(b)) if a == b => Ok(next.to_string()),
        _ => Err(CoreError::Refused {
            error_id: "NextLinkOffHost",
            message: format!(
                "Graph's @odata.nextLink points to another host ({}); it was not followed, so the token stays with {endpoint}. The items before it were returned.",
                next.chars().take(200).collect::<String>()
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn paths_take_each_id_as_one_segment() {
        let op = Command::find("Get-MgCommunicationCallParticipant")
            .unwrap()
            .operation("Get")
            .unwrap();
        let path = fill_path(
            op,
            &values(json!({"CallId": "a/b c", "ParticipantId": "p?1"})),
        )
        .unwrap();
        assert_eq!(path, "/communications/calls/a%2Fb%20c/participants/p%3F1");
        let missing = fill_path(op, &values(json!({"CallId": "a"}))).unwrap_err();
        assert!(missing
            .to_string()
            .starts_with("ParticipantId is null or empty"));
        assert!(fill_path(op, &values(json!({"CallId": "..", "ParticipantId": "p"}))).is_err());
    }

    #[test]
    fn queries_follow_the_parameters() {
        let op = Command::find("Get-MgCommunicationCallParticipant")
            .unwrap()
            .operation("List")
            .unwrap();
        let query = build_query(
            op,
            &values(json!({"Property": ["id", "info"], "Filter": "id eq 'a b'", "Sort": ["id desc"], "Top": 5, "PageSize": 2, "Skip": 1})),
            true,
        )
        .unwrap();
        assert_eq!(
            query,
            "?$select=id,info&$filter=id%20eq%20'a%20b'&$orderby=id%20desc&$top=2&$skip=1&$count=true"
        );
        assert!(build_query(op, &values(json!({"Top": -1})), false).is_err());
    }

    #[test]
    fn next_links_stay_on_the_host() {
        assert!(same_host(
            "https://graph.microsoft.com",
            "https://graph.microsoft.com/v1.0/x?$skiptoken=1"
        )
        .is_ok());
        assert!(same_host("https://graph.microsoft.com", "https://evil.example/v1.0/x").is_err());
        assert!(same_host("http://127.0.0.1:5000", "http://127.0.0.1:5001/v1.0/x").is_err());
    }
}
