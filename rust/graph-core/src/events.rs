//! What a running call tells the shim: stream messages, error records and
//! results, in order, ending with `Done`. The shim drains them on the
//! pipeline thread, so they appear live.

use std::sync::mpsc::Sender;

use serde::Serialize;
use serde_json::Value;

use crate::error::ErrorData;

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Event {
    Verbose {
        message: String,
    },
    Debug {
        message: String,
    },
    Warning {
        message: String,
    },
    Information {
        message: String,
    },
    Error {
        error: ErrorData,
    },
    Result {
        value: Value,
        #[serde(rename = "responseHeaders", skip_serializing_if = "Option::is_none")]
        response_headers: Option<Value>,
    },
    Done {
        ok: bool,
    },
}

impl Event {
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_else(|_| br#"{"kind":"done","ok":false}"#.to_vec())
    }
}

/// The sending side, with the caller's preferences so that no debug text is
/// built when nobody will read it.
#[derive(Clone)]
pub struct Events {
    tx: Sender<Event>,
    pub verbose: bool,
    pub debug: bool,
}

impl Events {
    pub fn new(tx: Sender<Event>, verbose: bool, debug: bool) -> Self {
        Self { tx, verbose, debug }
    }

    pub fn send(&self, event: Event) {
        // The receiver is gone only when the shim freed the call; nothing is waiting then.
        let _ = self.tx.send(event);
    }

    pub fn verbose(&self, message: impl Into<String>) {
        if self.verbose {
            self.send(Event::Verbose {
                message: message.into(),
            });
        }
    }

    pub fn debug(&self, message: impl Into<String>) {
        if self.debug {
            self.send(Event::Debug {
                message: message.into(),
            });
        }
    }

    pub fn warning(&self, message: impl Into<String>) {
        self.send(Event::Warning {
            message: message.into(),
        });
    }

    /// A message for the person at the host (a device code to enter, say).
    pub fn information(&self, message: impl Into<String>) {
        self.send(Event::Information {
            message: message.into(),
        });
    }

    pub fn result(&self, value: Value, response_headers: Option<Value>) {
        self.send(Event::Result {
            value,
            response_headers,
        });
    }
}
