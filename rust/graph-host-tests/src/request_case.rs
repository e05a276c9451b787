//! Generated invocations of Invoke-MgGraphRequest: bodies of every shape,
//! relative URIs and headers, and what the oracle says each must do.

use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::{json, Value};

use crate::headers::{self, Headers};
use crate::oracle::{self, Refusal};
use crate::ps_value::PsValue;
use crate::strategies::{any_value, keys, list_kind, map_kind, plant, poison, text};

#[derive(Debug, Clone)]
pub enum RequestBody {
    None,
    /// A dictionary, object or list: sent as JSON.
    Value(PsValue),
    /// A string: sent as it is.
    Text(Vec<u16>),
}

#[derive(Debug, Clone)]
pub struct RequestCase {
    pub method: &'static str,
    /// Relative, as scripts write it: `/v1.0/...` or `v1.0/...`.
    pub uri: String,
    pub body: RequestBody,
    pub headers: Option<Headers>,
}

#[derive(Debug, Clone)]
pub enum Expected {
    /// The emulator receives this method, path, body (JSON or text) and headers.
    Sent {
        path: String,
        json: Option<Value>,
        text: Option<String>,
        headers: Vec<(String, String)>,
    },
    Refused(Vec<Refusal>),
}

fn body() -> impl Strategy<Value = RequestBody> {
    let container = prop_oneof![
        (map_kind(), keys(0..6), vec(any_value(), 6)).prop_map(
            |(kind, keys, values)| PsValue::Map(kind, keys.into_iter().zip(values).collect())
        ),
        (list_kind(), vec(any_value(), 0..5)).prop_map(|(kind, items)| PsValue::List(kind, items)),
    ];
    prop_oneof![
        1 => Just(RequestBody::None),
        6 => (container, proptest::option::weighted(0.3, (poison(), vec(any::<usize>(), 0..5))))
            .prop_map(|(value, poisoned)| RequestBody::Value(match poisoned {
                // Never the body itself: a scalar body is sent as its text, not refused.
                Some((bad, route)) => plant(value, bad, &route),
                None => value,
            })),
        2 => text().prop_map(RequestBody::Text),
    ]
}

fn uri() -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        vec("[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,11}", 1..4),
        proptest::option::of("[a-z]{1,5}=[A-Za-z0-9]{1,8}"),
    )
        .prop_map(|(slash, segments, query)| {
            let mut uri = format!(
                "{}v1.0/fuzz/{}",
                if slash { "/" } else { "" },
                segments.join("/")
            );
            if let Some(q) = query {
                uri.push('?');
                uri.push_str(&q);
            }
            uri
        })
}

pub fn request_case() -> impl Strategy<Value = RequestCase> {
    (
        prop::sample::select(vec!["GET", "POST", "PUT", "PATCH", "DELETE"]),
        uri(),
        body(),
        headers::headers(),
    )
        .prop_map(|(method, uri, body, headers)| RequestCase {
            method,
            uri,
            // A dictionary on GET is the query string: that is Microsoft's rule, tested in Pester.
            body: if method == "GET" {
                RequestBody::None
            } else {
                body
            },
            headers,
        })
}

impl RequestCase {
    pub fn parameters(&self) -> Vec<(String, PsValue)> {
        let mut params = vec![
            ("Method".to_string(), PsValue::text(self.method)),
            ("Uri".to_string(), PsValue::text(&self.uri)),
            // The emulator answers unknown paths with 404; the answer is not what is tested here.
            ("SkipHttpErrorCheck".to_string(), PsValue::Bool(true)),
        ];
        match &self.body {
            RequestBody::None => {}
            RequestBody::Value(v) => params.push(("Body".to_string(), v.clone())),
            RequestBody::Text(t) => params.push(("Body".to_string(), PsValue::Str(t.clone()))),
        }
        if let Some(h) = &self.headers {
            params.push(("Headers".to_string(), headers::as_value(h)));
        }
        params
    }

    pub fn expected(&self) -> Expected {
        let mut refusals = Vec::new();
        let (mut json, mut text) = (None, None);
        match &self.body {
            RequestBody::None => {}
            RequestBody::Value(v) => match oracle::to_json(v, "") {
                Ok(v) => json = Some(v),
                Err(mut r) => refusals.append(&mut r),
            },
            RequestBody::Text(units) => match String::from_utf16(units) {
                Ok(t) => text = Some(t),
                Err(_) => refusals.push(Refusal {
                    path: "body".into(),
                    says: "surrogate",
                }),
            },
        }
        let headers = headers::expected(self.headers.as_ref(), &mut refusals);
        if !refusals.is_empty() {
            return Expected::Refused(refusals);
        }
        Expected::Sent {
            path: format!("/{}", self.uri.trim_start_matches('/')),
            json,
            text,
            headers,
        }
    }

    pub fn to_saved(&self) -> Value {
        json!({
            "method": self.method,
            "uri": self.uri,
            "body": match &self.body {
                RequestBody::None => Value::Null,
                RequestBody::Value(v) => json!({"value": v.typed()}),
                RequestBody::Text(t) => json!({"text": PsValue::Str(t.clone()).typed()}),
            },
            "headers": headers::to_saved(self.headers.as_ref()),
        })
    }

    pub fn from_saved(v: &Value) -> Option<Self> {
        let method = ["GET", "POST", "PUT", "PATCH", "DELETE"]
            .into_iter()
            .find(|m| Some(*m) == v.get("method").and_then(Value::as_str))?;
        let body = match v.get("body") {
            Some(Value::Null) | None => RequestBody::None,
            Some(b) => match (b.get("value"), b.get("text")) {
                (Some(value), _) => RequestBody::Value(PsValue::from_typed(value)?),
                (_, Some(text)) => match PsValue::from_typed(text)? {
                    PsValue::Str(units) => RequestBody::Text(units),
                    _ => return None,
                },
                _ => return None,
            },
        };
        let headers = headers::from_saved(v.get("headers"))?;
        Some(RequestCase {
            method,
            uri: v.get("uri")?.as_str()?.to_string(),
            body,
            headers,
        })
    }
}
