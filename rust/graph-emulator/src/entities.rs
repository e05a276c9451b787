//! The HTTP side of the store: one handler for every path under
//! `/{v1.0|beta}/communications/` (calls, presences), driven by the table in `graph_shapes`.
//! `POST` creates in a collection, `GET` reads an item or lists a page,
//! `PATCH` merges, `DELETE` removes, `/$count` counts, and bound actions answer
//! as Graph documents them (the invite has its own handler, `crate::invite`).

// The errors here are the answers themselves, handed straight back to axum; boxing them
// would gain nothing.
#![allow(clippy::result_large_err)]

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use crate::admission::{admit, with_ids, Incoming};
use crate::calls;
use crate::expand;
use crate::graph_errors::insert_header;
use crate::graph_shapes::{
    encode_segment, resolve, segments, ActionAnswer, ActionShape, Address, Tail, OPERATIONS,
};
use crate::meetings;
use crate::presence;
use crate::query::{self, QueryOptions};
use crate::state::AppState;
use crate::streams;

/// Every method on every path under `/{version}/communications/`.
pub(crate) async fn serve(
    State(state): State<Arc<AppState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let all = users_presence_as_communications(segments(uri.path()));
    if method == Method::POST
        && all.len() == 3
        && all[1] == "communications"
        && presence::is_by_user_id(&all[2])
    {
        let incoming = match admit(&state, &method, &uri, &headers, &body, None).await {
            Ok(incoming) => incoming,
            Err(answer) => return answer,
        };
        let answer = presence::by_user_id(&state, &all[0], &body, &incoming);
        return with_ids(answer, incoming.crid());
    }
    let Some(address) = all
        .get(1..)
        .and_then(|rest| resolve(rest, method == Method::POST))
    else {
        return crate::extras::other(State(state), method, uri, headers, body).await;
    };
    let call_id = calls::call_id_of(&address);
    let incoming = match admit(&state, &method, &uri, &headers, &body, call_id).await {
        Ok(incoming) => incoming,
        Err(answer) => return answer,
    };
    presence::ensure(&state, &address);
    let version = all[0].as_str();
    let request = Request {
        state: &state,
        address: &address,
        version,
        uri: &uri,
        headers: &headers,
        body: &body,
        incoming: &incoming,
    };
    let answer = if version != "v1.0" && version != "beta" {
        Err(request.bad_request(&format!("Invalid version: {version}")))
    } else {
        request.dispatch(&method)
    };
    match answer {
        Ok(response) => with_ids(response, incoming.crid()),
        // Graph-shaped errors carry their own request ids.
        Err(response) => response,
    }
}

/// `/{v}/users/{id}/presence[/...]` is the user's `/{v}/communications/presences/{id}[/...]`, as in Graph.
fn users_presence_as_communications(mut all: Vec<String>) -> Vec<String> {
    if all.len() >= 4 && all[1] == "users" && all[3] == "presence" {
        let id = all[2].clone();
        all.splice(
            1..4,
            ["communications".to_string(), "presences".to_string(), id],
        );
    }
    all
}

struct Request<'a> {
    state: &'a AppState,
    address: &'a Address,
    version: &'a str,
    uri: &'a Uri,
    headers: &'a HeaderMap,
    body: &'a Bytes,
    incoming: &'a Incoming,
}

type Answer = Result<Response, Response>;

/// The entity with `@odata.context` first, as Graph answers a read.
fn with_context(entity: Value, context: String) -> Value {
    let mut out = Map::new();
    out.insert("@odata.context".into(), Value::String(context));
    if let Value::Object(map) = entity {
        out.extend(map);
    }
    Value::Object(out)
}

