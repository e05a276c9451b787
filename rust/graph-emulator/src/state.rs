//! What the handlers share: the configured token, the base URL, and the
//! emulator's mutable state behind one lock; and the bearer-token check.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Mutex, MutexGuard};

use axum::http::HeaderMap;

use crate::faults::{PathScript, ScriptedAnswer};
use crate::identity;
use crate::recording::RecordedRequest;
use crate::store::Store;

#[derive(Default)]
pub(crate) struct Shared {
    pub(crate) requests: Vec<RecordedRequest>,
    pub(crate) scripts: HashMap<String, VecDeque<ScriptedAnswer>>,
    pub(crate) path_scripts: Vec<PathScript>,
    pub(crate) missing_calls: HashSet<String>,
    /// Every entity under `/communications/calls`.
    pub(crate) store: Store,
    /// The most items a page of a collection holds (`@odata.nextLink` leads on).
    pub(crate) page_size: usize,
    pub(crate) identity: identity::Identity,
    /// The stream properties of the store's items.
    pub(crate) streams: crate::streams::Streams,
}

pub(crate) struct AppState {
    pub(crate) token: String,
    pub(crate) base_url: String,
    pub(crate) shared: Mutex<Shared>,
}

impl AppState {
    pub(crate) fn lock(&self) -> MutexGuard<'_, Shared> {
        // A poisoned lock only means a handler panicked; the data is still usable.
        self.shared.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The Authorization header's scheme, and what the emulator thinks of its
    /// bearer token (`None` when there is no bearer token).
    pub(crate) fn bearer_verdict(
        &self,
        headers: &HeaderMap,
    ) -> (Option<String>, Option<identity::TokenVerdict>) {
        let header = headers.get("authorization").and_then(|v| v.to_str().ok());
        let Some(header) = header else {
            return (None, None);
        };
        match header.split_once(' ') {
            Some(("Bearer", token)) if token == self.token => {
                (Some("Bearer".into()), Some(identity::TokenVerdict::Valid))
            }
            Some(("Bearer", token)) => (
                Some("Bearer".into()),
                Some(self.lock().identity.verdict(token)),
            ),
            Some((scheme, _)) => (
                Some(scheme.to_string()),
                Some(identity::TokenVerdict::Unknown),
            ),
            None => (
                Some(header.to_string()),
                Some(identity::TokenVerdict::Unknown),
            ),
        }
    }
}