impl Request<'_> {
    fn dispatch(&self, method: &Method) -> Answer {
        let on_item = self.address.last().id.is_some();
        match (&self.address.tail, on_item, method.as_str()) {
            (Tail::Nothing, false, "GET") => self.list(),
            (Tail::Nothing, false, "POST") => self.create(),
            (Tail::Nothing, true, "GET") => self.read(),
            (Tail::Nothing, true, "PATCH") => self.update(),
            (Tail::Nothing, true, "DELETE") => self.delete(),
            (Tail::Count, _, "GET") => self.count(),
            (Tail::Action(name), true, "GET" | "PUT")
                if self.address.last().shape.streams.contains(&name.as_str()) =>
            {
                self.stream(name, method.as_str() == "PUT")
            }
            (Tail::Action(name), true, "GET") if name.ends_with("()") => self.function(name),
            (Tail::Action(name), _, "POST") => self.action(name, on_item),
            (Tail::Nothing | Tail::Count, _, _) => Err(self.incoming.error(
                StatusCode::METHOD_NOT_ALLOWED,
                "MethodNotAllowed",
                &format!("The method {method} is not allowed on this resource."),
            )),
            (Tail::Action(segment) | Tail::Unknown(segment), _, _) => Err(self.incoming.error(
                StatusCode::NOT_FOUND,
                "UnknownError",
                &format!("Resource not found for the segment '{segment}'."),
            )),
        }
    }

    fn bad_request(&self, message: &str) -> Response {
        self.incoming
            .error(StatusCode::BAD_REQUEST, "BadRequest", message)
    }

    /// The 404 for the item of step `i`.
    fn missing(&self, i: usize) -> Response {
        calls::not_found(self.address.steps[i].shape.name, self.incoming.crid())
    }

    fn url(&self, path: &str) -> String {
        format!("{}/{}/{path}", self.state.base_url, self.version)
    }

    fn context(&self, entity: bool) -> String {
        format!(
            "{}/{}/$metadata#{}{}",
            self.state.base_url,
            self.version,
            self.address.context_path(),
            if entity { "/$entity" } else { "" }
        )
    }

    fn options(&self) -> Result<QueryOptions, Response> {
        QueryOptions::parse(self.uri.query()).map_err(|m| self.bad_request(&m))
    }

    /// A JSON object body sent as `application/json`, as creating and updating need.
    fn json_object(&self) -> Result<Map<String, Value>, Response> {
        let content_type = self
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        if !content_type.starts_with("application/json") {
            return Err(self.bad_request("The request's content type must be application/json."));
        }
        match serde_json::from_slice(self.body) {
            Ok(Value::Object(map)) => Ok(map),
            _ => Err(self.bad_request("The request body must be a JSON object.")),
        }
    }

    fn list(&self) -> Answer {
        let options = self.options()?;
        expand::check(self.address.last().shape, &options.expand)
            .map_err(|m| self.bad_request(&m))?;
        let page = {
            let mut shared = self.state.lock();
            let page_size = shared.page_size;
            let collection = shared
                .store
                .collection_mut(&self.address.steps)
                .map_err(|i| self.missing(i))?;
            let mut page = query::page(collection.values(), &options, page_size);
            let shape = self.address.last().shape;
            for item in &mut page.items {
                expand::apply(collection, shape, item, &options.expand)
                    .map_err(|m| self.bad_request(&m))?;
            }
            page
        };
        let mut body = Map::new();
        body.insert("@odata.context".into(), json!(self.context(false)));
        if options.count {
            body.insert("@odata.count".into(), json!(page.total));
        }
        if let Some(token) = page.next {
            let link = query::next_link(
                &self.state.base_url,
                self.uri.path(),
                self.uri.query(),
                token,
            );
            body.insert("@odata.nextLink".into(), json!(link));
        }
        body.insert("value".into(), Value::Array(page.items));
        Ok(Json(Value::Object(body)).into_response())
    }

    fn count(&self) -> Answer {
        let options = self.options()?;
        let mut shared = self.state.lock();
        let collection = shared
            .store
            .collection_mut(&self.address.steps)
            .map_err(|i| self.missing(i))?;
        let n = query::count(collection.values(), &options);
        Ok((
            StatusCode::OK,
            [("content-type", "text/plain; charset=utf-8")],
            n.to_string(),
        )
            .into_response())
    }

    fn create(&self) -> Answer {
        let body = self.json_object()?;
        let shape = self.address.last().shape;
        let id = match body.get("id") {
            Some(Value::String(id)) if !id.is_empty() => id.clone(),
            _ => uuid::Uuid::new_v4().to_string(),
        };
        let mut entity = Map::new();
        let odata_type = body
            .get("@odata.type")
            .cloned()
            .unwrap_or_else(|| json!(format!("#microsoft.graph.{}", shape.entity)));
        entity.insert("@odata.type".into(), odata_type);
        entity.insert("id".into(), json!(id));
        entity.extend(
            body.into_iter()
                .filter(|(k, _)| k != "id" && k != "@odata.type"),
        );
        {
            let mut shared = self.state.lock();
            let collection = shared
                .store
                .collection_mut(&self.address.steps)
                .map_err(|i| self.missing(i))?;
            if let Some(check) = shape.on_create {
                check(&mut entity).map_err(|m| self.bad_request(&m))?;
            }
            if collection.contains(&id) {
                return Err(self.incoming.error(
                    StatusCode::CONFLICT,
                    "Conflict",
                    &format!("An item with id '{id}' already exists."),
                ));
            }
            collection.insert(id.clone(), Value::Object(entity.clone()));
        }
        let location = self.url(&format!(
            "{}/{}",
            self.address.url_path(self.address.steps.len()),
            encode_segment(&id)
        ));
        let body = with_context(Value::Object(entity), self.context(true));
        let mut response = (StatusCode::CREATED, Json(body)).into_response();
        insert_header(response.headers_mut(), "location", &location);
        Ok(response)
    }

    fn read(&self) -> Answer {
        let options = self.options()?;
        expand::check(self.address.last().shape, &options.expand)
            .map_err(|m| self.bad_request(&m))?;
        let entity = {
            let mut shared = self.state.lock();
            let mut entity = shared
                .store
                .item_mut(&self.address.steps)
                .map(|item| query::select(item, options.select.as_deref()))
                .map_err(|i| self.missing(i))?;
            let collection = shared
                .store
                .collection_mut(&self.address.steps)
                .map_err(|i| self.missing(i))?;
            expand::apply(
                collection,
                self.address.last().shape,
                &mut entity,
                &options.expand,
            )
            .map_err(|m| self.bad_request(&m))?;
            entity
        };
        Ok(Json(with_context(entity, self.context(true))).into_response())
    }

    /// Merges the body's top-level properties (a `null` sets `null`); the id stays.
    fn update(&self) -> Answer {
        let body = self.json_object()?;
        let entity = {
            let mut shared = self.state.lock();
            let item = shared
                .store
                .item_mut(&self.address.steps)
                .map_err(|i| self.missing(i))?;
            if let Value::Object(map) = item {
                map.extend(body.into_iter().filter(|(k, _)| k != "id"));
            }
            item.clone()
        };
        Ok(Json(with_context(entity, self.context(true))).into_response())
    }

    /// Removes the item and everything under it (a call's participants, operations...).
    fn delete(&self) -> Answer {
        let last = self.address.steps.len() - 1;
        let id = self.address.last().id.as_deref().unwrap_or_default();
        let mut shared = self.state.lock();
        shared
            .store
            .collection_mut(&self.address.steps)
            .map_err(|i| self.missing(i))?
            .remove(id)
            .ok_or_else(|| self.missing(last))?;
        Ok(StatusCode::NO_CONTENT.into_response())
    }

    /// A bound action: its target must exist; the table says how Graph answers it.
    /// A function bound to an item (`.../getVirtualAppointmentJoinWebUrl()`).
    fn function(&self, name: &str) -> Answer {
        let answer = {
            let mut shared = self.state.lock();
            let item = shared
                .store
                .item_mut(&self.address.steps)
                .map_err(|i| self.missing(i))?;
            meetings::function(name, item)
        };
        match answer {
            Some(value) => Ok(Json(value).into_response()),
            None => Err(self.incoming.error(
                StatusCode::NOT_FOUND,
                "UnknownError",
                &format!("Resource not found for the segment '{name}'."),
            )),
        }
    }

    /// A stream property of an item: its bytes, or (`PUT`) new ones.
    fn stream(&self, property: &str, put: bool) -> Answer {
        self.state
            .lock()
            .store
            .item_mut(&self.address.steps)
            .map_err(|i| self.missing(i))?;
        let key = format!(
            "{}/{property}",
            self.address.url_path(self.address.steps.len())
        );
        let key = streams::key_of(&segments(&key));
        Ok(if put {
            streams::write(self.state, key, self.body)
        } else {
            streams::read(self.state, &key, property)
        })
    }

    fn action(&self, name: &str, on_item: bool) -> Answer {
        let steps = &self.address.steps;
        let shape = self.address.last().shape;
        if let Some(ActionShape {
            answer: ActionAnswer::Handler(handler),
            ..
        }) = shape.collection_actions.iter().find(|a| a.name == name)
        {
            let body = self.json_object()?;
            let mut shared = self.state.lock();
            let collection = shared
                .store
                .collection_mut(steps)
                .map_err(|i| self.missing(i))?;
            let (code, entity) = handler(collection, &body).map_err(|m| self.bad_request(&m))?;
            drop(shared);
            let code = StatusCode::from_u16(code).unwrap_or(StatusCode::OK);
            return Ok((code, Json(with_context(entity, self.context(true)))).into_response());
        }
        let mut shared = self.state.lock();
        let target = if on_item {
            Some(shared.store.item_mut(steps).map_err(|i| self.missing(i))?)
        } else {
            shared
                .store
                .collection_mut(steps)
                .map_err(|i| self.missing(i))?;
            None
        };
        let actions = if on_item {
            shape.item_actions
        } else {
            shape.collection_actions
        };
        let Some(action) = actions.iter().find(|a| a.name == name) else {
            return Err(self.bad_request(&format!("Unsupported action '{name}'.")));
        };
        // Graph's types are open: any JSON object is accepted; no body is an empty one.
        let body: Map<String, Value> = if self.body.is_empty() {
            Map::new()
        } else {
            match serde_json::from_slice(self.body) {
                Ok(Value::Object(map)) => map,
                _ => return Err(self.bad_request("The request body must be a JSON object.")),
            }
        };
        if let Some(Value::Object(item)) = target {
            for (key, value) in action.sets {
                item.insert(key.to_string(), value.to_value());
            }
            for key in action.merges {
                if let Some(value) = body.get(*key) {
                    item.insert(key.to_string(), value.clone());
                }
            }
        }
        let (code, entity, status) = match action.answer {
            ActionAnswer::Empty(code) => {
                let code = StatusCode::from_u16(code).unwrap_or(StatusCode::OK);
                return Ok(code.into_response());
            }
            // Collection handlers answered above; an item action has none.
            ActionAnswer::Handler(_) => return Ok(StatusCode::OK.into_response()),
            ActionAnswer::Operation {
                code,
                entity,
                status,
            } => (code, entity, status),
        };
        let operation_id = uuid::Uuid::new_v4().to_string();
        let operation = json!({
            "@odata.type": format!("#microsoft.graph.{entity}"),
            "id": operation_id,
            "status": status,
            "clientContext": body.get("clientContext").cloned().unwrap_or(Value::Null),
            "resultInfo": null,
        });
        // The operation joins the `operations` of the nearest item that has them: the call.
        let owner = steps.iter().rposition(|s| {
            s.id.is_some() && s.shape.children.iter().any(|c| c.name == OPERATIONS.name)
        });
        let mut location = None;
        if let Some(j) = owner {
            let owner_id = steps[j].id.as_deref().unwrap_or_default();
            if let Ok(collection) = shared.store.collection_mut(&steps[..=j]) {
                collection
                    .child_mut(owner_id, OPERATIONS.name)
                    .insert(operation_id.clone(), operation.clone());
                location = Some(self.url(&format!(
                    "{}/{}/{}",
                    self.address.url_path(j + 1),
                    OPERATIONS.name,
                    encode_segment(&operation_id)
                )));
            }
        }
        drop(shared);
        let code = StatusCode::from_u16(code).unwrap_or(StatusCode::OK);
        let mut response = (code, Json(operation)).into_response();
        if let Some(location) = location {
            insert_header(response.headers_mut(), "location", &location);
        }
        Ok(response)
    }
}
